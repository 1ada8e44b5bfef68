"""Ownership and prune selection (module_utils/apply/prune.py)."""

from __future__ import annotations

from k8s_objects import INSTANCE_NAME, owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.prune import (
    foreign_objects,
    is_owned,
    missing_owner_labels,
    owner_selector,
    select_prune,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.objects import object_id


def index(*objects):
    return {object_id(o): o for o in objects}


def test_the_ownership_selector_names_instance_and_manager():
    assert owner_selector("vmstation-monitoring") == (
        "app.kubernetes.io/instance=vmstation-monitoring,app.kubernetes.io/managed-by=vmstation.monitoring")


def test_ownership_needs_both_labels_with_our_values():
    ours = owned("ConfigMap", "a", "monitoring")
    assert is_owned(ours, INSTANCE_NAME) and missing_owner_labels(ours, INSTANCE_NAME) == []
    other = owned("ConfigMap", "a", "monitoring")
    other["metadata"]["labels"]["app.kubernetes.io/instance"] = "other"
    assert not is_owned(other, INSTANCE_NAME)
    assert missing_owner_labels(other, INSTANCE_NAME) == ["app.kubernetes.io/instance"]
    helm = owned("ConfigMap", "a", "monitoring")
    helm["metadata"]["labels"]["app.kubernetes.io/managed-by"] = "Helm"
    assert not is_owned(helm, INSTANCE_NAME)


def test_prune_selects_what_is_not_kept_and_keeps_data_definitions_and_controller_objects():
    gone = owned("ConfigMap", "old", "monitoring")
    rendered = owned("ConfigMap", "new", "monitoring")
    claim = owned("PersistentVolumeClaim", "data-loki-0", "monitoring")
    generated = owned("Secret", "grafana-admin", "monitoring")
    generated["metadata"]["annotations"] = {"secrets.vmstation.io/generated-keys": "admin-password"}
    plain_secret = owned("Secret", "receivers", "monitoring")
    crd = owned("CustomResourceDefinition", "things.example.com", None, "apiextensions.k8s.io/v1")
    job = owned("Job", "compact-1", "monitoring", "batch/v1")
    job["metadata"]["ownerReferences"] = [{"kind": "CronJob", "name": "compact"}]
    live = index(gone, rendered, claim, generated, plain_secret, crd, job)
    delete, retained = select_prune(live, {object_id(rendered)})
    assert [o["metadata"]["name"] for o in delete] == ["old", "receivers"]
    assert sorted(o["metadata"]["name"] for o, _reason in retained) == [
        "data-loki-0", "grafana-admin", "things.example.com"]
    delete, retained = select_prune(live, {object_id(rendered)}, purge=True)
    assert sorted(o["metadata"]["name"] for o in delete) == ["data-loki-0", "grafana-admin", "old", "receivers"]
    assert [o["metadata"]["name"] for o, _reason in retained] == ["things.example.com"]


def test_what_counts_as_foreign_in_a_namespace():
    objects = [
        owned("ConfigMap", "ours", "monitoring"),
        {"kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": "monitoring"}},
        {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "monitoring"}},
        {"kind": "Secret", "type": "kubernetes.io/service-account-token",
         "metadata": {"name": "default-token-x", "namespace": "monitoring"}},
        {"kind": "Pod", "metadata": {"name": "prometheus-0", "namespace": "monitoring",
                                     "ownerReferences": [{"kind": "StatefulSet"}]}},
        {"kind": "Event", "metadata": {"name": "e", "namespace": "monitoring"}},
        {"kind": "Secret", "type": "vmstation.io/release.v1", "metadata": {
            "name": "vmstation-monitoring-release-v1", "namespace": "monitoring",
            "labels": {"release.vmstation.io/instance": INSTANCE_NAME,
                       "app.kubernetes.io/managed-by": "vmstation.monitoring"}}},
        {"kind": "Pod", "metadata": {"name": "debug", "namespace": "monitoring"}},
        {"kind": "ConfigMap", "metadata": {"name": "team-dashboards", "namespace": "monitoring"}},
    ]
    assert foreign_objects(objects, INSTANCE_NAME) == ["Pod monitoring/debug", "ConfigMap monitoring/team-dashboards"]
    assert foreign_objects([{"kind": "PodMetrics", "metadata": {"name": "x", "namespace": "m"}}], INSTANCE_NAME) == []
