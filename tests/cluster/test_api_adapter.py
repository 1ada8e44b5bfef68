"""The Cluster adapter (module_utils/cluster/api.py) over kubernetes.core's client, against a real API server.

The real chain runs: kubernetes.core get_api_client / K8SClient, the kubernetes client's DynamicClient
and discovery, kube-apiserver (scripts/local_cluster.py). What the collection relies on is checked by
its effect on the server: a dry run stores nothing, the field manager and the apply operation are
recorded in managedFields, force takes fields over, Foreground propagation holds the object until its
dependents are gone, refusals keep their Status causes, the service proxy passes query, body and
cookies both ways.
"""

from __future__ import annotations

import pytest
from cluster.real_api import MANAGER, Backend, adapter, expose, params, stack, wait_for
from k8s_objects import owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.server_side import run_apply, run_uninstall
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import ApiError
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.prune import owner_selector

pytestmark = [pytest.mark.cluster]


def core(local):
    from kubernetes import client

    return client.CoreV1Api(local.client())


def configmap(names, name, **data):
    return owned("ConfigMap", name, names.ns, instance=names.instance, data=data)


def apply_as(local, manager, obj, force=True):
    """Server-side apply of ``obj`` by another client (``manager``), with the kubernetes client itself."""
    from kubernetes import dynamic

    api = dynamic.DynamicClient(local.client())
    resource = api.resources.get(api_version=obj["apiVersion"], kind=obj["kind"])
    return api.server_side_apply(resource, body=obj, namespace=obj["metadata"].get("namespace"),
                                 field_manager=manager, force_conflicts=force)


def test_apply_is_a_server_side_apply_with_field_manager_force_and_dry_run(module_cluster, cluster, names):
    namespace = owned("Namespace", names.ns, instance=names.instance)
    result, warnings = cluster.apply(namespace, MANAGER, dry_run=True)
    assert result["metadata"]["name"] == names.ns and warnings == []
    assert cluster.get("v1", "Namespace", names.ns) is None, "a dry run stores nothing"
    cluster.apply(namespace, MANAGER)
    [entry] = cluster.get("v1", "Namespace", names.ns)["metadata"]["managedFields"]
    assert (entry["manager"], entry["operation"]) == (MANAGER, "Apply"), "an apply patch, under our field manager"

    cluster.apply(configmap(names, "a", x="1"), MANAGER)
    apply_as(module_cluster, "kubectl-edit", configmap(names, "a", x="2"))
    with pytest.raises(ApiError) as caught:
        cluster.apply(configmap(names, "a", x="1"), MANAGER, dry_run=True)
    assert caught.value.status == 409, "without force, a field another manager owns is a conflict"
    cluster.apply(configmap(names, "a", x="1"), MANAGER, force=True)
    live = cluster.get("v1", "ConfigMap", "a", names.ns)
    assert live["data"] == {"x": "1"}
    assert "f:x" not in str([e["fieldsV1"] for e in live["metadata"]["managedFields"] if e["manager"] == "kubectl-edit"])


def test_server_warnings_are_returned(cluster, names):
    [daemonset] = [o for o in stack(names) if o["kind"] == "DaemonSet"]
    [agents] = [o for o in stack(names) if o["kind"] == "Namespace" and o["metadata"]["name"] == names.agents]
    cluster.apply(agents, MANAGER)
    _result, warnings = cluster.apply(daemonset, MANAGER, dry_run=True)
    assert warnings == ['would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true)']


def test_get_list_delete_and_missing_objects(module_cluster, cluster, names):
    assert cluster.get("v1", "Namespace", names.ns) is None
    cluster.apply(owned("Namespace", names.ns, instance=names.instance), MANAGER)
    cluster.apply(configmap(names, "a"), MANAGER)
    core(module_cluster).create_namespaced_config_map(names.ns, {"metadata": {"name": "b"}})
    assert cluster.get("v1", "ConfigMap", "a", names.ns)["metadata"]["name"] == "a"
    listed = cluster.list("v1", "ConfigMap", label_selector=owner_selector(names.instance))
    assert [(o["apiVersion"], o["kind"], o["metadata"]["name"]) for o in listed] == [("v1", "ConfigMap", "a")]
    assert {"a", "b"} <= {o["metadata"]["name"] for o in cluster.list("v1", "ConfigMap", namespace=names.ns)}

    # A dependent that cannot go yet holds its owner while the owner's deletion is in the foreground.
    owner = cluster.get("v1", "ConfigMap", "a", names.ns)["metadata"]
    dependent = configmap(names, "dependent")
    dependent["metadata"].update(finalizers=["example.com/hold"], ownerReferences=[{
        "apiVersion": "v1", "kind": "ConfigMap", "name": "a", "uid": owner["uid"], "blockOwnerDeletion": True}])
    cluster.apply(dependent, MANAGER)
    assert cluster.delete("v1", "ConfigMap", "a", names.ns, propagation="Foreground") is True
    waiting = cluster.get("v1", "ConfigMap", "a", names.ns)["metadata"]
    assert waiting["deletionTimestamp"] and waiting["finalizers"] == ["foregroundDeletion"]
    cluster.patch_merge("v1", "ConfigMap", "dependent", names.ns, {"metadata": {"finalizers": None}})
    wait_for("the owner to go with its dependent", lambda: cluster.get("v1", "ConfigMap", "a", names.ns) is None)
    assert cluster.get("v1", "ConfigMap", "dependent", names.ns) is None

    assert cluster.delete("v1", "ConfigMap", "b", names.ns) is True
    assert cluster.delete("v1", "ConfigMap", "b", names.ns) is False
    assert cluster.get("v1", "ConfigMap", "b", names.ns) is None


def test_refusals_keep_status_and_causes(module_cluster, cluster, names):
    cluster.apply(owned("Namespace", names.ns, instance=names.instance), MANAGER)
    cluster.apply(configmap(names, "a", x="1"), MANAGER)
    apply_as(module_cluster, "kubectl-edit", configmap(names, "a", x="2"))
    with pytest.raises(ApiError) as caught:
        cluster.apply(configmap(names, "a", x="1"), MANAGER)
    assert caught.value.status == 409 and caught.value.reason == "Conflict"
    assert caught.value.field_conflicts() == [(".data.x", "kubectl-edit")]
    with pytest.raises(ApiError) as caught:
        cluster.apply(owned("ConfigMap", "a", "missing-" + names.id, instance=names.instance), MANAGER)
    assert caught.value.status == 404 and 'namespaces "missing-%s" not found' % names.id in caught.value.message
    bad_port = owned("Service", "s", names.ns, instance=names.instance, spec={"ports": [{"port": 70000, "targetPort": 8080}]})
    with pytest.raises(ApiError) as caught:
        cluster.apply(bad_port, MANAGER, dry_run=True)
    assert (caught.value.status, caught.value.reason) == (422, "Invalid")
    assert [c["field"] for c in caught.value.causes] == ["spec.ports[0].port"]


def test_discovery(module_cluster, cluster):
    assert cluster.resource_type("apps/v1", "StatefulSet").namespaced is True
    assert cluster.resource_type("scheduling.k8s.io/v1", "PriorityClass").namespaced is False
    assert cluster.resource_type("monitoring.coreos.com/v1", "ServiceMonitor") is None
    kinds = {t.kind for t in cluster.namespaced_types()}
    assert {"ConfigMap", "StatefulSet", "NetworkPolicy", "Pod"} <= kinds and "Namespace" not in kinds
    assert cluster.server_version()["gitVersion"] == module_cluster.version


@pytest.fixture(scope="module")
def backend():
    server = Backend()
    yield server
    server.stop()


def test_the_service_proxy_passes_query_body_and_cookies(module_cluster, cluster, names, backend):
    backend.reset()
    cluster.apply(owned("Namespace", names.ns, instance=names.instance), MANAGER)
    ports = [{"name": "http-metrics", "port": 80}]
    cluster.apply(owned("Service", "prometheus", names.ns, instance=names.instance, spec={"ports": ports}), MANAGER)
    # A Service whose pods are not there (yet): its Endpoints (made by the controller) are empty.
    cluster.apply(owned("Service", "loki", names.ns, instance=names.instance,
                        spec={"ports": ports, "selector": {"app.kubernetes.io/name": "loki"}}), MANAGER)
    expose(module_cluster, cluster, backend, names.ns, "prometheus")
    backend.routes["/api/v1/targets"] = lambda **kw: (200, {}, str(kw["query"]))
    backend.routes["/login"] = lambda **kw: (200, {"Set-Cookie": ["grafana_session=abc; Path=/", "other=1"]},
                                             str(kw["body"]))
    backend.routes["/api/datasources"] = lambda **kw: (200, {}, kw["headers"].get("Cookie", ""))
    status, _headers, text = cluster.proxy("GET", names.ns, "prometheus", "http-metrics", "/api/v1/targets",
                                           query=[("state", "active")])
    assert status == 200 and text == "[('state', 'active')]"
    status, headers, text = cluster.proxy("POST", names.ns, "prometheus", "http-metrics", "/login",
                                          body={"user": "admin"})
    assert text == "{'user': 'admin'}" and headers["Set-Cookie"] == ["grafana_session=abc; Path=/", "other=1"]
    status, _headers, text = cluster.proxy("GET", names.ns, "prometheus", "http-metrics", "/api/datasources",
                                           headers={"Cookie": "grafana_session=abc"})
    assert (status, text) == (200, "grafana_session=abc")
    assert cluster.proxy("GET", names.ns, "prometheus", "http-metrics", "/nowhere")[0] == 404
    assert [r[:2] for r in backend.requests] == [("GET", "/api/v1/targets"), ("POST", "/login"),
                                                 ("GET", "/api/datasources"), ("GET", "/nowhere")]
    status, _headers, text = wait_for("the Endpoints of loki", lambda: [
        answer for answer in [cluster.proxy("GET", names.ns, "loki", "http-metrics", "/ready")] if answer[0] != 404])[0]
    assert status == 503 and 'no endpoints available for service \\"loki\\"' in text


def test_the_whole_apply_phase_is_idempotent_and_uninstalls(module_cluster, cluster, names):
    first = run_apply(cluster, params(names, stack(names)))
    assert first["counts"] == {"created": 12}
    second = run_apply(adapter(module_cluster), params(names, stack(names)))
    assert second["changed"] is False and second["counts"] == {"unchanged": 12}, \
        [item for item in second["objects"] if item["action"] != "unchanged"]
    claim = "data-prometheus-0"
    wait_for("the claim of prometheus-0", lambda: cluster.get("v1", "PersistentVolumeClaim", claim, names.ns))
    gone = run_uninstall(cluster, {"instance": names.instance, "wait_timeout": 120})
    assert gone["counts"] == {"pruned": 11, "retained": 1}
    assert gone["kept"] == ["Namespace %s: still holds what the stack does not own: PersistentVolumeClaim %s/%s"
                            % (names.ns, names.ns, claim)]
    selector = owner_selector(names.instance)
    left = [(o["kind"], o["metadata"]["name"]) for api_version, kind in (
        ("v1", "Namespace"), ("v1", "ConfigMap"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"), ("scheduling.k8s.io/v1", "PriorityClass"))
        for o in cluster.list(api_version, kind, label_selector=selector)]
    assert left == [("Namespace", names.ns)]
    assert cluster.get("v1", "Namespace", names.agents) is None
