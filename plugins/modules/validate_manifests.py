#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0

from __future__ import annotations

DOCUMENTATION = r"""
module: validate_manifests
short_description: Validate Kubernetes manifests against schemas, the stack's policy rules and config checks
description:
  - Checks every object against the strict Kubernetes schema of O(kubernetes_version).
  - Reports every finding at once and fails when any unwaived error remains.
version_added: 0.1.0
author: vmstation.monitoring developers
options:
  resources:
    description: The objects to validate.
    type: list
    elements: dict
    required: true
  kubernetes_version:
    description: Kubernetes version (MAJOR.MINOR) whose schemas apply.
    type: str
    default: "1.28"
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Validate the rendered stack
  vmstation.monitoring.validate_manifests:
    resources: "{{ objects }}"
    kubernetes_version: "1.28"
"""

RETURN = r"""
violations:
  description: Every finding, blocking or not.
  type: list
  elements: dict
  returned: always
blocking:
  description: Number of unwaived errors.
  type: int
  returned: always
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.vmstation.monitoring.plugins.module_utils.schema import SchemaSetupError
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate import validate_objects
from ansible_collections.vmstation.monitoring.plugins.module_utils.violations import format_report


def main():
    module = AnsibleModule(
        argument_spec={
            "resources": {"type": "list", "elements": "dict", "required": True},
            "kubernetes_version": {"type": "str", "default": "1.28"},
        },
        supports_check_mode=True,
    )
    try:
        violations = validate_objects(module.params["resources"], module.params["kubernetes_version"])
    except SchemaSetupError as e:
        module.fail_json(msg="Cannot validate: %s" % e)
    blocking = sum(1 for v in violations if v.blocking)
    result = {"changed": False, "violations": [v.as_dict() for v in violations], "blocking": blocking,
              "objects": len(module.params["resources"])}
    if blocking:
        module.fail_json(msg="Validation found %d blocking violation(s); nothing was written or applied:\n%s"
                         % (blocking, format_report(violations)), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
