# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The layout of a spec on Grafana's 24-column grid: top-level panels, then rows, each panel placed as
high as it fits."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import GRID_WIDTH
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.panels import (
    panel_where,
    render_panel,
)

DEFAULT_SIZES = {
    "timeseries": (12, 8), "stat": (4, 4), "gauge": (6, 6), "bargauge": (12, 8), "table": (24, 8),
    "logs": (24, 12), "text": (24, 3),
}
ROW_KEYS = frozenset(("title", "collapsed", "requires", "panels"))


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


def render_layout(state, spec):
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
        rendered = render_panel(state, panel, None, index)
        if rendered:
            width, height = _size(state, panel, rendered["type"], panel_where(panel, index, None))
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
            rendered = render_panel(state, panel, row.get("title"), index)
            if rendered:
                width, height = _size(state, panel, rendered["type"], panel_where(panel, index, row.get("title")))
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
