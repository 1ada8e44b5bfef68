# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Grafana releases and the dashboard schemaVersion each of them writes."""

from __future__ import annotations

import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import DashboardError

# Grafana's dashboard schemaVersion by release: 10.0 writes 38 (the table cellOptions migration);
# the Grafana 12/13 backend migrates up to 42. A target gets the highest entry not newer than itself;
# older numbers are always safe, Grafana migrates them on load.
SCHEMA_VERSIONS = (((10, 0), 38), ((13, 0), 42))
# Releases whose written schemaVersion is known exactly: an import newer than that is refused.
EXACT_SCHEMA_VERSIONS = {(10, 0): 38}


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
