"""Immutable-field detection (module_utils/apply/immutable.py)."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import ApiError
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.immutable import (
    can_recreate,
    hint,
    immutable_changes,
    refusal_causes,
)


def sts(**spec):
    base = {"selector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}, "serviceName": "prometheus",
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "20Gi"}}}}]}
    base.update(spec)
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "prometheus"}, "spec": base}


def live_sts(**spec):
    """As the API server returns it: defaults filled in, status in the claim template."""
    obj = sts(**spec)
    obj["spec"]["podManagementPolicy"] = "OrderedReady"
    for template in obj["spec"]["volumeClaimTemplates"]:
        template["metadata"]["creationTimestamp"] = None
        template["spec"]["volumeMode"] = "Filesystem"
        template["status"] = {"phase": "Pending"}
    return obj


def paths(changes):
    return [c.path for c in changes]


def test_an_unchanged_statefulset_has_no_immutable_change_despite_server_defaults():
    assert immutable_changes(live_sts(), sts()) == []


def test_claim_sizes_are_compared_as_quantities():
    live = live_sts()
    live["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "20480Mi"
    assert immutable_changes(live, sts()) == []


@pytest.mark.parametrize("change, path", [
    ({"selector": {"matchLabels": {"app.kubernetes.io/name": "prom"}}}, "spec.selector"),
    ({"serviceName": "prometheus-headless"}, "spec.serviceName"),
    ({"podManagementPolicy": "Parallel"}, "spec.podManagementPolicy"),
])
def test_statefulset_fields_that_never_change(change, path):
    changes = immutable_changes(live_sts(), sts(**change))
    assert paths(changes) == [path]


def test_claim_template_changes_are_named_with_both_values():
    desired = sts()
    desired["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "50Gi"
    desired["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"] = {"app.kubernetes.io/version": "v3"}
    changes = immutable_changes(live_sts(), desired)
    assert [c.describe() for c in changes] == [
        "spec.volumeClaimTemplates[data].metadata.labels[\"app.kubernetes.io/version\"] is unset in the cluster, "
        "the render wants 'v3'",
        "spec.volumeClaimTemplates[data].spec.resources.requests.storage is '20Gi' in the cluster, "
        "the render wants '50Gi'"]
    renamed = sts(volumeClaimTemplates=[{"metadata": {"name": "storage"}, "spec": {}}])
    assert [c.path for c in immutable_changes(live_sts(), renamed)] == [
        "spec.volumeClaimTemplates[data]", "spec.volumeClaimTemplates[storage]"]


def test_mutable_statefulset_fields_are_not_reported():
    desired = sts(replicas=3, template={"spec": {"containers": []}}, updateStrategy={"type": "OnDelete"},
                  persistentVolumeClaimRetentionPolicy={"whenDeleted": "Delete"})
    assert immutable_changes(live_sts(), desired) == []


def test_deployment_and_daemonset_selectors():
    live = {"kind": "Deployment", "spec": {"selector": {"matchLabels": {"a": "1"}}}}
    assert paths(immutable_changes(live, {"kind": "Deployment", "spec": {"selector": {"matchLabels": {"a": "2"}}}})) \
        == ["spec.selector"]
    assert immutable_changes(dict(live, kind="DaemonSet"), dict(live, kind="DaemonSet")) == []


def test_service_cluster_ip_only_when_the_render_sets_it():
    live = {"kind": "Service", "spec": {"clusterIP": "10.96.0.12", "ports": []}}
    assert immutable_changes(live, {"kind": "Service", "spec": {"ports": []}}) == []
    [change] = immutable_changes(live, {"kind": "Service", "spec": {"clusterIP": "None"}})
    assert (change.path, change.live, change.desired) == ("spec.clusterIP", "10.96.0.12", "None")


def test_claims_bindings_priority_classes_and_immutable_config_maps():
    pvc = {"kind": "PersistentVolumeClaim", "spec": {"storageClassName": "fast", "volumeMode": "Filesystem",
                                                     "resources": {"requests": {"storage": "1Gi"}}}}
    grown = copy.deepcopy(pvc)
    grown["spec"]["resources"]["requests"]["storage"] = "2Gi"
    assert immutable_changes(pvc, grown) == []
    assert paths(immutable_changes(pvc, dict(pvc, spec=dict(pvc["spec"], storageClassName="slow")))) \
        == ["spec.storageClassName"]
    binding = {"kind": "RoleBinding", "roleRef": {"kind": "Role", "name": "a"}}
    assert paths(immutable_changes(binding, dict(binding, roleRef={"kind": "Role", "name": "b"}))) == ["roleRef"]
    priority = {"kind": "PriorityClass", "value": 1000, "preemptionPolicy": "PreemptLowerPriority"}
    assert paths(immutable_changes(priority, {"kind": "PriorityClass", "value": 2000})) == ["value"]
    config = {"kind": "ConfigMap", "immutable": True, "data": {"a": "1"}}
    assert paths(immutable_changes(config, {"kind": "ConfigMap", "data": {"a": "2"}})) == ["data"]
    assert immutable_changes(dict(config, immutable=False), {"kind": "ConfigMap", "data": {"a": "2"}}) == []


def test_refusals_are_read_from_the_servers_answer():
    sts_error = ApiError(422, "Invalid", "StatefulSet.apps \"prometheus\" is invalid", [
        {"reason": "FieldValueForbidden", "field": "spec",
         "message": "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                    "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' "
                    "are forbidden"}])
    assert refusal_causes(sts_error)[0][0] == "spec"
    service_error = ApiError(422, "Invalid", "x", [{"field": "spec.clusterIPs[0]",
                                                   "message": "Invalid value: []string{\"None\"}: may not change once set"}])
    assert refusal_causes(service_error) == [("spec.clusterIPs[0]", "Invalid value: []string{\"None\"}: may not "
                                                                    "change once set")]
    assert refusal_causes(ApiError(422, "Invalid", "x", [{"field": "spec.replicas", "message": "must be >= 0"}])) == []
    assert refusal_causes(ApiError(409, "Conflict", "field is immutable")) == []


def test_what_may_be_recreated_and_the_hints():
    assert can_recreate("StatefulSet") and can_recreate("Service") and not can_recreate("PersistentVolumeClaim")
    assert "claims are kept" in hint("StatefulSet").lower() or "PersistentVolumeClaims are kept" in hint("StatefulSet")
    assert "never deleted" in hint("PersistentVolumeClaim")
    assert "monitoring_recreate_immutable" in hint("Deployment")
