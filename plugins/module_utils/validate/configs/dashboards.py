# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Rule M008 on one dashboard: a valid uid, datasources that resolve to the provisioned ones, refIds,
non-empty queries and a grid without overlaps.

``lint_dashboard`` is run by the policy engine (policy/monitoring.py) over every dashboard of the
objects, with waivers; the uniqueness of uids across dashboards is checked there.
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import (
    GRID_WIDTH,
    UID_PATTERN,
    variables_used,
)

# Datasource references Grafana resolves itself.
BUILTIN_DATASOURCE_UIDS = frozenset(("grafana", "-- Grafana --", "-- Mixed --", "-- Dashboard --"))
MIXED_DATASOURCE_UID = "-- Mixed --"
QUERY_KEYS = ("expr", "query", "rawSql", "rawQuery", "queryText", "target")


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
