# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Command-line flags of a container (kingpin style, as Prometheus and Alertmanager parse them)."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import as_list

ADMIN_API = "web.enable-admin-api"


def container_flags(container):
    """Map flag name -> (value, index in args/command, field) for ``--name=value``, ``--name value`` and
    boolean ``--name`` / ``--no-name``. The last occurrence wins, as in kingpin."""
    flags = {}
    for field in ("command", "args"):
        items = [str(x) for x in as_list(container.spec.get(field))]
        index = 0
        while index < len(items):
            item = items[index]
            if item.startswith("-") and item.lstrip("-"):
                name, sep, value = item.lstrip("-").partition("=")
                if sep:
                    flags[name] = (value, index, field)
                elif name.startswith("no-"):
                    flags[name[3:]] = ("false", index, field)
                elif index + 1 < len(items) and not items[index + 1].startswith("-") and name != ADMIN_API:
                    flags[name] = (items[index + 1], index, field)
                    index += 1
                else:
                    flags[name] = ("true", index, field)
            index += 1
    return flags


def admin_api(workload):
    """(container, index, field) where the Prometheus admin API is switched on, or None."""
    container = workload.main_container("prometheus")
    if container is None:
        return None
    value = container_flags(container).get(ADMIN_API)
    if value and str(value[0]).lower() in ("true", "1", "yes"):
        return container, value[1], value[2]
    return None
