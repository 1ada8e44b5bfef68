# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Ownership: which objects in a cluster belong to this stack, and which of them may be deleted.

An object belongs to the stack when it carries both ownership labels of K015:
``app.kubernetes.io/instance=<monitoring_instance>`` and
``app.kubernetes.io/managed-by=vmstation.monitoring``. Nothing else is ever deleted. Among its own
objects the stack still keeps:
  - PersistentVolumeClaims and Secrets holding generated values (data), unless purging;
  - CustomResourceDefinitions (deleting one deletes every resource of its kind, anyone's);
  - objects made by a controller (they carry ownerReferences; their owner's deletion removes them);
  - a Namespace that still holds anything the stack does not own (or data it keeps).
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import (
    INSTANCE,
    MANAGED_BY,
    MANAGED_BY_LABEL,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.objects import describe

# Secrets whose values the collection generated carry this annotation (comma-separated key names).
GENERATED_KEYS_ANNOTATION = "secrets.vmstation.io/generated-keys"
# Release records (k8s_release) carry this label instead of app.kubernetes.io/instance, so that the
# ownership selector never lists them for pruning; they still count as the stack's own.
RELEASE_INSTANCE_LABEL = "release.vmstation.io/instance"

# Kinds searched for the stack's objects besides those it renders now: everything a component of the
# collection renders today or may render, so a kind that drops out of the render is still pruned.
OWNED_KINDS = (
    ("v1", "Namespace"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("v1", "ServiceAccount"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("policy/v1", "PodDisruptionBudget"),
    ("v1", "ResourceQuota"),
    ("v1", "LimitRange"),
    ("v1", "Secret"),
    ("v1", "ConfigMap"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "Service"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("networking.k8s.io/v1", "Ingress"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
)

# Objects Kubernetes makes by itself in every namespace, or that mirror another object.
_AUTOMATIC_KINDS = frozenset(("Event", "Endpoints", "EndpointSlice", "PodMetrics", "Lease"))
_AUTOMATIC_GROUPS = frozenset(("metrics.k8s.io", "events.k8s.io"))
_AUTOMATIC_NAMES = {("ServiceAccount", "default"), ("ConfigMap", "kube-root-ca.crt")}


def owner_labels(instance):
    return {INSTANCE: instance, MANAGED_BY_LABEL: MANAGED_BY}


def owner_selector(instance):
    """The label selector of the stack's objects."""
    return ",".join("%s=%s" % item for item in sorted(owner_labels(instance).items()))


def _labels(obj):
    return (obj.get("metadata") or {}).get("labels") or {}


def is_owned(obj, instance):
    labels = _labels(obj)
    return all(labels.get(k) == v for k, v in owner_labels(instance).items())


def is_release_record(obj, instance):
    labels = _labels(obj)
    return labels.get(RELEASE_INSTANCE_LABEL) == instance and labels.get(MANAGED_BY_LABEL) == MANAGED_BY


def missing_owner_labels(obj, instance):
    """Ownership labels ``obj`` lacks or carries with another value."""
    labels = _labels(obj)
    return sorted(k for k, v in owner_labels(instance).items() if labels.get(k) != v)


def keeps_data(obj):
    """True for objects whose deletion loses data: claims, and Secrets with generated values."""
    if obj.get("kind") == "PersistentVolumeClaim":
        return True
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    return obj.get("kind") == "Secret" and bool(annotations.get(GENERATED_KEYS_ANNOTATION))


def made_by_controller(obj):
    return bool((obj.get("metadata") or {}).get("ownerReferences"))


def select_prune(live_owned, keep_keys, purge=False):
    """Split the stack's live objects that are not in ``keep_keys`` into (delete, retained).

    ``live_owned`` maps object_id -> live object; ``keep_keys`` is a set of object_ids (rendered now,
    or kept on purpose). Returns (objects to delete, [(object, reason)] kept). Namespaces are returned
    in ``delete`` too: the caller checks what they still hold before deleting them.
    """
    delete, retained = [], []
    for key in sorted(live_owned):
        obj = live_owned[key]
        if key in keep_keys or made_by_controller(obj):
            continue
        kind = obj.get("kind")
        if kind == "CustomResourceDefinition":
            retained.append((obj, "a CustomResourceDefinition is never deleted by the collection: deleting it would "
                                  "delete every resource of its kind in the cluster"))
        elif keeps_data(obj) and not purge:
            retained.append((obj, "holds data (a volume claim or generated credentials): kept until deleted by hand or "
                                  "purged by playbooks/uninstall.yml with monitoring_purge_data: true"))
        else:
            delete.append(obj)
    return delete, retained


def is_automatic(obj, group=""):
    """Objects Kubernetes creates by itself (and mirrors such as Endpoints): never a reason to keep a namespace."""
    meta = obj.get("metadata") or {}
    if obj.get("kind") in _AUTOMATIC_KINDS or group in _AUTOMATIC_GROUPS:
        return True
    if (obj.get("kind"), meta.get("name")) in _AUTOMATIC_NAMES:
        return True
    if obj.get("kind") == "Secret" and obj.get("type") == "kubernetes.io/service-account-token":
        return True
    return made_by_controller(obj)


def foreign_objects(objects, instance, group=""):
    """Descriptions of the objects in ``objects`` that neither the stack nor Kubernetes itself made."""
    return [describe(obj) for obj in objects
            if not is_owned(obj, instance) and not is_release_record(obj, instance) and not is_automatic(obj, group)]
