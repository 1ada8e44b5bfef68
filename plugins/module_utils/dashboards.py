# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Dashboards as code: compact YAML specs rendered into Grafana dashboard JSON, imported dashboards
rewritten to the provisioned datasources, and the checks of the validate phase.

Three jobs, each a plain function over dicts:

- ``render_dashboard`` turns a spec (title, tags, variables, rows, panels with type, queries, unit,
  thresholds, size) into a full dashboard for a target Grafana version: stable uid, automatic grid
  layout, datasource references by uid, refIds, template variables. Every problem of a spec is
  reported at once, each naming the dashboard and the panel.
- ``import_dashboard`` takes dashboard JSON exported from Grafana or grafana.com and rewrites its
  ``${DS_...}`` inputs to the uids of the provisioned datasources.
- ``lint_dashboard`` is rule M008 for one dashboard (the policy engine, policy/monitoring.py, runs it
  over every dashboard of the objects, with waivers); ``check_dashboard_jobs`` (rule DASHBOARD_JOB:
  every ``job`` a query asks for is produced by the rendered Prometheus scrape config) runs in the
  validate phase over the whole object list.

The dashboard JSON model targeted is the classic one (``panels`` with ``gridPos``), which Grafana
10.0 writes with schemaVersion 38 and Grafana 12/13 load and migrate (Grafana 13 converts it to its
v2 schema on load).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re

import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.violations import for_object
from ansible_collections.vmstation.monitoring.plugins.module_utils.manifests import safe_load as load_yaml

GRID_WIDTH = 24
UID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
UID_MAX_LENGTH = 40
# Grafana's dashboard schemaVersion by release: 10.0 writes 38 (the table cellOptions migration);
# the Grafana 12/13 backend migrates up to 42. A target gets the highest entry not newer than itself;
# older numbers are always safe, Grafana migrates them on load.
SCHEMA_VERSIONS = (((10, 0), 38), ((13, 0), 42))
# Releases whose written schemaVersion is known exactly: an import newer than that is refused.
EXACT_SCHEMA_VERSIONS = {(10, 0): 38}
# The ConfigMap object limit is 1 MiB; keep room for metadata and managedFields.
CONFIGMAP_DATA_LIMIT = 1000 * 1024

# Datasource references Grafana resolves itself.
BUILTIN_DATASOURCE_UIDS = frozenset(("grafana", "-- Grafana --", "-- Mixed --", "-- Dashboard --"))
MIXED_DATASOURCE_UID = "-- Mixed --"
# Template variables Grafana defines in every dashboard.
BUILTIN_VARIABLES = frozenset((
    "__interval", "__interval_ms", "__rate_interval", "__rate_interval_ms", "__range", "__range_s",
    "__range_ms", "__auto", "__from", "__to", "__timeFilter", "__dashboard", "__org", "__user", "__name",
    "__all", "__series", "__field", "__value", "__data", "__cell", "timeFilter", "__timezone",
))
QUERY_KEYS = ("expr", "query", "rawSql", "rawQuery", "queryText", "target")

PANEL_TYPES = ("timeseries", "stat", "gauge", "bargauge", "table", "logs", "text")
DEFAULT_SIZES = {
    "timeseries": (12, 8), "stat": (4, 4), "gauge": (6, 6), "bargauge": (12, 8), "table": (24, 8),
    "logs": (24, 12), "text": (24, 3),
}
# Panels that read logs default to the Loki datasource; everything else to Prometheus.
DEFAULT_DATASOURCE = {"logs": "loki"}
THRESHOLD_COLORS = ("green", "orange", "red", "dark-red", "purple")

SPEC_KEYS = frozenset(("title", "uid", "description", "tags", "requires", "variables", "rows", "panels",
                       "refresh", "time", "timezone", "editable", "links", "graph_tooltip"))
ROW_KEYS = frozenset(("title", "collapsed", "requires", "panels"))
PANEL_KEYS = frozenset((
    "title", "type", "description", "datasource", "queries", "unit", "decimals", "min", "max",
    "thresholds", "thresholds_style", "size", "requires", "instant", "stack", "legend", "content",
    "mappings", "color_mode", "graph_mode", "options", "field_config", "overrides", "transformations",
    "hide_columns", "rename_columns", "merge", "series_to_rows", "interval", "max_data_points",
))
QUERY_KEYS_SPEC = frozenset(("expr", "legend", "instant", "format", "ref_id", "requires", "hide", "interval"))
VARIABLE_KEYS = frozenset(("name", "label", "type", "datasource", "query", "multi", "include_all", "all_value",
                           "hide", "refresh", "sort", "regex", "default", "options", "requires"))

# Template variables a spec may name by name only. Queries use only metrics the stack's exporters
# produce and the `job` labels of the stack's scrape jobs (see check_dashboard_jobs).
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


class DashboardError(ValueError):
    """A spec or an imported dashboard cannot be rendered; ``problems`` lists every reason."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


# --- versions, uids, names -------------------------------------------------------------------------

def grafana_version_tuple(version) -> tuple:
    """(major, minor) of a Grafana version or image tag such as ``10.0.0``, ``v13.2.3`` or ``13.2.3@sha256:..``."""
    match = re.match(r"^v?(\d+)\.(\d+)", str(version or "").strip())
    if not match:
        raise DashboardError(["Grafana version %r is not of the form MAJOR.MINOR[.PATCH]" % (version,)])
    return int(match.group(1)), int(match.group(2))


def schema_version_for(grafana_version) -> int:
    """The dashboard schemaVersion to write for ``grafana_version``."""
    wanted = grafana_version_tuple(grafana_version)
    known = [number for release, number in SCHEMA_VERSIONS if release <= wanted]
    if not known:
        raise DashboardError(["Grafana %s is older than the oldest supported release (10.0)" % (grafana_version,)])
    return known[-1]


def slug(text) -> str:
    """Lower-case words joined by '-', for uids, file and object names."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def dashboard_uid(title, uid=None) -> str:
    """The uid of a dashboard: ``uid`` if given, else derived from the title only, so it never changes
    when panels change. Titles longer than the 40 characters Grafana allows keep a hash suffix."""
    if uid:
        return str(uid)
    base = slug(title) or "dashboard"
    if len(base) <= UID_MAX_LENGTH:
        return base
    digest = hashlib.sha256(str(title).encode("utf-8")).hexdigest()[:8]
    return base[:UID_MAX_LENGTH - 9].rstrip("-") + "-" + digest


def configmap_name(prefix, uid) -> str:
    """A DNS-1123 name for the ConfigMap carrying dashboard ``uid`` (uids may hold upper case and '_')."""
    base = slug(uid)
    if base != uid.lower() or not base:
        base = (base[:40] or "dashboard") + "-" + hashlib.sha256(uid.encode("utf-8")).hexdigest()[:8]
    return ("%s-%s" % (prefix, base))[:253].rstrip("-")


# --- datasources ------------------------------------------------------------------------------------

def _datasource_index(datasources):
    """Validate the provisioned datasources (provisioning format: name, type, uid, isDefault)."""
    problems = []
    found = []
    for index, ds in enumerate(datasources or []):
        if not isinstance(ds, dict) or not ds.get("type") or not ds.get("uid"):
            problems.append("datasources[%d] needs a type and a uid (provisioning format), got %r" % (index, ds))
            continue
        found.append(ds)
    if problems:
        raise DashboardError(problems)
    return found


def resolve_datasource(datasources, wanted):
    """The provisioned datasource named by ``wanted``: a uid, else a type (the default one of that type,
    else the first)."""
    for ds in datasources:
        if ds.get("uid") == wanted:
            return ds
    of_type = [ds for ds in datasources if ds.get("type") == wanted]
    for ds in of_type:
        if ds.get("isDefault"):
            return ds
    return of_type[0] if of_type else None


# --- rendering a spec -------------------------------------------------------------------------------

class _Spec:
    """Rendering state of one spec: the place for errors that name the dashboard and panel."""

    def __init__(self, spec, datasources, grafana_version, components, source):
        self.spec = spec
        self.datasources = datasources
        self.grafana_version = grafana_version
        self.components = None if components is None else set(components)
        self.source = source
        self.problems = []
        title = spec.get("title") if isinstance(spec, dict) else None
        self.name = "dashboard %r%s" % (title if title else "(untitled)", " (%s)" % source if source else "")
        self.next_id = 1
        self.datasource_variables = {}  # datasource type -> variable name
        self.variable_names = set()

    def error(self, where, message):
        self.problems.append("%s%s: %s" % (self.name, ", " + where if where else "", message))

    def enabled(self, item, where):
        requires = item.get("requires") if isinstance(item, dict) else None
        if requires is None:
            return True
        if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
            self.error(where, "requires must be a list of component names, got %r" % (requires,))
            return False
        return self.components is None or set(requires) <= self.components

    def unknown_keys(self, item, allowed, where):
        extra = sorted(set(item) - allowed)
        if extra:
            self.error(where, "unknown key(s) %s; allowed: %s" % (", ".join(extra), ", ".join(sorted(allowed))))

    def panel_id(self):
        value = self.next_id
        self.next_id += 1
        return value


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
    datasources = _datasource_index(datasources)
    state = _Spec(spec, datasources, grafana_version, components, source)
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
    links = _typed(state, spec, "links", list, [])
    time_range = _typed(state, spec, "time", dict, {"from": "now-6h", "to": "now"})
    if not {"from", "to"} <= set(time_range):
        state.error("time", "needs from and to, e.g. {from: now-6h, to: now}")
    graph_tooltip = spec.get("graph_tooltip", 1)
    if graph_tooltip not in (0, 1, 2) or isinstance(graph_tooltip, bool):
        state.error("graph_tooltip", "must be 0, 1 or 2, got %r" % (graph_tooltip,))
    settings = {key: _typed(state, spec, key, str, default) for key, default in
                (("description", ""), ("refresh", "1m"), ("timezone", "browser"))}
    editable = _typed(state, spec, "editable", bool, False)
    if not state.enabled(spec, "requires"):
        _raise_if(state)
        return None

    variables = _render_variables(state, spec.get("variables", []))
    panels = _render_layout(state, spec)
    _check_variable_use(state, variables, panels)
    _raise_if(state)
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


_TYPE_NAMES = {list: "a list", dict: "a mapping", str: "a string", bool: "true or false", int: "a whole number"}


def _typed(state, item, key, kind, default, where=""):
    """``item[key]`` if it has type ``kind`` (a bool is no int), else ``default``, recording the error."""
    if key not in item:
        return default
    value = item[key]
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    state.error(where or key, "%s must be %s, got %r" % (key, _TYPE_NAMES[kind], value))
    return default


def _raise_if(state):
    if state.problems:
        raise DashboardError(state.problems)


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


def _render_variables(state, items):
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


def _datasource_ref(state, wanted, where):
    """{type, uid} for a datasource named by type or uid; the dashboard's datasource variable if it has one."""
    ds = resolve_datasource(state.datasources, wanted)
    if ds is None:
        state.error(where, "needs the datasource %r, but none of that uid or type is provisioned (provisioned: %s); "
                    "add `requires: [<component>]` so it is left out when its component is disabled"
                    % (wanted, ", ".join("%s (%s)" % (d["uid"], d["type"]) for d in state.datasources) or "none"))
        return None
    variable = state.datasource_variables.get(ds["type"])
    if variable and wanted == ds["type"]:
        return {"type": ds["type"], "uid": "${%s}" % variable}
    return {"type": ds["type"], "uid": ds["uid"]}


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
        ref = _datasource_ref(state, item.get("datasource", "prometheus"), where)
        if ref is None:
            return None
        variable.update({
            "datasource": ref, "query": query, "definition": query,
            "refresh": _typed(state, item, "refresh", int, 2, where), "regex": str(item.get("regex", "")),
            "sort": _typed(state, item, "sort", int, 1, where), "multi": bool(item.get("multi", False)),
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


def _size(state, panel, kind, where):
    size = panel.get("size")
    width, height = DEFAULT_SIZES.get(kind, (12, 8))
    if size is None:
        return width, height
    if isinstance(size, dict):
        width, height = size.get("width", width), size.get("height", height)
    elif isinstance(size, (list, tuple)) and len(size) == 2:
        width, height = size
    else:
        state.error(where, "size must be [width, height] or {width: .., height: ..}, got %r" % (size,))
        return DEFAULT_SIZES.get(kind, (12, 8))
    if not isinstance(width, int) or isinstance(width, bool) or not 1 <= width <= GRID_WIDTH:
        state.error(where, "width %r must be a whole number of grid columns from 1 to %d" % (width, GRID_WIDTH))
        width = min(max(int(width) if isinstance(width, (int, float)) else 12, 1), GRID_WIDTH)
    if not isinstance(height, int) or isinstance(height, bool) or not 1 <= height <= 100:
        state.error(where, "height %r must be a whole number of grid rows from 1 to 100" % (height,))
        height = 8
    return width, height


class _Cursor:
    """Skyline layout on Grafana's 24 columns: each panel, in order, goes as high as it can (then as far
    left as it can) above the panels already placed. A placement raises the columns it covers to its
    bottom, so a later panel can never overlap an earlier one."""

    def __init__(self):
        self.heights = [0] * GRID_WIDTH

    @property
    def y(self):
        return max(self.heights)

    def place(self, width, height):
        best_x, best_y = 0, None
        for x in range(0, GRID_WIDTH - width + 1):
            y = max(self.heights[x:x + width])
            if best_y is None or y < best_y:
                best_x, best_y = x, y
        for column in range(best_x, best_x + width):
            self.heights[column] = best_y + height
        return {"h": height, "w": width, "x": best_x, "y": best_y}

    def newline(self, at=None):
        """Start a new band below everything placed (or at ``at``)."""
        base = self.y if at is None else at
        self.heights = [base] * GRID_WIDTH


def _render_layout(state, spec):
    cursor = _Cursor()
    panels = []
    top = spec.get("panels", [])
    rows = spec.get("rows", [])
    if not isinstance(top, list):
        state.error("panels", "must be a list")
        top = []
    if not isinstance(rows, list):
        state.error("rows", "must be a list")
        rows = []
    if not top and not rows:
        state.error("", "has no panels: give `rows` (each with `panels`) or `panels`")
    for index, panel in enumerate(top):
        rendered = _render_panel(state, panel, None, index)
        if rendered:
            width, height = _size(state, panel, rendered["type"], _panel_where(panel, index, None))
            rendered["gridPos"] = cursor.place(width, height)
            panels.append(rendered)
    cursor.newline()
    for row_index, row in enumerate(rows):
        where = "row #%d" % (row_index + 1)
        if not isinstance(row, dict):
            state.error(where, "must be a mapping with title and panels")
            continue
        if row.get("title"):
            where = "row %r" % row["title"]
        state.unknown_keys(row, ROW_KEYS, where)
        if not isinstance(row.get("title"), str) or not row["title"].strip():
            state.error(where, "title is required")
        if not state.enabled(row, where):
            continue
        row_panels = row.get("panels")
        if not isinstance(row_panels, list) or not row_panels:
            state.error(where, "panels must be a non-empty list")
            continue
        collapsed = bool(row.get("collapsed", False))
        children = []
        row_y = cursor.y
        header = {"collapsed": collapsed, "gridPos": {"h": 1, "w": GRID_WIDTH, "x": 0, "y": row_y},
                  "id": state.panel_id(), "panels": [], "title": str(row.get("title", "")).strip(), "type": "row"}
        cursor.newline(row_y + 1)
        for index, panel in enumerate(row_panels):
            rendered = _render_panel(state, panel, row.get("title"), index)
            if rendered:
                width, height = _size(state, panel, rendered["type"], _panel_where(panel, index, row.get("title")))
                rendered["gridPos"] = cursor.place(width, height)
                children.append(rendered)
        cursor.newline()
        if not children:
            cursor.newline(row_y)
            continue
        if collapsed:
            header["panels"] = children
            cursor.newline(row_y + 1)
            panels.append(header)
        else:
            panels.append(header)
            panels.extend(children)
    return panels


def _panel_where(panel, index, row_title):
    title = panel.get("title") if isinstance(panel, dict) else None
    name = "panel %r" % title if title else "panel #%d" % (index + 1)
    return "row %r, %s" % (row_title, name) if row_title else name


def _render_panel(state, panel, row_title, index):
    where = _panel_where(panel, index, row_title)
    if not isinstance(panel, dict):
        state.error(where, "must be a mapping, got %r" % (panel,))
        return None
    state.unknown_keys(panel, PANEL_KEYS, where)
    kind = panel.get("type", "timeseries")
    if kind not in PANEL_TYPES:
        state.error(where, "type %r is not one of %s" % (kind, ", ".join(PANEL_TYPES)))
        return None
    if not state.enabled(panel, where):
        return None
    title = panel.get("title")
    if kind != "text" and (not isinstance(title, str) or not title.strip()):
        state.error(where, "title is required")
    rendered = {
        "id": state.panel_id(),
        "type": kind,
        "title": str(title or "").strip(),
        "description": str(panel.get("description", "")),
    }
    if kind == "text":
        content = panel.get("content")
        if not isinstance(content, str) or not content.strip():
            state.error(where, "a text panel needs content (Markdown)")
        rendered["options"] = _merge({"mode": "markdown", "content": str(content or "")},
                                     _typed(state, panel, "options", dict, {}, where))
        return rendered
    ref = _datasource_ref(state, panel.get("datasource", DEFAULT_DATASOURCE.get(kind, "prometheus")), where)
    if ref is None:
        return None
    rendered["datasource"] = ref
    targets = _render_targets(state, panel, kind, ref, where)
    if not targets:
        if isinstance(panel.get("queries"), list) and panel["queries"]:
            return None  # every query was left out by `requires`
        state.error(where, "queries must be a non-empty list of PromQL/LogQL expressions")
        return None
    rendered["targets"] = targets
    if panel.get("interval"):
        rendered["interval"] = str(panel["interval"])
    if "max_data_points" in panel:
        rendered["maxDataPoints"] = _typed(state, panel, "max_data_points", int, 1000, where)
    if kind == "logs":
        rendered["options"] = _merge({
            "dedupStrategy": "none", "enableLogDetails": True, "prettifyLogMessage": False, "showCommonLabels": False,
            "showLabels": False, "showTime": True, "sortOrder": "Descending", "wrapLogMessage": True,
        }, _typed(state, panel, "options", dict, {}, where))
        return rendered
    rendered["fieldConfig"] = {"defaults": _field_defaults(state, panel, kind, where),
                               "overrides": copy.deepcopy(_typed(state, panel, "overrides", list, [], where))}
    rendered["options"] = _merge(_panel_options(panel, kind), _typed(state, panel, "options", dict, {}, where))
    transformations = _transformations(state, panel, where)
    if transformations:
        rendered["transformations"] = transformations
    return rendered


def _render_targets(state, panel, kind, ref, where):
    queries = panel.get("queries")
    if not isinstance(queries, list):
        return []
    targets = []
    used = set()
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    default_instant = bool(panel.get("instant", kind in ("table", "stat", "gauge", "bargauge")
                                    and panel.get("graph_mode", "none") == "none"))
    for index, query in enumerate(queries):
        query_where = "%s, query #%d" % (where, index + 1)
        if isinstance(query, str):
            query = {"expr": query}
        if not isinstance(query, dict):
            state.error(query_where, "must be an expression or a mapping with expr")
            continue
        state.unknown_keys(query, QUERY_KEYS_SPEC, query_where)
        expr = query.get("expr")
        if not isinstance(expr, str) or not expr.strip():
            state.error(query_where, "expr must be a non-empty query")
            continue
        if not state.enabled(query, query_where):
            continue
        ref_id = query.get("ref_id")
        if ref_id is None:
            ref_id = next(letter for letter in letters if letter not in used)
        elif not isinstance(ref_id, str) or not re.match(r"^[A-Za-z][A-Za-z0-9_-]*$", ref_id):
            state.error(query_where, "ref_id %r must start with a letter" % (ref_id,))
            continue
        if ref_id in used:
            state.error(query_where, "ref_id %r is used twice in this panel" % ref_id)
            continue
        used.add(ref_id)
        instant = bool(query.get("instant", default_instant))
        target = {"datasource": dict(ref), "editorMode": "code", "expr": expr.strip(), "refId": ref_id}
        if ref["type"] == "loki":
            target["queryType"] = "instant" if instant and kind != "logs" else "range"
            if kind != "logs":
                target["legendFormat"] = str(query.get("legend", ""))
        else:
            table = kind == "table" and not panel.get("series_to_rows")
            fmt = query.get("format", "table" if table else "time_series")
            if fmt not in ("time_series", "table", "heatmap"):
                state.error(query_where, "format %r is not time_series, table or heatmap" % (fmt,))
            target.update({"format": fmt, "instant": instant, "range": not instant,
                           "legendFormat": str(query.get("legend", "__auto"))})
        if query.get("interval"):
            target["interval"] = str(query["interval"])
        if query.get("hide"):
            target["hide"] = True
        targets.append(target)
    return targets


def _thresholds(state, value, where):
    if value is None:
        return {"mode": "absolute", "steps": [{"color": "green", "value": None}]}
    mode = "absolute"
    if isinstance(value, dict):
        mode = value.get("mode", "absolute")
        value = value.get("steps")
        if mode not in ("absolute", "percentage"):
            state.error(where, "thresholds mode %r must be absolute or percentage" % (mode,))
    if not isinstance(value, list) or not value:
        state.error(where, "thresholds must be a list of numbers or of {value, color}")
        return {"mode": mode, "steps": [{"color": "green", "value": None}]}
    steps = []
    for index, step in enumerate(value):
        if isinstance(step, (int, float)) and not isinstance(step, bool):
            step = {"value": step}
        if not isinstance(step, dict) or ("value" in step and step["value"] is not None
                                           and not isinstance(step["value"], (int, float))):
            state.error(where, "threshold #%d %r must be a number or {value: <number>, color: <color>}"
                        % (index + 1, step))
            continue
        steps.append(step)
    if not steps or steps[0].get("value") is not None:
        steps.insert(0, {"value": None, "color": "green"})
    numbers = [s["value"] for s in steps[1:]]
    if any(v is None for v in numbers) or numbers != sorted(numbers):
        state.error(where, "threshold values must ascend after the base step, got %r" % numbers)
    colors = [str(step.get("color") or THRESHOLD_COLORS[min(i, len(THRESHOLD_COLORS) - 1)])
              for i, step in enumerate(steps)]
    return {"mode": mode, "steps": [{"color": color, "value": step.get("value")}
                                    for color, step in zip(colors, steps)]}


def _field_defaults(state, panel, kind, where):
    defaults = {
        "color": {"mode": "thresholds" if kind in ("stat", "gauge", "bargauge", "table") else "palette-classic"},
        "mappings": copy.deepcopy(_typed(state, panel, "mappings", list, [], where)),
        "thresholds": _thresholds(state, panel.get("thresholds"), where),
        "unit": str(panel.get("unit", "short")),
    }
    for key in ("decimals", "min", "max"):
        if key in panel:
            if not isinstance(panel[key], (int, float)) or isinstance(panel[key], bool):
                state.error(where, "%s must be a number, got %r" % (key, panel[key]))
            else:
                defaults[key] = panel[key]
    if kind == "timeseries":
        style = panel.get("thresholds_style", "dashed" if panel.get("thresholds") else "off")
        if style not in ("off", "line", "area", "line+area", "dashed", "dashed+area"):
            state.error(where, "thresholds_style %r is not off, line, area, line+area, dashed or dashed+area" % style)
        defaults["custom"] = {
            "drawStyle": "line", "fillOpacity": 10, "gradientMode": "none", "lineInterpolation": "linear",
            "lineWidth": 1, "pointSize": 4, "showPoints": "never", "spanNulls": False,
            "stacking": {"group": "A", "mode": "normal" if panel.get("stack") else "none"},
            "thresholdsStyle": {"mode": style},
        }
    elif kind == "table":
        defaults["custom"] = {"align": "auto", "cellOptions": {"type": "auto"}, "inspect": False}
    return _merge(defaults, _typed(state, panel, "field_config", dict, {}, where))


def _panel_options(panel, kind):
    reduce = {"calcs": ["lastNotNull"], "fields": "", "values": False}
    legend = panel.get("legend", {})
    if isinstance(legend, str):
        legend = {"placement": legend}
    if not isinstance(legend, dict):
        legend = {}
    if kind == "timeseries":
        return {
            "legend": _merge({"calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": True},
                             legend if isinstance(legend, dict) else {}),
            "tooltip": {"mode": "multi", "sort": "desc"},
        }
    if kind == "stat":
        return {"colorMode": panel.get("color_mode", "value"), "graphMode": panel.get("graph_mode", "none"),
                "justifyMode": "auto", "orientation": "auto", "reduceOptions": reduce, "textMode": "auto"}
    if kind == "gauge":
        return {"orientation": "auto", "reduceOptions": reduce, "showThresholdLabels": False,
                "showThresholdMarkers": True}
    if kind == "bargauge":
        return {"displayMode": "gradient", "orientation": "horizontal", "reduceOptions": reduce,
                "showUnfilled": True}
    if kind == "table":
        return {"cellHeight": "sm", "footer": {"countRows": False, "fields": "", "reducer": ["sum"], "show": False},
                "showHeader": True}
    return {}


def _transformations(state, panel, where):
    result = []
    if panel.get("series_to_rows"):
        result.append({"id": "seriesToRows", "options": {}})
    if panel.get("merge"):
        result.append({"id": "merge", "options": {}})
    exclude = {str(name): True for name in _typed(state, panel, "hide_columns", list, [], where)}
    rename = {str(k): str(v) for k, v in _typed(state, panel, "rename_columns", dict, {}, where).items()}
    if exclude or rename:
        result.append({"id": "organize", "options": {"excludeByName": exclude, "indexByName": {},
                                                     "renameByName": rename}})
    return result + copy.deepcopy(_typed(state, panel, "transformations", list, [], where))


def _merge(base, extra):
    """``base`` with ``extra`` merged in recursively (the spec's raw options win)."""
    result = copy.deepcopy(base)
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


_VARIABLE_USE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}|\[\[([A-Za-z_][A-Za-z0-9_]*)\]\]"
                           r"|([A-Za-z_][A-Za-z0-9_]*))")


def variables_used(text) -> set:
    """Names of the template variables referenced in ``text`` ($name, ${name}, ${name:fmt}, [[name]])."""
    found = set()
    for match in _VARIABLE_USE.finditer(str(text)):
        found.add(next(group for group in match.groups() if group))
    return found


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


def iter_panels(panels):
    """Every panel of a dashboard's ``panels``, including those inside collapsed rows."""
    for panel in panels or []:
        if isinstance(panel, dict):
            yield panel
            for inner in panel.get("panels") or []:
                if isinstance(inner, dict):
                    yield inner


# --- importing dashboard JSON -------------------------------------------------------------------------

def import_dashboard(dashboard, datasources, grafana_version, uid=None, inputs=None, source=""):
    """Rewrite dashboard JSON exported from Grafana or grafana.com for provisioning.

    ``${DS_...}`` inputs (``__inputs`` of type datasource) become the uid of the provisioned datasource of
    the input's plugin type, or the uid ``inputs`` maps the input name to; constant inputs (``${VAR_...}``)
    become their value (or the value in ``inputs``). The export-only keys (``__inputs``, ``__requires``,
    ``__elements``) and the database ``id`` are dropped; missing refIds are set. Raises DashboardError.
    """
    name = "imported dashboard%s" % (" (%s)" % source if source else "")
    if isinstance(dashboard, str):
        try:
            dashboard = json.loads(dashboard)
        except ValueError as e:
            raise DashboardError(["%s is not valid JSON: %s" % (name, e)]) from e
    if not isinstance(dashboard, dict):
        raise DashboardError(["%s must be a JSON object, got %s" % (name, type(dashboard).__name__)])
    if isinstance(dashboard.get("dashboard"), dict) and "panels" not in dashboard:
        dashboard = dashboard["dashboard"]  # the API's {"dashboard": ..., "meta": ...} envelope
    title = dashboard.get("title")
    name = "imported dashboard %r%s" % (title, " (%s)" % source if source else "") if title else name
    datasources = _datasource_index(datasources)
    inputs = dict(inputs or {})
    problems = []
    if not isinstance(title, str) or not title.strip():
        problems.append("%s has no title" % name)
    if "rows" in dashboard and "panels" not in dashboard:
        problems.append("%s uses the pre-5.0 `rows` layout; import it into Grafana once and export it again" % name)
    if dashboard.get("__elements"):
        problems.append("%s uses library panels (__elements), which file provisioning cannot create; export it "
                        "with 'Export for sharing externally' off after unlinking the library panels" % name)
    try:
        target_version = grafana_version_tuple(grafana_version)
    except DashboardError as e:
        problems.extend(e.problems)
        target_version = None
    written = dashboard.get("schemaVersion")
    if target_version in EXACT_SCHEMA_VERSIONS and isinstance(written, int) \
            and written > EXACT_SCHEMA_VERSIONS[target_version]:
        problems.append("%s has schemaVersion %d, newer than Grafana %s understands (%d); export it from Grafana "
                        "%d.%d or older" % (name, written, grafana_version, EXACT_SCHEMA_VERSIONS[target_version],
                                            target_version[0], target_version[1]))
    replacements = {}  # "${NAME}" -> replacement string
    datasource_inputs = {}  # "${NAME}" -> {type, uid}
    for index, item in enumerate(dashboard.get("__inputs") or []):
        if not isinstance(item, dict) or not item.get("name"):
            problems.append("%s: __inputs[%d] has no name" % (name, index))
            continue
        key = "${%s}" % item["name"]
        if item.get("type") == "datasource":
            wanted = inputs.get(item["name"]) or item.get("pluginId")
            ds = resolve_datasource(datasources, wanted) if wanted else None
            if ds is None:
                problems.append("%s: input %s asks for a %r datasource, which is not provisioned (provisioned: %s); "
                                "map it to a datasource uid in `inputs`" % (
                                    name, item["name"], item.get("pluginId"),
                                    ", ".join("%s (%s)" % (d["uid"], d["type"]) for d in datasources) or "none"))
                continue
            replacements[key] = ds["uid"]
            datasource_inputs[key] = {"type": ds["type"], "uid": ds["uid"]}
        elif item.get("type") == "constant":
            replacements[key] = str(inputs.get(item["name"], item.get("value", "")))
        else:
            problems.append("%s: input %s has type %r; only datasource and constant inputs can be provisioned"
                            % (name, item["name"], item.get("type")))
    unknown = sorted(set(inputs) - {i.get("name") for i in dashboard.get("__inputs") or [] if isinstance(i, dict)})
    if unknown:
        problems.append("%s: `inputs` names %s, which the dashboard does not declare in __inputs"
                        % (name, ", ".join(unknown)))
    by_name = {ds.get("name"): ds for ds in datasources if ds.get("name")}
    result = _rewrite(copy.deepcopy(dashboard), replacements, datasource_inputs, by_name)
    leftovers = sorted(set(re.findall(r"\$\{(DS_[A-Za-z0-9_]+)\}", json.dumps(result))))
    if leftovers:
        problems.append("%s references %s, which __inputs does not declare; map them in `inputs`"
                        % (name, ", ".join("${%s}" % x for x in leftovers)))
    if problems:
        raise DashboardError(problems)
    for key in ("__inputs", "__requires", "__elements"):
        result.pop(key, None)
    result["id"] = None
    result["uid"] = dashboard_uid(title, uid or result.get("uid"))
    if not UID_PATTERN.match(result["uid"]):
        raise DashboardError(["%s: uid %r is not valid: 1 to 40 letters, digits, '-' or '_'; give `uid`"
                              % (name, result["uid"])])
    for panel in iter_panels(result.get("panels")):
        _fill_ref_ids(panel)
    return result


def _rewrite(value, replacements, datasource_inputs, by_name, key=None):
    if isinstance(value, dict):
        return {k: _rewrite(v, replacements, datasource_inputs, by_name, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, replacements, datasource_inputs, by_name, key) for v in value]
    if isinstance(value, str):
        if key == "datasource":
            if value in datasource_inputs:
                return dict(datasource_inputs[value])
            if value in by_name:  # a pre-8.3 reference by datasource name
                return {"type": by_name[value]["type"], "uid": by_name[value]["uid"]}
        for needle, replacement in replacements.items():
            value = value.replace(needle, replacement)
        return value
    return value


def _fill_ref_ids(panel):
    targets = panel.get("targets")
    if not isinstance(targets, list):
        return
    used = {t.get("refId") for t in targets if isinstance(t, dict) and t.get("refId")}
    letters = (chr(c) for c in range(ord("A"), ord("Z") + 1))
    for target in targets:
        if isinstance(target, dict) and not target.get("refId"):
            target["refId"] = next(letter for letter in letters if letter not in used)
            used.add(target["refId"])


# --- lint (rule M008) ---------------------------------------------------------------------------------

def _grid_overlaps(panels, prefix):
    issues = []
    placed = []
    for index, panel in enumerate(panels):
        if not isinstance(panel, dict):
            continue
        path = "%s[%d].gridPos" % (prefix, index)
        grid = panel.get("gridPos")
        if not isinstance(grid, dict) or not all(isinstance(grid.get(k), int) for k in ("x", "y", "w", "h")):
            issues.append((path, "panel %r has no complete gridPos (x, y, w, h)" % panel.get("title"),
                           "give every panel a gridPos with whole numbers x, y, w and h"))
            continue
        if grid["w"] < 1 or grid["h"] < 1 or grid["x"] < 0 or grid["y"] < 0 or grid["x"] + grid["w"] > GRID_WIDTH:
            issues.append((path, "panel %r lies outside the %d-column grid (%s)"
                           % (panel.get("title"), GRID_WIDTH, grid),
                           "keep x >= 0, y >= 0, w and h >= 1 and x + w <= %d" % GRID_WIDTH))
            continue
        for other_index, other_title, other in placed:
            if grid["x"] < other["x"] + other["w"] and other["x"] < grid["x"] + grid["w"] \
                    and grid["y"] < other["y"] + other["h"] and other["y"] < grid["y"] + grid["h"]:
                issues.append((path, "panel %r overlaps panel %r (%s[%d])" % (
                    panel.get("title"), other_title, prefix, other_index),
                    "move one of them; panels may not share grid cells"))
        placed.append((index, panel.get("title"), grid))
    return issues


def _provisioned(datasources):
    return {ds.get("uid"): ds for ds in datasources if isinstance(ds, dict) and ds.get("uid")}


def _datasource_issue(ref, variables, provisioned, path, what):
    """Why ``ref`` does not resolve to a provisioned datasource, or None. Returns (issue, type)."""
    if ref is None:
        return ((path, "%s has no datasource" % what,
                 "reference a provisioned datasource by uid: {type: <type>, uid: <uid>}"), None)
    if isinstance(ref, str):
        return ((path, "%s references the datasource %r by name" % (what, ref),
                 "reference it by uid: {type: <type>, uid: <uid>}"), None)
    if not isinstance(ref, dict) or not ref.get("uid"):
        return ((path, "%s has a datasource reference without uid (%r)" % (what, ref),
                 "reference a provisioned datasource by uid: {type: <type>, uid: <uid>}"), None)
    uid = str(ref["uid"])
    if uid in BUILTIN_DATASOURCE_UIDS:
        return None, ref.get("type")
    used = variables_used(uid)
    if used:
        variable = variables.get(next(iter(used)))
        if not variable or variable.get("type") != "datasource":
            return ((path, "%s uses datasource %r, which is not a datasource variable of this dashboard"
                     % (what, uid), "define a template variable of type datasource or use a provisioned uid"), None)
        plugin = variable.get("query")
        if not any(ds.get("type") == plugin for ds in provisioned.values()):
            return ((path, "%s uses ${%s}, a variable over %r datasources, but none is provisioned"
                     % (what, variable.get("name"), plugin), "provision a %s datasource" % plugin), plugin)
        current = (variable.get("current") or {}).get("value")
        if isinstance(current, str) and current and not variables_used(current) and current != "default" \
                and current not in provisioned:
            return ((path, "%s: variable %s defaults to datasource uid %r, which is not provisioned"
                     % (what, variable.get("name"), current), "set its current value to a provisioned uid"), plugin)
        return None, plugin
    if uid not in provisioned:
        return ((path, "%s references datasource uid %r, which is not provisioned (provisioned: %s)"
                 % (what, uid, ", ".join(sorted(provisioned)) or "none"),
                 "use the uid of a provisioned datasource"), None)
    return None, provisioned[uid].get("type")


def lint_dashboard(dashboard, datasources):
    """Rule M008 on one dashboard: (path inside the dashboard JSON, message, fix) for each problem.

    Checks: a valid uid; every panel and query variable's datasource resolves by uid to one of
    ``datasources`` (directly, through a datasource variable, or Grafana's built-in ones); every query has
    a refId, unique within its panel, and a non-empty expression; no two panels overlap on the grid.
    Uniqueness of uids across dashboards is checked by the policy engine's M008, over all dashboards.
    """
    issues = []
    if not isinstance(dashboard, dict):
        return [("", "the dashboard is not a JSON object", "provide dashboard JSON")]
    uid = dashboard.get("uid")
    if not isinstance(uid, str) or not UID_PATTERN.match(uid):
        issues.append(("uid", "uid %r is missing or invalid" % (uid,),
                       "set a stable uid of 1 to 40 letters, digits, '-' or '_'"))
    provisioned = _provisioned(datasources)
    variables = {v.get("name"): v for v in (dashboard.get("templating") or {}).get("list") or []
                 if isinstance(v, dict)}
    for index, variable in enumerate((dashboard.get("templating") or {}).get("list") or []):
        if isinstance(variable, dict) and variable.get("type") == "query":
            path = "templating.list[%d]" % index
            issue, _type = _datasource_issue(variable.get("datasource"), variables, provisioned,
                                             path + ".datasource", "variable %r" % variable.get("name"))
            if issue:
                issues.append(issue)
            query = variable.get("query")
            text = query.get("query") if isinstance(query, dict) else query
            if not isinstance(text, str) or not text.strip():
                issues.append((path + ".query", "variable %r has an empty query" % variable.get("name"),
                               "give the variable a query"))
    panels = dashboard.get("panels") or []
    issues.extend(_grid_overlaps(panels, "panels"))
    for index, panel in enumerate(panels):
        if not isinstance(panel, dict):
            continue
        issues.extend(_lint_panel(panel, "panels[%d]" % index, variables, provisioned))
        inner = panel.get("panels") or []
        if panel.get("type") == "row" and inner:
            issues.extend(_grid_overlaps(inner, "panels[%d].panels" % index))
            for inner_index, child in enumerate(inner):
                if isinstance(child, dict):
                    issues.extend(_lint_panel(child, "panels[%d].panels[%d]" % (index, inner_index),
                                              variables, provisioned))
    return issues


def _lint_panel(panel, path, variables, provisioned):
    issues = []
    targets = panel.get("targets")
    if panel.get("type") == "row" or not targets:
        return issues
    what = "panel %r" % panel.get("title")
    panel_ref = panel.get("datasource")
    panel_mixed = isinstance(panel_ref, dict) and panel_ref.get("uid") == MIXED_DATASOURCE_UID
    if panel_ref is not None or not all(isinstance(t, dict) and t.get("datasource") for t in targets):
        issue, _type = _datasource_issue(panel_ref, variables, provisioned, path + ".datasource", what)
        if issue:
            issues.append(issue)
    seen = set()
    for index, target in enumerate(targets):
        target_path = "%s.targets[%d]" % (path, index)
        if not isinstance(target, dict):
            issues.append((target_path, "%s has a query that is not an object" % what, "fix the query"))
            continue
        ref_id = target.get("refId")
        if not isinstance(ref_id, str) or not ref_id:
            issues.append((target_path + ".refId", "%s has a query without refId" % what,
                           "give every query a refId (A, B, ...)"))
        elif ref_id in seen:
            issues.append((target_path + ".refId", "%s uses refId %r twice" % (what, ref_id),
                           "give every query of a panel its own refId"))
        else:
            seen.add(ref_id)
        target_ref = target.get("datasource")
        if target_ref is not None or panel_mixed:
            issue, _type = _datasource_issue(target_ref, variables, provisioned, target_path + ".datasource",
                                             "%s, query %s" % (what, ref_id))
            if issue:
                issues.append(issue)
        present = [k for k in QUERY_KEYS if k in target]
        if not present or not any(isinstance(target[k], str) and target[k].strip() for k in present):
            issues.append((target_path + "." + (present[0] if present else "expr"),
                           "%s, query %s is empty" % (what, ref_id), "give the query an expression or remove it"))
    return issues


# --- finding dashboards and datasources in a set of objects ----------------------------------------------

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


# --- the job cross-check ---------------------------------------------------------------------------------

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


# --- the role's bundle: every dashboard of a Grafana, ready for ConfigMaps ---------------------------------

BUNDLE_ENTRY_KEYS = frozenset(("name", "spec", "json", "folder", "uid", "inputs"))


def bundle_dashboards(entries, datasources, grafana_version, components=None, configmap_prefix="grafana-dashboard",
                      default_folder=""):
    """Render every dashboard entry of a Grafana and lay them out as ConfigMap files.

    An entry is ``{spec: <spec>}`` or ``{json: <exported dashboard>, uid: .., inputs: {..}}``, with
    optional ``folder`` and ``name`` (shown in errors). Returns one dict per dashboard, sorted by uid:
    ``uid``, ``title``, ``folder``, ``folder_slug``, ``configmap`` (one ConfigMap per dashboard, so no
    object nears the 1 MiB limit), ``key`` (``<uid>.json``) and ``content`` (the JSON text). Dashboards
    left out by ``requires`` are skipped. Raises DashboardError listing every problem of every entry:
    bad specs, uids used twice, titles used twice in a folder, a dashboard too large for a ConfigMap.
    """
    if not isinstance(entries, list):
        raise DashboardError(["the dashboard entries must be a list, got %s" % type(entries).__name__])
    problems = []
    rendered = []
    for index, entry in enumerate(entries):
        where = "dashboard entry #%d" % (index + 1)
        if not isinstance(entry, dict):
            problems.append("%s must be a mapping with spec or json, got %r" % (where, entry))
            continue
        name = str(entry.get("name") or "")
        where = "%s%s" % (where, " (%s)" % name if name else "")
        extra = sorted(set(entry) - BUNDLE_ENTRY_KEYS)
        if extra:
            problems.append("%s: unknown key(s) %s; allowed: %s" % (where, ", ".join(extra),
                                                                   ", ".join(sorted(BUNDLE_ENTRY_KEYS))))
        if ("spec" in entry) == ("json" in entry):
            problems.append("%s needs exactly one of spec (a dashboard spec) or json (an exported dashboard)" % where)
            continue
        folder = entry.get("folder", default_folder)
        if not isinstance(folder, str):
            problems.append("%s: folder must be a string" % where)
            continue
        try:
            if "spec" in entry:
                if "uid" in entry or "inputs" in entry:
                    problems.append("%s: uid and inputs belong to json entries; a spec sets its own uid" % where)
                dashboard = render_dashboard(entry["spec"], datasources, grafana_version, components, name)
            else:
                dashboard = import_dashboard(entry["json"], datasources, grafana_version, entry.get("uid"),
                                             entry.get("inputs"), name)
        except DashboardError as e:
            problems.extend(e.problems)
            continue
        if dashboard is not None:
            rendered.append((folder, dashboard, where))
    by_uid, by_title, by_slug = {}, {}, {}
    files = []
    for folder, dashboard, where in rendered:
        uid, title = dashboard["uid"], dashboard["title"]
        if uid in by_uid:
            problems.append("%s: uid %r is already used by %s; give one of them another uid"
                            % (where, uid, by_uid[uid]))
            continue
        by_uid[uid] = where
        if (folder, title) in by_title:
            problems.append("%s: title %r is already used in folder %r by %s; Grafana refuses two dashboards of the "
                            "same title in one folder" % (where, title, folder or "General", by_title[(folder, title)]))
            continue
        by_title[(folder, title)] = where
        folder_slug = slug(folder) or "general"
        if by_slug.setdefault(folder_slug, folder) != folder:
            problems.append("%s: folder %r and folder %r would share the mount folder %r; rename one"
                            % (where, folder, by_slug[folder_slug], folder_slug))
            continue
        content = json.dumps(dashboard, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if len(content.encode("utf-8")) > CONFIGMAP_DATA_LIMIT:
            content = json.dumps(dashboard, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n"
        size = len(content.encode("utf-8"))
        if size > CONFIGMAP_DATA_LIMIT:
            problems.append("%s: dashboard %r is %d bytes, more than a ConfigMap can carry (%d); split it into "
                            "several dashboards" % (where, title, size, CONFIGMAP_DATA_LIMIT))
            continue
        files.append({
            "uid": uid, "title": title, "folder": folder, "folder_slug": folder_slug,
            "configmap": configmap_name(configmap_prefix, uid), "key": "%s.json" % uid, "content": content,
        })
    if problems:
        raise DashboardError(problems)
    return sorted(files, key=lambda item: item["uid"])
