# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The registry of policy rules: stable id, severity, title, why it matters, how to fix it.

Rule ids never change meaning once released: users write waivers against them
(``waivers.vmstation.io/<id>`` annotations, see docs/policy.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR

# Findings that are not policy rules: they cannot be waived. SCHEMA comes from schema.py, CONFIG
# from the config parsers of this package (a config carried by an object cannot be read), WAIVER
# from the waiver check itself.
SCHEMA = "SCHEMA"
CONFIG = "CONFIG"
WAIVER = "WAIVER"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    why: str
    fix: str
    check: Callable  # check(context) -> iterable of Finding

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "severity": self.severity, "why": self.why, "fix": self.fix}


class Finding(NamedTuple):
    """What a rule found, before waivers are applied and it becomes a Violation."""

    obj: dict  # the object the finding is about (its annotations carry the waivers)
    path: str
    message: str
    fix: str = ""  # empty: the rule's own fix
    severity: str = ""  # empty: the rule's severity
    waivable: bool = True  # False: a waiver on the object does not apply to this finding
    rule: str = ""  # empty: the rule that yielded it (CONFIG findings name themselves)


RULES = {}


def rule(rule_id, title, why, fix, severity=ERROR):
    """Register the decorated ``check(context)`` generator under ``rule_id``."""

    def decorate(check):
        if rule_id in RULES:
            raise ValueError("policy rule %s is registered twice" % rule_id)
        RULES[rule_id] = Rule(rule_id, title, severity, why, fix, check)
        return check

    return decorate


def ordered_rules():
    return [RULES[key] for key in sorted(RULES)]
