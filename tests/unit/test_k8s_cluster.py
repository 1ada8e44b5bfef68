"""The Cluster adapter over kubernetes.core's client, against an API server over HTTP.

These tests run the real chain (kubernetes.core get_api_client / K8SClient, the kubernetes client's
DynamicClient and discovery) against tests/unit/k8s_fake_apiserver.py, so the query parameters,
content types and error bodies the collection relies on are exercised for real.
"""

from __future__ import annotations

import pytest
from k8s_fake import INSTANCE_NAME, owned
from k8s_fake_apiserver import FakeApiServer
from test_k8s_apply import params, stack

from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client
from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_apply import run_apply, run_uninstall
from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_cluster import ApiError, Cluster
from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_prune import owner_selector

NS = "monitoring"


@pytest.fixture()
def server():
    api = FakeApiServer().start()
    yield api
    api.stop()


@pytest.fixture()
def cluster(server):
    return Cluster(get_api_client(host=server.url, api_key="fake-token"))


def test_error_bodies_become_api_errors_with_their_causes():
    error = ApiError.from_body(409, b'{"kind":"Status","code":409,"reason":"Conflict","message":"Apply failed with 1 '
                                    b'conflict","details":{"causes":[{"reason":"FieldManagerConflict","message":'
                                    b'"conflict with \\"kubectl-edit\\" using apps/v1","field":".spec.replicas"}]}}')
    assert (error.status, error.reason) == (409, "Conflict")
    assert error.field_conflicts() == [(".spec.replicas", "kubectl-edit")]
    plain = ApiError.from_body(502, b"<html>bad gateway</html>", "Bad Gateway")
    assert plain.status == 502 and plain.message == "<html>bad gateway</html>"


def test_apply_is_a_server_side_apply_with_field_manager_force_and_dry_run(server, cluster):
    namespace = owned("Namespace", NS)
    result, warnings = cluster.apply(namespace, "vmstation-monitoring", dry_run=True)
    assert result["metadata"]["name"] == NS and warnings == []
    assert server.fake.find("Namespace", NS) is None
    cluster.apply(namespace, "vmstation-monitoring", force=True)
    patches = [r for r in server.fake.requests if r[0] == "PATCH"]
    assert patches[0][1] == "/api/v1/namespaces/monitoring"
    assert patches[0][2] == {"fieldManager": "vmstation-monitoring", "force": "false", "dryRun": "All"}
    assert patches[0][3] == "application/apply-patch+yaml"
    assert patches[1][2] == {"fieldManager": "vmstation-monitoring", "force": "true"}
    assert server.fake.find("Namespace", NS)["metadata"]["managedFields"][0]["manager"] == "vmstation-monitoring"


def test_server_warnings_are_returned(cluster):
    cluster.apply(owned("Namespace", NS), "m")
    _result, warnings = cluster.apply(owned("DaemonSet", "node-exporter", NS, "apps/v1"), "m")
    assert warnings == ['would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true)']


def test_get_list_delete_and_missing_objects(server, cluster):
    assert cluster.get("v1", "Namespace", NS) is None
    cluster.apply(owned("Namespace", NS), "m")
    cluster.apply(owned("ConfigMap", "a", NS), "m")
    server.fake.put({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": NS}})
    assert cluster.get("v1", "ConfigMap", "a", NS)["metadata"]["name"] == "a"
    listed = cluster.list("v1", "ConfigMap", label_selector=owner_selector(INSTANCE_NAME))
    assert [(o["apiVersion"], o["kind"], o["metadata"]["name"]) for o in listed] == [("v1", "ConfigMap", "a")]
    assert [o["metadata"]["name"] for o in cluster.list("v1", "ConfigMap", namespace=NS)] == ["a", "b"]
    assert cluster.delete("v1", "ConfigMap", "a", NS, propagation="Foreground") is True
    assert [r for r in server.fake.requests if r[0] == "DELETE"][0][2] == {"propagationPolicy": "Foreground"}
    assert cluster.delete("v1", "ConfigMap", "a", NS) is False


def test_refusals_keep_status_and_causes(server, cluster):
    cluster.apply(owned("Namespace", NS), "m")
    server.fake.conflicts[("", "ConfigMap", NS, "a")] = [("data.x", "kubectl-edit")]
    with pytest.raises(ApiError) as caught:
        cluster.apply(owned("ConfigMap", "a", NS), "m")
    assert caught.value.status == 409 and caught.value.field_conflicts() == [("data.x", "kubectl-edit")]
    with pytest.raises(ApiError) as caught:
        cluster.apply(owned("ConfigMap", "a", "missing"), "m")
    assert caught.value.status == 404 and 'namespaces "missing" not found' in caught.value.message


def test_discovery(cluster):
    assert cluster.resource_type("apps/v1", "StatefulSet").namespaced is True
    assert cluster.resource_type("scheduling.k8s.io/v1", "PriorityClass").namespaced is False
    assert cluster.resource_type("monitoring.coreos.com/v1", "ServiceMonitor") is None
    kinds = {t.kind for t in cluster.namespaced_types()}
    assert {"ConfigMap", "StatefulSet", "NetworkPolicy", "Pod"} <= kinds and "Namespace" not in kinds
    assert cluster.server_version()["gitVersion"] == "v1.28.15"


def test_the_service_proxy_passes_query_body_and_cookies(server, cluster):
    server.fake.proxy_routes[("prometheus", "/api/v1/targets")] = lambda **kw: (200, {}, str(kw["query"]))
    server.fake.proxy_routes[("grafana", "/login")] = lambda **kw: (
        200, {"Set-Cookie": ["grafana_session=abc; Path=/", "other=1"]}, str(kw["body"]))
    status, _headers, text = cluster.proxy("GET", NS, "prometheus", "http-metrics", "/api/v1/targets",
                                           query=[("state", "active")])
    assert status == 200 and text == "[('state', 'active')]"
    status, headers, text = cluster.proxy("POST", NS, "grafana", "http-metrics", "/login", body={"user": "admin"})
    assert text == "{'user': 'admin'}" and headers["Set-Cookie"] == ["grafana_session=abc; Path=/", "other=1"]
    status, _headers, text = cluster.proxy("GET", NS, "loki", "http-metrics", "/ready")
    assert status == 503 and "no endpoints available" in text
    assert server.fake.requests[-1][1] == "/api/v1/namespaces/monitoring/services/loki:http-metrics/proxy/ready"


def test_the_whole_apply_phase_over_http_is_idempotent_and_uninstalls(server, cluster):
    first = run_apply(cluster, params(stack()))
    assert first["counts"] == {"created": 12}
    second = run_apply(Cluster(get_api_client(host=server.url, api_key="fake-token")), params(stack()))
    assert second["changed"] is False and second["counts"] == {"unchanged": 12}
    gone = run_uninstall(cluster, {"instance": INSTANCE_NAME, "wait_timeout": 10})
    assert gone["counts"]["pruned"] == 12
    assert server.fake.store == {}
