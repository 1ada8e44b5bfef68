"""The verify phase (module_utils/verify/health.py) on a real API server: real rollouts on kwok nodes, and
health checks through the API server's real service proxy.

kwok's pods have no reachable IP, so each app's Service is routed (cluster/real_api.py ``expose``) to
an HTTP server of the test that answers as the app would: ready or not, targets up or down, a login
that sets a session cookie. The API server, its proxy and the rollouts are real; the apps' answers are
the test's.
"""

from __future__ import annotations

import base64
import json
import time

import pytest
from cluster.real_api import MANAGER, Backend, container, expose, pod_spec, stack, wait_for
from k8s_objects import owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.verify.health import (
    rollout_state,
    summary_lines,
    verify_stack,
)

pytestmark = [pytest.mark.cluster, pytest.mark.usefixtures("stack_namespace")]

APPS = ("prometheus", "grafana", "loki", "alertmanager")


@pytest.fixture(scope="module")
def servers():
    found = {app: Backend() for app in APPS}
    yield found
    for server in found.values():
        server.stop()


@pytest.fixture()
def backends(servers):
    for server in servers.values():
        server.reset()
    return servers


def targets(*healths):
    return json.dumps({"status": "success", "data": {"activeTargets": [
        {"labels": {"job": "job%d" % i, "instance": "10.0.0.%d:9100" % i}, "health": h,
         "lastError": "" if h == "up" else "connection refused"} for i, h in enumerate(healths)]}})


def rolled_out_stack(local, cluster, names, backends, unreachable=()):
    """Prometheus (StatefulSet) and Grafana (Deployment) rolled out on kwok nodes; each app's Service routed
    to its backend, except ``unreachable`` ones, whose Services select pods that do not exist."""
    workloads = [o for o in stack(names, claims=False) if o["kind"] in ("StatefulSet", "Deployment")]
    for workload in workloads:
        cluster.apply(workload, MANAGER)
    for app in APPS:
        spec = {"ports": [{"name": "http-metrics", "port": 80}]}
        if app in unreachable:
            spec["selector"] = {"app.kubernetes.io/name": app + "-not-running"}
        cluster.apply(owned("Service", app, names.ns, app=app, instance=names.instance, spec=spec), MANAGER)
        if app not in unreachable:
            expose(local, cluster, backends[app], names.ns, app)
    for workload in workloads:
        wait_for("%s to roll out" % workload["metadata"]["name"], lambda w=workload: rollout_state(cluster.get(
            "apps/v1", w["kind"], w["metadata"]["name"], names.ns))[0] == "ready")


def healthy_routes(cluster, names, backends, password="s3cret"):
    backends["prometheus"].routes.update({
        "/-/ready": (200, {}, "Prometheus Server is Ready.\n"),
        "/api/v1/targets": lambda **kw: (200, {}, targets("up", "up", "up")) if kw["query"] == [
            ("state", "active")] else (400, {}, "bad query"),
        "/api/v1/status/buildinfo": (200, {}, '{"data":{"version":"3.13.3"}}')})
    backends["alertmanager"].routes.update({
        "/-/ready": (200, {}, "OK"), "/api/v2/status": (200, {}, '{"versionInfo":{"version":"0.28.1"}}')})
    backends["loki"].routes.update({
        "/ready": (200, {}, "ready\n"), "/loki/api/v1/status/buildinfo": (200, {}, '{"version":"3.5.3"}')})

    def with_session(answer):
        return lambda **kw: answer if kw["headers"].get("Cookie") == "grafana_session=abc" else (401, {}, "Unauthorized")

    backends["grafana"].routes.update({
        "/api/health": (200, {}, '{"database":"ok","version":"12.1.0"}'),
        "/api/datasources": with_session((200, {}, json.dumps([
            {"uid": "prometheus", "name": "Prometheus", "type": "prometheus"},
            {"uid": "loki", "name": "Loki", "type": "loki"}]))),
        "/api/datasources/uid/prometheus/health": with_session((200, {}, '{"status":"OK","message":"ok"}')),
        "/api/datasources/uid/loki/health": with_session((200, {}, '{"status":"OK","message":"ok"}')),
        "/login": lambda **kw: (
            (200, {"Set-Cookie": ["grafana_session=abc; Path=/; HttpOnly"]}, '{"message":"Logged in"}')
            if kw["body"] == {"user": "admin", "password": password} else (401, {}, "invalid")),
    })
    cluster.apply(owned("Secret", "grafana-admin", names.ns, instance=names.instance, data={
        "admin-user": base64.b64encode(b"admin").decode(),
        "admin-password": base64.b64encode(password.encode()).decode()}), MANAGER)


def verify(cluster, names, **params):
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        time.sleep(seconds)

    ok, result = verify_stack(cluster, dict({"instance": names.instance, "timeout": 60, "interval": 0.5}, **params),
                              sleep=sleep, secret_sink=lambda v: None)
    return ok, result, sleeps


def unschedulable(cluster, names):
    """A StatefulSet whose pod asks for more CPU than any node has."""
    selector = {"app.kubernetes.io/name": "thing", "app.kubernetes.io/instance": names.instance}
    sts = owned("StatefulSet", "statefulset", names.ns, "apps/v1", instance=names.instance, spec={
        "replicas": 1, "serviceName": "statefulset", "selector": {"matchLabels": selector},
        "template": {"metadata": {"labels": selector}, "spec": pod_spec(container(
            "thing", "busybox:1.36", resources={"requests": {"cpu": "1000"}}))}})
    cluster.apply(sts, MANAGER)
    wait_for("the scheduler to refuse the pod", lambda: [
        c for p in cluster.list("v1", "Pod", namespace=names.ns)
        for c in (p.get("status") or {}).get("conditions") or [] if c.get("reason") == "Unschedulable"])


def test_a_healthy_stack_passes_every_check_through_the_service_proxy(module_cluster, cluster, names, backends):
    rolled_out_stack(module_cluster, cluster, names, backends)
    healthy_routes(cluster, names, backends)
    ok, result, sleeps = verify(cluster, names)
    assert ok and sleeps == [] and result["problems"] == []
    assert {r["name"]: r["state"] for r in result["rollouts"]} == {"prometheus": "ready", "grafana": "ready"}
    health = {h["app"]: h for h in result["health"]}
    assert health["prometheus"]["detail"] == "ready, 3 of 3 targets up" and health["prometheus"]["version"] == "3.13.3"
    assert health["grafana"]["detail"] == "healthy, 2 of 2 datasources healthy"
    assert health["loki"]["version"] == "3.5.3" and health["alertmanager"]["version"] == "0.28.1"
    assert all(backends[app].requests for app in APPS)
    assert "s3cret" not in json.dumps(result)


def test_nothing_waits_for_pods_or_calls_a_service_when_waiting_is_off(cluster, names, backends):
    unschedulable(cluster, names)
    ok, result, sleeps = verify(cluster, names, wait=False)
    assert ok and sleeps == [] and not any(b.requests for b in backends.values())
    assert result["rollouts"][0]["state"] == "waiting"


def test_a_rollout_that_does_not_finish_fails_with_the_pods_reasons(cluster, names, backends):
    unschedulable(cluster, names)
    ok, result, sleeps = verify(cluster, names, timeout=3)
    assert not ok and sum(sleeps) >= 3
    [problem] = result["problems"]
    assert problem.startswith("StatefulSet %s/statefulset: 0 of 1 pods ready; pod statefulset-0 is not scheduled: "
                              "0/2 nodes are available: 2 Insufficient cpu" % names.ns), problem
    assert not any(b.requests for b in backends.values())


def test_health_is_polled_until_ready(module_cluster, cluster, names, backends):
    rolled_out_stack(module_cluster, cluster, names, backends)
    healthy_routes(cluster, names, backends)
    answers = iter([(503, {}, "Ingester not ready: waiting for 15s after being ready")] * 2)
    backends["loki"].routes["/ready"] = lambda **kw: next(answers, (200, {}, "ready"))
    ok, result, sleeps = verify(cluster, names)
    assert ok and sleeps == [0.5, 0.5]
    assert [r[1] for r in backends["loki"].requests].count("/ready") == 3


def test_unhealthy_services_are_all_reported(module_cluster, cluster, names, backends):
    rolled_out_stack(module_cluster, cluster, names, backends, unreachable=("alertmanager",))
    healthy_routes(cluster, names, backends)
    backends["prometheus"].routes["/api/v1/targets"] = (200, {}, targets("up", "down"))
    backends["grafana"].routes["/api/datasources/uid/loki/health"] = (
        400, {}, '{"status":"ERROR","message":"connection refused"}')
    ok, result, _sleeps = verify(cluster, names, timeout=3)
    assert not ok
    problems = "\n".join(result["problems"])
    assert "prometheus: ready, 1 of 2 targets up; down: job1" in problems
    assert "grafana: healthy, 1 of 2 datasources healthy; failing: Loki (loki): HTTP 400: connection refused" in problems
    assert "alertmanager: alertmanager not ready (HTTP 503: " in problems
    assert 'no endpoints available for service \\"alertmanager\\"' in problems


def test_grafana_without_admin_secret_is_checked_for_health_only(module_cluster, cluster, names, backends):
    rolled_out_stack(module_cluster, cluster, names, backends)
    healthy_routes(cluster, names, backends)
    cluster.delete("v1", "Secret", "grafana-admin", names.ns)
    ok, result, _sleeps = verify(cluster, names, apps=["grafana"])
    assert ok and "datasources not checked" in result["health"][0]["detail"]
    assert [r[1] for r in backends["grafana"].requests] == ["/api/health"]


def test_the_summary_says_what_changed_versions_health_and_how_to_reach_grafana(
        module_cluster, cluster, names, backends):
    rolled_out_stack(module_cluster, cluster, names, backends)
    healthy_routes(cluster, names, backends)
    _ok, result, _sleeps = verify(cluster, names)
    lines = summary_lines({"cluster": "dev-homelab", "context": "homelab", "server_version": "v1.30.4",
                           "counts": {"created": 3, "unchanged": 40, "pruned": 1}, "revision": 4, "recorded": True,
                           "digest": "0123456789abcdef", "versions": {"prometheus": "v3.13.3", "grafana": "12.0.0"},
                           "waited": True}, result)
    assert lines[0] == "dev-homelab (context homelab, Kubernetes v1.30.4): objects 3 created, 1 pruned, 40 unchanged"
    assert lines[1] == "release v4 recorded (input 0123456789ab)"
    assert lines[2] == "versions: prometheus v3.13.3, grafana 12.0.0 (running 12.1.0)"
    assert lines[3].startswith("health: prometheus ready, 3 of 3 targets up; alertmanager ready")
    assert lines[4] == ("grafana: kubectl --context homelab -n %s port-forward svc/grafana 3000:http-metrics, "
                        "then http://localhost:3000" % names.ns)


def test_the_summary_of_a_cluster_without_nodes(cluster, names):
    unschedulable(cluster, names)
    _ok, result, _sleeps = verify(cluster, names, wait=False)
    lines = summary_lines({"cluster": "cp-only", "counts": {"unchanged": 12}, "waited": False}, result)
    assert lines == ["cp-only (API): objects 12 unchanged",
                     "workloads: 0 of 1 rolled out (not waited for: monitoring_wait_ready is false)"]
