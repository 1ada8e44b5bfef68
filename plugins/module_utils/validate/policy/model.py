# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The object set a policy run looks at, indexed once, and the small Kubernetes semantics the rules
share: pod templates, label selectors, images, app identity.

Rules must never crash on malformed objects (schema validation reports those); every accessor here
tolerates wrong types and returns empty values instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import NAME
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.objects import POD_TEMPLATE_PATHS
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.paths import json_path

# Kinds carrying a pod template, and where the pod spec sits in each.
LONG_RUNNING_KINDS = frozenset(("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"))
PSA_ENFORCE = "pod-security.kubernetes.io/enforce"


def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def metadata(obj) -> dict:
    return as_dict(obj.get("metadata"))


def labels_of(obj) -> dict:
    return as_dict(metadata(obj).get("labels"))


def annotations_of(obj) -> dict:
    return as_dict(metadata(obj).get("annotations"))


def ref(obj) -> str:
    meta = metadata(obj)
    namespace = meta.get("namespace")
    name = meta.get("name", "?")
    return "%s %s/%s" % (obj.get("kind", "?"), namespace, name) if namespace else "%s %s" % (obj.get("kind", "?"), name)


# --- label selectors -----------------------------------------------------------------------------

def selector_is_empty(selector) -> bool:
    """A LabelSelector that selects everything ({} or no requirements)."""
    selector = as_dict(selector)
    return not as_dict(selector.get("matchLabels")) and not as_list(selector.get("matchExpressions"))


def selector_matches(selector, labels) -> bool:
    """Does the LabelSelector ``selector`` (matchLabels/matchExpressions) select ``labels``?"""
    if not isinstance(selector, dict):
        return False
    for key, value in as_dict(selector.get("matchLabels")).items():
        if key not in labels or str(labels[key]) != str(value):
            return False
    for expr in as_list(selector.get("matchExpressions")):
        expr = as_dict(expr)
        key, operator = expr.get("key"), expr.get("operator")
        values = [str(v) for v in as_list(expr.get("values"))]
        present = key in labels
        if operator == "In" and not (present and str(labels[key]) in values):
            return False
        if operator == "NotIn" and present and str(labels[key]) in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
    return True


def map_selector_matches(selector, labels) -> bool:
    """A plain map selector (Service spec.selector): empty selects nothing."""
    selector = as_dict(selector)
    return bool(selector) and all(k in labels and str(labels[k]) == str(v) for k, v in selector.items())


# --- images and apps -----------------------------------------------------------------------------

def parse_image(image):
    """``registry:5000/org/app:1.2@sha256:...`` -> (repository, tag or None, digest or None)."""
    reference, _sep, digest = str(image).partition("@")
    last = reference.rsplit("/", 1)[-1]
    if ":" in last:
        tag = last.split(":", 1)[1]
        reference = reference[: -(len(tag) + 1)]
    else:
        tag = None
    return reference, tag, (digest or None)


def image_name(image) -> str:
    """The last path element of the repository: ``quay.io/prometheus/prometheus:v3`` -> ``prometheus``."""
    return parse_image(image)[0].rsplit("/", 1)[-1]


# --- durations and sizes -------------------------------------------------------------------------

def scaled(value, total):
    """An int-or-percent PDB value scaled to ``total`` pods, rounding up like the disruption controller."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.endswith("%") and text[:-1].isdigit():
        return int(math.ceil(int(text[:-1]) * total / 100.0))
    if text.isdigit():
        return int(text)
    return None


# --- workloads -----------------------------------------------------------------------------------

@dataclass
class Container:
    field: str  # containers or initContainers
    index: int
    spec: dict
    path: tuple  # path parts to the container

    @property
    def name(self) -> str:
        return str(self.spec.get("name", "#%d" % self.index))

    @property
    def security(self) -> dict:
        return as_dict(self.spec.get("securityContext"))

    @property
    def sidecar(self) -> bool:
        """A native sidecar: an init container that keeps running."""
        return self.field == "initContainers" and self.spec.get("restartPolicy") == "Always"

    def at(self, *parts) -> str:
        return json_path(*self.path, *parts)


@dataclass
class Workload:
    """An object carrying a pod template (or a Pod), with the pod spec located once."""

    obj: dict
    kind: str
    namespace: str
    template_path: tuple  # path parts to the pod template (metadata + spec); () for a Pod
    template: dict
    pod_spec: dict
    _containers: list = field(default=None, repr=False)

    @property
    def spec_path(self) -> tuple:
        return self.template_path + ("spec",)

    @property
    def pod_labels(self) -> dict:
        return as_dict(as_dict(self.template.get("metadata")).get("labels"))

    @property
    def pod_security(self) -> dict:
        return as_dict(self.pod_spec.get("securityContext"))

    @property
    def replicas(self) -> int:
        if self.kind not in ("Deployment", "StatefulSet", "ReplicaSet"):
            return 1
        value = as_dict(self.obj.get("spec")).get("replicas", 1)
        return value if isinstance(value, int) and not isinstance(value, bool) else 1

    @property
    def long_running(self) -> bool:
        if self.kind == "Pod":
            return self.pod_spec.get("restartPolicy", "Always") == "Always"
        return self.kind in LONG_RUNNING_KINDS

    def at(self, *parts) -> str:
        """A path inside the pod spec."""
        return json_path(*self.spec_path, *parts)

    def containers(self, init=True):
        if self._containers is None:
            found = []
            for field_name in ("initContainers", "containers"):
                for index, spec in enumerate(as_list(self.pod_spec.get(field_name))):
                    if isinstance(spec, dict):
                        found.append(Container(field_name, index, spec, self.spec_path + (field_name, index)))
            self._containers = found
        return self._containers if init else [c for c in self._containers if c.field == "containers"]

    def app_names(self) -> set:
        """What this workload runs: its name labels and the image names of its containers."""
        names = {str(v) for v in (labels_of(self.obj).get(NAME), self.pod_labels.get(NAME)) if v}
        for container in self.containers(init=False):
            if container.spec.get("image"):
                names.add(image_name(container.spec["image"]))
        return names

    def main_container(self, app):
        """The container running ``app``: by image name, then by container name, else the first one."""
        regular = self.containers(init=False)
        for container in regular:
            if image_name(container.spec.get("image", "")) == app:
                return container
        for container in regular:
            if container.name == app:
                return container
        return regular[0] if regular else None


def workload_of(obj, namespace):
    kind = obj.get("kind")
    if kind == "Pod":
        return Workload(obj, kind, namespace, (), obj, as_dict(obj.get("spec")))
    path = POD_TEMPLATE_PATHS.get(kind)
    if path is None:
        return None
    node = obj
    for part in path:
        node = as_dict(node.get(part))
    return Workload(obj, kind, namespace, path, node, as_dict(node.get("spec")))


# --- the set -------------------------------------------------------------------------------------

@dataclass
class PolicyOptions:
    """Facts about the target the manifests cannot always tell.

    agents_namespaces: namespaces where host-level agents may run (K010). None derives them from the
      Namespace objects of the set whose Pod Security ``enforce`` level is ``privileged``.
    default_namespace: the namespace of namespaced objects that name none (what kubectl would use).
    log_label_allowlist: the stream labels a log agent may set (M004).
    """

    agents_namespaces: tuple = None
    default_namespace: str = "default"
    log_label_allowlist: tuple = (
        "cluster", "environment", "namespace", "job", "app", "component", "instance", "container", "pod",
        "node", "node_name", "unit", "service_name", "stream", "level",
    )


class Context:
    """The objects of one run, indexed by what the rules ask most."""

    def __init__(self, objects, options=None):
        self.options = options or PolicyOptions()
        self.objects = objects
        self.by_kind = {}
        self.workloads = []
        self._namespaced = {}  # kind -> namespace -> [objects]
        for obj in objects:
            kind = obj.get("kind")
            self.by_kind.setdefault(kind, []).append(obj)
            workload = workload_of(obj, self.namespace(obj)) if kind in POD_TEMPLATE_PATHS or kind == "Pod" else None
            if workload is not None:
                self.workloads.append(workload)
        self._workloads_by_ns = {}
        for workload in self.workloads:
            self._workloads_by_ns.setdefault(workload.namespace, []).append(workload)
        self._cache = {}

    def namespace(self, obj) -> str:
        return str(metadata(obj).get("namespace") or self.options.default_namespace)

    def kind(self, kind):
        return self.by_kind.get(kind, ())

    def in_namespace(self, kind, namespace):
        """Objects of ``kind`` in ``namespace``."""
        index = self._namespaced.get(kind)
        if index is None:
            index = {}
            for obj in self.kind(kind):
                index.setdefault(self.namespace(obj), []).append(obj)
            self._namespaced[kind] = index
        return index.get(namespace, ())

    def workloads_in(self, namespace):
        return self._workloads_by_ns.get(namespace, ())

    def cached(self, key, build):
        """Compute ``build()`` once per run (shared between rules)."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    @property
    def agents_namespaces(self) -> frozenset:
        def build():
            if self.options.agents_namespaces is not None:
                return frozenset(self.options.agents_namespaces)
            return frozenset(str(metadata(ns).get("name")) for ns in self.kind("Namespace")
                             if labels_of(ns).get(PSA_ENFORCE) == "privileged")
        return self.cached("agents_namespaces", build)
