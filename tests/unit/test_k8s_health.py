"""The verify phase (module_utils/verify/health.py): rollout predicates, answers of the apps, summary.

verify_stack on a real API server (rollouts, the service proxy): tests/cluster/test_api_health.py.
"""

from __future__ import annotations

import json

import pytest
from k8s_objects import owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.verify.health import (
    datasource_health,
    pod_problems,
    prometheus_targets,
    rollout_state,
    summary_lines,
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


def test_the_summary_of_a_dry_run():
    lines = summary_lines({"cluster": "prod-eu1", "counts": {"configured": 2, "unchanged": 5}, "dry_run": True,
                           "revision": 3, "recorded": True, "digest": "abc"}, {"rollouts": []})
    assert lines == ["prod-eu1 (API), dry run: objects 2 configured, 5 unchanged", "release v3 would be recorded (input abc)"]


def test_the_summary_names_what_was_recreated_and_pruned_in_order():
    changes = [{"kind": "DaemonSet", "namespace": "monitoring-agents", "name": "promtail", "action": "pruned",
                "reason": "gone with its pods before anything new was applied"},
               {"kind": "StatefulSet", "namespace": "monitoring", "name": "loki", "action": "recreated"},
               {"kind": "ClusterRole", "namespace": "", "name": "promtail", "action": "pruned"}]
    lines = summary_lines({"cluster": "c", "counts": {"recreated": 1, "pruned": 2}, "changes": changes}, {})
    assert lines[1:] == ["recreated: StatefulSet monitoring/loki",
                         "pruned: DaemonSet monitoring-agents/promtail (gone with its pods before anything new was "
                         "applied), ClusterRole promtail"]
    many = [{"kind": "ConfigMap", "namespace": "m", "name": "c%d" % i, "action": "pruned"} for i in range(12)]
    dry = summary_lines({"cluster": "c", "dry_run": True, "changes": many}, {})
    assert dry[1].startswith("would be pruned: ConfigMap m/c0, ") and dry[1].endswith("ConfigMap m/c9 and 2 more")
