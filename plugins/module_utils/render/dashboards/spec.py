# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""A compact dashboard spec rendered into Grafana dashboard JSON.

``render_dashboard`` turns a spec (title, tags, variables, rows, panels with type, queries, unit,
thresholds, size) into a full dashboard for a target Grafana version: stable uid, automatic grid
layout, datasource references by uid, refIds, template variables. Every problem of a spec is
reported at once, each naming the dashboard and the panel.
"""

from __future__ import annotations

import copy

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.datasources import (
    provisioned_datasources,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.layout import render_layout
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import (
    DashboardError,
    UID_PATTERN,
    dashboard_uid,
    iter_panels,
    variables_used,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.state import SpecState
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.variables import render_variables
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.versions import schema_version_for

# Template variables Grafana defines in every dashboard.
BUILTIN_VARIABLES = frozenset((
    "__interval", "__interval_ms", "__rate_interval", "__rate_interval_ms", "__range", "__range_s",
    "__range_ms", "__auto", "__from", "__to", "__timeFilter", "__dashboard", "__org", "__user", "__name",
    "__all", "__series", "__field", "__value", "__data", "__cell", "timeFilter", "__timezone",
))
SPEC_KEYS = frozenset(("title", "uid", "description", "tags", "requires", "variables", "rows", "panels",
                       "refresh", "time", "timezone", "editable", "links", "graph_tooltip"))


def render_dashboard(spec, datasources, grafana_version, components=None, source=""):
    """Render ``spec`` into Grafana dashboard JSON (a dict) for ``grafana_version``.

    ``datasources`` are the provisioned datasources (provisioning format); panels reference them by uid.
    ``components`` are the enabled components: a dashboard, row, panel or query whose ``requires`` names
    one that is not enabled is left out (None: nothing is left out). Returns None when the dashboard
    itself is left out or no panel remains. Raises DashboardError listing every problem.
    """
    if not isinstance(spec, dict):
        raise DashboardError(["dashboard spec%s must be a mapping, got %s" % (
            " (%s)" % source if source else "", type(spec).__name__)])
    datasources = provisioned_datasources(datasources)
    state = SpecState(spec, datasources, components, source)
    schema_version = None
    try:
        schema_version = schema_version_for(grafana_version)
    except DashboardError as e:
        state.problems.extend(e.problems)
    state.unknown_keys(spec, SPEC_KEYS, "")
    title = spec.get("title")
    if not isinstance(title, str) or not title.strip():
        state.error("", "title is required (a non-empty string)")
    uid = spec.get("uid")
    if uid is not None and (not isinstance(uid, str) or not UID_PATTERN.match(uid)):
        state.error("uid", "%r is not a valid uid: 1 to 40 letters, digits, '-' or '_'" % (uid,))
    tags = spec.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        state.error("tags", "must be a list of strings")
        tags = []
    links = state.typed(spec, "links", list, [])
    time_range = state.typed(spec, "time", dict, {"from": "now-6h", "to": "now"})
    if not {"from", "to"} <= set(time_range):
        state.error("time", "needs from and to, e.g. {from: now-6h, to: now}")
    graph_tooltip = spec.get("graph_tooltip", 1)
    if graph_tooltip not in (0, 1, 2) or isinstance(graph_tooltip, bool):
        state.error("graph_tooltip", "must be 0, 1 or 2, got %r" % (graph_tooltip,))
    settings = {key: state.typed(spec, key, str, default) for key, default in
                (("description", ""), ("refresh", "1m"), ("timezone", "browser"))}
    editable = state.typed(spec, "editable", bool, False)
    if not state.enabled(spec, "requires"):
        state.raise_problems()
        return None

    variables = render_variables(state, spec.get("variables", []))
    panels = render_layout(state, spec)
    _check_variable_use(state, variables, panels)
    state.raise_problems()
    if not [p for p in panels if p.get("type") != "row"] and not any(p.get("panels") for p in panels):
        return None
    return {
        "annotations": {"list": [_builtin_annotation()]},
        "description": settings["description"],
        "editable": editable,
        "fiscalYearStartMonth": 0,
        "graphTooltip": graph_tooltip,
        "id": None,
        "links": copy.deepcopy(links),
        "panels": panels,
        "refresh": settings["refresh"],
        "schemaVersion": schema_version,
        "tags": list(tags),
        "templating": {"list": variables},
        "time": dict(time_range),
        "timepicker": {},
        "timezone": settings["timezone"],
        "title": title.strip(),
        "uid": dashboard_uid(title, uid),
        "version": 1,
        "weekStart": "",
    }


def _builtin_annotation():
    return {
        "builtIn": 1,
        "datasource": {"type": "grafana", "uid": "-- Grafana --"},
        "enable": True,
        "hide": True,
        "iconColor": "rgba(0, 211, 255, 1)",
        "name": "Annotations & Alerts",
        "type": "dashboard",
    }


def _check_variable_use(state, variables, panels):
    """Every $variable a query uses must be defined (Grafana would send the literal text)."""
    defined = {v["name"] for v in variables} | BUILTIN_VARIABLES
    for variable in variables:
        if variable.get("type") == "query":
            for name in sorted(variables_used(variable["query"]) - defined):
                state.error("variable %r" % variable["name"], "uses $%s, which is not defined" % name)
    for panel in iter_panels(panels):
        for target in panel.get("targets", []):
            for name in sorted(variables_used(target.get("expr", "")) - defined):
                state.error("panel %r, query %s" % (panel.get("title"), target.get("refId")),
                            "uses $%s, which is not a variable of this dashboard; add it to `variables`" % name)
