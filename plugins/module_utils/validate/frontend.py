# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The validate phase: every check over a set of Kubernetes objects, all findings in one list.

``validate_loaded`` is the one front end of the module (and its action plugin), the CLI and the
``policy_violations`` filter: the options they take mean the same everywhere, and so does the report."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import alertmanager as alertmanager_validate
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import alloy as alloy_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import dashboard_jobs
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import grafana as grafana_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import loki as loki_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import loki_verify
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import promtail as promtail_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import promtail_verify
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.prometheus import RULE as PROMTOOL
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.prometheus import check_prometheus_configs
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import Document, LoadResult, expand_lists, load_path
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import report_lines
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import check_objects, select_rules
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import PolicyOptions
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import RULES, SCHEMA
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.schema import validator_for

# The checks of the configs carried in ConfigMaps: (id of their findings, needs an external tool, check).
CONFIG_CHECKS = (
    # promtool over the Prometheus configs and rule files carried in ConfigMaps.
    (PROMTOOL, True, check_prometheus_configs),
    # amtool over the Alertmanager configs, with the files they read laid out as mounted.
    (alertmanager_validate.RULE, True, alertmanager_validate.alertmanager_violations),
    # Our own checks of the log configs, against the reference of the version each ConfigMap is for.
    (loki_config.RULE, False, loki_config.validate_objects),
    # Loki's own -verify-config, where a loki of the config's version exists (Loki 3).
    (loki_verify.RULE, True, loki_verify.verify_objects),
    # Promtail's own config code (Loki v3.7.8's, built as promtail-check): blocks for Promtail 3 configs.
    (promtail_verify.RULE, True, promtail_verify.verify_objects),
    (alloy_config.RULE, False, alloy_config.validate_objects),
    (promtail_config.RULE, False, promtail_config.validate_objects),
    # Grafana's ini, LDAP and provisioning files and how its pod mounts them.
    (grafana_config.RULE, False, grafana_config.check_grafana),
    # Every `job` a dashboard queries must be produced by the rendered Prometheus scrape config.
    ("DASHBOARD_JOB", False, dashboard_jobs.check_dashboard_jobs),
)
CHECK_IDS = (SCHEMA,) + tuple(check_id for check_id, _tool, _check in CONFIG_CHECKS)


def validate_objects(objects, kubernetes_version, schema=True, config_tools=True, policy=True, rules=None,
                     skip_rules=None, policy_options=None, sources=None, configs=True):
    """Return every Violation found in ``objects`` (a list of dicts), waived policy findings included.

    rules / skip_rules select checks by id: policy rule ids (docs/policy.md), SCHEMA for the schema check
    and the ids of CONFIG_CHECKS. ``rules`` runs only what it lists; empty runs everything. Raises
    policy.engine.PolicyError for unknown ids. config_tools=False leaves out the checks that run an
    external program (promtool, amtool, loki, promtail-check). policy_options: policy.model.PolicyOptions.
    sources: one "file:line" per object (or None), copied into the findings about that object.
    """
    policy_rules, chosen = select_rules(rules, skip_rules, extra=CHECK_IDS)
    checks = [(needs_tool, check) for check_id, needs_tool, check in CONFIG_CHECKS
              if configs and check_id in chosen and (config_tools or not needs_tool)]
    # The checks that run a program wait on it: they run side by side, and beside the Python checks.
    with ThreadPoolExecutor(max_workers=max(1, sum(needs_tool for needs_tool, _check in checks))) as pool:
        running = [pool.submit(check, objects) if needs_tool else check for needs_tool, check in checks]
        found = []
        if schema and SCHEMA in chosen:
            validator = validator_for(str(kubernetes_version))
            for obj in objects:
                found.extend(validator.validate(obj))
        if policy and policy_rules:
            found.extend(check_objects(objects, [r.id for r in policy_rules], options=policy_options))
        for check in running:
            # Policy rule ids belong to the engine above, which applies waivers and rule selection;
            # config checks that share a rule's logic (amtool's M006/K017) would only repeat it.
            results = check.result() if isinstance(check, Future) else check(objects)
            found.extend(v for v in results if v.rule not in RULES)
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


@dataclass
class Report:
    """What one validation found: the findings, and what could not be read (then nothing was validated)."""

    objects: int
    violations: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # documents skipped, and why
    errors: list = field(default_factory=list)  # files that could not be read
    files: int = 0

    @property
    def blocking(self) -> list:
        return [v for v in self.violations if v.blocking]

    def as_dict(self, verbose=False) -> dict:
        return {"objects": self.objects, "files": self.files, "blocking": len(self.blocking),
                "waived": sum(1 for v in self.violations if v.waived),
                "violations": [v.as_dict() for v in self.violations], "notes": self.notes, "errors": self.errors,
                "report": report_lines(self.violations, verbose=verbose) if self.violations else []}

    def failure(self, source="the manifests", verbose=False):
        """The message a failed task or command gives, or None when nothing blocks: the blocking findings first,
        then the warnings, the waived ones summed up in one line (listed when ``verbose``)."""
        if self.errors:
            return "Cannot read %s:\n%s" % (source, "\n".join(self.errors))
        if self.blocking:
            return ("Validation found %d blocking violation(s); nothing was written or applied:\n%s"
                    % (len(self.blocking), "\n".join(report_lines(self.violations, verbose=verbose))))
        return None


def validate_loaded(loaded, kubernetes_version="1.28", rules=None, skip_rules=None, agents_namespaces=None,
                    default_namespace="default", config_tools=True, schema=True, configs=True):
    """Validate a ``common.manifests.LoadResult``; raises PolicyError (unknown rule ids) and SchemaSetupError."""
    report = Report(objects=len(loaded.documents), notes=list(loaded.notes), errors=list(loaded.errors),
                    files=loaded.files)
    if loaded.errors:
        return report
    options = PolicyOptions(agents_namespaces=tuple(agents_namespaces) if agents_namespaces is not None else None,
                            default_namespace=default_namespace)
    sources = [doc.source for doc in loaded.documents]
    report.violations = validate_objects(loaded.objects, kubernetes_version, schema=schema, config_tools=config_tools,
                                         configs=configs, rules=rules, skip_rules=skip_rules, policy_options=options,
                                         sources=sources if any(sources) else None)
    return report


def load_request(resources=None, path=None):
    """The objects a task names: ``resources`` (objects as data, Lists expanded) or the files at ``path``."""
    if path:
        return load_path(path)
    return LoadResult(documents=[Document(obj) for obj in expand_lists(list(resources or []))])


# The options of the validate_manifests task (its module and its action plugin take the same).
TASK_ARGUMENT_SPEC = {
    "resources": {"type": "list", "elements": "dict"},
    "path": {"type": "path"},
    "kubernetes_version": {"type": "str", "default": "1.28"},
    "rules": {"type": "list", "elements": "str", "default": []},
    "skip_rules": {"type": "list", "elements": "str", "default": []},
    "agents_namespaces": {"type": "list", "elements": "str"},
    "default_namespace": {"type": "str", "default": "default"},
    "config_tools": {"type": "bool", "default": True},
}
TASK_MUTUALLY_EXCLUSIVE = [("resources", "path")]
TASK_REQUIRED_ONE_OF = [("resources", "path")]


def run_task(params, verbosity=0):
    """The validate_manifests task over its validated ``params``: (result dict, failure message or None).
    From ``verbosity`` 1 (-v) on, the report lists the waived findings one by one."""
    report = validate_loaded(load_request(params["resources"], params["path"]), params["kubernetes_version"],
                             rules=params["rules"], skip_rules=params["skip_rules"],
                             agents_namespaces=params["agents_namespaces"],
                             default_namespace=params["default_namespace"], config_tools=params["config_tools"])
    verbose = verbosity >= 1
    failure = report.failure("the manifests in %s" % params["path"] if params["path"] else "the manifests", verbose)
    return dict(report.as_dict(verbose), changed=False), failure
