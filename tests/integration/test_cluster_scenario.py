"""The cluster side without a cluster.

- molecule scenario ``cluster``: its syntax check passes, and without a reachable cluster every step
  says SKIPPED and molecule exits 0 (nothing is rendered or applied).
- site.yml with ``monitoring_apply: true``, playbooks/rollback.yml and playbooks/uninstall.yml, run
  for real against an API server over HTTP (tests/unit/k8s_fake_apiserver.py): apply, a second run
  that changes nothing, ``--check --diff``, a change, a rollback from the records kept in the
  cluster, and an uninstall.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess

import pytest
import yaml
from conftest import ROOT, VENV_BIN, run_playbook
from unit.k8s_fake_apiserver import FakeApiServer

from ansible_collections.vmstation.monitoring.plugins.module_utils.manifest_tree import object_id

pytestmark = pytest.mark.render

SKIP_MESSAGE = "SKIPPED molecule scenario cluster: no Kubernetes cluster is reachable"


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unreachable_kubeconfig(tmp_path):
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "gone",
        "clusters": [{"name": "gone", "cluster": {"server": "http://127.0.0.1:%d" % _closed_port()}}],
        "users": [{"name": "gone", "user": {"token": "x"}}],
        "contexts": [{"name": "gone", "context": {"cluster": "gone", "user": "gone"}}]}))
    return path


def _env(**extra):
    env = dict(os.environ, PATH="%s%s%s" % (VENV_BIN, os.pathsep, os.environ.get("PATH", "")),
               ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1", PY_COLORS="0", NO_COLOR="1")
    env.update(extra)
    return env


def test_molecule_cluster_scenario_skips_cleanly_without_a_reachable_cluster(tmp_path):
    proc = subprocess.run([str(VENV_BIN / "molecule"), "test", "-s", "cluster"], cwd=ROOT,
                          env=_env(KUBECONFIG=str(_unreachable_kubeconfig(tmp_path))),
                          capture_output=True, text=True, timeout=1200)
    output = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
    assert proc.returncode == 0, output[-6000:]
    for step in ("syntax", "converge", "idempotence", "verify", "cleanup"):
        assert re.search(r"cluster (➜|>) %s: Executed: Successful" % step, output), step
    flat = _flat(output.replace("│", " "))
    assert len(re.findall(re.escape(SKIP_MESSAGE), flat)) == 4, "converge, idempotence, verify, cleanup"
    assert "TASK [vmstation.monitoring" not in output, "nothing may be rendered or applied without a cluster"


def test_without_any_kubeconfig_the_scenario_names_what_it_looked_for(tmp_path):
    proc = subprocess.run([str(VENV_BIN / "ansible-playbook"), "molecule/cluster/find_cluster.yml"], cwd=ROOT,
                          env=_env(KUBECONFIG=str(tmp_path / "missing"), HOME=str(tmp_path)),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
    text = _flat(proc.stdout)
    assert SKIP_MESSAGE in text and "KUBECONFIG=%s" % (tmp_path / "missing") in text
    assert "MOLECULE_CLUSTER_WAIT_READY=false" in text
    assert "Add the cluster to the inventory] skipping: [localhost]" in _flat(text.replace("*", ""))


@pytest.fixture()
def api_server():
    server = FakeApiServer().start()
    yield server
    server.stop()


def _inventory(tmp_path, kubeconfig):
    folder = tmp_path / "inventory"
    folder.mkdir()
    (folder / "hosts.yml").write_text(yaml.safe_dump({"dev": {"hosts": {"fake-dev": {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "monitoring_apply": True, "monitoring_kubeconfig": kubeconfig, "monitoring_kube_context": "fake",
        # the stack's own objects only: the components' roles are tested by their own renders
        "monitoring_components": [], "monitoring_log_agent": "none"}}}}))
    return folder


def _flat(text):
    """Output with every run of whitespace made one space (the YAML callback wraps long lines)."""
    return " ".join(text.split())


def _recap_changed(run):
    return int(re.search(r"fake-dev\s*:\s*ok=\d+\s+changed=(\d+)", run.output).group(1))


def _policy_dns_labels(server):
    policy = server.fake.find("NetworkPolicy", "allow-dns-egress", "monitoring")
    return policy["spec"]["egress"][0]["to"][0]["podSelector"]["matchLabels"]


def test_site_applies_changes_nothing_twice_rolls_back_and_uninstalls(tmp_path, api_server):
    inventory = _inventory(tmp_path, api_server.kubeconfig(tmp_path / "kubeconfig"))
    build = tmp_path / "build"

    first = run_playbook(build, str(inventory))
    assert first.returncode == 0, first.output[-6000:]
    assert "fake-dev (context fake, Kubernetes v1.28.15): objects 7 created" in _flat(first.output)
    assert "release v1 recorded (input" in _flat(first.output)
    rendered = {object_id(obj) for obj in first.objects("fake-dev")}
    owned = {key for key, obj in api_server.fake.store.items()
             if obj["metadata"].get("labels", {}).get("app.kubernetes.io/instance") == "vmstation-monitoring"}
    assert owned == rendered

    second = run_playbook(build, str(inventory))
    assert second.returncode == 0, second.output[-6000:]
    assert _recap_changed(second) == 0, second.output[-6000:]
    assert "objects 7 unchanged" in _flat(second.output) and "release v1 unchanged" in _flat(second.output)

    changed_dns = {"monitoring_dns_pod_labels": {"k8s-app": "coredns"}}
    dry = run_playbook(build, str(inventory), changed_dns, args=("--check", "--diff"))
    assert dry.returncode == 0, dry.output[-6000:]
    assert "+++ after: NetworkPolicy monitoring/allow-dns-egress (after apply)" in dry.output
    assert "+          k8s-app: coredns" in dry.output
    assert "dry run: objects 2 configured, 5 unchanged" in _flat(dry.output)
    assert _policy_dns_labels(api_server) == {"k8s-app": "kube-dns"}

    third = run_playbook(build, str(inventory), changed_dns)
    assert third.returncode == 0, third.output[-6000:]
    assert "objects 2 configured, 5 unchanged" in _flat(third.output) and "release v2 recorded" in _flat(third.output)
    assert _policy_dns_labels(api_server) == {"k8s-app": "coredns"}

    back = run_playbook(build, str(inventory), playbook="playbooks/rollback.yml")
    assert back.returncode == 0, back.output[-6000:]
    assert "release v3 recorded" in _flat(back.output)
    assert _policy_dns_labels(api_server) == {"k8s-app": "kube-dns"}
    v1 = re.search(r"release v1 recorded \(input (\w+)\)", _flat(first.output)).group(1)
    assert "release v3 recorded (input %s)" % v1 in _flat(back.output), "the rollback applies release v1's inputs"

    gone = run_playbook(build, str(inventory), playbook="playbooks/uninstall.yml")
    assert gone.returncode == 0, gone.output[-6000:]
    assert "fake-dev: 7 object(s) deleted, 3 release record(s) removed" in _flat(gone.output)
    assert api_server.fake.store == {}
