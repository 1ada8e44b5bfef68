# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The provisioned datasources a dashboard may reference, and how a spec or an import names one."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import DashboardError


def provisioned_datasources(datasources):
    """The provisioned datasources (provisioning format: name, type, uid, isDefault), each checked."""
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


def provisioned_names(datasources):
    """``uid (type)`` of every provisioned datasource, for a message saying what could have been used."""
    return ", ".join("%s (%s)" % (ds["uid"], ds["type"]) for ds in datasources) or "none"
