# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Changes the API server refuses: immutable fields, found before anything is applied.

Two sources agree here. ``immutable_changes`` compares the rendered object with the live one, field
by field, for the fields Kubernetes (1.25 to 1.33) never lets an update change, and names each one.
``refusal_causes`` reads the server's own 422 answer to a server-side dry run, which is the final
word (the apply phase dry-runs every object first). The message combines both: which field, what
it is now, what the render wants, and what the operator can do.
"""

from __future__ import annotations

import copy
import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.dicts import dotted
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.units import parse_quantity

# kind -> fields an update may never change. StatefulSet: everything in spec but replicas, ordinals,
# template, updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and
# minReadySeconds (apps/v1 validation, Kubernetes 1.28).
IMMUTABLE_FIELDS = {
    "StatefulSet": ("spec.selector", "spec.serviceName", "spec.podManagementPolicy", "spec.volumeClaimTemplates"),
    "Deployment": ("spec.selector",),
    "DaemonSet": ("spec.selector",),
    "ReplicaSet": ("spec.selector",),
    "Job": ("spec.selector", "spec.template", "spec.completionMode"),
    "Service": ("spec.clusterIP",),
    "PersistentVolumeClaim": ("spec.accessModes", "spec.storageClassName", "spec.volumeMode", "spec.selector",
                              "spec.volumeName", "spec.dataSource", "spec.dataSourceRef"),
    "RoleBinding": ("roleRef",),
    "ClusterRoleBinding": ("roleRef",),
    "PriorityClass": ("value", "preemptionPolicy"),
    "StorageClass": ("provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"),
    "Secret": ("type",),
}

# Values the API server fills in when the field is left out; a render without the field means these.
SERVER_DEFAULTS = {
    ("StatefulSet", "spec.podManagementPolicy"): "OrderedReady",
    ("PersistentVolumeClaim", "spec.volumeMode"): "Filesystem",
    ("PriorityClass", "preemptionPolicy"): "PreemptLowerPriority",
    ("StorageClass", "reclaimPolicy"): "Delete",
    ("StorageClass", "volumeBindingMode"): "Immediate",
    ("Secret", "type"): "Opaque",
}

# Kinds the collection may delete and create again when the inventory allows it
# (monitoring_recreate_immutable). A PersistentVolumeClaim holds data and never is.
RECREATABLE = frozenset(("StatefulSet", "Deployment", "DaemonSet", "Job", "Service", "RoleBinding",
                         "ClusterRoleBinding", "PriorityClass", "ConfigMap", "Secret"))

_HINTS = {
    "StatefulSet": (
        "set monitoring_recreate_immutable: true to delete the StatefulSet and create it again: its pods restart, "
        "its PersistentVolumeClaims are kept (the retention policy is set to Retain first) and re-attached when "
        "the volumeClaimTemplate names stay the same"),
    "PersistentVolumeClaim": (
        "a claim is never deleted by the collection (it holds data): restore the previous value, or move the data "
        "to a new claim by hand; only resources.requests.storage may grow in place"),
    "Service": "set monitoring_recreate_immutable: true to delete and create the Service again (its cluster IP changes)",
}
_DEFAULT_HINT = "set monitoring_recreate_immutable: true to delete the object and create it again"

# Phrases of the API server's 422 answers that mean "this field cannot change" (1.25 to 1.33).
_REFUSAL = re.compile(
    r"field is immutable|is immutable|updates to statefulset spec for fields other than|may not change once set"
    r"|cannot change roleref|may not be changed in an update|spec is immutable after creation",
    re.IGNORECASE,
)


class ImmutableChange:
    """One immutable field the render would change."""

    def __init__(self, path, live, desired):
        self.path = path
        self.live = live
        self.desired = desired

    def __repr__(self):
        return "ImmutableChange(%s)" % self.path

    def describe(self):
        return "%s is %s in the cluster, the render wants %s" % (self.path, _short(self.live), _short(self.desired))


def _short(value, limit=120):
    text = "unset" if value is None else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _claim_template(template):
    """A volumeClaimTemplate as the server keeps it: labels, annotations, spec with defaults, no status."""
    meta = template.get("metadata") or {}
    spec = copy.deepcopy(template.get("spec") or {})
    spec.setdefault("volumeMode", "Filesystem")
    resources = spec.get("resources") or {}
    for section in ("requests", "limits"):
        if resources.get(section):
            resources[section] = {k: parse_quantity(v) for k, v in resources[section].items()}
    return {"metadata": {"labels": meta.get("labels") or {}, "annotations": meta.get("annotations") or {}},
            "spec": spec}


def _leaf_differences(have, want, path=()):
    if isinstance(have, dict) and isinstance(want, dict):
        for key in sorted(set(have) | set(want)):
            yield from _leaf_differences(have.get(key), want.get(key), path + (key,))
    elif have != want:
        yield path


def _walk(obj, path):
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _show_path(prefix, path):
    return prefix + "".join(".%s" % k if all(c.isalnum() or c in "-_" for c in k) else '["%s"]' % k for k in path)


def _claim_template_changes(live_templates, desired_templates):
    """One ImmutableChange per volumeClaimTemplate field that differs (templates matched by name)."""
    have = {(t.get("metadata") or {}).get("name"): t for t in live_templates or []}
    want = {(t.get("metadata") or {}).get("name"): t for t in desired_templates or []}
    found = []
    for name in sorted(set(have) | set(want), key=str):
        prefix = "spec.volumeClaimTemplates[%s]" % name
        if name not in want or name not in have:
            found.append(ImmutableChange(prefix, "present" if name in have else None,
                                         "present" if name in want else None))
            continue
        for path in _leaf_differences(_claim_template(have[name]), _claim_template(want[name])):
            found.append(ImmutableChange(_show_path(prefix, path), _walk(have[name], path), _walk(want[name], path)))
    return found


def _comparable(kind, path, value):
    if value is None:
        return None
    if path == "spec.selector" and isinstance(value, dict):
        return {"matchLabels": value.get("matchLabels") or {}, "matchExpressions": value.get("matchExpressions") or []}
    return value


def immutable_changes(live, desired):
    """[ImmutableChange] an update of ``live`` to ``desired`` would make; [] when none (or kind unknown).

    Only fields the render sets (or whose server default it implies) are compared: a field left out
    keeps the value the server gave it.
    """
    kind = desired.get("kind")
    found = []
    if kind in ("ConfigMap", "Secret") and (live or {}).get("immutable"):
        for path in ("data", "binaryData"):
            if (live.get(path) or {}) != (desired.get(path) or {}):
                found.append(ImmutableChange(path, "(immutable: true)", "other content"))
    for path in IMMUTABLE_FIELDS.get(kind, ()):
        want = dotted(desired, path)
        if want is None:
            want = SERVER_DEFAULTS.get((kind, path))
        if want is None:
            continue
        have = dotted(live, path)
        if have is None:
            have = SERVER_DEFAULTS.get((kind, path))
        if path == "spec.clusterIP" and (have is None or want in ("", None)):
            continue  # not allocated yet, or the render lets the server pick
        if path == "spec.volumeClaimTemplates":
            found.extend(_claim_template_changes(have, want))
        elif _comparable(kind, path, want) != _comparable(kind, path, have):
            found.append(ImmutableChange(path, have, want))
    return found


def refusal_causes(error):
    """[(field, message)] of an ApiError that refuses an immutable change; [] for any other error."""
    if getattr(error, "status", None) != 422:
        return []
    causes = [(c.get("field") or "?", c.get("message") or "") for c in error.causes
              if _REFUSAL.search(c.get("message") or "")]
    if not causes and _REFUSAL.search(error.message or ""):
        causes = [("?", error.message)]
    return causes


def hint(kind):
    """What the operator can do about an immutable change of ``kind``."""
    return _HINTS.get(kind, _DEFAULT_HINT)


def can_recreate(kind):
    return kind in RECREATABLE
