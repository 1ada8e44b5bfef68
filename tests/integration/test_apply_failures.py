"""Failures during apply, against an API server over HTTP (tests/unit/k8s_fake_apiserver.py): the cluster
unreachable, credentials rejected, a field-manager conflict, a wait that times out. Each fails with one
message naming the cluster (and the object where there is one) and what to check; once the cause is fixed,
a re-run converges without manual clean-up and a further run changes nothing.
"""

from __future__ import annotations

import re
import socket

import pytest
import yaml
from conftest import run_playbook
from unit.k8s_fake_apiserver import FakeApiServer

pytestmark = pytest.mark.render

HOST = "fake-dev"


@pytest.fixture()
def api_server():
    server = FakeApiServer().start()
    yield server
    server.stop()


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def inventory(tmp_path, kubeconfig, components=(), **host_vars):
    folder = tmp_path / "inventory"
    folder.mkdir(exist_ok=True)
    (folder / "hosts.yml").write_text(yaml.safe_dump({"dev": {"hosts": {HOST: {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "monitoring_apply": True, "monitoring_kubeconfig": str(kubeconfig), "monitoring_kube_context": "fake",
        "monitoring_components": list(components), "monitoring_log_agent": "none", **host_vars}}}}))
    return str(folder)


def flat(text):
    return " ".join(text.split())


def changed(run):
    return int(re.search(r"%s\s*:\s*ok=\d+\s+changed=(\d+)" % HOST, run.output).group(1))


def failure_messages(run):
    """The messages of the failed tasks (one per failure), flattened."""
    return [flat(m) for m in re.findall(r"^fatal: \[%s\]: FAILED! =>(.*?)(?=^\S)" % HOST, run.output, re.M | re.S)]


def assert_one_clear_failure(run, *expected):
    """The run failed once (a rescued client error may be shown before), and its last message says it all."""
    assert run.returncode != 0, run.output[-4000:]
    assert re.search(r"%s\s*:.*\sfailed=1\s" % HOST, run.output), "one failed task"
    messages = failure_messages(run)
    assert messages, run.output[-4000:]
    for text in expected:
        assert text in messages[-1], "%r not in %s" % (text, messages[-1])
    assert "Traceback" not in run.output
    return messages[-1]


def converge(tmp_path, inv, extra=None):
    """After the fix: a run that succeeds (and changes what the failure left undone), then one that changes nothing."""
    build = tmp_path / "build"
    first = run_playbook(build, inv, extra)
    assert first.returncode == 0, first.output[-6000:]
    again = run_playbook(build, inv, extra)
    assert again.returncode == 0, again.output[-6000:]
    assert changed(again) == 0, again.output[-4000:]
    return first


def test_an_unreachable_cluster_is_named_with_what_to_check_and_a_rerun_converges(tmp_path, api_server):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "fake",
        "clusters": [{"name": "fake", "cluster": {"server": "http://127.0.0.1:%d" % closed_port()}}],
        "users": [{"name": "fake", "user": {"token": "fake-token"}}],
        "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}]}))
    inv = inventory(tmp_path, kubeconfig)
    run = run_playbook(tmp_path / "build", inv)
    message = assert_one_clear_failure(run, "Cannot reach the cluster of %s" % HOST, str(kubeconfig),
                                       "context fake", "monitoring_kubeconfig", "monitoring_apply: false")
    assert "connection refused" in message.lower()
    assert api_server.fake.store == {}

    api_server.kubeconfig(kubeconfig)  # the fix: the kubeconfig points at the running API server
    first = converge(tmp_path, inv)
    assert changed(first) > 0 and api_server.fake.find("Namespace", "monitoring") is not None


def test_rejected_credentials_are_named_with_what_to_check_and_a_rerun_converges(tmp_path, api_server):
    kubeconfig = api_server.kubeconfig(tmp_path / "kubeconfig", token="expired-token")
    api_server.reject_token("expired-token")
    inv = inventory(tmp_path, kubeconfig)
    run = run_playbook(tmp_path / "build", inv)
    assert_one_clear_failure(run, "The API server of %s rejected the credentials" % HOST, "(HTTP 401",
                             "user of context fake in %s" % kubeconfig, "expired")
    assert api_server.fake.store == {}

    api_server.reject_token(None)  # the fix: a valid token
    first = converge(tmp_path, inv)
    assert changed(first) > 0


def test_a_field_manager_conflict_names_the_object_applies_nothing_and_a_rerun_converges(tmp_path, api_server):
    inv = inventory(tmp_path, api_server.kubeconfig(tmp_path / "kubeconfig"))
    converge(tmp_path, inv)
    key = next(k for k, o in api_server.fake.store.items()
               if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == "allow-dns-egress")
    before = yaml.safe_dump(api_server.fake.store[key])
    api_server.fake.conflicts[key] = [(".spec.egress", "kubectl-edit")]
    new_dns = {"monitoring_dns_pod_labels": {"k8s-app": "coredns"}}
    run = run_playbook(tmp_path / "build", inv, new_dns)
    assert_one_clear_failure(run, "Nothing was applied", "NetworkPolicy monitoring/allow-dns-egress",
                             ".spec.egress is also managed by kubectl-edit", "monitoring_force_conflicts: true")
    assert "TASK [vmstation.monitoring.stack : Apply the stack (%s)]" % HOST in run.output, "the task names the cluster"
    assert yaml.safe_dump(api_server.fake.store[key]) == before, "nothing was applied"

    del api_server.fake.conflicts[key]  # the fix: the other client gave the field back
    first = converge(tmp_path, inv, new_dns)
    assert changed(first) > 0
    egress = api_server.fake.store[key]["spec"]["egress"][0]["to"][0]["podSelector"]["matchLabels"]
    assert egress == {"k8s-app": "coredns"}


def make_ready(fake):
    """What the controllers and the kubelet would do: every workload rolled out."""
    for obj in fake.store.values():
        if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
            replicas = obj["spec"].get("replicas", 1)
            obj["status"] = {"observedGeneration": obj["metadata"].get("generation", 1), "replicas": replicas,
                             "updatedReplicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas,
                             "currentReplicas": replicas}


def test_a_rollout_that_times_out_names_the_workload_and_a_rerun_converges(tmp_path, api_server):
    inv = inventory(tmp_path, api_server.kubeconfig(tmp_path / "kubeconfig"), ["kube_state_metrics"],
                    monitoring_wait_timeout=3)
    run = run_playbook(tmp_path / "build", inv)
    assert_one_clear_failure(run, "%s is not healthy after 3s (monitoring_wait_timeout)" % HOST,
                             "Deployment monitoring/kube-state-metrics", "monitoring_wait_ready: false",
                             "kubectl")
    assert api_server.fake.find("Deployment", "kube-state-metrics", "monitoring") is not None, "applied, then waited"

    make_ready(api_server.fake)  # the fix: the pods came up (a node joined, an image was pulled...)
    converge(tmp_path, inv)
