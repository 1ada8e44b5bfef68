"""Failures during apply, on a real control plane (scripts/local_cluster.py): the cluster unreachable,
credentials rejected, a field-manager conflict, a rollout that times out. Each fails with one message
naming the cluster (and the object where there is one) and what to check, leaves nothing half-applied,
and once the cause is fixed a re-run converges and a further run changes nothing.

Every fault here is produced by the real programs: a closed port, a bearer token the API server does
not know, a second client that server-side applies the same field, nodes cordoned so pods stay Pending.
"""

from __future__ import annotations

import re
import socket

import pytest
import yaml
from cluster.helpers import cluster_vars, flat, recap, task_results
from conftest import run_playbook

pytestmark = [pytest.mark.render, pytest.mark.cluster]

HOST = "dev-local"


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def inventory(tmp_path, cluster, components=(), kubeconfig=None, **host_vars):
    folder = tmp_path / "inventory"
    folder.mkdir(exist_ok=True)
    (folder / "hosts.yml").write_text(yaml.safe_dump({"dev": {"hosts": {HOST: {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        **cluster_vars(cluster), "monitoring_kubeconfig": str(kubeconfig or cluster.kubeconfig),
        "monitoring_components": list(components), "monitoring_log_agent": "none", **host_vars}}}}))
    return str(folder)


def changed(run):
    return recap(run)[HOST]["changed"]


def failure_messages(run):
    """The messages of the failed tasks (one per failure), flattened."""
    return [flat(m) for m in re.findall(r"^fatal: \[%s\]: FAILED! =>(.*?)(?=^\S)" % HOST, run.output, re.M | re.S)]


def assert_one_clear_failure(run, *expected):
    """The run failed once (a rescued client error may be shown before), and its last message says it all."""
    assert run.returncode != 0, run.output[-4000:]
    assert recap(run)[HOST].get("failed") == 1, "one failed task: %s" % run.output[-4000:]
    messages = failure_messages(run)
    assert messages, run.output[-4000:]
    for text in expected:
        assert text in messages[-1], "%r not in %s" % (text, messages[-1])
    assert "Traceback" not in run.output
    return messages[-1]


def converge(tmp_path, inv, extra=None):
    """After the fix: a run that succeeds, then one that changes nothing."""
    build = tmp_path / "build"
    first = run_playbook(build, inv, extra)
    assert first.returncode == 0, first.output[-6000:]
    again = run_playbook(build, inv, extra)
    assert again.returncode == 0, again.output[-6000:]
    assert changed(again) == 0, again.output[-4000:]
    return first


def stack_objects(cluster):
    """Names of the objects the stack owns on the cluster, read through the API server."""
    from kubernetes import client

    api = cluster.client()
    selector = "app.kubernetes.io/instance=vmstation-monitoring"
    core = client.CoreV1Api(api)
    found = ["Namespace/" + n.metadata.name for n in core.list_namespace(label_selector=selector).items]
    found += ["ConfigMap/" + c.metadata.name for c in core.list_config_map_for_all_namespaces(label_selector=selector).items]
    found += ["NetworkPolicy/" + p.metadata.name for p in client.NetworkingV1Api(api)
              .list_network_policy_for_all_namespaces(label_selector=selector).items]
    return found


def test_an_unreachable_cluster_is_named_with_what_to_check_and_a_rerun_converges(tmp_path, cluster_factory):
    cluster = cluster_factory(HOST)
    kubeconfig = tmp_path / "kubeconfig"
    config = yaml.safe_load(cluster.kubeconfig.read_text())
    config["clusters"][0]["cluster"]["server"] = "https://127.0.0.1:%d" % closed_port()
    kubeconfig.write_text(yaml.safe_dump(config))
    inv = inventory(tmp_path, cluster, kubeconfig=kubeconfig)
    run = run_playbook(tmp_path / "build", inv)
    message = assert_one_clear_failure(run, "Cannot reach the cluster of %s" % HOST, str(kubeconfig),
                                       "context %s" % cluster.context, "monitoring_kubeconfig", "monitoring_apply: false")
    assert "connection refused" in message.lower()
    assert stack_objects(cluster) == []

    kubeconfig.write_text(cluster.kubeconfig.read_text())  # the fix: the kubeconfig names the running API server
    first = converge(tmp_path, inv)
    assert changed(first) > 0 and "Namespace/monitoring" in stack_objects(cluster)


def test_rejected_credentials_are_named_with_what_to_check_and_a_rerun_converges(tmp_path, cluster_factory):
    cluster = cluster_factory(HOST)
    kubeconfig = tmp_path / "kubeconfig"
    config = yaml.safe_load(cluster.kubeconfig.read_text())
    config["users"][0]["user"] = {"token": "expired-token"}  # a token no authenticator of the server knows
    kubeconfig.write_text(yaml.safe_dump(config))
    inv = inventory(tmp_path, cluster, kubeconfig=kubeconfig)
    run = run_playbook(tmp_path / "build", inv)
    assert_one_clear_failure(run, "The API server of %s rejected the credentials" % HOST, "(HTTP 401",
                             "user of context %s in %s" % (cluster.context, kubeconfig))
    assert stack_objects(cluster) == []

    kubeconfig.write_text(cluster.kubeconfig.read_text())  # the fix: valid credentials
    first = converge(tmp_path, inv)
    assert changed(first) > 0


def _dns_policy(cluster):
    from kubernetes import client

    return client.NetworkingV1Api(cluster.client()).read_namespaced_network_policy("allow-dns-egress", "monitoring")


def _apply_as(cluster, manager, body, force=True):
    from kubernetes.dynamic import DynamicClient

    resource = DynamicClient(cluster.client()).resources.get(api_version="networking.k8s.io/v1", kind="NetworkPolicy")
    resource.server_side_apply(body=body, name=body["metadata"]["name"], namespace=body["metadata"]["namespace"],
                               field_manager=manager, force_conflicts=force)


def test_a_field_manager_conflict_names_the_object_applies_nothing_and_a_rerun_converges(tmp_path, cluster_factory):
    cluster = cluster_factory(HOST)
    inv = inventory(tmp_path, cluster)
    converge(tmp_path, inv)
    # Another client takes the DNS egress over with its own value, as `kubectl apply --server-side
    # --force-conflicts` would.
    theirs = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "allow-dns-egress", "namespace": "monitoring"},
              "spec": {"podSelector": {}, "policyTypes": ["Egress"],
                       "egress": [{"to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "theirs"}}}],
                                   "ports": [{"port": 53, "protocol": "UDP"}]}]}}
    _apply_as(cluster, "kubectl-edit", theirs)
    before = _dns_policy(cluster).to_dict()
    new_dns = {"monitoring_dns_pod_labels": {"k8s-app": "coredns"}}
    run = run_playbook(tmp_path / "build", inv, new_dns)
    assert_one_clear_failure(run, "Nothing was applied", "NetworkPolicy monitoring/allow-dns-egress",
                             "kubectl-edit", "monitoring_force_conflicts: true")
    assert [(host, status) for _offset, host, status in task_results(run, "Apply the stack")] == [(HOST, "fatal")], \
        "the failure is the cluster's apply"
    after = _dns_policy(cluster).to_dict()
    assert after["spec"] == before["spec"], "the other manager's value was not overwritten"
    assert after["metadata"]["resource_version"] == before["metadata"]["resource_version"], "nothing was applied"

    # The fix: the other client gives its fields back (an apply of nothing but the object's identity).
    _apply_as(cluster, "kubectl-edit", {k: theirs[k] for k in ("apiVersion", "kind", "metadata")})
    first = converge(tmp_path, inv, new_dns)
    assert changed(first) > 0
    egress = _dns_policy(cluster).spec.egress[0].to[0].pod_selector.match_labels
    assert egress == {"k8s-app": "coredns"}


def _cordon(cluster, unschedulable):
    from kubernetes import client

    core = client.CoreV1Api(cluster.client())
    for node in core.list_node().items:
        core.patch_node(node.metadata.name, {"spec": {"unschedulable": unschedulable}})


def test_a_rollout_that_times_out_names_the_workload_and_a_rerun_converges(tmp_path, cluster_factory):
    cluster = cluster_factory(HOST)
    _cordon(cluster, True)  # no node takes new pods: the Deployment's pod stays Pending
    inv = inventory(tmp_path, cluster, ["kube_state_metrics"], monitoring_wait_timeout=10)
    run = run_playbook(tmp_path / "build", inv)
    assert_one_clear_failure(run, "%s is not healthy after 10s (monitoring_wait_timeout)" % HOST,
                             "Deployment monitoring/kube-state-metrics", "monitoring_wait_ready: false", "kubectl")
    from kubernetes import client

    pods = client.CoreV1Api(cluster.client()).list_namespaced_pod("monitoring").items
    assert pods and all(p.status.phase == "Pending" for p in pods), "applied, then waited on a Pending pod"

    _cordon(cluster, False)  # the fix: the nodes take pods again (and a timeout that gives the scheduler time)
    converge(tmp_path, inv, {"monitoring_wait_timeout": 240})
