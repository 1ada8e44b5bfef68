"""The apply phase (module_utils/apply/server_side.py) through the Cluster adapter, on a real API server.

Each test works under its own instance label, namespaces and cluster-scoped names (cluster/real_api.py)
on the module's control plane. What the server did is read back from it: what exists, what our field
manager owns (managedFields), generations, what the controllers did with claims.
"""

from __future__ import annotations

import json
import time

import pytest
from cluster.real_api import MANAGER, container, params, pod_spec, stack, wait_for
from k8s_objects import owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.server_side import (
    StackError,
    comparable,
    run_apply,
    run_uninstall,
)

pytestmark = [pytest.mark.cluster]

STORAGE_CLASSES = ("fast", "slow")


def kube(local, api):
    from kubernetes import client

    return getattr(client, api)(local.client())


def run(cluster, names, objects, **kwargs):
    check_mode = kwargs.pop("check_mode", False)
    diff = kwargs.pop("diff", False)
    return run_apply(cluster, params(names, objects, **kwargs), check_mode=check_mode, diff=diff)


def uninstall(cluster, names, **extra):
    return run_uninstall(cluster, dict({"instance": names.instance, "wait_timeout": 120}, **extra))


def actions(result):
    return {(o["kind"], o["name"]): o["action"] for o in result["objects"]}


def live(cluster, obj):
    meta = obj["metadata"]
    return cluster.get(obj["apiVersion"], obj["kind"], meta["name"], meta.get("namespace"))


def find(objects, kind, name=None):
    return [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)][0]


def footprint(cluster, objects):
    """What applying leaves on each object: content (no status, no controller annotations), generation, our fields."""
    found = {}
    for obj in objects:
        current = live(cluster, obj)
        if current is None:
            found[(obj["kind"], obj["metadata"]["name"])] = None
            continue
        content = comparable(current)
        annotations = content["metadata"].get("annotations") or {}
        content["metadata"]["annotations"] = {k: v for k, v in annotations.items()
                                              if not k.startswith("deployment.kubernetes.io/")}
        ours = [(e["operation"], e.get("time"), json.dumps(e.get("fieldsV1"), sort_keys=True))
                for e in current["metadata"].get("managedFields") or [] if e["manager"] == MANAGER]
        found[(obj["kind"], obj["metadata"]["name"])] = (current["metadata"].get("generation"), ours, content)
    return found


def owns(obj, manager, field):
    """Whether ``manager`` holds ``field`` (a fieldsV1 key such as "f:replicas") of the live ``obj``."""
    return any(field in json.dumps(e.get("fieldsV1")) for e in obj["metadata"].get("managedFields") or []
               if e["manager"] == manager)


def apply_as(local, manager, obj, force=True):
    """Server-side apply by another client (``manager``), with the kubernetes client itself."""
    from kubernetes import dynamic

    api = dynamic.DynamicClient(local.client())
    resource = api.resources.get(api_version=obj["apiVersion"], kind=obj["kind"])
    return api.server_side_apply(resource, body=obj, namespace=obj["metadata"].get("namespace"),
                                 field_manager=manager, force_conflicts=force)


def crd(names, kind="Thing"):
    group = "%s.example.com" % names.id
    plural = kind.lower() + "s"
    return owned("CustomResourceDefinition", "%s.%s" % (plural, group), None, "apiextensions.k8s.io/v1",
                 instance=names.instance, spec={
                     "group": group, "scope": "Namespaced",
                     "names": {"kind": kind, "plural": plural, "singular": kind.lower(), "listKind": kind + "List"},
                     "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                         "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]})


def claim(names, name, storage_class=None, owner=True, size="1Gi"):
    spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}}
    if storage_class:
        spec["storageClassName"] = storage_class
    if owner:
        return owned("PersistentVolumeClaim", name, names.ns, instance=names.instance, spec=spec)
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": names.ns},
            "spec": spec}


def test_first_apply_creates_every_object_in_dependency_order_with_one_field_manager(cluster, names):
    objects = stack(names)
    result = run(cluster, names, objects)
    assert result["changed"] and not result["dry_run"]
    assert result["counts"] == {"created": 12}
    applied = {(o["kind"], o["metadata"]["name"]): live(cluster, o) for o in objects}
    for key, obj in applied.items():
        appliers = [(e["manager"], e["operation"]) for e in obj["metadata"]["managedFields"] if e["operation"] == "Apply"]
        assert appliers == [(MANAGER, "Apply")], key
    # Objects no controller writes to keep the resourceVersion of their creation: waves come in order,
    # and within a wave the render's order (the Service is rendered before the ConfigMap).
    created = [int(applied[key]["metadata"]["resourceVersion"]) for key in (
        ("Namespace", names.ns), ("ServiceAccount", "prometheus"), ("NetworkPolicy", "default-deny"),
        ("Service", "prometheus"), ("ConfigMap", "prometheus-config"))]
    assert created == sorted(created)
    assert (applied[("ConfigMap", "prometheus-config")]["metadata"]["creationTimestamp"]
            <= applied[("StatefulSet", "prometheus")]["metadata"]["creationTimestamp"])
    assert result["api_warnings"] == ['DaemonSet %s/node-exporter: would violate PodSecurity "restricted:latest": '
                                      'host namespaces (hostNetwork=true)' % names.agents]


def test_a_second_run_reports_no_change_and_changes_nothing(cluster, names):
    run(cluster, names, stack(names))
    before = footprint(cluster, stack(names))
    result = run(cluster, names, stack(names))
    assert result["changed"] is False, result["objects"]
    assert set(actions(result).values()) == {"unchanged"}
    assert footprint(cluster, stack(names)) == before


def test_check_mode_is_a_server_side_dry_run_that_changes_nothing(cluster, names):
    result = run(cluster, names, stack(names), check_mode=True, diff=True)
    assert result["changed"] and result["dry_run"]
    assert set(actions(result).values()) == {"created"}
    assert set(footprint(cluster, stack(names)).values()) == {None}
    assert len(result["diff"]) == 12 and all(d["before"] == "" for d in result["diff"])


def test_check_mode_with_diff_shows_what_changes_per_object(cluster, names):
    run(cluster, names, stack(names))
    before = footprint(cluster, stack(names))
    result = run(cluster, names, stack(names, grafana_image="grafana/grafana:12.2.0"), check_mode=True, diff=True)
    assert actions(result)[("Deployment", "grafana")] == "configured"
    assert result["changed"] and footprint(cluster, stack(names)) == before
    [entry] = result["diff"]
    assert entry["before_header"] == "Deployment %s/grafana (cluster)" % names.ns
    assert "grafana/grafana:12.1.0" in entry["before"] and "grafana/grafana:12.2.0" in entry["after"]
    assert "managedFields" not in entry["after"] and "resourceVersion" not in entry["after"]


def test_a_changed_object_is_applied_and_only_that_one(cluster, names):
    run(cluster, names, stack(names))
    before = footprint(cluster, stack(names))
    result = run(cluster, names, stack(names, grafana_image="grafana/grafana:12.2.0"))
    assert result["counts"] == {"configured": 1, "unchanged": 11}
    after = footprint(cluster, stack(names))
    assert [key for key in before if before[key] != after[key]] == [("Deployment", "grafana")]
    assert after[("Deployment", "grafana")][0] == 2


def test_taking_over_fields_set_to_the_same_values_by_another_client_counts_as_a_change(module_cluster, cluster, names):
    run(cluster, names, stack(names))
    configmaps = kube(module_cluster, "CoreV1Api")
    for value in ("edited\n", "global: {}\n"):  # an edit, then back to the rendered value: kubectl owns the key
        configmaps.patch_namespaced_config_map("prometheus-config", names.ns, {"data": {"prometheus.yml": value}},
                                               field_manager="kubectl")
    edited = live(cluster, find(stack(names), "ConfigMap"))
    assert not owns(edited, MANAGER, "f:prometheus.yml") and owns(edited, "kubectl", "f:prometheus.yml")
    result = run(cluster, names, stack(names))
    assert actions(result)[("ConfigMap", "prometheus-config")] == "configured"
    assert owns(live(cluster, find(stack(names), "ConfigMap")), MANAGER, "f:prometheus.yml")
    assert run(cluster, names, stack(names))["changed"] is False


def replicas_by_kubectl_edit(local, names):
    apply_as(local, "kubectl-edit", {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "metadata": {"name": "grafana", "namespace": names.ns}, "spec": {"replicas": 3}})


def test_conflicts_name_the_field_and_the_other_manager_and_nothing_is_applied(module_cluster, cluster, names):
    run(cluster, names, stack(names))
    replicas_by_kubectl_edit(module_cluster, names)
    before = footprint(cluster, stack(names))
    with pytest.raises(StackError) as caught:
        run(cluster, names, stack(names, grafana_image="grafana/grafana:12.2.0"))
    message = str(caught.value)
    assert "Deployment %s/grafana: .spec.replicas is also managed by kubectl-edit" % names.ns in message
    assert "monitoring_force_conflicts: true" in message
    assert footprint(cluster, stack(names)) == before


def test_conflicts_are_forced_only_when_asked(module_cluster, cluster, names):
    run(cluster, names, stack(names))
    replicas_by_kubectl_edit(module_cluster, names)
    result = run(cluster, names, stack(names, grafana_image="grafana/grafana:12.2.0"), force_conflicts=True)
    assert actions(result)[("Deployment", "grafana")] == "configured"
    grafana = live(cluster, find(stack(names), "Deployment"))
    assert grafana["spec"]["replicas"] == 1 and not owns(grafana, "kubectl-edit", "f:replicas")
    assert grafana["spec"]["template"]["spec"]["containers"][0]["image"] == "grafana/grafana:12.2.0"


def test_other_refusals_are_all_listed_before_anything_is_applied(cluster, names):
    run(cluster, names, stack(names))
    before = footprint(cluster, stack(names))
    objects = stack(names, grafana_image="grafana/grafana:12.2.0")
    find(objects, "ConfigMap")["data"]["prometheus.yml"] = "#" * (1024 * 1024 + 1)
    find(objects, "Service")["spec"]["ports"][0]["port"] = 70000
    with pytest.raises(StackError) as caught:
        run(cluster, names, objects)
    message = str(caught.value)
    assert "ConfigMap %s/prometheus-config: the API server refuses it" % names.ns in message
    assert "Too long: must have at most 1048576 bytes" in message
    assert "Service %s/prometheus: the API server refuses it" % names.ns in message
    assert "must be between 1 and 65535" in message
    assert footprint(cluster, stack(names)) == before


def test_an_existing_object_the_stack_does_not_own_is_never_touched(module_cluster, cluster, names):
    for namespace in [o for o in stack(names) if o["kind"] == "Namespace"]:
        cluster.apply(namespace, MANAGER)
    kube(module_cluster, "CoreV1Api").create_namespaced_service(names.ns, {
        "metadata": {"name": "prometheus"}, "spec": {"ports": [{"port": 80}]}})
    with pytest.raises(StackError) as caught:
        run(cluster, names, stack(names))
    assert ("Service %s/prometheus already exists and does not belong to this stack" % names.ns) in str(caught.value)
    assert live(cluster, find(stack(names), "ConfigMap")) is None
    assert live(cluster, find(stack(names), "Service"))["metadata"].get("labels") is None


def test_prune_deletes_what_is_no_longer_rendered_in_reverse_order_and_nothing_foreign(module_cluster, cluster, names):
    run(cluster, names, stack(names))
    other_instance = owned("ConfigMap", "other", names.ns, instance="someone-else")
    cluster.apply(other_instance, "someone-else")
    kube(module_cluster, "CoreV1Api").create_namespaced_config_map(names.ns, {"metadata": {"name": "users"}})
    dropped = ("grafana", "prometheus-config", names("prometheus"))
    smaller = [o for o in stack(names) if o["metadata"]["name"] not in dropped]
    result = run(cluster, names, smaller)
    assert [(o["kind"], o["name"]) for o in result["objects"] if o["action"] == "pruned"] == [
        ("Deployment", "grafana"), ("ConfigMap", "prometheus-config"), ("ClusterRole", names("prometheus"))]
    assert [live(cluster, o) for o in stack(names) if o["metadata"]["name"] in dropped] == [None, None, None]
    assert cluster.get("v1", "ConfigMap", "other", names.ns) and cluster.get("v1", "ConfigMap", "users", names.ns)


def test_a_daemonset_no_longer_rendered_is_gone_with_its_pods_before_anything_is_applied(cluster, names):
    """Promtail -> Alloy: the replaced agent's pods are gone before the new agent is even created."""
    objects = stack(names)
    run(cluster, names, objects)
    old = find(objects, "DaemonSet")
    selector = ",".join("%s=%s" % item for item in old["spec"]["selector"]["matchLabels"].items())
    wait_for("the old agent's pods", lambda: len(cluster.list("v1", "Pod", selector, names.agents)) == 2)
    new = json.loads(json.dumps(old).replace("node-exporter", "alloy"))
    result = run(cluster, names, [o for o in objects if o is not old] + [new])
    assert actions(result)[("DaemonSet", "node-exporter")] == "pruned"
    assert cluster.list("v1", "Pod", selector, names.agents) == []
    replacement = live(cluster, new)
    pods_gone = [o for o in result["objects"] if o["name"] == "node-exporter"]
    assert replacement and pods_gone and result["objects"].index(pods_gone[0]) == 0, result["objects"]


def test_prune_keeps_claims_generated_secrets_definitions_and_controller_objects(module_cluster, cluster, names):
    run(cluster, names, stack(names))
    kept_claim = cluster.apply(claim(names, "data-old-0"), MANAGER)[0]
    generated = owned("Secret", "grafana-admin", names.ns, instance=names.instance, type="Opaque",
                      data={"admin-password": "c2VjcmV0"})
    generated["metadata"]["annotations"] = {"secrets.vmstation.io/generated-keys": "admin-password"}
    cluster.apply(generated, MANAGER)
    definition = crd(names)
    cluster.apply(definition, MANAGER)
    job_spec = {"suspend": True, "template": {"spec": pod_spec(container("compact", "busybox:1.36"),
                                                               restartPolicy="Never")}}
    cron = kube(module_cluster, "BatchV1Api").create_namespaced_cron_job(names.ns, {
        "metadata": {"name": "compaction"}, "spec": {"schedule": "0 0 1 1 *", "suspend": True,
                                                     "jobTemplate": {"spec": job_spec}}})
    job = owned("Job", "compaction-123", names.ns, "batch/v1", instance=names.instance, spec=job_spec)
    job["metadata"]["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "compaction",
                                           "uid": cron.metadata.uid, "controller": True}]
    cluster.apply(job, MANAGER)
    result = run(cluster, names, stack(names))
    kept = {(o["kind"], o["name"]): o.get("reason", "") for o in result["objects"] if o["action"] == "retained"}
    assert set(kept) == {("PersistentVolumeClaim", "data-old-0"), ("Secret", "grafana-admin"),
                         ("CustomResourceDefinition", definition["metadata"]["name"])}
    assert "monitoring_purge_data" in kept[("Secret", "grafana-admin")]
    assert result["changed"] is False
    assert all(live(cluster, o) for o in (kept_claim, generated, definition, job))


def test_retained_objects_listed_by_the_caller_are_not_pruned(cluster, names):
    run(cluster, names, stack(names))
    receivers = owned("Secret", "alertmanager-receivers", names.ns, instance=names.instance, data={"url": "aHR0cA=="})
    cluster.apply(receivers, MANAGER)
    run(cluster, names, stack(names), retain=[{"kind": "Secret", "namespace": names.ns,
                                               "name": "alertmanager-receivers"}])
    assert live(cluster, receivers) is not None
    run(cluster, names, stack(names))
    assert live(cluster, receivers) is None


def test_a_namespace_is_pruned_only_when_nothing_foreign_is_left_in_it(module_cluster, cluster, names):
    objects = stack(names, claims=False)
    run(cluster, names, objects)
    kube(module_cluster, "CoreV1Api").create_namespaced_pod(names.agents, {
        "metadata": {"name": "debug"}, "spec": pod_spec(container("debug", "busybox:1.36"))})
    moved = names.id + "-obs"
    renamed = [dict(o, metadata=dict(o["metadata"], namespace=moved)) for o in objects
               if o["metadata"].get("namespace") == names.ns]
    renamed += [o for o in objects if o["kind"] != "Namespace" and not o["metadata"].get("namespace")]
    result = run(cluster, names, renamed + [owned("Namespace", moved, instance=names.instance)])
    assert actions(result)[("Namespace", names.ns)] == "pruned"
    assert actions(result)[("Namespace", names.agents)] == "retained"
    reason = [o["reason"] for o in result["objects"] if o["name"] == names.agents][0]
    assert "Pod %s/debug" % names.agents in reason
    assert cluster.get("v1", "Namespace", names.agents) is not None
    assert (cluster.get("v1", "Namespace", names.ns) or {}).get("status", {}).get("phase") in (None, "Terminating")


def test_an_immutable_change_is_detected_before_anything_is_applied(cluster, names):
    run(cluster, names, stack(names))
    before = footprint(cluster, stack(names))
    with pytest.raises(StackError) as caught:
        run(cluster, names, stack(names, size="50Gi", grafana_image="grafana/grafana:12.2.0"))
    message = str(caught.value)
    assert ("StatefulSet %s/prometheus: spec.volumeClaimTemplates[data].spec.resources.requests.storage "
            "is '20Gi' in the cluster, the render wants '50Gi'" % names.ns) in message
    assert "monitoring_recreate_immutable: true" in message and "PersistentVolumeClaims are kept" in message
    assert footprint(cluster, stack(names)) == before


def test_recreate_keeps_the_claims_even_of_a_statefulset_that_deletes_them(cluster, names):
    deletes_claims = {"whenDeleted": "Delete", "whenScaled": "Retain"}
    run(cluster, names, stack(names, retention=deletes_claims))
    statefulset = find(stack(names), "StatefulSet")
    claim_name = "data-prometheus-0"
    data = wait_for("the claim of prometheus-0, owned by its StatefulSet", lambda: [
        c for c in [cluster.get("v1", "PersistentVolumeClaim", claim_name, names.ns)]
        if c and c["metadata"].get("ownerReferences")])[0]
    old_uid = live(cluster, statefulset)["metadata"]["uid"]
    result = run(cluster, names, stack(names, size="50Gi"), recreate_immutable=True)
    assert actions(result)[("StatefulSet", "prometheus")] == "recreated"
    recreated = live(cluster, statefulset)
    assert recreated["metadata"]["uid"] != old_uid
    assert recreated["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "50Gi"
    time.sleep(3)  # the garbage collector would have deleted a claim still owned by the deleted StatefulSet
    kept = cluster.get("v1", "PersistentVolumeClaim", claim_name, names.ns)
    assert kept is not None and kept["metadata"]["uid"] == data["metadata"]["uid"]
    assert not kept["metadata"].get("deletionTimestamp")


def test_a_deletion_that_never_finishes_stops_the_run(cluster, names):
    run(cluster, names, stack(names))
    statefulset = find(stack(names), "StatefulSet")
    cluster.patch_merge("apps/v1", "StatefulSet", "prometheus", names.ns,
                        {"metadata": {"finalizers": ["example.com/hold"]}})
    try:
        with pytest.raises(StackError) as caught:
            run(cluster, names, stack(names, size="50Gi"), recreate_immutable=True, wait_timeout=5)
        assert "StatefulSet %s/prometheus is still being deleted after 5s" % names.ns in str(caught.value)
        assert live(cluster, statefulset)["metadata"]["deletionTimestamp"]
    finally:
        cluster.patch_merge("apps/v1", "StatefulSet", "prometheus", names.ns, {"metadata": {"finalizers": None}})


def test_a_claim_is_never_recreated(cluster, names):
    objects = stack(names) + [claim(names, "grafana", "fast")]
    run(cluster, names, objects)
    objects[-1]["spec"]["storageClassName"] = "slow"
    with pytest.raises(StackError) as caught:
        run(cluster, names, objects, recreate_immutable=True)
    assert "PersistentVolumeClaim %s/grafana: spec.storageClassName is 'fast'" % names.ns in str(caught.value)
    assert "never deleted" in str(caught.value)
    assert live(cluster, objects[-1])["spec"]["storageClassName"] == "fast"


def test_only_kinds_applies_the_namespaces_alone_and_prunes_nothing(cluster, names):
    run(cluster, names, stack(names))
    stale = owned("ConfigMap", "stale", names.ns, instance=names.instance)
    cluster.apply(stale, MANAGER)
    extra = names.id + "-extra"
    result = run(cluster, names, stack(names) + [owned("Namespace", extra, instance=names.instance)],
                 only_kinds=["Namespace"])
    assert actions(result) == {("Namespace", names.ns): "unchanged", ("Namespace", names.agents): "unchanged",
                               ("Namespace", extra): "created"}
    assert live(cluster, stale) is not None


def test_custom_resources_wait_for_their_definition(cluster, names):
    definition = crd(names)
    thing = owned("Thing", "one", names.ns, definition["spec"]["group"] + "/v1", instance=names.instance,
                  spec={"size": 1})
    result = run(cluster, names, stack(names) + [thing, definition])
    assert actions(result)[("Thing", "one")] == "created"
    assert live(cluster, thing)["spec"] == {"size": 1}


def test_an_unserved_kind_without_its_definition_is_an_error(cluster, names):
    thing = owned("Thing", "one", names.ns, "%s.example.com/v1" % names.id, instance=names.instance)
    with pytest.raises(StackError) as caught:
        run(cluster, names, stack(names) + [thing])
    assert "the cluster does not serve %s.example.com/v1 Thing" % names.id in str(caught.value)


def test_uninstall_removes_everything_owned_but_keeps_data_and_its_namespace(cluster, names):
    objects = stack(names, claims=False) + [claim(names, "grafana")]
    run(cluster, names, objects)
    result = uninstall(cluster, names)
    assert {(o["kind"], o["metadata"]["name"]) for o in objects if live(cluster, o)} == {
        ("PersistentVolumeClaim", "grafana"), ("Namespace", names.ns)}
    assert actions(result)[("Namespace", names.agents)] == "pruned"
    assert actions(result)[("Namespace", names.ns)] == "retained"
    assert uninstall(cluster, names)["changed"] is False


def test_uninstall_with_purge_also_deletes_the_claims_of_statefulsets(cluster, names):
    objects = stack(names)
    run(cluster, names, objects)
    wait_for("the claim of prometheus-0", lambda: cluster.get("v1", "PersistentVolumeClaim", "data-prometheus-0",
                                                              names.ns))
    other = cluster.apply(claim(names, "data-prometheus-other-0", owner=False), "someone")[0]
    uninstall(cluster, names, purge=True)
    wait_for("the claim of prometheus-0 to go", lambda: cluster.get("v1", "PersistentVolumeClaim",
                                                                    "data-prometheus-0", names.ns) is None)
    assert [(o["kind"], o["metadata"]["name"]) for o in objects if live(cluster, o)] == [("Namespace", names.ns)]
    assert live(cluster, other) is not None


def test_uninstall_in_check_mode_deletes_nothing(cluster, names):
    run(cluster, names, stack(names))
    before = footprint(cluster, stack(names))
    result = run_uninstall(cluster, {"instance": names.instance}, check_mode=True)
    assert result["changed"] and result["dry_run"] and footprint(cluster, stack(names)) == before


def test_pods_the_namespace_would_reject_stop_the_apply_before_anything_is_applied(cluster, names):
    objects = stack(names)
    find(objects, "Namespace", names.ns)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "restricted"
    run(cluster, names, objects)  # the agents' DaemonSet only warns: its namespace enforces privileged
    misplaced = json.loads(json.dumps(find(objects, "DaemonSet")))
    misplaced["metadata"]["namespace"] = names.ns
    with pytest.raises(StackError) as caught:
        run(cluster, names, objects + [misplaced])
    assert ('DaemonSet %s/node-exporter: its pods would be rejected, namespace %s enforces Pod Security restricted: '
            'would violate PodSecurity "restricted:latest"' % (names.ns, names.ns)) in str(caught.value)
    assert live(cluster, misplaced) is None
