"""A staged rollout over an inventory of two clusters, each its own control plane
(scripts/local_cluster.py): clusters are applied one at a time in inventory order; when the first one
fails (its API server refuses a Secret: a ResourceQuota allows none in the stack's namespace), the
second is not touched; once the cause is gone, a re-run rolls out both, in order.
"""

from __future__ import annotations

import pytest
import yaml
from cluster.helpers import cluster_vars, flat, recap, task_results
from conftest import run_playbook

pytestmark = [pytest.mark.render, pytest.mark.cluster]

FIRST, SECOND = "prod-a", "prod-b"


def inventory(tmp_path, clusters):
    folder = tmp_path / "inventory"
    folder.mkdir()
    hosts = {host: {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                    **cluster_vars(c), "monitoring_components": ["kube_state_metrics", "grafana"], "monitoring_log_agent": "none"}
             for host, c in clusters.items()}
    (folder / "hosts.yml").write_text(yaml.safe_dump({"prod": {"hosts": hosts}}, sort_keys=False))
    return str(folder)


def namespaces(cluster):
    from kubernetes import client

    return sorted(n.metadata.name for n in client.CoreV1Api(cluster.client()).list_namespace().items)


def test_clusters_roll_out_in_order_and_a_failure_stops_before_the_next(cluster_factory, tmp_path):
    from kubernetes import client

    first, second = cluster_factory(FIRST), cluster_factory(SECOND)
    inv = inventory(tmp_path, {FIRST: first, SECOND: second})
    untouched = namespaces(second)
    core = client.CoreV1Api(first.client())
    # The namespace exists already, handed over to the stack (its ownership labels), with a quota that
    # allows no Secret.
    core.create_namespace({"metadata": {"name": "monitoring", "labels": {
        "app.kubernetes.io/instance": "vmstation-monitoring", "app.kubernetes.io/managed-by": "vmstation.monitoring"}}})
    core.create_namespaced_resource_quota("monitoring", {"metadata": {"name": "no-secrets"},
                                                         "spec": {"hard": {"secrets": "0"}}})

    run = run_playbook(tmp_path / "build", inv)
    assert run.returncode != 0
    text = flat(run.output)
    assert "exceeded quota" in text and FIRST in text, text[-4000:]
    assert recap(run)[FIRST].get("failed") == 1
    assert SECOND not in recap(run) or recap(run)[SECOND]["changed"] == 0
    assert not [r for r in task_results(run, "Apply the namespaces first") if r[1] == SECOND], \
        "the second cluster is not touched"
    assert namespaces(second) == untouched

    core.delete_namespaced_resource_quota("no-secrets", "monitoring")  # the fix
    again = run_playbook(tmp_path / "build", inv)
    assert again.returncode == 0, again.output[-6000:]
    applied = task_results(again, "Apply the stack")
    assert [host for _offset, host, _status in applied] == [FIRST, SECOND], ("inventory order", applied)
    assert "monitoring" in namespaces(second)
