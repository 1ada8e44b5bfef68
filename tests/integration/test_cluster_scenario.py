"""The cluster side without a cluster.

- molecule scenario ``cluster``: its syntax check passes, and without a reachable cluster every step
  says SKIPPED and molecule exits 0 (nothing is rendered or applied).
- without any kubeconfig, the scenario says what it looked for.

The scenario itself runs against a local control plane in scripts/test.sh; applying, rollback and
uninstall are tested on local control planes in tests/cluster/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess

import pytest
import yaml
from conftest import ROOT, VENV_BIN

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
                          capture_output=True, text=True, timeout=1200, check=False)
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
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    text = _flat(proc.stdout)
    assert SKIP_MESSAGE in text and "KUBECONFIG=%s" % (tmp_path / "missing") in text
    assert "MOLECULE_CLUSTER_WAIT_READY=false" in text
    assert "Add the cluster to the inventory] skipping: [localhost]" in _flat(text.replace("*", ""))


def _flat(text):
    """Output with every run of whitespace made one space (the YAML callback wraps long lines)."""
    return " ".join(text.split())
