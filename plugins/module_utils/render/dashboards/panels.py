# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""One panel of a spec rendered: its datasource, targets, field config, options and transformations."""

from __future__ import annotations

import copy

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.targets import render_targets

PANEL_TYPES = ("timeseries", "stat", "gauge", "bargauge", "table", "logs", "text")
# Panels that read logs default to the Loki datasource; everything else to Prometheus.
DEFAULT_DATASOURCE = {"logs": "loki"}
THRESHOLD_COLORS = ("green", "orange", "red", "dark-red", "purple")
PANEL_KEYS = frozenset((
    "title", "type", "description", "datasource", "queries", "unit", "decimals", "min", "max",
    "thresholds", "thresholds_style", "size", "requires", "instant", "stack", "legend", "content",
    "mappings", "color_mode", "graph_mode", "options", "field_config", "overrides", "transformations",
    "hide_columns", "rename_columns", "merge", "series_to_rows", "interval", "max_data_points",
))


def panel_where(panel, index, row_title):
    title = panel.get("title") if isinstance(panel, dict) else None
    name = "panel %r" % title if title else "panel #%d" % (index + 1)
    return "row %r, %s" % (row_title, name) if row_title else name


def render_panel(state, panel, row_title, index):
    where = panel_where(panel, index, row_title)
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
                                     state.typed(panel, "options", dict, {}, where))
        return rendered
    ref = state.datasource_ref(panel.get("datasource", DEFAULT_DATASOURCE.get(kind, "prometheus")), where)
    if ref is None:
        return None
    rendered["datasource"] = ref
    targets = render_targets(state, panel, kind, ref, where)
    if not targets:
        if isinstance(panel.get("queries"), list) and panel["queries"]:
            return None  # every query was left out by `requires`
        state.error(where, "queries must be a non-empty list of PromQL/LogQL expressions")
        return None
    rendered["targets"] = targets
    if panel.get("interval"):
        rendered["interval"] = str(panel["interval"])
    if "max_data_points" in panel:
        rendered["maxDataPoints"] = state.typed(panel, "max_data_points", int, 1000, where)
    if kind == "logs":
        rendered["options"] = _merge({
            "dedupStrategy": "none", "enableLogDetails": True, "prettifyLogMessage": False, "showCommonLabels": False,
            "showLabels": False, "showTime": True, "sortOrder": "Descending", "wrapLogMessage": True,
        }, state.typed(panel, "options", dict, {}, where))
        return rendered
    rendered["fieldConfig"] = {"defaults": _field_defaults(state, panel, kind, where),
                               "overrides": copy.deepcopy(state.typed(panel, "overrides", list, [], where))}
    rendered["options"] = _merge(_panel_options(panel, kind), state.typed(panel, "options", dict, {}, where))
    transformations = _transformations(state, panel, where)
    if transformations:
        rendered["transformations"] = transformations
    return rendered


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
        bad_value = isinstance(step, dict) and step.get("value") is not None \
            and not isinstance(step["value"], (int, float))
        if not isinstance(step, dict) or bad_value:
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
        "mappings": copy.deepcopy(state.typed(panel, "mappings", list, [], where)),
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
    return _merge(defaults, state.typed(panel, "field_config", dict, {}, where))


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
    exclude = {str(name): True for name in state.typed(panel, "hide_columns", list, [], where)}
    rename = {str(k): str(v) for k, v in state.typed(panel, "rename_columns", dict, {}, where).items()}
    if exclude or rename:
        result.append({"id": "organize", "options": {"excludeByName": exclude, "indexByName": {},
                                                     "renameByName": rename}})
    return result + copy.deepcopy(state.typed(panel, "transformations", list, [], where))


def _merge(base, extra):
    """``base`` with ``extra`` merged in recursively (the spec's raw options win)."""
    result = copy.deepcopy(base)
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result
