#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_secrets
extends_documentation_fragment: [kubernetes.core.k8s_auth_options, vmstation.monitoring.stack_options,
  vmstation.monitoring.stack_options.field_manager, ansible.builtin.action_common_attributes,
  vmstation.monitoring.attributes]
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
author: vmstation.monitoring developers (!UNKNOWN)
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
  version:
    description: Value of the C(app.kubernetes.io/version) label when a description gives none.
    type: str
    default: ""
  keep_unset:
    description:
      - >-
        A key whose variable is unset or empty keeps the value the cluster's Secret holds, instead of
        failing. For rollbacks: a release records no values, and the play that puts it back does not
        load the component roles' defaults. A key the cluster does not hold still fails.
    type: bool
    default: false
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import connect, run_or_fail
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.args import stack_argument_spec
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.secrets import ensure_secrets, generate_value


def argument_spec():
    return stack_argument_spec(dict(
        secrets={"type": "list", "elements": "dict", "required": True, "no_log": False},
        variables={"type": "dict", "default": {}, "no_log": True},
        version={"type": "str", "default": ""},
        keep_unset={"type": "bool", "default": False},
    ), field_manager=True)


def main():
    module = AnsibleK8SModule(module_class=AnsibleModule, argument_spec=argument_spec(), supports_check_mode=True)

    def generate(length):
        value = generate_value(length)
        module._module.no_log_values.add(value)
        return value

    params = module.params
    result = run_or_fail(module, lambda: ensure_secrets(
        connect(module), params["secrets"], params["variables"], params["instance"], params["field_manager"],
        params["version"], check_mode=module.check_mode, generate=generate, keep_unset=params["keep_unset"]),
        known=(ValueError,))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
