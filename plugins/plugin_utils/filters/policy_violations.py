# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filter running the collection's policy rules over Kubernetes objects; a thin door onto the validate
phase's front end (module_utils/validate/frontend.py), with the schema and config checks left out."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import module_utils

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


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"policy_violations": policy_violations}
