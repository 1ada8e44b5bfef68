"""Objects carrying the stack's ownership labels, for the tests of the k8s_* module_utils."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import INSTANCE, MANAGED_BY, MANAGED_BY_LABEL

INSTANCE_NAME = "vmstation-monitoring"


def owned(kind, name, namespace=None, api_version="v1", app="thing", version="1.0.0", spec=None,
          instance=INSTANCE_NAME, **extra):
    """An object carrying the stack's labels (of ``instance``)."""
    meta = {"name": name, "labels": {
        "app.kubernetes.io/name": app, INSTANCE: instance, "app.kubernetes.io/component": "test",
        "app.kubernetes.io/part-of": "vmstation-monitoring", MANAGED_BY_LABEL: MANAGED_BY,
        "app.kubernetes.io/version": version}}
    if namespace:
        meta["namespace"] = namespace
    obj = {"apiVersion": api_version, "kind": kind, "metadata": meta}
    if spec is not None:
        obj["spec"] = spec
    obj.update(extra)
    return obj
