# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filter running the collection's policy rules over Kubernetes objects; a thin door onto the validate
phase's front end (module_utils/validate/frontend.py), with the schema and config checks left out."""

from __future__ import annotations

DOCUMENTATION = r"""
name: policy_violations
short_description: The policy violations of a list of Kubernetes objects
description:
  - Runs the policy rules K001-K018 and M001-M008 (docs/policy.md) over the objects and returns every finding,
    waived ones included (they carry C(waived=true) and the waiver's reason).
  - Policy only; the module C(vmstation.monitoring.validate_manifests) adds schema and config-tool checks.
  - A rule is waived for one object by the annotation C(waivers.vmstation.io/<rule id>) on it, whose value is the
    reason; a waiver without a reason or naming an unknown rule is reported as rule C(WAIVER).
positional: _input
options:
  _input:
    description: The objects (a list of dicts; a single dict is taken as a list of one; C(kind=List) is expanded).
    type: list
    elements: dict
    required: true
  rules:
    description: Run only these rule ids (all when empty).
    type: list
    elements: str
    default: []
  skip_rules:
    description: Rule ids not to run.
    type: list
    elements: str
    default: []
  agents_namespaces:
    description:
      - Namespaces where host-level agents may use host namespaces and hostPath (K010).
      - By default, the namespaces whose Namespace object has C(pod-security.kubernetes.io/enforce=privileged).
    type: list
    elements: str
  default_namespace:
    description: Namespace of namespaced objects that name none.
    type: str
    default: default
  include_waived:
    description: Return waived findings too.
    type: bool
    default: true
"""

EXAMPLES = r"""
blocking: >-
  {{ objects | vmstation.monitoring.policy_violations | rejectattr('waived')
     | selectattr('severity', 'equalto', 'error') | list }}
without_network_rules: "{{ objects | vmstation.monitoring.policy_violations(skip_rules=['K012']) }}"
"""

RETURN = r"""
_value:
  description:
    - One dict per finding, with the keys rule, severity, kind, namespace, name, object, path, message, fix,
      waived, waiver_reason and source.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import module_utils, native_filters

_OPTIONS = ("rules", "skip_rules", "agents_namespaces", "default_namespace", "include_waived")


def _string_list(name, value):
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise AnsibleFilterError("policy_violations: %s must be a list of strings, got %r (%s)"
                                 % (name, value, type(value).__name__))
    return list(value)


def policy_violations(objects, **options):
    frontend = module_utils("validate.frontend")
    policy_error = module_utils("validate.policy.engine").PolicyError

    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise AnsibleFilterError("policy_violations: unknown option(s) %s; known options: %s"
                                 % (", ".join(unknown), ", ".join(_OPTIONS)))
    if isinstance(objects, dict):
        objects = [objects]
    if not isinstance(objects, (list, tuple)):
        raise AnsibleFilterError("policy_violations: the input must be a list of Kubernetes objects (dicts), "
                                 "got %r (%s)" % (objects, type(objects).__name__))
    default_namespace = options.get("default_namespace", "default")
    if not isinstance(default_namespace, str) or not default_namespace:
        raise AnsibleFilterError("policy_violations: default_namespace must be a non-empty string, got %r (%s)"
                                 % (default_namespace, type(default_namespace).__name__))
    include_waived = options.get("include_waived", True)
    if not isinstance(include_waived, bool):
        raise AnsibleFilterError("policy_violations: include_waived must be true or false, got %r (%s)"
                                 % (include_waived, type(include_waived).__name__))
    try:
        report = frontend.validate_loaded(
            frontend.load_request(resources=objects), schema=False, configs=False,
            rules=_string_list("rules", options.get("rules")),
            skip_rules=_string_list("skip_rules", options.get("skip_rules")),
            agents_namespaces=_string_list("agents_namespaces", options.get("agents_namespaces")),
            default_namespace=default_namespace)
    except policy_error as e:
        raise AnsibleFilterError("policy_violations: %s" % e) from e
    return [v.as_dict() for v in report.violations if include_waived or not v.waived]


class FilterModule:
    def filters(self):
        return native_filters({"policy_violations": policy_violations})
