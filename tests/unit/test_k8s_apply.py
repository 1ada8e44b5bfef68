"""The apply phase (module_utils/k8s_apply.py) against an in-memory API server."""

from __future__ import annotations

import copy

import pytest
from k8s_fake import INSTANCE_NAME, FakeCluster, owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_apply import (
    StackError,
    apply_order,
    delete_order,
    diff_entry,
    run_apply,
    run_uninstall,
    stack_digest,
    stack_versions,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_cluster import ApiError

NS, AGENTS = "monitoring", "monitoring-agents"


def claim_template(size="20Gi", name="data"):
    return {"metadata": {"name": name}, "spec": {"accessModes": ["ReadWriteOnce"],
                                                  "resources": {"requests": {"storage": size}}}}


def stack(size="20Gi", grafana_image="grafana/grafana:12.1.0"):
    selector = {"matchLabels": {"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": INSTANCE_NAME}}
    return [
        owned("StatefulSet", "prometheus", NS, "apps/v1", app="prometheus", version="v3.13.3", spec={
            "selector": selector, "serviceName": "prometheus",
            "template": {"metadata": {"labels": selector["matchLabels"]}, "spec": {"containers": [
                {"name": "prometheus", "image": "quay.io/prometheus/prometheus:v3.13.3"}]}},
            "volumeClaimTemplates": [claim_template(size)]}),
        owned("Service", "prometheus", NS, app="prometheus", spec={"ports": [{"name": "http-metrics", "port": 9090}]}),
        owned("ConfigMap", "prometheus-config", NS, app="prometheus", data={"prometheus.yml": "global: {}\n"}),
        owned("Deployment", "grafana", NS, "apps/v1", app="grafana", version="12.1.0", spec={
            "selector": {"matchLabels": {"app.kubernetes.io/name": "grafana"}},
            "template": {"metadata": {"labels": {"app.kubernetes.io/name": "grafana"}},
                         "spec": {"containers": [{"name": "grafana", "image": grafana_image}]}}}),
        owned("DaemonSet", "node-exporter", AGENTS, "apps/v1", app="node-exporter", version="v1.9.1", spec={
            "selector": {"matchLabels": {"app.kubernetes.io/name": "node-exporter"}}}),
        owned("PodDisruptionBudget", "prometheus", NS, "policy/v1", app="prometheus", spec={"maxUnavailable": 1}),
        owned("NetworkPolicy", "default-deny", NS, "networking.k8s.io/v1", spec={"podSelector": {}}),
        owned("ServiceAccount", "prometheus", NS, app="prometheus"),
        owned("ClusterRole", "vmstation-monitoring-prometheus", None, "rbac.authorization.k8s.io/v1", rules=[]),
        owned("PriorityClass", "vmstation-monitoring-critical", None, "scheduling.k8s.io/v1", value=1000000),
        owned("Namespace", NS),
        owned("Namespace", AGENTS),
    ]


def params(objects, **extra):
    return dict({"objects": objects, "instance": INSTANCE_NAME, "field_manager": "vmstation-monitoring",
                 "wait_timeout": 30}, **extra)


def run(cluster, objects, **kwargs):
    check_mode = kwargs.pop("check_mode", False)
    diff = kwargs.pop("diff", False)
    return run_apply(cluster, params(objects, **kwargs), check_mode=check_mode, diff=diff,
                     sleep=lambda _s: None, clock=_Clock())


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 1.0
        return self.now


def actions(result):
    return {(o["kind"], o["name"]): o["action"] for o in result["objects"]}


def real_applies(cluster):
    return [(c[1], c[3]) for c in cluster.ops("apply") if not c[4]["dry_run"]]


def test_apply_order_puts_namespaces_first_then_definitions_rbac_config_workloads():
    objects = stack() + [owned("ServiceMonitor", "x", NS, "monitoring.coreos.com/v1"),
                         owned("CustomResourceDefinition", "things.example.com", None, "apiextensions.k8s.io/v1")]
    kinds = [o["kind"] for o in apply_order(objects)]
    assert kinds[:2] == ["Namespace", "Namespace"]
    assert kinds[2] == "CustomResourceDefinition"
    assert kinds.index("ClusterRole") < kinds.index("ConfigMap") < kinds.index("StatefulSet")
    assert kinds.index("NetworkPolicy") < kinds.index("Deployment")
    assert kinds[-1] == "ServiceMonitor"
    workloads = [o["metadata"]["name"] for o in apply_order(objects) if o["kind"] in ("StatefulSet", "Deployment")]
    assert workloads == ["prometheus", "grafana"], "the render's order is kept within a wave"
    assert [o["kind"] for o in delete_order(objects)][-2:] == ["Namespace", "Namespace"]


def test_first_apply_creates_every_object_in_dependency_order_with_one_field_manager():
    cluster = FakeCluster()
    result = run(cluster, stack())
    assert result["changed"] and not result["dry_run"]
    assert set(actions(result).values()) == {"created"}
    applied = real_applies(cluster)
    assert [kind for kind, _name in applied][:2] == ["Namespace", "Namespace"]
    assert applied.index(("ConfigMap", "prometheus-config")) < applied.index(("StatefulSet", "prometheus"))
    assert {c[4]["manager"] for c in cluster.ops("apply")} == {"vmstation-monitoring"}
    assert not any(c[4]["force"] for c in cluster.ops("apply"))
    assert cluster.find("StatefulSet", "prometheus", NS) is not None
    assert result["counts"] == {"created": 12}
    assert result["api_warnings"] == ['DaemonSet monitoring-agents/node-exporter: would violate PodSecurity '
                                      '"restricted:latest": host namespaces (hostNetwork=true)']


def test_a_second_run_reports_no_change_and_sends_nothing_but_dry_runs():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.calls.clear()
    result = run(cluster, stack())
    assert result["changed"] is False
    assert set(actions(result).values()) == {"unchanged"}
    assert real_applies(cluster) == []
    assert not cluster.ops("delete")


def test_check_mode_is_a_server_side_dry_run_that_changes_nothing():
    cluster = FakeCluster()
    result = run(cluster, stack(), check_mode=True, diff=True)
    assert result["changed"] and result["dry_run"]
    assert set(actions(result).values()) == {"created"}
    assert cluster.store == {}
    assert all(c[4]["dry_run"] for c in cluster.ops("apply"))
    assert len(result["diff"]) == 12 and all(d["before"] == "" for d in result["diff"])


def test_check_mode_with_diff_shows_what_changes_per_object():
    cluster = FakeCluster()
    run(cluster, stack())
    before = copy.deepcopy(cluster.store)
    result = run(cluster, stack(grafana_image="grafana/grafana:12.2.0"), check_mode=True, diff=True)
    assert actions(result)[("Deployment", "grafana")] == "configured"
    assert result["changed"] and cluster.store == before
    [entry] = result["diff"]
    assert entry["before_header"] == "Deployment monitoring/grafana (cluster)"
    assert "grafana/grafana:12.1.0" in entry["before"] and "grafana/grafana:12.2.0" in entry["after"]
    assert "managedFields" not in entry["after"] and "resourceVersion" not in entry["after"]


def test_a_changed_object_is_applied_and_only_that_one():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.calls.clear()
    result = run(cluster, stack(grafana_image="grafana/grafana:12.2.0"))
    assert real_applies(cluster) == [("Deployment", "grafana")]
    assert result["counts"] == {"configured": 1, "unchanged": 11}
    assert cluster.find("Deployment", "grafana", NS)["metadata"]["generation"] == 2


def test_taking_over_fields_applied_with_the_same_values_by_another_manager_counts_as_a_change():
    cluster = FakeCluster()
    run(cluster, stack())
    cm = cluster.find("ConfigMap", "prometheus-config", NS)
    cm["metadata"]["managedFields"] = [dict(cm["metadata"]["managedFields"][0], manager="kubectl")]
    result = run(cluster, stack())
    assert actions(result)[("ConfigMap", "prometheus-config")] == "configured"
    assert run(cluster, stack())["changed"] is False


def test_conflicts_name_the_field_and_the_other_manager_and_nothing_is_applied():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.calls.clear()
    cluster.conflicts[("apps", "Deployment", NS, "grafana")] = [(".spec.replicas", "kubectl-edit")]
    with pytest.raises(StackError) as caught:
        run(cluster, stack(grafana_image="grafana/grafana:12.2.0"))
    message = str(caught.value)
    assert "Deployment monitoring/grafana: .spec.replicas is also managed by kubectl-edit" in message
    assert "monitoring_force_conflicts: true" in message
    assert real_applies(cluster) == []


def test_conflicts_are_forced_only_when_asked():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.conflicts[("apps", "Deployment", NS, "grafana")] = [(".spec.replicas", "kubectl-edit")]
    cluster.calls.clear()
    result = run(cluster, stack(grafana_image="grafana/grafana:12.2.0"), force_conflicts=True)
    assert actions(result)[("Deployment", "grafana")] == "configured"
    assert all(c[4]["force"] for c in cluster.ops("apply"))


def test_other_refusals_are_all_listed_before_anything_is_applied():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.calls.clear()
    cluster.refuse[("", "ConfigMap", NS, "prometheus-config")] = ApiError(
        422, "Invalid", 'ConfigMap "prometheus-config" is invalid: []: Too long: must have at most 1048576 bytes')
    cluster.refuse[("", "Service", NS, "prometheus")] = ApiError(403, "Forbidden", "services is forbidden")
    with pytest.raises(StackError) as caught:
        run(cluster, stack(grafana_image="grafana/grafana:12.2.0"))
    assert "Too long" in str(caught.value) and "services is forbidden" in str(caught.value)
    assert real_applies(cluster) == []


def test_objects_without_the_ownership_labels_are_refused():
    objects = stack()
    del objects[0]["metadata"]["labels"]["app.kubernetes.io/managed-by"]
    with pytest.raises(StackError) as caught:
        run(FakeCluster(), objects)
    assert "StatefulSet monitoring/prometheus lacks the ownership label(s) app.kubernetes.io/managed-by" in str(
        caught.value)


def test_an_existing_object_the_stack_does_not_own_is_never_touched():
    foreign = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "prometheus", "namespace": NS}}
    cluster = FakeCluster([owned("Namespace", NS), owned("Namespace", AGENTS), foreign])
    with pytest.raises(StackError) as caught:
        run(cluster, stack())
    assert "Service monitoring/prometheus already exists and does not belong to this stack" in str(caught.value)
    assert real_applies(cluster) == []
    assert cluster.find("Service", "prometheus", NS)["metadata"].get("labels") is None


def test_prune_deletes_what_is_no_longer_rendered_in_reverse_order_and_nothing_foreign():
    cluster = FakeCluster()
    run(cluster, stack())
    other_instance = owned("ConfigMap", "other", NS)
    other_instance["metadata"]["labels"]["app.kubernetes.io/instance"] = "someone-else"
    cluster.put(other_instance)
    cluster.put({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "users", "namespace": NS}})
    smaller = [o for o in stack() if o["metadata"]["name"] not in ("grafana", "prometheus-config")
               and o["kind"] != "ClusterRole"]
    cluster.calls.clear()
    result = run(cluster, smaller)
    pruned = [(c[1], c[3]) for c in cluster.ops("delete")]
    assert pruned == [("Deployment", "grafana"), ("ConfigMap", "prometheus-config"),
                      ("ClusterRole", "vmstation-monitoring-prometheus")]
    assert actions(result)[("Deployment", "grafana")] == "pruned"
    assert cluster.find("ConfigMap", "other", NS) is not None and cluster.find("ConfigMap", "users", NS) is not None


def test_prune_keeps_claims_generated_secrets_definitions_and_controller_objects():
    cluster = FakeCluster()
    run(cluster, stack())
    claim = cluster.put(owned("PersistentVolumeClaim", "data-old-0", NS))
    generated = owned("Secret", "grafana-admin", NS, type="Opaque", data={"admin-password": "c2VjcmV0"})
    generated["metadata"]["annotations"] = {"secrets.vmstation.io/generated-keys": "admin-password"}
    cluster.put(generated)
    cluster.put(owned("CustomResourceDefinition", "things.example.com", None, "apiextensions.k8s.io/v1",
                      spec={"group": "example.com", "names": {"kind": "Thing"}}))
    job = owned("Job", "compaction-123", NS, "batch/v1")
    job["metadata"]["ownerReferences"] = [{"kind": "CronJob", "name": "compaction", "uid": "u"}]
    cluster.put(job)
    result = run(cluster, stack())
    assert not cluster.ops("delete")
    kept = {(o["kind"], o["name"]): o.get("reason", "") for o in result["objects"] if o["action"] == "retained"}
    assert set(kept) == {("PersistentVolumeClaim", claim["metadata"]["name"]), ("Secret", "grafana-admin"),
                         ("CustomResourceDefinition", "things.example.com")}
    assert "monitoring_purge_data" in kept[("Secret", "grafana-admin")]
    assert result["changed"] is False


def test_retained_objects_listed_by_the_caller_are_not_pruned():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.put(owned("Secret", "alertmanager-receivers", NS, data={"url": "aHR0cA=="}))
    run(cluster, stack(), retain=[{"kind": "Secret", "namespace": NS, "name": "alertmanager-receivers"}])
    assert cluster.find("Secret", "alertmanager-receivers", NS) is not None
    run(cluster, stack())
    assert cluster.find("Secret", "alertmanager-receivers", NS) is None


def test_a_namespace_is_pruned_only_when_nothing_foreign_is_left_in_it():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.put({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug", "namespace": AGENTS}})
    cluster.put({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": NS}})
    without_namespaces = [o for o in stack() if o["kind"] != "Namespace" and o["metadata"].get("namespace") != AGENTS]
    renamed = [dict(o, metadata=dict(o["metadata"], namespace="obs")) if o["metadata"].get("namespace") else o
               for o in without_namespaces] + [owned("Namespace", "obs")]
    result = run(cluster, renamed)
    assert actions(result)[("Namespace", NS)] == "pruned"
    assert actions(result)[("Namespace", AGENTS)] == "retained"
    reason = [o["reason"] for o in result["objects"] if o["name"] == AGENTS][0]
    assert "Pod monitoring-agents/debug" in reason
    assert cluster.find("Namespace", AGENTS) is not None


def test_an_immutable_change_is_detected_before_anything_is_applied():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.calls.clear()
    with pytest.raises(StackError) as caught:
        run(cluster, stack(size="50Gi", grafana_image="grafana/grafana:12.2.0"))
    message = str(caught.value)
    assert ("StatefulSet monitoring/prometheus: spec.volumeClaimTemplates[data].spec.resources.requests.storage "
            "is '20Gi' in the cluster, the render wants '50Gi'") in message
    assert "monitoring_recreate_immutable: true" in message and "PersistentVolumeClaims are kept" in message
    assert real_applies(cluster) == []


def test_recreate_keeps_the_claims_and_sets_their_retention_first():
    cluster = FakeCluster()
    run(cluster, stack())
    claim = cluster.put(owned("PersistentVolumeClaim", "data-prometheus-0", NS))
    cluster.find("StatefulSet", "prometheus", NS)["spec"]["persistentVolumeClaimRetentionPolicy"] = {
        "whenDeleted": "Delete"}
    cluster.linger[("StatefulSet", NS, "prometheus")] = 2
    cluster.calls.clear()
    result = run(cluster, stack(size="50Gi"), recreate_immutable=True)
    assert actions(result)[("StatefulSet", "prometheus")] == "recreated"
    ops = [c[0] for c in cluster.calls if c[0] in ("patch", "delete") or (c[0] == "apply" and not c[4]["dry_run"])]
    assert ops == ["patch", "delete", "apply"]
    assert cluster.ops("patch")[0][4] == {"spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain"}}}
    assert cluster.ops("delete")[0][4] == "Foreground"
    assert cluster.find("PersistentVolumeClaim", "data-prometheus-0", NS) == claim
    sts = cluster.find("StatefulSet", "prometheus", NS)
    assert sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "50Gi"


def test_a_deletion_that_never_finishes_stops_the_run():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.linger[("StatefulSet", NS, "prometheus")] = 10 ** 6
    with pytest.raises(StackError) as caught:
        run(cluster, stack(size="50Gi"), recreate_immutable=True)
    assert "StatefulSet monitoring/prometheus is still being deleted after 30s" in str(caught.value)


def test_a_claim_is_never_recreated():
    cluster = FakeCluster()
    objects = stack() + [owned("PersistentVolumeClaim", "grafana", NS, spec={"storageClassName": "fast"})]
    run(cluster, objects)
    cluster.refuse[("", "PersistentVolumeClaim", NS, "grafana")] = ApiError(
        422, "Invalid", "invalid", [{"field": "spec", "message": "Forbidden: spec is immutable after creation except "
                                                                 "resources.requests for bound claims"}])
    objects[-1]["spec"]["storageClassName"] = "slow"
    with pytest.raises(StackError) as caught:
        run(cluster, objects, recreate_immutable=True)
    assert "PersistentVolumeClaim monitoring/grafana: spec.storageClassName is 'fast'" in str(caught.value)
    assert "never deleted" in str(caught.value)


def test_only_kinds_applies_the_namespaces_alone_and_prunes_nothing():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.put(owned("ConfigMap", "stale", NS))
    result = run(cluster, stack() + [owned("Namespace", "extra")], only_kinds=["Namespace"])
    assert actions(result) == {("Namespace", NS): "unchanged", ("Namespace", AGENTS): "unchanged",
                               ("Namespace", "extra"): "created"}
    assert cluster.find("ConfigMap", "stale", NS) is not None


def test_custom_resources_wait_for_their_definition():
    crd = owned("CustomResourceDefinition", "things.example.com", None, "apiextensions.k8s.io/v1",
                spec={"group": "example.com", "names": {"kind": "Thing"}})
    thing = owned("Thing", "one", NS, "example.com/v1")
    cluster = FakeCluster(unserved={"Thing"})
    result = run(cluster, stack() + [thing, crd])
    assert actions(result)[("Thing", "one")] == "created"
    applied = real_applies(cluster)
    assert applied.index(("CustomResourceDefinition", "things.example.com")) < applied.index(("Thing", "one"))
    assert cluster.ops("forget_types")


def test_an_unserved_kind_without_its_definition_is_an_error():
    with pytest.raises(StackError) as caught:
        run(FakeCluster(unserved={"Thing"}), stack() + [owned("Thing", "one", NS, "example.com/v1")])
    assert "the cluster does not serve example.com/v1 Thing" in str(caught.value)


def test_secret_values_never_show_in_diffs():
    live = owned("Secret", "s", NS, data={"password": "b2xk"})
    new = owned("Secret", "s", NS, data={"password": "bmV3"})
    entry = diff_entry(live, new, "Secret monitoring/s")
    assert "b2xk" not in entry["before"] and "bmV3" not in entry["after"]
    assert "<hidden>" in entry["after"] and "secret values changed" in entry["after"]


def test_digest_and_versions_of_a_render():
    objects = stack()
    assert stack_digest(objects) == stack_digest(list(reversed(objects)))
    assert stack_digest(objects) != stack_digest(stack(size="50Gi"))
    assert stack_versions(objects) == {"grafana": "12.1.0", "node-exporter": "v1.9.1", "prometheus": "v3.13.3",
                                       "thing": "1.0.0"}


def test_uninstall_removes_everything_owned_but_keeps_data_and_its_namespace():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.put(owned("PersistentVolumeClaim", "data-prometheus-0", NS))
    result = run_uninstall(cluster, {"instance": INSTANCE_NAME, "wait_timeout": 30}, sleep=lambda _s: None)
    remaining = {(o["kind"], o["metadata"]["name"]) for o in cluster.store.values()}
    assert remaining == {("PersistentVolumeClaim", "data-prometheus-0"), ("Namespace", NS)}
    assert actions(result)[("Namespace", AGENTS)] == "pruned"
    assert actions(result)[("Namespace", NS)] == "retained"
    assert run_uninstall(cluster, {"instance": INSTANCE_NAME}, sleep=lambda _s: None)["changed"] is False


def test_uninstall_with_purge_also_deletes_the_claims_of_statefulsets():
    cluster = FakeCluster()
    run(cluster, stack())
    cluster.put({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                 "metadata": {"name": "data-prometheus-0", "namespace": NS}})
    cluster.put({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                 "metadata": {"name": "data-prometheus-other-0", "namespace": NS}})
    cluster.linger[("Namespace", None, AGENTS)] = 3
    run_uninstall(cluster, {"instance": INSTANCE_NAME, "purge": True, "wait_timeout": 30}, sleep=lambda _s: None)
    remaining = {(o["kind"], o["metadata"]["name"]) for o in cluster.store.values()}
    assert remaining == {("PersistentVolumeClaim", "data-prometheus-other-0"), ("Namespace", NS)}


def test_uninstall_in_check_mode_deletes_nothing():
    cluster = FakeCluster()
    run(cluster, stack())
    before = copy.deepcopy(cluster.store)
    result = run_uninstall(cluster, {"instance": INSTANCE_NAME}, check_mode=True)
    assert result["changed"] and result["dry_run"] and cluster.store == before


def test_pods_the_namespace_would_reject_stop_the_apply_before_anything_is_applied():
    restricted = owned("Namespace", NS)
    restricted["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "restricted"
    agents = owned("Namespace", AGENTS)
    agents["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "privileged"
    objects = [o for o in stack() if o["kind"] != "Namespace"] + [restricted, agents]
    cluster = FakeCluster([restricted, agents])
    run(cluster, objects)  # the agents' DaemonSet only warns: its namespace enforces privileged
    misplaced = owned("DaemonSet", "node-exporter", NS, "apps/v1", app="node-exporter", spec={})
    cluster.calls.clear()
    with pytest.raises(StackError) as caught:
        run(cluster, objects + [misplaced])
    assert ('DaemonSet monitoring/node-exporter: its pods would be rejected, namespace monitoring enforces Pod '
            'Security restricted: would violate PodSecurity "restricted:latest"') in str(caught.value)
    assert real_applies(cluster) == []
