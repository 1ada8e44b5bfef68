# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Rules M006 and K017 on any parsed alertmanager.yml (ours or a user's), as (path, message, fix) tuples:
every route ends at a receiver that exists, a receiver that drops alerts is only used when declared on
purpose, and no credential is written in clear. The policy engine (policy/monitoring.py,
policy/credentials.py) runs them with waivers."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.alertmanager import (
    NULL_RECEIVERS_ANNOTATION,
    RECEIVER_SECTIONS,
    has_notifier,
    is_credential,
    walk_routes,
)


def _receiver_names(config):
    return [r.get("name") for r in (config.get("receivers") or []) if isinstance(r, dict)]


def routing_problems(config, null_receivers=()):
    """Rule M006 over a parsed alertmanager.yml: a list of (path, message, fix) tuples.

    Every route's receiver (own or inherited) must exist; receivers must be unique; a receiver without
    any notifier drops alerts and may only be routed to when it is in ``null_receivers``.
    """
    found = []
    names = _receiver_names(config)
    receivers = {r.get("name"): r for r in (config.get("receivers") or []) if isinstance(r, dict)}
    for name in sorted({n for n in names if names.count(n) > 1}, key=str):
        found.append(("receivers", "receiver %r is defined %d times" % (name, names.count(name)),
                      "give every receiver a unique name"))
    root = config.get("route")
    if not isinstance(root, dict):
        return found + [("route", "there is no root route", "add a `route` with a `receiver`")]
    if not root.get("receiver"):
        found.append(("route.receiver", "the root route has no receiver, so alerts no child route matches "
                      "go nowhere", "set the root route's receiver (the catch-all)"))
    intervals = {t.get("name") for t in (config.get("time_intervals") or []) + (config.get("mute_time_intervals") or [])
                 if isinstance(t, dict)}
    declared = set(null_receivers)
    for route, path in walk_routes(root, "route"):
        receiver = route.get("receiver")
        if receiver is not None and receiver not in receivers:
            found.append((path + ".receiver", "receiver %r does not exist (receivers: %s)"
                          % (receiver, ", ".join(sorted(str(n) for n in receivers)) or "none"),
                          "define receiver %r or route to an existing one" % receiver))
        elif receiver is not None and not has_notifier(receivers[receiver]) and receiver not in declared:
            what = "the catch-all route" if path == "route" else "this route"
            found.append((path + ".receiver", "receiver %r has no notifier, so %s drops its alerts without "
                          "saying so" % (receiver, what),
                          "route to a receiver that notifies, or declare the drop on purpose in the annotation "
                          "%s of the ConfigMap" % NULL_RECEIVERS_ANNOTATION))
        for key in ("mute_time_intervals", "active_time_intervals"):
            for name in route.get(key) or []:
                if name not in intervals:
                    found.append(("%s.%s" % (path, key), "time interval %r is not defined" % name,
                                  "define it under time_intervals or remove the reference"))
    for name in sorted(declared - set(receivers), key=str):
        found.append(("metadata.annotations", "receiver %r is declared as dropping alerts but does not exist"
                      % name, "remove it from %s" % NULL_RECEIVERS_ANNOTATION))
    return found


def credential_problems(config):
    """Rule K017 over a parsed alertmanager.yml: credentials written in clear, as (path, message, fix)."""
    found = []

    def walk(value, path, section):
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, "%s[%d]" % (path, i), section)
        elif isinstance(value, dict):
            for setting, item in value.items():
                here = "%s.%s" % (path, setting)
                if is_credential(setting, section) and isinstance(item, str) and item:
                    found.append((here, "a credential is written in clear in the config",
                                  "mount it from a Secret and use %s_file" % setting))
                else:
                    walk(item, here, setting if setting in RECEIVER_SECTIONS or setting == "global" else section)

    walk(config, "", "")
    return [(path.lstrip("."), message, fix) for path, message, fix in found]
