# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The Grafana dashboard JSON model shared by the renderer, the importer and the checks: the grid, uids,
template variable references, the walk over panels, and the error every dashboard builder raises."""

from __future__ import annotations

import hashlib
import re

GRID_WIDTH = 24
UID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
UID_MAX_LENGTH = 40


class DashboardError(ValueError):
    """A spec or an imported dashboard cannot be rendered; ``problems`` lists every reason."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


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


_VARIABLE_USE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}|\[\[([A-Za-z_][A-Za-z0-9_]*)\]\]"
                           r"|([A-Za-z_][A-Za-z0-9_]*))")


def variables_used(text) -> set:
    """Names of the template variables referenced in ``text`` ($name, ${name}, ${name:fmt}, [[name]])."""
    found = set()
    for match in _VARIABLE_USE.finditer(str(text)):
        found.add(next(group for group in match.groups() if group))
    return found


def iter_panels(panels):
    """Every panel of a dashboard's ``panels``, including those inside collapsed rows."""
    for panel in panels or []:
        if isinstance(panel, dict):
            yield panel
            for inner in panel.get("panels") or []:
                if isinstance(inner, dict):
                    yield inner
