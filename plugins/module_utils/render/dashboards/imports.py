# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Dashboard JSON exported from Grafana or grafana.com, rewritten to the provisioned datasources."""

from __future__ import annotations

import copy
import json
import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.datasources import (
    provisioned_datasources,
    provisioned_names,
    resolve_datasource,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import (
    DashboardError,
    UID_PATTERN,
    dashboard_uid,
    iter_panels,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.versions import (
    EXACT_SCHEMA_VERSIONS,
    grafana_version_tuple,
)


def import_dashboard(dashboard, datasources, grafana_version, uid=None, inputs=None, source=""):
    """Rewrite dashboard JSON exported from Grafana or grafana.com for provisioning.

    ``${DS_...}`` inputs (``__inputs`` of type datasource) become the uid of the provisioned datasource of
    the input's plugin type, or the uid ``inputs`` maps the input name to; constant inputs (``${VAR_...}``)
    become their value (or the value in ``inputs``). The export-only keys (``__inputs``, ``__requires``,
    ``__elements``) and the database ``id`` are dropped; missing refIds are set. Raises DashboardError.
    """
    name = "imported dashboard%s" % (" (%s)" % source if source else "")
    if isinstance(dashboard, str):
        try:
            dashboard = json.loads(dashboard)
        except ValueError as e:
            raise DashboardError(["%s is not valid JSON: %s" % (name, e)]) from e
    if not isinstance(dashboard, dict):
        raise DashboardError(["%s must be a JSON object, got %s" % (name, type(dashboard).__name__)])
    if isinstance(dashboard.get("dashboard"), dict) and "panels" not in dashboard:
        dashboard = dashboard["dashboard"]  # the API's {"dashboard": ..., "meta": ...} envelope
    title = dashboard.get("title")
    name = "imported dashboard %r%s" % (title, " (%s)" % source if source else "") if title else name
    datasources = provisioned_datasources(datasources)
    inputs = dict(inputs or {})
    problems = []
    if not isinstance(title, str) or not title.strip():
        problems.append("%s has no title" % name)
    if "rows" in dashboard and "panels" not in dashboard:
        problems.append("%s uses the pre-5.0 `rows` layout; import it into Grafana once and export it again" % name)
    if dashboard.get("__elements"):
        problems.append("%s uses library panels (__elements), which file provisioning cannot create; export it "
                        "with 'Export for sharing externally' off after unlinking the library panels" % name)
    try:
        target_version = grafana_version_tuple(grafana_version)
    except DashboardError as e:
        problems.extend(e.problems)
        target_version = None
    written = dashboard.get("schemaVersion")
    if target_version in EXACT_SCHEMA_VERSIONS and isinstance(written, int) \
            and written > EXACT_SCHEMA_VERSIONS[target_version]:
        problems.append("%s has schemaVersion %d, newer than Grafana %s understands (%d); export it from Grafana "
                        "%d.%d or older" % (name, written, grafana_version, EXACT_SCHEMA_VERSIONS[target_version],
                                            target_version[0], target_version[1]))
    replacements = {}  # "${NAME}" -> replacement string
    datasource_inputs = {}  # "${NAME}" -> {type, uid}
    for index, item in enumerate(dashboard.get("__inputs") or []):
        if not isinstance(item, dict) or not item.get("name"):
            problems.append("%s: __inputs[%d] has no name" % (name, index))
            continue
        key = "${%s}" % item["name"]
        if item.get("type") == "datasource":
            wanted = inputs.get(item["name"]) or item.get("pluginId")
            ds = resolve_datasource(datasources, wanted) if wanted else None
            if ds is None:
                problems.append("%s: input %s asks for a %r datasource, which is not provisioned (provisioned: %s); "
                                "map it to a datasource uid in `inputs`"
                                % (name, item["name"], item.get("pluginId"), provisioned_names(datasources)))
                continue
            replacements[key] = ds["uid"]
            datasource_inputs[key] = {"type": ds["type"], "uid": ds["uid"]}
        elif item.get("type") == "constant":
            replacements[key] = str(inputs.get(item["name"], item.get("value", "")))
        else:
            problems.append("%s: input %s has type %r; only datasource and constant inputs can be provisioned"
                            % (name, item["name"], item.get("type")))
    unknown = sorted(set(inputs) - {i.get("name") for i in dashboard.get("__inputs") or [] if isinstance(i, dict)})
    if unknown:
        problems.append("%s: `inputs` names %s, which the dashboard does not declare in __inputs"
                        % (name, ", ".join(unknown)))
    by_name = {ds.get("name"): ds for ds in datasources if ds.get("name")}
    result = _rewrite(copy.deepcopy(dashboard), replacements, datasource_inputs, by_name)
    leftovers = sorted(set(re.findall(r"\$\{(DS_[A-Za-z0-9_]+)\}", json.dumps(result))))
    if leftovers:
        problems.append("%s references %s, which __inputs does not declare; map them in `inputs`"
                        % (name, ", ".join("${%s}" % x for x in leftovers)))
    if problems:
        raise DashboardError(problems)
    for key in ("__inputs", "__requires", "__elements"):
        result.pop(key, None)
    result["id"] = None
    result["uid"] = dashboard_uid(title, uid or result.get("uid"))
    if not UID_PATTERN.match(result["uid"]):
        raise DashboardError(["%s: uid %r is not valid: 1 to 40 letters, digits, '-' or '_'; give `uid`"
                              % (name, result["uid"])])
    for panel in iter_panels(result.get("panels")):
        _fill_ref_ids(panel)
    return result


def _rewrite(value, replacements, datasource_inputs, by_name, key=None):
    if isinstance(value, dict):
        return {k: _rewrite(v, replacements, datasource_inputs, by_name, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, replacements, datasource_inputs, by_name, key) for v in value]
    if isinstance(value, str):
        if key == "datasource":
            if value in datasource_inputs:
                return dict(datasource_inputs[value])
            if value in by_name:  # a pre-8.3 reference by datasource name
                return {"type": by_name[value]["type"], "uid": by_name[value]["uid"]}
        for needle, replacement in replacements.items():
            value = value.replace(needle, replacement)
        return value
    return value


def _fill_ref_ids(panel):
    targets = panel.get("targets")
    if not isinstance(targets, list):
        return
    used = {t.get("refId") for t in targets if isinstance(t, dict) and t.get("refId")}
    letters = (chr(c) for c in range(ord("A"), ord("Z") + 1))
    for target in targets:
        if isinstance(target, dict) and not target.get("refId"):
            target["refId"] = next(letter for letter in letters if letter not in used)
            used.add(target["refId"])
