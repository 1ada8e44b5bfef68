# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Run the selected policy rules over a set of objects, apply waivers, return every Violation."""

from __future__ import annotations

from dataclasses import replace

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy import (
    credentials,
    metadata,
    monitoring,
    network,
    workloads,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy import waivers
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.configs import config_problems
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import Context, PolicyOptions
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import (
    RULES,
    ordered_rules,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, for_object

# The modules that define the rules: each registers its rules in RULES when it is imported.
RULE_MODULES = (credentials, metadata, monitoring, network, workloads)

# Rules that read the configs carried in ConfigMaps and Secrets (their parse problems are reported when
# one of them runs).
CONFIG_RULES = frozenset(("K017", "M001", "M002", "M003", "M004", "M005", "M006", "M007", "M008"))


class PolicyError(ValueError):
    """The policy run cannot start: unknown rule ids, or input that is not a list of objects."""


def select_rules(rules=None, skip_rules=None, extra=()):
    """The rules to run: ``rules`` (all if empty) minus ``skip_rules``. Ids in ``extra`` (such as SCHEMA)
    are accepted and left to the caller. Raises PolicyError naming unknown ids."""
    known = set(RULES) | set(extra)
    wanted = [str(r).strip().upper() for r in (rules or [])]
    skipped = [str(r).strip().upper() for r in (skip_rules or [])]
    unknown = sorted({r for r in wanted + skipped if r not in known})
    if unknown:
        raise PolicyError("unknown rule id(s) %s; known: %s" % (", ".join(unknown), ", ".join(sorted(known))))
    chosen = set(wanted or known) - set(skipped)
    return [r for r in ordered_rules() if r.id in chosen], chosen


def check_objects(objects, rules=None, skip_rules=None, options=None):
    """Every policy Violation of ``objects`` (a list of Kubernetes objects as dicts), waived ones included.

    rules / skip_rules: ids to run / not to run (all when ``rules`` is empty). options: PolicyOptions.
    """
    if not isinstance(objects, (list, tuple)):
        raise PolicyError("expected a list of Kubernetes objects, got %s" % type(objects).__name__)
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict):
            raise PolicyError("object #%d is a %s, not a mapping (a Kubernetes object)" % (index, type(obj).__name__))
    selected, _ids = select_rules(rules, skip_rules)
    ctx = Context(list(objects), options or PolicyOptions())
    found = []
    for policy_rule in selected:
        found.extend((policy_rule, finding) for finding in policy_rule.check(ctx))
    if any(r.id in CONFIG_RULES for r in selected):
        found.extend((None, finding) for finding in config_problems(ctx))
    parsed = {}
    for obj in ctx.objects:
        valid, problems = waivers.parse(obj)
        parsed[id(obj)] = valid
        found.extend((None, finding) for finding in problems)
    return [_violation(policy_rule, finding, parsed) for policy_rule, finding in found]


def _violation(policy_rule, finding, parsed):
    rule_id = finding.rule or policy_rule.id
    severity = finding.severity or (policy_rule.severity if policy_rule else ERROR)
    fix = finding.fix or (policy_rule.fix if policy_rule else "")
    message = finding.message
    reason = parsed.get(id(finding.obj), {}).get(rule_id)
    waived = bool(reason) and finding.waivable
    if reason and not finding.waivable:
        message += " (the %s waiver on this object does not apply to this finding)" % rule_id
    return replace(for_object(finding.obj, rule_id, finding.path, message, fix, severity=severity),
                   waived=waived, waiver_reason=reason if waived else "")


def rule_catalog():
    """Every rule as a dict (id, title, severity, why, fix), in id order."""
    return [r.as_dict() for r in ordered_rules()]
