# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The targets (queries) of a panel: refIds, instant or range, format and legend by datasource type."""

from __future__ import annotations

import re

QUERY_KEYS_SPEC = frozenset(("expr", "legend", "instant", "format", "ref_id", "requires", "hide", "interval"))


def render_targets(state, panel, kind, ref, where):
    queries = panel.get("queries")
    if not isinstance(queries, list):
        return []
    targets = []
    used = set()
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    instant_kind = kind in ("table", "stat", "gauge", "bargauge") and panel.get("graph_mode", "none") == "none"
    default_instant = bool(panel.get("instant", instant_kind))
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
