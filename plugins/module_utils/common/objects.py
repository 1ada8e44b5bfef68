# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""What identifies a Kubernetes object, and how messages name it."""

from __future__ import annotations


def object_id(obj) -> tuple:
    """(group, kind, namespace, name): what makes an object unique in a cluster."""
    api_version = str(obj.get("apiVersion", ""))
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    meta = obj.get("metadata") or {}
    return group, str(obj.get("kind", "")), str(meta.get("namespace", "") or ""), str(meta.get("name", ""))


def describe(obj) -> str:
    _group, kind, namespace, name = object_id(obj)
    return "%s %s/%s" % (kind, namespace, name) if namespace else "%s %s" % (kind, name)
