"""The verify phase (module_utils/k8s_health.py): rollout predicates, proxy health checks, summary."""

from __future__ import annotations

import base64
import json

import pytest
from k8s_fake import INSTANCE_NAME, FakeCluster, owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_health import (
    datasource_health,
    pod_problems,
    prometheus_targets,
    rollout_state,
    summary_lines,
    verify_stack,
)

NS = "monitoring"


def workload(kind, spec=None, status=None, generation=2):
    obj = owned(kind, kind.lower(), NS, "apps/v1", spec=spec or {})
    obj["metadata"]["generation"] = generation
    obj["status"] = dict({"observedGeneration": generation}, **(status or {}))
    return obj


@pytest.mark.parametrize("spec, status, state", [
    ({"replicas": 2}, {"updatedReplicas": 2, "replicas": 2, "availableReplicas": 2}, "ready"),
    ({"replicas": 2}, {"updatedReplicas": 1, "replicas": 2, "availableReplicas": 2}, "waiting"),
    ({"replicas": 2}, {"updatedReplicas": 2, "replicas": 3, "availableReplicas": 2}, "waiting"),
    ({"replicas": 2}, {"updatedReplicas": 2, "replicas": 2, "availableReplicas": 1}, "waiting"),
    ({"replicas": 1}, {"conditions": [{"type": "Progressing", "reason": "ProgressDeadlineExceeded"}]}, "failed"),
    ({}, {"updatedReplicas": 1, "replicas": 1, "availableReplicas": 1}, "ready"),
])
def test_deployment_rollouts(spec, status, state):
    assert rollout_state(workload("Deployment", spec, status))[0] == state


def test_a_generation_the_controller_has_not_seen_is_not_rolled_out():
    obj = workload("Deployment", {"replicas": 1}, {"updatedReplicas": 1, "replicas": 1, "availableReplicas": 1})
    obj["status"]["observedGeneration"] = 1
    assert rollout_state(obj) == ("waiting", "the controller has not seen generation 2 yet")


@pytest.mark.parametrize("spec, status, state", [
    ({"replicas": 1}, {"readyReplicas": 1, "updatedReplicas": 1, "currentRevision": "a", "updateRevision": "a"},
     "ready"),
    ({"replicas": 1}, {"readyReplicas": 1, "updatedReplicas": 0, "currentRevision": "a", "updateRevision": "b"},
     "waiting"),
    ({"replicas": 2}, {"readyReplicas": 1, "currentRevision": "a", "updateRevision": "a"}, "waiting"),
    ({"replicas": 3, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}},
     {"readyReplicas": 3, "updatedReplicas": 1, "currentRevision": "a", "updateRevision": "b"}, "ready"),
    ({"replicas": 1, "updateStrategy": {"type": "OnDelete"}},
     {"readyReplicas": 1, "currentRevision": "a", "updateRevision": "b"}, "ready"),
])
def test_statefulset_rollouts(spec, status, state):
    assert rollout_state(workload("StatefulSet", spec, status))[0] == state


@pytest.mark.parametrize("status, state", [
    ({"desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 3}, "ready"),
    ({"desiredNumberScheduled": 3, "updatedNumberScheduled": 2, "numberAvailable": 3}, "waiting"),
    ({"desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 2}, "waiting"),
    ({"desiredNumberScheduled": 0}, "ready"),
])
def test_daemonset_rollouts(status, state):
    assert rollout_state(workload("DaemonSet", {}, status))[0] == state


def test_pod_problems_say_why_pods_are_not_ready():
    pods = [
        {"metadata": {"name": "prometheus-0"}, "status": {"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
             "message": "0/0 nodes are available"}]}},
        {"metadata": {"name": "grafana-1"}, "status": {"containerStatuses": [
            {"name": "grafana", "ready": False, "state": {"waiting": {"reason": "ImagePullBackOff",
                                                                      "message": "not found"}}}]}},
        {"metadata": {"name": "loki-0"}, "status": {"containerStatuses": [
            {"name": "loki", "ready": False, "state": {"running": {}}}]}},
    ]
    assert pod_problems(pods) == [
        "pod prometheus-0 is not scheduled: 0/0 nodes are available",
        "pod grafana-1 container grafana: ImagePullBackOff not found",
        "pod loki-0 container loki runs but is not ready (readiness probe)",
    ]


def targets(*healths):
    return json.dumps({"status": "success", "data": {"activeTargets": [
        {"labels": {"job": "job%d" % i, "instance": "10.0.0.%d:9100" % i}, "health": h,
         "lastError": "" if h == "up" else "connection refused"} for i, h in enumerate(healths)]}})


def test_prometheus_targets_must_all_be_up():
    assert prometheus_targets(targets("up", "up")) == (True, "2 of 2 targets up")
    ok, detail = prometheus_targets(targets("up", "down", "unknown"))
    assert not ok and detail.startswith("1 of 3 targets up; down: job1 10.0.0.1:9100 (down: connection refused)")
    assert prometheus_targets(targets()) == (False, "no active targets yet")


def test_datasource_health_answers():
    assert datasource_health(200, '{"status":"OK","message":"Data source is working"}') == (
        True, "Data source is working")
    assert datasource_health(400, '{"status":"ERROR","message":"Post \\"http://loki:3100\\": refused"}')[0] is False
    assert datasource_health(404, '{"message":"Plugin health check not implemented"}') == (None, "no health check")


def rolled_out_stack(cluster):
    for kind, status in (("StatefulSet", {"readyReplicas": 1, "currentRevision": "a", "updateRevision": "a"}),
                         ("Deployment", {"updatedReplicas": 1, "replicas": 1, "availableReplicas": 1})):
        cluster.put(workload(kind, {"replicas": 1}, status))
    for app in ("prometheus", "grafana", "loki", "alertmanager"):
        cluster.put(owned("Service", app, NS, app=app, spec={"ports": [{"name": "http-metrics", "port": 80}]}))


def healthy_routes(cluster, password="s3cret"):
    cluster.proxy_routes.update({
        ("prometheus", "/-/ready"): (200, {}, "Prometheus Server is Ready.\n"),
        ("prometheus", "/api/v1/targets"): (200, {}, targets("up", "up", "up")),
        ("prometheus", "/api/v1/status/buildinfo"): (200, {}, '{"data":{"version":"3.13.3"}}'),
        ("alertmanager", "/-/ready"): (200, {}, "OK"),
        ("alertmanager", "/api/v2/status"): (200, {}, '{"versionInfo":{"version":"0.28.1"}}'),
        ("loki", "/ready"): (200, {}, "ready\n"),
        ("loki", "/loki/api/v1/status/buildinfo"): (200, {}, '{"version":"3.5.3"}'),
        ("grafana", "/api/health"): (200, {}, '{"database":"ok","version":"12.1.0"}'),
        ("grafana", "/api/datasources"): lambda **kw: (
            (200, {}, json.dumps([{"uid": "prometheus", "name": "Prometheus", "type": "prometheus"},
                                  {"uid": "loki", "name": "Loki", "type": "loki"}]))
            if kw["headers"].get("Cookie") == "grafana_session=abc" else (401, {}, "Unauthorized")),
        ("grafana", "/api/datasources/uid/prometheus/health"): (200, {}, '{"status":"OK","message":"ok"}'),
        ("grafana", "/api/datasources/uid/loki/health"): (200, {}, '{"status":"OK","message":"ok"}'),
        ("grafana", "/login"): lambda **kw: (
            (200, {"Set-Cookie": ["grafana_session=abc; Path=/; HttpOnly"]}, '{"message":"Logged in"}')
            if kw["body"] == {"user": "admin", "password": password} else (401, {}, "invalid")),
    })
    secret = owned("Secret", "grafana-admin", NS, data={
        "admin-user": base64.b64encode(b"admin").decode(), "admin-password": base64.b64encode(password.encode()).decode()})
    cluster.put(secret)


def verify(cluster, **params):
    sleeps = []
    now = [0.0]

    def clock():
        return now[0]

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    ok, result = verify_stack(cluster, dict({"instance": INSTANCE_NAME, "timeout": 60, "interval": 5}, **params),
                              sleep=sleep, clock=clock, secret_sink=lambda v: None)
    return ok, result, sleeps


def test_a_healthy_stack_passes_every_check_through_the_service_proxy():
    cluster = FakeCluster()
    rolled_out_stack(cluster)
    healthy_routes(cluster)
    ok, result, sleeps = verify(cluster)
    assert ok and sleeps == [] and result["problems"] == []
    health = {h["app"]: h for h in result["health"]}
    assert health["prometheus"]["detail"] == "ready, 3 of 3 targets up" and health["prometheus"]["version"] == "3.13.3"
    assert health["grafana"]["detail"] == "healthy, 2 of 2 datasources healthy"
    assert health["loki"]["version"] == "3.5.3" and health["alertmanager"]["version"] == "0.28.1"
    assert {(c[2], c[3]) for c in cluster.proxy_calls} == {(app, "http-metrics") for app in health}
    assert "s3cret" not in json.dumps(result)


def test_nothing_waits_for_pods_or_calls_a_service_when_waiting_is_off():
    cluster = FakeCluster()
    cluster.put(workload("StatefulSet", {"replicas": 1}, {"readyReplicas": 0}))
    ok, result, sleeps = verify(cluster, wait=False)
    assert ok and sleeps == [] and cluster.proxy_calls == []
    assert result["rollouts"][0]["state"] == "waiting"


def test_a_rollout_that_does_not_finish_fails_with_the_pods_reasons():
    cluster = FakeCluster()
    sts = workload("StatefulSet", {"replicas": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": "thing"}}},
                   {"readyReplicas": 0})
    cluster.put(sts)
    cluster.put({"apiVersion": "v1", "kind": "Pod", "metadata": {
        "name": "statefulset-0", "namespace": NS, "labels": {"app.kubernetes.io/name": "thing"}},
        "status": {"conditions": [{"type": "PodScheduled", "status": "False", "message": "0/0 nodes are available"}]}})
    ok, result, sleeps = verify(cluster)
    assert not ok and sum(sleeps) >= 60
    assert result["problems"] == ["StatefulSet monitoring/statefulset: 0 of 1 pods ready; pod statefulset-0 is not "
                                  "scheduled: 0/0 nodes are available"]
    assert cluster.proxy_calls == []


def test_health_is_polled_until_ready():
    cluster = FakeCluster()
    rolled_out_stack(cluster)
    healthy_routes(cluster)
    answers = iter([(503, {}, "Ingester not ready: waiting for 15s after being ready")] * 2)
    cluster.proxy_routes[("loki", "/ready")] = lambda **kw: next(answers, (200, {}, "ready"))
    ok, result, sleeps = verify(cluster)
    assert ok and sleeps == [5, 5]


def test_unhealthy_services_are_all_reported():
    cluster = FakeCluster()
    rolled_out_stack(cluster)
    healthy_routes(cluster)
    cluster.proxy_routes[("prometheus", "/api/v1/targets")] = (200, {}, targets("up", "down"))
    cluster.proxy_routes[("grafana", "/api/datasources/uid/loki/health")] = (
        400, {}, '{"status":"ERROR","message":"connection refused"}')
    del cluster.proxy_routes[("alertmanager", "/-/ready")]
    ok, result, _sleeps = verify(cluster)
    assert not ok
    problems = "\n".join(result["problems"])
    assert "prometheus: ready, 1 of 2 targets up; down: job1" in problems
    assert "grafana: healthy, 1 of 2 datasources healthy; failing: Loki (loki): HTTP 400: connection refused" in problems
    assert "alertmanager: alertmanager not ready (HTTP 503: no endpoints available" in problems


def test_grafana_without_admin_secret_is_checked_for_health_only():
    cluster = FakeCluster()
    rolled_out_stack(cluster)
    healthy_routes(cluster)
    cluster.delete("v1", "Secret", "grafana-admin", NS)
    ok, result, _sleeps = verify(cluster, apps=["grafana"])
    assert ok and "datasources not checked" in result["health"][0]["detail"]


def test_the_summary_says_what_changed_versions_health_and_how_to_reach_grafana():
    cluster = FakeCluster()
    rolled_out_stack(cluster)
    healthy_routes(cluster)
    _ok, result, _sleeps = verify(cluster)
    lines = summary_lines({"cluster": "dev-homelab", "context": "homelab", "server_version": "v1.30.4",
                           "counts": {"created": 3, "unchanged": 40, "pruned": 1}, "revision": 4, "recorded": True,
                           "digest": "0123456789abcdef", "versions": {"prometheus": "v3.13.3", "grafana": "12.0.0"},
                           "waited": True}, result)
    assert lines[0] == "dev-homelab (context homelab, Kubernetes v1.30.4): objects 3 created, 1 pruned, 40 unchanged"
    assert lines[1] == "release v4 recorded (input 0123456789ab)"
    assert lines[2] == "versions: prometheus v3.13.3, grafana 12.0.0 (running 12.1.0)"
    assert lines[3].startswith("health: prometheus ready, 3 of 3 targets up; alertmanager ready")
    assert lines[4] == ("grafana: kubectl --context homelab -n monitoring port-forward svc/grafana 3000:http-metrics, "
                        "then http://localhost:3000")


def test_the_summary_of_a_cluster_without_nodes():
    cluster = FakeCluster()
    cluster.put(workload("StatefulSet", {"replicas": 1}, {"readyReplicas": 0}))
    _ok, result, _sleeps = verify(cluster, wait=False)
    lines = summary_lines({"cluster": "cp-only", "counts": {"unchanged": 12}, "waited": False}, result)
    assert lines == ["cp-only (API): objects 12 unchanged",
                     "workloads: 0 of 1 rolled out (not waited for: monitoring_wait_ready is false)"]


def test_the_summary_of_a_dry_run():
    lines = summary_lines({"cluster": "prod-eu1", "counts": {"configured": 2, "unchanged": 5}, "dry_run": True,
                           "revision": 3, "recorded": True, "digest": "abc"}, {"rollouts": []})
    assert lines == ["prod-eu1 (API), dry run: objects 2 configured, 5 unchanged", "release v3 would be recorded (input abc)"]
