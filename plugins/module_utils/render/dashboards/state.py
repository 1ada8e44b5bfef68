# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The rendering state of one spec: its problems (each naming the dashboard and the panel), panel ids,
``requires``, key and type checks, and datasource references."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.datasources import (
    provisioned_names,
    resolve_datasource,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import DashboardError

_TYPE_NAMES = {list: "a list", dict: "a mapping", str: "a string", bool: "true or false", int: "a whole number"}


class SpecState:
    """Rendering state of one spec: the place for errors that name the dashboard and panel."""

    def __init__(self, spec, datasources, components, source):
        self.datasources = datasources
        self.components = None if components is None else set(components)
        self.problems = []
        title = spec.get("title") if isinstance(spec, dict) else None
        self.name = "dashboard %r%s" % (title if title else "(untitled)", " (%s)" % source if source else "")
        self.next_id = 1
        self.datasource_variables = {}  # datasource type -> variable name
        self.variable_names = set()

    def error(self, where, message):
        self.problems.append("%s%s: %s" % (self.name, ", " + where if where else "", message))

    def raise_problems(self):
        if self.problems:
            raise DashboardError(self.problems)

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

    def typed(self, item, key, kind, default, where=""):
        """``item[key]`` if it has type ``kind`` (a bool is no int), else ``default``, recording the error."""
        if key not in item:
            return default
        value = item[key]
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        self.error(where or key, "%s must be %s, got %r" % (key, _TYPE_NAMES[kind], value))
        return default

    def panel_id(self):
        value = self.next_id
        self.next_id += 1
        return value

    def datasource_ref(self, wanted, where):
        """{type, uid} for a datasource named by type or uid; the dashboard's datasource variable if it has one."""
        ds = resolve_datasource(self.datasources, wanted)
        if ds is None:
            self.error(where, "needs the datasource %r, but none of that uid or type is provisioned (provisioned: %s); "
                       "add `requires: [<component>]` so it is left out when its component is disabled"
                       % (wanted, provisioned_names(self.datasources)))
            return None
        variable = self.datasource_variables.get(ds["type"])
        if variable and wanted == ds["type"]:
            return {"type": ds["type"], "uid": "${%s}" % variable}
        return {"type": ds["type"], "uid": ds["uid"]}
