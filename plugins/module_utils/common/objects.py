# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""What identifies a Kubernetes object, how messages name it, and where its pods are described."""

from __future__ import annotations

# Where each workload kind keeps its pod template.
POD_TEMPLATE_PATHS = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}


def pod_spec(obj):
    """The pod spec of a Pod or of a workload's pod template ({} when it has none); None for any other kind."""
    if obj.get("kind") == "Pod":
        return obj.get("spec") or {}
    path = POD_TEMPLATE_PATHS.get(obj.get("kind"))
    if path is None:
        return None
    node = obj
    for part in path + ("spec",):
        node = node.get(part) if isinstance(node, dict) else None
    return node or {}


def object_id(obj) -> tuple:
    """(group, kind, namespace, name): what makes an object unique in a cluster."""
    api_version = str(obj.get("apiVersion", ""))
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    meta = obj.get("metadata") or {}
    return group, str(obj.get("kind", "")), str(meta.get("namespace", "") or ""), str(meta.get("name", ""))


def describe(obj) -> str:
    _group, kind, namespace, name = object_id(obj)
    return "%s %s/%s" % (kind, namespace, name) if namespace else "%s %s" % (kind, name)
