"""The shipped inhibition rules, in the pinned Alertmanager of the ``current`` profile (tests/real_tools.py) run
with the rendered ``alertmanager.yml`` and the container arguments of the rendered StatefulSet: alerts are posted
to its API as Prometheus would send them, with the labels the shipped rules give them, and the API says which
ones are muted and by what.

A node that is down (NodeDown, from node-exporter's target) mutes the warnings about that node from any job, such
as KubeNodeNotReady from kube-state-metrics, and nothing about another node or without a node.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from e2e.pods import arguments, configmap, free_port, get, mounts, stop, wait_until
from real_tools import binary, role_tag

pytestmark = [pytest.mark.render, pytest.mark.tools]

PROFILE = "current"
ALERTMANAGER_VERSION = role_tag("alertmanager_image_tags", PROFILE)

NODE_DOWN = {"alertname": "NodeDown", "severity": "critical", "job": "node-exporter", "namespace": "monitoring-agents",
             "instance": "10.0.0.1:9100", "pod": "node-exporter-x7k2p", "node": "node-1", "service": "node-exporter"}


def _not_ready(node):
    # kube-state-metrics' series keep their own labels (honor_labels), with the exporter's job and instance.
    return {"alertname": "KubeNodeNotReady", "severity": "warning", "job": "kube-state-metrics",
            "namespace": "monitoring", "instance": "10.1.0.5:8080", "node": node, "condition": "Ready",
            "status": "true"}


POD_NOT_READY = {"alertname": "KubePodNotReady", "severity": "warning", "namespace": "team-a", "pod": "web-1"}


def _post(url, alerts):
    now = datetime.now(timezone.utc)
    body = [{"labels": labels, "annotations": {"summary": labels["alertname"]},
             "startsAt": now.isoformat(), "endsAt": (now + timedelta(minutes=10)).isoformat()} for labels in alerts]
    request = urllib.request.Request(url + "/api/v2/alerts", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
        assert response.status == 200


def _statuses(url):
    alerts = json.loads(get(url + "/api/v2/alerts")[1])
    return {(a["labels"]["alertname"], a["labels"].get("node", "")): a["status"] for a in alerts}


def test_a_node_that_is_down_mutes_the_warnings_about_that_node_only(render, tmp_path):
    alertmanager_bin = binary("alertmanager", ALERTMANAGER_VERSION, "alertmanager")
    run = render("local", PROFILE)
    assert run.returncode == 0, run.output[-4000:]
    container, folders = mounts(run.find("local", "StatefulSet", "alertmanager"), "alertmanager", tmp_path)
    port = free_port()
    args = arguments(container, folders, {"--web.listen-address": "127.0.0.1:%d" % port})
    config_path = next(a.split("=", 1)[1] for a in args if a.startswith("--config.file="))
    with open(config_path, "w") as handle:
        handle.write(configmap(run, "alertmanager-config")["alertmanager.yml"])
    log = tmp_path / "alertmanager.log"
    with open(log, "w") as handle:
        proc = subprocess.Popen([alertmanager_bin, *args], stdout=handle, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=tmp_path)
    processes = [("alertmanager", proc, log)]
    try:
        url = "http://127.0.0.1:%d" % port
        wait_until("Alertmanager to be ready", lambda: get(url + "/-/ready")[0] == 200, 60, processes)
        _post(url, [NODE_DOWN, _not_ready("node-1"), _not_ready("node-2"), POD_NOT_READY])

        def all_four():
            found = _statuses(url)
            return found if len(found) == 4 else None

        statuses = wait_until("the four alerts", all_four, 30, processes)
        node_down = statuses[("NodeDown", "node-1")]
        assert node_down["state"] == "active" and not node_down["inhibitedBy"]
        muted = statuses[("KubeNodeNotReady", "node-1")]
        assert muted["state"] == "suppressed" and len(muted["inhibitedBy"]) == 1, statuses
        for other in (("KubeNodeNotReady", "node-2"), ("KubePodNotReady", "")):
            assert statuses[other]["state"] == "active" and not statuses[other]["inhibitedBy"], (other, statuses)
    finally:
        stop(processes, ())
