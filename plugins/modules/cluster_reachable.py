#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cluster_reachable
extends_documentation_fragment: [kubernetes.core.k8s_auth_options, ansible.builtin.action_common_attributes,
  vmstation.monitoring.attributes]
short_description: Whether the API server of a kubeconfig and context answers, and if not why
description:
  - Connects with kubernetes.core's client and reads the server's version.
  - >-
    Never fails for a cluster it cannot use (unreachable, credentials rejected, kubeconfig missing); it returns
    RV(reachable) false and the reason instead, so that the next task explains it once. ansible-core prints a
    failed task's error twice, and a task that rescues it a third time.
version_added: 0.1.0
author: vmstation.monitoring developers (!UNKNOWN)
"""

EXAMPLES = r"""
- name: See whether the cluster answers
  vmstation.monitoring.cluster_reachable:
    kubeconfig: ~/.kube/config
    context: prod-eu1
  register: __reachable
"""

RETURN = r"""
reachable:
  description: Whether the API server answered.
  type: bool
  returned: always
reason:
  description: >-
    Why not, as the client or the server says it (an HTTP refusal starts with C(HTTP <status>)); empty when it
    answered.
  type: str
  returned: always
  sample: "HTTPSConnection(host='127.0.0.1', port=6443): Failed to establish a new connection: [Errno 111] Connection refused"
"""

import copy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import connection_problem


def main():
    module = AnsibleK8SModule(module_class=AnsibleModule, argument_spec=copy.deepcopy(AUTH_ARG_SPEC),
                              supports_check_mode=True)
    problem = connection_problem(module)
    module.exit_json(changed=False, reachable=problem is None, reason=problem or "")


if __name__ == "__main__":
    main()
