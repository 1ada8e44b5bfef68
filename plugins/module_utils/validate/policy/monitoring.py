# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""M001-M008: the configs inside the stack (Prometheus, rule files, Alertmanager, Loki, log agents,
Grafana dashboards) and the Prometheus flags that bound its resources.

Targets: Prometheus 2.48 and 3.x, Alertmanager 0.26+, Loki 2.9 and 3.x, Promtail 2.9, Alloy 1.x, Grafana 10-13.
Global scrape limits (``global.sample_limit``/``label_limit``) exist since Prometheus 2.45; retention in
the config file (``storage.tsdb.retention``) since Prometheus 3.x, the flags in every version.
"""

from __future__ import annotations

import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.units import parse_duration
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.alertmanager import NULL_RECEIVERS_ANNOTATION
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.network import is_any_address
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import alloy as alloy_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import dashboards
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.alertmanager_policy import routing_problems
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.configs import (
    alloy_block_path,
    alloy_literal,
    alloy_references,
    configs,
    guarded,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.flags import admin_api, container_flags
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import (
    annotations_of,
    as_dict,
    as_list,
    metadata,
    selector_is_empty,
    selector_matches,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.network import denies, policy_types
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import Finding, rule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import WARNING

MIN_SCRAPE_INTERVAL = 15.0


def prometheus_servers(ctx):
    """(workload, main container, flags) of every Prometheus server (not agent-mode, not a Job)."""
    def build():
        found = []
        for wl in ctx.workloads:
            if wl.kind in ("Job", "CronJob") or "prometheus" not in wl.app_names():
                continue
            container = wl.main_container("prometheus")
            if container is None:
                continue
            flags = container_flags(container)
            features = str(flags.get("enable-feature", ("",))[0]).split(",")
            if "agent" in flags or "agent" in features:
                continue
            found.append((wl, container, flags))
        return found
    return ctx.cached("prometheus_servers", build)


def _mounted_configs(ctx, wl):
    """ConfigDocs of the ConfigMaps and Secrets a workload mounts."""
    names = set()
    for volume in as_list(wl.pod_spec.get("volumes")):
        volume = as_dict(volume)
        sources = [volume] + [as_dict(s) for s in as_list(as_dict(volume.get("projected")).get("sources"))]
        for source in sources:
            if as_dict(source.get("configMap")).get("name"):
                names.add(("ConfigMap", str(source["configMap"]["name"])))
            if as_dict(source.get("secret")).get("secretName"):
                names.add(("Secret", str(source["secret"]["secretName"])))
            if as_dict(source.get("secret")).get("name"):
                names.add(("Secret", str(source["secret"]["name"])))
    return [doc for doc in configs(ctx) if ctx.namespace(doc.obj) == wl.namespace
            and (doc.obj.get("kind"), str(metadata(doc.obj).get("name"))) in names]


def _flag_path(container, flags, name):
    if name in flags:
        return container.at(flags[name][2], flags[name][1])
    return container.at("args")


def _check_interval(obj, path, value, where):
    seconds = parse_duration(value)
    if seconds is None:
        yield Finding(obj, path, "%s %r is not a duration" % (where, value), "use a duration such as 30s or 1m")
    elif seconds < MIN_SCRAPE_INTERVAL:
        yield Finding(obj, path, "%s is %s, shorter than %ds" % (where, value, MIN_SCRAPE_INTERVAL))


# --- M001 ----------------------------------------------------------------------------------------

@rule("M001", "Scrape intervals are at least 15s",
      why="Every halving of the interval doubles samples, memory and disk; below 15s Prometheus spends its time "
          "scraping and rate() windows get noisy.",
      fix="Set scrape_interval (global and per job) to 15s or more (30s is a good default).")
def m001_scrape_intervals(ctx):
    for doc in configs(ctx, "prometheus"):
        content = doc.content
        if "scrape_interval" in as_dict(content.get("global")):
            yield from _check_interval(doc.obj, doc.at("global", "scrape_interval"),
                                       content["global"]["scrape_interval"], "global.scrape_interval")
        for index, job in enumerate(as_list(content.get("scrape_configs"))):
            job = as_dict(job)
            if "scrape_interval" in job:
                yield from _check_interval(doc.obj, doc.at("scrape_configs", index, "scrape_interval"),
                                           job["scrape_interval"], "scrape_interval of job %r" % job.get("job_name"))
    for doc in configs(ctx, "alloy"):
        for block in doc.content:
            if isinstance(block, alloy_config.Block) and block.name == "prometheus.scrape":
                value = alloy_literal(block.attributes().get("scrape_interval"))
                if isinstance(value, str):
                    yield from _check_interval(doc.obj, alloy_block_path(doc, block) + ".scrape_interval", value,
                                               "scrape_interval")
    for kind, field in (("ServiceMonitor", "endpoints"), ("PodMonitor", "podMetricsEndpoints")):
        for obj in ctx.kind(kind):
            for index, endpoint in enumerate(as_list(as_dict(obj.get("spec")).get(field))):
                if "interval" in as_dict(endpoint):
                    yield from _check_interval(obj, "spec.%s[%d].interval" % (field, index), endpoint["interval"],
                                               "interval")


# --- M002 ----------------------------------------------------------------------------------------

def _config_retention(ctx, wl):
    for doc in _mounted_configs(ctx, wl):
        if doc.kind == "prometheus":
            retention = as_dict(as_dict(as_dict(doc.content.get("storage")).get("tsdb")).get("retention"))
            if retention:
                return retention
    return {}


@rule("M002", "Retention is bounded by time and by size",
      why="Unbounded retention fills the volume and Prometheus stops ingesting; Loki without compactor retention "
          "keeps every chunk forever.",
      fix="Prometheus: --storage.tsdb.retention.time and --storage.tsdb.retention.size (smaller than the volume). "
          "Loki: compactor.retention_enabled: true and limits_config.retention_period.")
def m002_retention(ctx):
    for wl, container, flags in prometheus_servers(ctx):
        from_file = _config_retention(ctx, wl)
        time_value = (flags.get("storage.tsdb.retention.time") or flags.get("storage.tsdb.retention") or (None,))[0]
        time_value = time_value if time_value is not None else from_file.get("time")
        if time_value is None or not parse_duration(time_value):
            yield Finding(wl.obj, _flag_path(container, flags, "storage.tsdb.retention.time"),
                          "Prometheus retention time is %s" % ("not set" if time_value is None else repr(time_value)),
                          "pass --storage.tsdb.retention.time=<duration> (for example 15d)")
        size_value = flags.get("storage.tsdb.retention.size", (from_file.get("size"),))[0]
        if size_value in (None, "", "0", "0B", 0):
            yield Finding(wl.obj, _flag_path(container, flags, "storage.tsdb.retention.size"),
                          "Prometheus retention size is not set, so the TSDB can outgrow its volume",
                          "pass --storage.tsdb.retention.size=<size> below the volume size (for example 45GB for 50Gi)")
    for doc in configs(ctx, "loki"):
        compactor = as_dict(doc.content.get("compactor"))
        if compactor.get("retention_enabled") is not True:
            yield Finding(doc.obj, doc.at("compactor", "retention_enabled"), "Loki compactor retention is off",
                          "set compactor.retention_enabled: true (with its delete request store)")
        period = as_dict(doc.content.get("limits_config")).get("retention_period")
        if not parse_duration(period if period is not None else "0"):
            yield Finding(doc.obj, doc.at("limits_config", "retention_period"),
                          "Loki limits_config.retention_period is %s" % ("not set" if period is None else repr(period)),
                          "set limits_config.retention_period (for example 744h)")


# --- M003 ----------------------------------------------------------------------------------------

LOKI_QUERY_LIMITS = ("max_query_length", "max_entries_limit_per_query", "max_query_series")


@rule("M003", "Query limits are set",
      why="One dashboard over a year of high-cardinality data can take all memory of Prometheus or Loki and every "
          "alert with it.",
      fix="Prometheus: --query.timeout and --query.max-samples. Loki: limits_config.max_query_length, "
          "max_entries_limit_per_query and max_query_series.")
def m003_query_limits(ctx):
    for wl, container, flags in prometheus_servers(ctx):
        for flag in ("query.timeout", "query.max-samples"):
            value = flags.get(flag, (None,))[0]
            if value in (None, "", "0"):
                yield Finding(wl.obj, _flag_path(container, flags, flag), "Prometheus --%s is not set" % flag,
                              "pass --%s=<value> (for example %s)" % (flag, "2m" if flag == "query.timeout"
                                                                      else "50000000"))
    for doc in configs(ctx, "loki"):
        limits = as_dict(doc.content.get("limits_config"))
        for key in LOKI_QUERY_LIMITS:
            value = limits.get(key)
            if value in (None, "", 0, "0", "0s"):
                yield Finding(doc.obj, doc.at("limits_config", key), "Loki limits_config.%s is %s"
                              % (key, "not set" if value is None else repr(value)),
                              "set limits_config.%s to a bounded value" % key)


# --- M004 ----------------------------------------------------------------------------------------

# Discovery labels whose values are unique per pod or container instance: copied into a label, every
# restart makes new series.
UNBOUNDED_META_LABELS = (
    "__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_ip", "__meta_kubernetes_pod_container_id",
    "__meta_kubernetes_endpointslice_address", "__meta_kubernetes_endpoint_address", "__meta_docker_container_id",
)


def _expand(replacement, match):
    return re.sub(r"\$\{?(\w+)\}?", lambda m: (match.group(int(m.group(1))) or "") if m.group(1).isdigit()
                  and int(m.group(1)) <= (match.re.groups or 0) else "", replacement)


def _unbounded_copies(relabel):
    """Unbounded discovery labels this relabel step copies into a kept label."""
    relabel = as_dict(relabel)
    action = str(relabel.get("action", "replace")).lower()
    if action == "labelmap":
        try:
            regex = re.compile(str(relabel.get("regex", "(.*)")))
        except re.error:
            return []
        replacement = str(relabel.get("replacement", "$1"))
        found = []
        for label in UNBOUNDED_META_LABELS:
            match = regex.fullmatch(label)
            if match and not _expand(replacement, match).startswith("__"):
                found.append(label)
        return found
    if action == "replace":
        target = str(relabel.get("target_label", ""))
        if not target or target.startswith("__") or "$" not in str(relabel.get("replacement", "$1")):
            return []
        return [s for s in as_list(relabel.get("source_labels")) if str(s) in UNBOUNDED_META_LABELS]
    return []


def _positive(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _log_label(ctx, obj, path, label, how):
    if label.startswith("__") or label in ctx.options.log_label_allowlist:
        return
    yield Finding(obj, path, "%s the log stream label %r, which is not in the allow-list (%s)"
                  % (how, label, ", ".join(ctx.options.log_label_allowlist)),
                  "keep it as structured metadata or in the log line; stream labels must stay few and bounded")


def _promtail_findings(ctx, doc):
    for j, job in enumerate(as_list(doc.content.get("scrape_configs"))):
        job = as_dict(job)
        for i, relabel in enumerate(as_list(job.get("relabel_configs"))):
            relabel = as_dict(relabel)
            action = str(relabel.get("action", "replace")).lower()
            path = doc.at("scrape_configs", j, "relabel_configs", i)
            if action == "labelmap":
                yield Finding(doc.obj, path + ".action", "a labelmap turns an open set of discovery labels into log "
                              "stream labels", "copy the few labels you need one by one with target_label")
            elif action == "replace" and relabel.get("target_label"):
                yield from _log_label(ctx, doc.obj, path + ".target_label", str(relabel["target_label"]),
                                      "relabeling sets")
        for i, stage in enumerate(as_list(job.get("pipeline_stages"))):
            for label in as_dict(as_dict(stage).get("labels")):
                yield from _log_label(ctx, doc.obj, doc.at("scrape_configs", j, "pipeline_stages", i, "labels", label),
                                      str(label), "a labels stage sets")


def _alloy_findings(ctx, doc):
    blocks = [b for b in doc.content if isinstance(b, alloy_config.Block)]
    log_relabels = set()
    for block in blocks:
        targets = block.attributes().get("targets")
        if block.name.startswith("loki.source.") and targets is not None:
            for names in alloy_references(targets.value):
                if len(names) >= 3 and names[:2] == ["discovery", "relabel"]:
                    log_relabels.add(names[2])
    for block in blocks:
        base = alloy_block_path(doc, block)
        if block.name == "loki.relabel" or (block.name == "discovery.relabel" and block.label in log_relabels):
            for index, step in enumerate(block.blocks("rule")):
                attrs = step.attributes()
                action = str(alloy_literal(attrs.get("action")) or "replace").lower()
                target = alloy_literal(attrs.get("target_label"))
                if action == "labelmap":
                    yield Finding(doc.obj, "%s.rule[%d].action" % (base, index), "a labelmap turns an open set of "
                                  "discovery labels into log stream labels",
                                  "copy the few labels you need one by one with target_label")
                elif action == "replace" and isinstance(target, str):
                    yield from _log_label(ctx, doc.obj, "%s.rule[%d].target_label" % (base, index), target,
                                          "relabeling sets")
        if block.name == "loki.process":
            # stage.labels copies values out of the log line; stage.static_labels sets fixed values, which add
            # no streams, so only the former is held to the allow-list.
            for index, stage in enumerate(block.blocks("stage.labels")):
                values = stage.attributes().get("values")
                keys = values.value.keys if values is not None and values.value.kind == "object" else []
                for label in keys:
                    yield from _log_label(ctx, doc.obj, "%s.stage.labels[%d].values.%s" % (base, index, label),
                                          str(label), "a stage.labels sets")


@rule("M004", "Cardinality guards on scrape jobs and log streams",
      why="One exporter that suddenly exposes a label per request or per pod UID can exhaust Prometheus memory; in "
          "Loki every distinct label set is a stream, and too many streams make it slow and expensive.",
      fix="Give every scrape job (or global) sample_limit and label_limit; never copy pod UID, pod IP or container "
          "id into labels; set only allow-listed log stream labels (see docs/policy.md).")
def m004_cardinality(ctx):
    for doc in configs(ctx, "prometheus"):
        defaults = as_dict(doc.content.get("global"))
        for index, job in enumerate(as_list(doc.content.get("scrape_configs"))):
            job = as_dict(job)
            name = job.get("job_name")
            for limit in ("sample_limit", "label_limit"):
                if not (_positive(job.get(limit)) or _positive(defaults.get(limit))):
                    yield Finding(doc.obj, doc.at("scrape_configs", index, limit),
                                  "job %r has no %s (nor global.%s), so one target can flood Prometheus"
                                  % (name, limit, limit), "set %s on the job or in global" % limit)
            for r, relabel in enumerate(as_list(job.get("relabel_configs"))):
                for label in _unbounded_copies(relabel):
                    yield Finding(doc.obj, doc.at("scrape_configs", index, "relabel_configs", r),
                                  "job %r copies %s into a label; its value changes with every pod" % (name, label),
                                  "drop that relabel step (use the pod name, namespace and container instead)")
    for doc in configs(ctx, "promtail"):
        yield from _promtail_findings(ctx, doc)
    for doc in configs(ctx, "alloy"):
        if any(isinstance(b, alloy_config.Block) and b.name.startswith("loki.") for b in doc.content):
            yield from _alloy_findings(ctx, doc)


# --- M005 ----------------------------------------------------------------------------------------

_ABSENCE = re.compile(r"\babsent(_over_time)?\s*\(")


@rule("M005", "Alert rules carry severity, summary, description and a for duration",
      why="Routing needs the severity; the person paged needs a summary and a description; without 'for' a single "
          "bad scrape pages someone.",
      fix="Give every alerting rule labels.severity, annotations.summary, annotations.description and a 'for' "
          "duration (absence alerts built on absent()/absent_over_time() may omit 'for').")
def m005_alert_rules(ctx):
    for doc in configs(ctx, "rules"):
        for g, group in enumerate(as_list(doc.content.get("groups"))):
            for r, alert in enumerate(as_list(as_dict(group).get("rules"))):
                alert = as_dict(alert)
                if "alert" not in alert:
                    continue
                name = alert.get("alert")
                base = ("groups", g, "rules", r)
                if not str(as_dict(alert.get("labels")).get("severity", "")).strip():
                    yield Finding(doc.obj, doc.at(*base, "labels", "severity"), "alert %r has no severity label" % name)
                for annotation in ("summary", "description"):
                    if not str(as_dict(alert.get("annotations")).get(annotation, "")).strip():
                        yield Finding(doc.obj, doc.at(*base, "annotations", annotation),
                                      "alert %r has no %s annotation" % (name, annotation))
                if not parse_duration(alert.get("for", "0")) and not _ABSENCE.search(str(alert.get("expr", ""))):
                    yield Finding(doc.obj, doc.at(*base, "for"), "alert %r has no 'for' duration, so it fires on a "
                                  "single evaluation" % name, "add for: <duration> (for example 5m)")


# --- M006 ----------------------------------------------------------------------------------------

@rule("M006", "Every Alertmanager route ends at an existing receiver; dropping alerts is declared",
      why="A route to a receiver that does not exist makes Alertmanager refuse the config; a receiver without "
          "notifiers silently drops every alert routed to it.",
      fix="Name only receivers defined under receivers; a receiver that drops alerts on purpose is listed in the "
          "annotation %s of the object carrying the config." % NULL_RECEIVERS_ANNOTATION)
def m006_alertmanager_routes(ctx):
    # The routing checks themselves are in module_utils/validate/configs/alertmanager_policy.py; the role's
    # builder shares their vocabulary (module_utils/common/alertmanager.py).
    for doc in configs(ctx, "alertmanager"):
        declared = [name.strip() for name in str(annotations_of(doc.obj).get(
            NULL_RECEIVERS_ANNOTATION, "")).split(",") if name.strip()]
        problems = guarded(doc, routing_problems, doc.content, declared)
        for inner, message, fix in problems:
            yield Finding(doc.obj, inner if inner.startswith("metadata.") else doc.join(inner), message, fix)


# --- M007 ----------------------------------------------------------------------------------------

def _admits_everyone(peer):
    peer = as_dict(peer)
    if "ipBlock" in peer:
        cidr = as_dict(peer.get("ipBlock")).get("cidr")
        return cidr is not None and is_any_address(cidr)
    return ("namespaceSelector" in peer and selector_is_empty(peer.get("namespaceSelector"))
            and selector_is_empty(peer.get("podSelector")))


def _open_ingress(ctx, wl):
    """Why the pods' ingress is not limited by NetworkPolicies, or None when it is."""
    policies = [as_dict(p.get("spec")) for p in ctx.in_namespace("NetworkPolicy", wl.namespace)]
    if not any(denies(spec, "Ingress") for spec in policies):
        return "namespace %s has no default-deny ingress policy" % wl.namespace
    for spec in policies:
        if "Ingress" not in policy_types(spec) or not selector_matches(spec.get("podSelector"), wl.pod_labels):
            continue
        for entry in as_list(spec.get("ingress")):
            sources = as_list(as_dict(entry).get("from"))
            if not sources or any(_admits_everyone(source) for source in sources):
                return "an ingress NetworkPolicy rule admits every source"
    return None


@rule("M007", "The Prometheus admin API is off, or reachable only through a NetworkPolicy allow",
      why="The admin API deletes series and snapshots the TSDB without authentication.",
      fix="Remove --web.enable-admin-api. If backups need snapshots, waive M007 on the workload with that reason and "
          "admit only the backup job in the Prometheus ingress NetworkPolicy.")
def m007_admin_api(ctx):
    for wl, _container, _flags in prometheus_servers(ctx):
        enabled = admin_api(wl)
        if not enabled:
            continue
        container, index, field = enabled
        yield Finding(wl.obj, container.at(field, index), "the Prometheus admin API is enabled")
        reason = _open_ingress(ctx, wl)
        if reason:
            yield Finding(wl.obj, container.at(field, index), "the admin API is enabled and %s" % reason,
                          "deny ingress by default and admit only named sources to Prometheus", waivable=False)


# --- M008 ----------------------------------------------------------------------------------------

@rule("M008", "Dashboards have unique uids, resolvable datasources, refIds, sane grids and queries",
      why="A duplicate uid makes Grafana load one dashboard and drop the other; a datasource by name or an unknown uid "
          "breaks on the next Grafana instance; overlapping panels and empty queries are dashboards nobody can read.",
      fix="Give each dashboard a unique uid; reference datasources as {type, uid} of a provisioned datasource (or a "
          "datasource variable); give every target a refId and a query; place panels without overlap.")
def m008_dashboards(ctx):
    # The per-dashboard lint is in module_utils/validate/configs/dashboards.py.
    provisioned = [ds for doc in configs(ctx, "datasources") for ds in as_list(doc.content.get("datasources"))
                   if isinstance(ds, dict)]
    seen_uids = {}
    for doc in configs(ctx, "dashboard"):
        board = doc.content
        title = board.get("title")
        for inner, message, fix in guarded(doc, dashboards.lint_dashboard, board, provisioned):
            severity = ""
            if not provisioned and ".datasource" in inner:
                severity = WARNING
                message += "; a warning only, since these manifests provision no datasource"
            yield Finding(doc.obj, doc.join(inner), "dashboard %r: %s" % (title, message), fix, severity=severity)
        uid = board.get("uid")
        if isinstance(uid, str) and uid:
            if uid in seen_uids:
                yield Finding(doc.obj, doc.at("uid"), "dashboard %r has uid %r, already used by %s"
                              % (title, uid, seen_uids[uid]), "give every dashboard its own uid")
            else:
                seen_uids[uid] = "%s of %s %s" % (doc.at("uid"), doc.obj.get("kind"), metadata(doc.obj).get("name"))
