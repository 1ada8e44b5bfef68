# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Waivers: ``waivers.vmstation.io/<rule id>: "<reason>"`` in an object's own metadata.annotations.

A waiver turns that rule's findings on that object into waived findings (still reported, not blocking).
A waiver without a reason, or naming a rule that does not exist or cannot be waived, is itself a
violation (rule WAIVER) and waives nothing. Annotations on a pod template do not count: the waiver
belongs to the object a reviewer reads.
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import annotations_of
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.paths import json_path
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import (
    CONFIG,
    RULES,
    SCHEMA,
    WAIVER,
    Finding,
)

PREFIX = "waivers.vmstation.io/"
NOT_WAIVABLE = (SCHEMA, CONFIG, WAIVER)


def annotation(rule_id) -> str:
    return PREFIX + rule_id


def parse(obj):
    """(valid waivers {rule id: reason}, WAIVER findings) of one object."""
    valid, problems = {}, []
    for key, value in annotations_of(obj).items():
        key = str(key)
        if not key.startswith(PREFIX):
            continue
        rule_id = key[len(PREFIX):]
        path = json_path("metadata", "annotations", key)
        if rule_id not in RULES:
            if rule_id in NOT_WAIVABLE:
                why = "%s findings cannot be waived; fix the manifest" % rule_id
            elif rule_id.upper() in RULES:
                why = "rule ids are upper case: use %s" % annotation(rule_id.upper())
            else:
                why = "known rules: %s" % ", ".join(sorted(RULES))
            problems.append(Finding(obj, path, "the waiver names %r, which is not a policy rule" % rule_id,
                                    "remove the annotation or name an existing rule (%s)" % why,
                                    waivable=False, rule=WAIVER))
            continue
        reason = str(value).strip() if value is not None else ""
        if not reason:
            problems.append(Finding(obj, path, "the waiver of %s has no reason" % rule_id,
                                    "say why the rule does not apply to this object in the annotation's value",
                                    waivable=False, rule=WAIVER))
            continue
        valid[rule_id] = reason
    return valid, problems
