#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: validate_manifests
extends_documentation_fragment: [ansible.builtin.action_common_attributes, vmstation.monitoring.attributes]
short_description: Validate Kubernetes manifests against schemas, the policy rules and config checks
description:
  - Checks every object against the strict Kubernetes schema of O(kubernetes_version) (kubernetes-validate),
    the policy rules K001-K018 and M001-M008 of the collection (see docs/policy.md), and the configs carried in
    ConfigMaps (promtool, amtool and C(loki -verify-config) of the versions the images name, and the collection's
    own checks of Loki, Alloy, Promtail and Grafana configs).
  - Works on any manifests, not only the ones this collection renders. Give either O(resources) (objects as data)
    or O(path) (a YAML/JSON file or a folder of them, multi-document files included).
  - Reports every finding at once and fails when any unwaived error remains; the failure message lists every
    blocking violation, then the warnings, and sums the waived findings up in one line (with C(-v), one line each).
    Waived findings and warnings are returned in RV(violations) but do not fail.
  - A policy rule is waived for one object by the annotation C(waivers.vmstation.io/<rule id>) on that object, whose
    value is the reason. A waiver without a reason or naming an unknown rule is itself a violation (rule C(WAIVER)).
  - Runs on the target host (on a local connection, in the controller process); with O(path) the files are read there.
version_added: 0.1.0
author: vmstation.monitoring developers (!UNKNOWN)
options:
  resources:
    description: The objects to validate. A C(kind=List) object is expanded into its items.
    type: list
    elements: dict
  path:
    description:
      - A manifest file, or a folder searched recursively for C(.yaml), C(.yml) and C(.json) files (hidden files
        and folders are skipped).
      - Documents that are not Kubernetes objects (Helm values, Kustomize files, playbooks) are skipped and listed
        in RV(notes). Malformed YAML fails the module with the file, line and column.
    type: path
  kubernetes_version:
    description: Kubernetes version (MAJOR.MINOR) whose schemas apply.
    type: str
    default: "1.28"
  rules:
    description:
      - Run only these checks (policy rule ids such as C(K001), C(SCHEMA) for the schema check, and the ids of the
        config checks such as C(PROMTOOL) or C(LOKI_CONFIG); see docs/policy.md).
      - Empty runs every check.
    type: list
    elements: str
    default: []
  skip_rules:
    description: Checks not to run (ids as for O(rules)).
    type: list
    elements: str
    default: []
  agents_namespaces:
    description:
      - Namespaces where host-level agents may use host namespaces and hostPath (rule K010).
      - When not given, the namespaces whose Namespace object (among the manifests) has the Pod Security label
        C(pod-security.kubernetes.io/enforce=privileged).
    type: list
    elements: str
  default_namespace:
    description: Namespace of namespaced objects that name none (what C(kubectl apply) would use).
    type: str
    default: default
  config_tools:
    description:
      - Check Prometheus configs and rule files with promtool, Alertmanager configs with amtool and Loki configs
        with C(loki -verify-config), each of the version the config is for.
      - The programs are the pinned builds of C(scripts/tools.py) in a checkout, else the ones on PATH (a different
        version there gives a warning). No promtool or amtool at all is an error; no loki is a warning.
    type: bool
    default: true
attributes:
  check_mode:
    details: The module never changes anything; check mode validates the same way.
notes:
  - The same checks run from the command line with C(bin/vmstation-validate) (see docs/policy.md).
  - On a local connection the action plugin of the same name runs the checks in the controller's process (no
    module is shipped); on any other connection the module runs on the target.
seealso:
  - name: Policy rules and waivers
    description: Every rule, why it exists, how to fix and how to waive it.
    link: https://example.invalid/vmstation/monitoring/docs/policy.md
"""

EXAMPLES = r"""
- name: Validate the rendered stack
  vmstation.monitoring.validate_manifests:
    resources: "{{ objects }}"
    kubernetes_version: "1.28"

- name: Validate a folder of an application's manifests, without the stack-specific network rule
  vmstation.monitoring.validate_manifests:
    path: deploy/k8s
    kubernetes_version: "1.30"
    skip_rules: [K012]
  register: __app_validation

- name: Show the waived findings
  ansible.builtin.debug:
    msg: "{{ __app_validation.violations | selectattr('waived') | map(attribute='waiver_reason') }}"
"""

RETURN = r"""
violations:
  description: Every finding, blocking or not.
  type: list
  elements: dict
  returned: always
  contains:
    rule: {description: 'Rule id (K001..K018, M001..M008, SCHEMA, WAIVER, CONFIG, PROMTOOL, ...).', type: str}
    severity: {description: C(error) or C(warning)., type: str}
    kind: {description: Kind of the object., type: str}
    namespace: {description: Namespace of the object (empty for cluster-scoped or unset)., type: str}
    name: {description: Name of the object., type: str}
    object: {description: C(kind/namespace/name)., type: str}
    path:
      description: JSON path inside the object, for example C(spec.template.spec.containers[0].resources).
      type: str
    message: {description: What is wrong., type: str}
    fix: {description: How to fix it., type: str}
    waived: {description: Whether a waiver annotation on the object waives it., type: bool}
    waiver_reason: {description: The waiver's reason when waived., type: str}
    source: {description: C(file:line) of the object when read from O(path)., type: str}
report:
  description:
    - >-
      What a person reads, one line per finding (C([RULE severity] Kind/namespace/name at path: message. Fix: ...)),
      blocking ones first, then warnings; the waived findings summed up in one line (with C(-v), one line each),
      the counts last. Empty when nothing was found.
  type: list
  elements: str
  returned: always
blocking:
  description: Number of unwaived errors.
  type: int
  returned: always
waived:
  description: Number of waived findings.
  type: int
  returned: always
objects:
  description: Number of objects validated.
  type: int
  returned: always
notes:
  description: Documents of O(path) that were skipped, and why.
  type: list
  elements: str
  returned: always
errors:
  description: The files of O(path) that could not be read (then nothing was validated).
  type: list
  elements: str
  returned: always
files:
  description: Number of files read from O(path).
  type: int
  returned: always
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import ManifestError
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import YAML_IMPORT_ERROR
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import (
    TASK_ARGUMENT_SPEC,
    TASK_MUTUALLY_EXCLUSIVE,
    TASK_REQUIRED_ONE_OF,
    run_task,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import PolicyError
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.schema import SchemaSetupError


def main():
    module = AnsibleModule(argument_spec=TASK_ARGUMENT_SPEC, mutually_exclusive=TASK_MUTUALLY_EXCLUSIVE,
                           required_one_of=TASK_REQUIRED_ONE_OF, supports_check_mode=True)
    if YAML_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=YAML_IMPORT_ERROR)
    try:
        result, failure = run_task(module.params, verbosity=module._verbosity)
    except (SchemaSetupError, PolicyError, ManifestError) as e:
        module.fail_json(msg="Cannot validate: %s" % e)
    if failure:
        module.fail_json(msg=failure, **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
