# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Rule DASHBOARD_JOB over a whole object list: every ``job`` a dashboard's Prometheus query asks for is
produced by a scrape job of the rendered Prometheus config. Run by the validate front end."""

from __future__ import annotations

import json
import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import for_object
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import safe_load as load_yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import variables_used
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.dashboards import (
    MIXED_DATASOURCE_UID,
)


def _configmap_items(obj):
    if not isinstance(obj, dict) or obj.get("kind") != "ConfigMap" or not isinstance(obj.get("data"), dict):
        return []
    return [(key, value) for key, value in obj["data"].items() if isinstance(value, str)]


def find_dashboards(objects):
    """(ConfigMap, data key, dashboard dict) for every dashboard carried by a ConfigMap: a ``.json`` key
    whose content is an object with a title and panels. Unreadable JSON yields (obj, key, None)."""
    found = []
    for obj in objects or []:
        for key, value in _configmap_items(obj):
            if not key.endswith(".json"):
                continue
            try:
                data = json.loads(value)
            except ValueError:
                found.append((obj, key, None))
                continue
            if isinstance(data, dict) and "panels" in data and "title" in data:
                found.append((obj, key, data))
    return found


def find_datasources(objects):
    """Every datasource of the datasource provisioning files carried by ConfigMaps."""
    found = []
    for obj in objects or []:
        for key, value in _configmap_items(obj):
            if not key.endswith((".yaml", ".yml")) or "datasources" not in value:
                continue
            try:
                data = load_yaml(value)
            except yaml.YAMLError:
                continue
            if isinstance(data, dict) and isinstance(data.get("datasources"), list) and "apiVersion" in data:
                found.extend(ds for ds in data["datasources"] if isinstance(ds, dict))
    return found


def _data_path(key, inner):
    return 'data["%s"]%s' % (key, ("." + inner) if inner and not inner.startswith("[") else inner)


_JOB_MATCHER = re.compile(r"""(?<![A-Za-z0-9_"'`])job\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)""")


def _unquote(text):
    body = text[1:-1]
    if text[0] == "`":
        return body
    return re.sub(r"\\(.)", r"\1", body)


def query_jobs(expr):
    """(operator, value) of every ``job`` label matcher in a PromQL expression."""
    return [(m.group(1), _unquote(m.group(2))) for m in _JOB_MATCHER.finditer(str(expr or ""))]


def scrape_jobs(config):
    """The `job` label values a Prometheus config's scrape jobs produce: (set of values, open).

    Each job's job_name, plus every relabeling that writes the `job` label with a literal replacement.
    A relabeling that copies a discovered value into `job` (replacement with $1) yields the literal
    values of a `keep` on the same source labels when there is one; otherwise the set is open (any value
    may appear) and ``open`` is True.
    """
    values = set()
    is_open = False
    for job in (config or {}).get("scrape_configs") or []:
        if not isinstance(job, dict):
            continue
        if job.get("job_name"):
            values.add(str(job["job_name"]))
        keeps = {}
        for relabel in list(job.get("relabel_configs") or []) + list(job.get("metric_relabel_configs") or []):
            if not isinstance(relabel, dict):
                continue
            sources = tuple(relabel.get("source_labels") or [])
            action = relabel.get("action", "replace")
            if action == "keep" and sources:
                literals = _regex_literals(relabel.get("regex", "(.*)"))
                if literals is not None:
                    keeps[sources] = literals
            if action != "replace" or relabel.get("target_label") != "job":
                continue
            replacement = str(relabel.get("replacement", "$1"))
            if "$" not in replacement:
                values.add(replacement)
            elif replacement in ("$1", "${1}") and sources in keeps and relabel.get("regex", "(.*)") == "(.*)":
                values.update(keeps[sources])
            else:
                is_open = True
    return values, is_open


def _regex_literals(regex):
    """The alternatives of a regex made only of literal alternatives (a|b|c), else None."""
    text = str(regex)
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1]
    parts = text.split("|")
    if all(re.match(r"^[A-Za-z0-9_:-]+$", part) for part in parts):
        return set(parts)
    return None


def find_prometheus_configs(objects):
    """(ConfigMap, parsed prometheus.yml) of every ConfigMap with a ``prometheus.yml`` key."""
    found = []
    for obj in objects or []:
        for key, value in _configmap_items(obj):
            if key == "prometheus.yml":
                try:
                    found.append((obj, load_yaml(value) or {}))
                except yaml.YAMLError:
                    continue
    return found


def _target_type(target, panel, variables, datasources):
    for ref in (target.get("datasource"), panel.get("datasource")):
        if isinstance(ref, dict) and ref.get("uid") and ref.get("uid") != MIXED_DATASOURCE_UID:
            uid = str(ref["uid"])
            used = variables_used(uid)
            if used:
                variable = variables.get(next(iter(used))) or {}
                return variable.get("query") or ref.get("type")
            by_uid = {ds.get("uid"): ds for ds in datasources}
            return (by_uid.get(uid) or {}).get("type") or ref.get("type")
    return None


def dashboard_queries(dashboard, datasources):
    """(path, expression) of every Prometheus query of a dashboard: panel targets and query variables."""
    variables = {v.get("name"): v for v in (dashboard.get("templating") or {}).get("list") or []
                 if isinstance(v, dict)}
    found = []
    for index, variable in enumerate((dashboard.get("templating") or {}).get("list") or []):
        if isinstance(variable, dict) and variable.get("type") == "query":
            if _target_type({}, {"datasource": variable.get("datasource")}, variables, datasources) == "prometheus":
                query = variable.get("query")
                found.append(("templating.list[%d].query" % index, query.get("query") if isinstance(query, dict)
                              else query))
    for index, panel in enumerate(dashboard.get("panels") or []):
        if not isinstance(panel, dict):
            continue
        children = [("panels[%d]" % index, panel)] + [
            ("panels[%d].panels[%d]" % (index, inner_index), child)
            for inner_index, child in enumerate(panel.get("panels") or []) if isinstance(child, dict)]
        for path, item in children:
            for target_index, target in enumerate(item.get("targets") or []):
                if isinstance(target, dict) and _target_type(target, item, variables, datasources) == "prometheus":
                    found.append(("%s.targets[%d].expr" % (path, target_index), target.get("expr")))
    return found


def unknown_jobs(expr, jobs):
    """The job matchers of ``expr`` that no job of ``jobs`` satisfies: (operator, value)."""
    bad = []
    for operator, value in query_jobs(expr):
        if operator in ("!=", "!~") or variables_used(value):
            continue
        if operator == "=":
            if value not in jobs:
                bad.append((operator, value))
            continue
        try:
            pattern = re.compile(value)
        except re.error:
            bad.append((operator, value))
            continue
        if not any(pattern.fullmatch(job) for job in jobs):
            bad.append((operator, value))
    return bad


def check_dashboard_jobs(objects):
    """Every `job` a dashboard's Prometheus query asks for must be produced by a scrape job of the
    rendered Prometheus config (the ConfigMap key ``prometheus.yml``). Skipped when the objects carry no
    Prometheus config, or when its relabelings can set any job value."""
    configs = find_prometheus_configs(objects)
    if not configs:
        return []
    jobs = set()
    for _obj, config in configs:
        values, is_open = scrape_jobs(config)
        if is_open:
            return []
        jobs |= values
    datasources = find_datasources(objects)
    source = ", ".join(sorted("%s/%s" % (obj["metadata"].get("namespace", ""), obj["metadata"].get("name"))
                              for obj, _config in configs))
    violations = []
    for obj, key, dashboard in find_dashboards(objects):
        if dashboard is None:
            continue
        for path, expr in dashboard_queries(dashboard, datasources):
            for operator, value in unknown_jobs(expr, jobs):
                violations.append(for_object(
                    obj, "DASHBOARD_JOB", _data_path(key, path),
                    "dashboard %r asks for job%s\"%s\", which no scrape job of the Prometheus config (%s) produces; "
                    "its jobs are %s" % (dashboard.get("title"), operator, value, source, ", ".join(sorted(jobs))),
                    "use the job label of a rendered scrape job, or enable the component whose job it is"))
    return violations
