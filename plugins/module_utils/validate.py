# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The validate phase: every check over a set of Kubernetes objects, all findings in one list."""

from __future__ import annotations

from dataclasses import replace

from ansible_collections.vmstation.monitoring.plugins.module_utils import (
    alertmanager_validate,
    alloy_config,
    dashboards,
    grafana_config,
    loki_config,
    promtail_config,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.config_tools import RULE as PROMTOOL
from ansible_collections.vmstation.monitoring.plugins.module_utils.config_tools import check_prometheus_configs
from ansible_collections.vmstation.monitoring.plugins.module_utils.policy.engine import check_objects, select_rules
from ansible_collections.vmstation.monitoring.plugins.module_utils.policy.registry import RULES, SCHEMA
from ansible_collections.vmstation.monitoring.plugins.module_utils.schema import validator_for

# The checks of the configs carried in ConfigMaps: (id of their findings, needs an external tool, check).
CONFIG_CHECKS = (
    # promtool over the Prometheus configs and rule files carried in ConfigMaps.
    (PROMTOOL, True, check_prometheus_configs),
    # amtool over the Alertmanager configs, with the files they read laid out as mounted.
    (alertmanager_validate.RULE, True, alertmanager_validate.alertmanager_violations),
    # Our own checks of the log configs, against the reference of the version each ConfigMap is for.
    (loki_config.RULE, False, loki_config.validate_objects),
    (alloy_config.RULE, False, alloy_config.validate_objects),
    (promtail_config.RULE, False, promtail_config.validate_objects),
    # Grafana's ini, LDAP and provisioning files and how its pod mounts them.
    (grafana_config.RULE, False, grafana_config.check_grafana),
    # Every `job` a dashboard queries must be produced by the rendered Prometheus scrape config.
    ("DASHBOARD_JOB", False, dashboards.check_dashboard_jobs),
)
CHECK_IDS = (SCHEMA,) + tuple(check_id for check_id, _tool, _check in CONFIG_CHECKS)


def validate_objects(objects, kubernetes_version, schema=True, config_tools=True, policy=True, rules=None,
                     skip_rules=None, policy_options=None, sources=None):
    """Return every Violation found in ``objects`` (a list of dicts), waived policy findings included.

    rules / skip_rules select checks by id: policy rule ids (docs/policy.md), SCHEMA for the schema check
    and the ids of CONFIG_CHECKS. ``rules`` runs only what it lists; empty runs everything. Raises
    policy.engine.PolicyError for unknown ids. config_tools=False leaves out the checks that run an
    external program (promtool, amtool). policy_options: policy.model.PolicyOptions. sources: one
    "file:line" per object (or None), copied into the findings about that object.
    """
    policy_rules, chosen = select_rules(rules, skip_rules, extra=CHECK_IDS)
    found = []
    if schema and SCHEMA in chosen:
        validator = validator_for(str(kubernetes_version))
        for obj in objects:
            found.extend(validator.validate(obj))
    if policy and policy_rules:
        found.extend(check_objects(objects, [r.id for r in policy_rules], options=policy_options))
    for check_id, needs_tool, check in CONFIG_CHECKS:
        if check_id in chosen and (config_tools or not needs_tool):
            # Policy rule ids belong to the engine above, which applies waivers and rule selection;
            # config checks that share a rule's logic (amtool's M006/K017) would only repeat it.
            found.extend(v for v in check(objects) if v.rule not in RULES)
    return _with_sources(found, objects, sources) if sources else found


def _with_sources(violations, objects, sources):
    """Give each finding the file:line of the object it is about (matched by kind, namespace and name)."""
    where = {}
    for obj, source in zip(objects, sources):
        meta = obj.get("metadata") or {}
        where.setdefault((str(obj.get("kind", "")), str(meta.get("namespace") or ""), str(meta.get("name", ""))),
                         source)
    return [replace(v, source=where.get((v.kind, v.namespace, v.name), "")) if not v.source else v
            for v in violations]
