# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The template variables of a spec: the standard ones by name, or query, custom, textbox, constant,
interval and datasource variables."""

from __future__ import annotations

import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.datasources import (
    resolve_datasource,
)

VARIABLE_KEYS = frozenset(("name", "label", "type", "datasource", "query", "multi", "include_all", "all_value",
                           "hide", "refresh", "sort", "regex", "default", "options", "requires"))

# Template variables a spec may name by name only. Queries use only metrics the stack's exporters
# produce and the `job` labels of the stack's scrape jobs (checked by validate/configs/dashboard_jobs.py).
STANDARD_VARIABLES = {
    "datasource": {"name": "datasource", "label": "Metrics", "type": "datasource", "query": "prometheus"},
    "logs_datasource": {"name": "logs_datasource", "label": "Logs", "type": "datasource", "query": "loki"},
    "cluster": {"name": "cluster", "label": "Cluster", "type": "query", "datasource": "prometheus",
                "query": "label_values(up, cluster)", "include_all": True, "all_value": ".*"},
    "namespace": {"name": "namespace", "label": "Namespace", "type": "query", "datasource": "prometheus",
                  "query": 'label_values(kube_namespace_status_phase{job="kube-state-metrics", cluster=~"$cluster"}, '
                           'namespace)',
                  "multi": True, "include_all": True, "all_value": ".*"},
    "node": {"name": "node", "label": "Node", "type": "query", "datasource": "prometheus",
             "query": 'label_values(node_uname_info{job="node-exporter", cluster=~"$cluster"}, node)',
             "multi": True, "include_all": True, "all_value": ".*"},
}
VARIABLE_TYPES = ("query", "custom", "textbox", "constant", "interval", "datasource")


def render_variables(state, items):
    if not isinstance(items, list):
        state.error("variables", "must be a list of names or mappings")
        return []
    rendered = []
    for index, item in enumerate(items):
        where = "variable #%d" % (index + 1)
        if isinstance(item, str):
            if item not in STANDARD_VARIABLES:
                state.error(where, "%r is not a standard variable (%s); give a mapping with name, type and query"
                            % (item, ", ".join(sorted(STANDARD_VARIABLES))))
                continue
            item = STANDARD_VARIABLES[item]
        elif isinstance(item, dict) and item.get("name") in STANDARD_VARIABLES:
            item = dict(STANDARD_VARIABLES[item["name"]], **item)
        if not isinstance(item, dict):
            state.error(where, "must be a name or a mapping, got %r" % (item,))
            continue
        name = item.get("name")
        where = "variable %r" % (name,) if name else where
        state.unknown_keys(item, VARIABLE_KEYS, where)
        if not isinstance(name, str) or not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            state.error(where, "name must be an identifier (letters, digits, '_')")
            continue
        if name in state.variable_names:
            state.error(where, "is defined twice")
            continue
        if not state.enabled(item, where):
            continue
        state.variable_names.add(name)
        variable = _render_variable(state, item, where)
        if variable:
            rendered.append(variable)
    return rendered


def _hide(value):
    if value in (None, False, 0, "none"):
        return 0
    if value in ("label", 1):
        return 1
    return 2


def _render_variable(state, item, where):
    kind = item.get("type", "query")
    if kind not in VARIABLE_TYPES:
        state.error(where, "type %r is not one of %s" % (kind, ", ".join(VARIABLE_TYPES)))
        return None
    name = item["name"]
    variable = {
        "name": name,
        "label": str(item.get("label", name)),
        "type": kind,
        "hide": _hide(item.get("hide")),
        "skipUrlSync": False,
    }
    if kind == "datasource":
        plugin = item.get("query", "prometheus")
        ds = resolve_datasource(state.datasources, plugin)
        if ds is None:
            state.error(where, "is a datasource variable of type %r, but no such datasource is provisioned" % plugin)
            return None
        state.datasource_variables.setdefault(ds["type"], name)
        variable.update({
            "query": ds["type"], "regex": str(item.get("regex", "")), "refresh": 1, "multi": False,
            "includeAll": False, "options": [],
            "current": {"selected": False, "text": ds.get("name", ds["uid"]), "value": ds["uid"]},
        })
        return variable
    if kind in ("query",):
        query = item.get("query")
        if not isinstance(query, str) or not query.strip():
            state.error(where, "a query variable needs a non-empty query")
            return None
        ref = state.datasource_ref(item.get("datasource", "prometheus"), where)
        if ref is None:
            return None
        variable.update({
            "datasource": ref, "query": query, "definition": query,
            "refresh": state.typed(item, "refresh", int, 2, where), "regex": str(item.get("regex", "")),
            "sort": state.typed(item, "sort", int, 1, where), "multi": bool(item.get("multi", False)),
            "includeAll": bool(item.get("include_all", False)), "options": [], "current": {},
        })
        if item.get("include_all") and "all_value" in item:
            variable["allValue"] = str(item["all_value"])
        return variable
    if kind == "textbox":
        default = str(item.get("default", ""))
        variable.update({"query": default, "current": {"selected": False, "text": default, "value": default},
                         "options": [{"selected": True, "text": default, "value": default}]})
        return variable
    if kind == "constant":
        value = str(item.get("query", item.get("default", "")))
        variable.update({"query": value, "hide": 2, "current": {"selected": False, "text": value, "value": value},
                         "options": [{"selected": True, "text": value, "value": value}]})
        return variable
    # custom and interval: a comma separated list of values
    values = item.get("options", item.get("query"))
    if isinstance(values, list):
        values = ",".join(str(v) for v in values)
    if not isinstance(values, str) or not values.strip():
        state.error(where, "a %s variable needs options (a list or a comma separated string)" % kind)
        return None
    choices = [v.strip() for v in values.split(",") if v.strip()]
    default = str(item.get("default", choices[0]))
    if default not in choices:
        state.error(where, "default %r is not one of its options %s" % (default, choices))
    variable.update({
        "query": ",".join(choices), "multi": bool(item.get("multi", False)),
        "includeAll": bool(item.get("include_all", False)),
        "current": {"selected": False, "text": default, "value": default},
        "options": [{"selected": c == default, "text": c, "value": c} for c in choices],
    })
    if kind == "interval":
        variable.update({"auto": False, "auto_count": 30, "auto_min": "10s", "refresh": 2})
    return variable
