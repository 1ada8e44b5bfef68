"""An in-memory API server behind the interface of module_utils.k8s_cluster.Cluster.

It behaves like the real one where the k8s_* module_utils depend on it: server-side apply with
field managers (conflicts unless forced, managedFields, resourceVersion/generation bumps only on
change), server-side dry run, immutable-field refusals (its own rules, independent of
k8s_immutable), namespaces that must exist, deletions that can linger, Service proxy routes.
"""

from __future__ import annotations

import copy
import json

from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_cluster import ApiError, ResourceType
from ansible_collections.vmstation.monitoring.plugins.module_utils.labels import INSTANCE, MANAGED_BY, MANAGED_BY_LABEL
from ansible_collections.vmstation.monitoring.plugins.module_utils.manifest_tree import object_id

INSTANCE_NAME = "vmstation-monitoring"

NAMESPACED = {
    "Namespace": False, "CustomResourceDefinition": False, "PriorityClass": False, "ClusterRole": False,
    "ClusterRoleBinding": False, "StorageClass": False,
    "ServiceAccount": True, "Role": True, "RoleBinding": True, "NetworkPolicy": True, "PodDisruptionBudget": True,
    "ResourceQuota": True, "LimitRange": True, "Secret": True, "ConfigMap": True, "PersistentVolumeClaim": True,
    "Service": True, "Deployment": True, "StatefulSet": True, "DaemonSet": True, "Job": True, "CronJob": True,
    "Ingress": True, "HorizontalPodAutoscaler": True, "Pod": True, "Event": True, "Endpoints": True,
}


def owned(kind, name, namespace=None, api_version="v1", app="thing", version="1.0.0", spec=None, **extra):
    """An object carrying the stack's labels."""
    meta = {"name": name, "labels": {
        "app.kubernetes.io/name": app, INSTANCE: INSTANCE_NAME, "app.kubernetes.io/component": "test",
        "app.kubernetes.io/part-of": "vmstation-monitoring", MANAGED_BY_LABEL: MANAGED_BY,
        "app.kubernetes.io/version": version}}
    if namespace:
        meta["namespace"] = namespace
    obj = {"apiVersion": api_version, "kind": kind, "metadata": meta}
    if spec is not None:
        obj["spec"] = spec
    obj.update(extra)
    return obj


def _fields(value, prefix=""):
    """A stand-in for fieldsV1: the set of leaf paths of an applied configuration."""
    if isinstance(value, dict):
        out = []
        for key, sub in value.items():
            out.extend(_fields(sub, "%s.%s" % (prefix, key)))
        return out or [prefix]
    return [prefix]


class FakeCluster:
    def __init__(self, objects=(), unserved=()):
        self.store = {}
        self.calls = []
        self.conflicts = {}
        self.refuse = {}
        self.linger = {}
        self.unserved = set(unserved)
        self.proxy_routes = {}
        self.proxy_calls = []
        self.version = {"major": "1", "minor": "28", "gitVersion": "v1.28.15"}
        self._rv = 100
        self._ip = 10
        for obj in objects:
            self.put(obj)

    # test helpers

    def put(self, obj, manager="vmstation-monitoring"):
        obj = copy.deepcopy(obj)
        meta = obj.setdefault("metadata", {})
        self._rv += 1
        meta.setdefault("uid", "uid-%s" % self._rv)
        meta.setdefault("resourceVersion", str(self._rv))
        meta.setdefault("generation", 1)
        meta.setdefault("creationTimestamp", "2024-01-01T00:00:00Z")
        if manager and "managedFields" not in meta:
            meta["managedFields"] = [self._entry(obj, manager)]
        self.store[object_id(obj)] = obj
        return obj

    def find(self, kind, name, namespace=None):
        for obj in self.store.values():
            meta = obj["metadata"]
            if obj["kind"] == kind and meta["name"] == name and meta.get("namespace") == namespace:
                return obj
        return None

    def ops(self, op):
        return [c for c in self.calls if c[0] == op]

    @staticmethod
    def _entry(obj, manager):
        content = {k: v for k, v in obj.items() if k not in ("status", "apiVersion", "kind")}
        meta = {k: v for k, v in (content.get("metadata") or {}).items()
                if k in ("labels", "annotations")}
        content["metadata"] = meta
        return {"manager": manager, "operation": "Apply", "apiVersion": obj.get("apiVersion"),
                "time": "2024-01-01T00:00:00Z", "fieldsType": "FieldsV1",
                "fieldsV1": sorted(set(_fields(content)))}

    # the Cluster interface

    def resource_type(self, api_version, kind):
        if kind in self.unserved:
            return None
        return ResourceType(api_version, kind, NAMESPACED.get(kind, True))

    def forget_types(self):
        self.calls.append(("forget_types",))
        self.unserved = {k for k in self.unserved
                         if not any(o["kind"] == "CustomResourceDefinition" and o["spec"]["names"]["kind"] == k
                                    for o in self.store.values())}

    def namespaced_types(self):
        return [ResourceType("v1", kind, True) for kind, namespaced in sorted(NAMESPACED.items()) if namespaced]

    def server_version(self):
        return dict(self.version)

    def get(self, api_version, kind, name, namespace=None):
        self.calls.append(("get", kind, namespace, name))
        if kind in self.unserved:
            return None
        if not NAMESPACED.get(kind, True):
            namespace = None
        obj = self.find(kind, name, namespace)
        key = (kind, namespace, name)
        if obj is None and self.linger.get(key):
            self.linger[key] -= 1
            return {"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": namespace}}
        return copy.deepcopy(obj)

    def list(self, api_version, kind, label_selector=None, namespace=None):
        self.calls.append(("list", kind, namespace, label_selector))
        if kind in self.unserved:
            return []
        wanted = dict(part.split("=", 1) for part in label_selector.split(",")) if label_selector else {}
        found = []
        for obj in self.store.values():
            meta = obj["metadata"]
            labels = meta.get("labels") or {}
            if obj["kind"] != kind or (namespace and meta.get("namespace") != namespace):
                continue
            if all(labels.get(k) == v for k, v in wanted.items()):
                found.append(copy.deepcopy(obj))
        return sorted(found, key=object_id)

    def _refusal(self, live, obj):
        kind = obj["kind"]
        spec, old = obj.get("spec") or {}, (live.get("spec") or {})
        if kind == "StatefulSet":
            for field in ("selector", "serviceName", "volumeClaimTemplates"):
                if field in spec and spec.get(field) != old.get(field):
                    return ApiError(422, "Invalid", "StatefulSet.apps %r is invalid" % obj["metadata"]["name"], [
                        {"reason": "FieldValueForbidden", "field": "spec",
                         "message": "Forbidden: updates to statefulset spec for fields other than 'replicas', "
                                    "'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', "
                                    "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"}])
        if kind in ("Deployment", "DaemonSet") and "selector" in spec and spec["selector"] != old.get("selector"):
            return ApiError(422, "Invalid", "invalid", [{"reason": "FieldValueInvalid", "field": "spec.selector",
                                                         "message": "Invalid value: ...: field is immutable"}])
        if kind == "PriorityClass" and obj.get("value") != live.get("value"):
            return ApiError(422, "Invalid", "PriorityClass.scheduling.k8s.io %r is invalid" % obj["metadata"]["name"],
                            [{"reason": "FieldValueForbidden", "field": "value",
                              "message": "Forbidden: may not be changed in an update."}])
        if kind == "Service" and spec.get("clusterIP") and spec["clusterIP"] != old.get("clusterIP"):
            return ApiError(422, "Invalid", "invalid", [{"reason": "FieldValueInvalid", "field": "spec.clusterIPs[0]",
                                                         "message": "Invalid value: ...: may not change once set"}])
        return None

    def apply(self, obj, field_manager, force=False, dry_run=False):
        self.calls.append(("apply", obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"],
                           {"dry_run": dry_run, "force": force, "manager": field_manager}))
        key = object_id(obj)
        if key in self.refuse:
            raise self.refuse[key]
        if obj["kind"] in self.unserved:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        namespace = obj["metadata"].get("namespace")
        if NAMESPACED.get(obj["kind"], True) and self.find("Namespace", namespace) is None:
            raise ApiError(404, "NotFound", 'namespaces "%s" not found' % namespace)
        if key in self.conflicts and not force:
            fields = self.conflicts[key]
            raise ApiError(409, "Conflict", "Apply failed with %d conflicts" % len(fields), [
                {"reason": "FieldManagerConflict", "message": 'conflict with "%s" using v1' % manager, "field": field}
                for field, manager in fields])
        live = self.store.get(key)
        if live is not None:
            refusal = self._refusal(live, obj)
            if refusal:
                raise refusal
        result = copy.deepcopy(obj)
        meta = result["metadata"]
        others = [e for e in ((live or {}).get("metadata", {}).get("managedFields") or [])
                  if e["manager"] != field_manager]
        meta["managedFields"] = others + [self._entry(obj, field_manager)]
        if obj["kind"] == "Service":
            ip = ((live or {}).get("spec") or {}).get("clusterIP")
            if not ip:
                self._ip += 1
                ip = "10.96.0.%d" % self._ip
            result.setdefault("spec", {}).setdefault("clusterIP", ip)
        if live is not None:
            for field in ("uid", "creationTimestamp", "resourceVersion", "generation"):
                meta[field] = live["metadata"].get(field)
            if "status" in live:
                result["status"] = copy.deepcopy(live["status"])
            changed = json.dumps(_content(live), sort_keys=True) != json.dumps(_content(result), sort_keys=True)
            if changed:
                meta["resourceVersion"] = str(self._rv + 1)
                if (live.get("spec") or {}) != (result.get("spec") or {}):
                    meta["generation"] = (live["metadata"].get("generation") or 1) + 1
        else:
            meta.update({"uid": "uid-new", "creationTimestamp": "2024-01-02T00:00:00Z",
                         "resourceVersion": str(self._rv + 1), "generation": 1})
        if obj["kind"] == "CustomResourceDefinition":
            result["status"] = {"conditions": [{"type": "Established", "status": "True"}]}
        # Admission (Pod Security) runs for dry runs too; every DaemonSet here is a host-level agent.
        warnings = ["would violate PodSecurity \"restricted:latest\": host namespaces (hostNetwork=true)"] \
            if obj["kind"] == "DaemonSet" else []
        if dry_run:
            return result, warnings
        self._rv += 1
        self.store[key] = result
        return copy.deepcopy(result), warnings

    def patch_merge(self, api_version, kind, name, namespace, patch, dry_run=False):
        self.calls.append(("patch", kind, namespace, name, patch))
        obj = self.find(kind, name, namespace if NAMESPACED.get(kind, True) else None)
        if obj is None:
            raise ApiError(404, "NotFound", "not found")
        merged = _merge(copy.deepcopy(obj), patch)
        if not dry_run:
            self.store[object_id(obj)] = merged
        return copy.deepcopy(merged)

    def delete(self, api_version, kind, name, namespace=None, propagation="Background", dry_run=False):
        self.calls.append(("delete", kind, namespace, name, propagation))
        obj = self.find(kind, name, namespace if NAMESPACED.get(kind, True) else None)
        if obj is None:
            return False
        if not dry_run:
            del self.store[object_id(obj)]
            if kind == "Namespace":
                for key in [k for k, o in self.store.items() if o["metadata"].get("namespace") == name]:
                    del self.store[key]
        return True

    def proxy(self, method, namespace, service, port, path, query=None, body=None, headers=None):
        self.proxy_calls.append((method, namespace, service, port, path, query, body, headers))
        route = self.proxy_routes.get((service, path))
        if route is None:
            return 503, {}, 'no endpoints available for service "%s"' % service
        if callable(route):
            return route(method=method, query=query, body=body, headers=headers or {})
        return route


def _content(obj):
    result = copy.deepcopy(obj)
    result.pop("status", None)
    for key in ("resourceVersion", "generation", "managedFields", "uid", "creationTimestamp"):
        result["metadata"].pop(key, None)
    return result


def _merge(target, patch):
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return target
