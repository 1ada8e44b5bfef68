#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_secrets
short_description: Create the Secrets a stack needs from vaulted variables or generated values
description:
  - Makes the Secrets described by O(secrets) on the cluster, so that credentials never land in the
    build tree or in git. Each key takes its value from a variable (O(variables)) or is generated.
  - A key taken from a variable is updated whenever the variable's value differs from the cluster's.
    A generated key is created once, when it is missing, and never overwritten.
  - Values never appear in the result, in diffs or in logs; the result lists key names only.
  - Every Secret gets the stack's ownership labels; those with generated keys carry the annotation
    C(secrets.vmstation.io/generated-keys), which keeps them when the stack prunes or is uninstalled
    without purge.
version_added: 0.1.0
author: vmstation.monitoring developers
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
options:
  secrets:
    description:
      - The Secret descriptions, see docs/apply.md. Each has C(name), C(namespace), C(keys) (a list of
        C(key) with C(variable) and/or C(generate) and C(length)), and optionally C(labels), C(type)
        and C(component).
    type: list
    elements: dict
    required: true
  variables:
    description: Variable name to value, for every variable the descriptions name.
    type: dict
    default: {}
  instance:
    description: Value of the C(app.kubernetes.io/instance) ownership label.
    type: str
    required: true
  field_manager:
    description: Field manager of the server-side applies.
    type: str
    default: vmstation-monitoring
  version:
    description: Value of the C(app.kubernetes.io/version) label when a description gives none.
    type: str
    default: ""
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
requirements:
  - kubernetes >= 24.2.0
"""

EXAMPLES = r"""
- name: Create the Secrets the stack needs
  vmstation.monitoring.stack_secrets:
    secrets: "{{ __grafana_secrets }}"
    variables:
      grafana_admin_password: "{{ grafana_admin_password }}"
    instance: vmstation-monitoring
  no_log: true
"""

RETURN = r"""
secrets:
  description: Each Secret with its action (C(created), C(updated), C(unchanged)), key names and the keys generated now.
  type: list
  elements: dict
  returned: always
retain:
  description: The Secrets as object references, for apply_stack's O(vmstation.monitoring.apply_stack#module:retain).
  type: list
  elements: dict
  returned: always
"""

import copy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC
from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_cluster import connect, run_or_fail
from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_secrets import ensure_secrets, generate_value


def argument_spec():
    spec = copy.deepcopy(AUTH_ARG_SPEC)
    spec.update(
        secrets={"type": "list", "elements": "dict", "required": True},
        variables={"type": "dict", "default": {}, "no_log": True},
        instance={"type": "str", "required": True},
        field_manager={"type": "str", "default": "vmstation-monitoring"},
        version={"type": "str", "default": ""},
    )
    return spec


def main():
    module = AnsibleK8SModule(module_class=AnsibleModule, argument_spec=argument_spec(), supports_check_mode=True)

    def generate(length):
        value = generate_value(length)
        module._module.no_log_values.add(value)
        return value

    params = module.params
    result = run_or_fail(module, lambda: ensure_secrets(
        connect(module), params["secrets"], params["variables"], params["instance"], params["field_manager"],
        params["version"], check_mode=module.check_mode, generate=generate), known=(ValueError,))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
