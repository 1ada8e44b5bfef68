# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Every dashboard of a Grafana rendered or imported, checked as a set and laid out as ConfigMap files."""

from __future__ import annotations

import hashlib
import json

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.imports import import_dashboard
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import DashboardError, slug
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.spec import render_dashboard

# The ConfigMap object limit is 1 MiB; keep room for metadata and managedFields.
CONFIGMAP_DATA_LIMIT = 1000 * 1024
BUNDLE_ENTRY_KEYS = frozenset(("name", "spec", "json", "folder", "uid", "inputs"))


def configmap_name(prefix, uid) -> str:
    """A DNS-1123 name for the ConfigMap carrying dashboard ``uid`` (uids may hold upper case and '_')."""
    base = slug(uid)
    if base != uid.lower() or not base:
        base = (base[:40] or "dashboard") + "-" + hashlib.sha256(uid.encode("utf-8")).hexdigest()[:8]
    return ("%s-%s" % (prefix, base))[:253].rstrip("-")


def bundle_dashboards(entries, datasources, grafana_version, components=None, configmap_prefix="grafana-dashboard",
                      default_folder=""):
    """Render every dashboard entry of a Grafana and lay them out as ConfigMap files.

    An entry is ``{spec: <spec>}`` or ``{json: <exported dashboard>, uid: .., inputs: {..}}``, with
    optional ``folder`` and ``name`` (shown in errors). Returns one dict per dashboard, sorted by uid:
    ``uid``, ``title``, ``folder``, ``folder_slug``, ``configmap`` (one ConfigMap per dashboard, so no
    object nears the 1 MiB limit), ``key`` (``<uid>.json``) and ``content`` (the JSON text). Dashboards
    left out by ``requires`` are skipped. Raises DashboardError listing every problem of every entry:
    bad specs, uids used twice, titles used twice in a folder, a dashboard too large for a ConfigMap.
    """
    if not isinstance(entries, list):
        raise DashboardError(["the dashboard entries must be a list, got %s" % type(entries).__name__])
    problems = []
    rendered = []
    for index, entry in enumerate(entries):
        where = "dashboard entry #%d" % (index + 1)
        if not isinstance(entry, dict):
            problems.append("%s must be a mapping with spec or json, got %r" % (where, entry))
            continue
        name = str(entry.get("name") or "")
        where = "%s%s" % (where, " (%s)" % name if name else "")
        extra = sorted(set(entry) - BUNDLE_ENTRY_KEYS)
        if extra:
            problems.append("%s: unknown key(s) %s; allowed: %s"
                            % (where, ", ".join(extra), ", ".join(sorted(BUNDLE_ENTRY_KEYS))))
        if ("spec" in entry) == ("json" in entry):
            problems.append("%s needs exactly one of spec (a dashboard spec) or json (an exported dashboard)" % where)
            continue
        folder = entry.get("folder", default_folder)
        if not isinstance(folder, str):
            problems.append("%s: folder must be a string" % where)
            continue
        try:
            if "spec" in entry:
                if "uid" in entry or "inputs" in entry:
                    problems.append("%s: uid and inputs belong to json entries; a spec sets its own uid" % where)
                dashboard = render_dashboard(entry["spec"], datasources, grafana_version, components, name)
            else:
                dashboard = import_dashboard(entry["json"], datasources, grafana_version, entry.get("uid"),
                                             entry.get("inputs"), name)
        except DashboardError as e:
            problems.extend(e.problems)
            continue
        if dashboard is not None:
            rendered.append((folder, dashboard, where))
    by_uid, by_title, by_slug = {}, {}, {}
    files = []
    for folder, dashboard, where in rendered:
        uid, title = dashboard["uid"], dashboard["title"]
        if uid in by_uid:
            problems.append("%s: uid %r is already used by %s; give one of them another uid"
                            % (where, uid, by_uid[uid]))
            continue
        by_uid[uid] = where
        if (folder, title) in by_title:
            problems.append("%s: title %r is already used in folder %r by %s; Grafana refuses two dashboards of the "
                            "same title in one folder" % (where, title, folder or "General", by_title[(folder, title)]))
            continue
        by_title[(folder, title)] = where
        folder_slug = slug(folder) or "general"
        if by_slug.setdefault(folder_slug, folder) != folder:
            problems.append("%s: folder %r and folder %r would share the mount folder %r; rename one"
                            % (where, folder, by_slug[folder_slug], folder_slug))
            continue
        content = json.dumps(dashboard, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if len(content.encode("utf-8")) > CONFIGMAP_DATA_LIMIT:
            content = json.dumps(dashboard, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n"
        size = len(content.encode("utf-8"))
        if size > CONFIGMAP_DATA_LIMIT:
            problems.append("%s: dashboard %r is %d bytes, more than a ConfigMap can carry (%d); split it into "
                            "several dashboards" % (where, title, size, CONFIGMAP_DATA_LIMIT))
            continue
        files.append({
            "uid": uid, "title": title, "folder": folder, "folder_slug": folder_slug,
            "configmap": configmap_name(configmap_prefix, uid), "key": "%s.json" % uid, "content": content,
        })
    if problems:
        raise DashboardError(problems)
    return sorted(files, key=lambda item: item["uid"])
