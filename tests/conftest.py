"""Shared fixtures: render a stack with ansible-playbook once per set of inputs and read it back."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

# The fixtures of the tests/cluster/test_api_* modules (names, cluster, stack_namespace). They are
# registered here because a tests/cluster/conftest.py would shadow this one for `from conftest import ...`.
pytest_plugins = ("cluster.real_api",)

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
INVENTORIES = ("local", "dev", "staging", "prod")
PROFILES = ("current", "seed")


@dataclass
class Run:
    returncode: int
    output: str
    build_dir: Path

    def clusters(self):
        return sorted(p.name for p in self.build_dir.iterdir() if p.is_dir()) if self.build_dir.is_dir() else []

    def objects(self, cluster):
        """Every object exported for ``cluster``, read back from the tree."""
        found = []
        for path in sorted((self.build_dir / cluster).rglob("*.yaml")):
            if path.name == "kustomization.yaml":
                continue
            found.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
        return found

    def find(self, cluster, kind, name, namespace=None):
        for obj in self.objects(cluster):
            meta = obj["metadata"]
            if obj["kind"] == kind and meta["name"] == name and (namespace is None or meta.get("namespace") == namespace):
                return obj
        raise KeyError("%s %s not rendered for %s" % (kind, name, cluster))


def run_playbook(build_dir, inventory="local", extra_vars=None, playbook="site.yml", args=()):
    """Run a playbook of this checkout with the test's build folder; never raises on failure."""
    variables = {"monitoring_build_dir": str(build_dir)}
    variables.update(extra_vars or {})
    env = dict(os.environ, ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1", PY_COLORS="0")
    cmd = [str(VENV_BIN / "ansible-playbook"), "-i", str(ROOT / "inventory" / inventory), playbook,
           "-e", json.dumps(variables), *args]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    return Run(proc.returncode, proc.stdout + proc.stderr, Path(build_dir))


@pytest.fixture(scope="session")
def render(tmp_path_factory):
    """render(inventory, profile, **extra_vars) -> Run, for reading only.

    The same inputs are rendered once per test session, also across pytest-xdist workers: renders are
    kept under the session's shared temporary root, and a file lock makes a second worker wait for
    the first one's render instead of repeating it.
    """
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "renders"
    shared.mkdir(parents=True, exist_ok=True)

    def render_stack(inventory="local", profile="current", **extra_vars):
        variables = {"monitoring_version_profile": profile, **extra_vars}
        key = hashlib.sha256(json.dumps([inventory, variables], sort_keys=True).encode()).hexdigest()[:16]
        folder = shared / ("%s-%s-%s" % (inventory, profile, key))
        result = folder / "run.json"
        with open(shared / (folder.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not result.exists():
                folder.mkdir(exist_ok=True)
                run = run_playbook(folder / "build", inventory, variables)
                result.write_text(json.dumps({"returncode": run.returncode, "output": run.output}))
        data = json.loads(result.read_text())
        return Run(data["returncode"], data["output"], folder / "build")

    return render_stack


def _local_cluster_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("local_cluster", ROOT / "scripts" / "local_cluster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


local_cluster = _local_cluster_module()


def start_local_cluster(tmp_path_factory, name, version=None, storage_classes=()):
    """A started LocalCluster of the pinned builds (tests/real_tools.py skips or, in CI, fails where they
    are missing), with the default StorageClass ``standard`` and ``storage_classes``; the caller stops it."""
    from real_tools import binary, pinned

    version = version or pinned("kubernetes")[0]
    for program in ("kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        binary("kubernetes", version, program)
    binary("etcd", local_cluster.ETCD_VERSION, "etcd")
    binary("kwok", local_cluster.KWOK_VERSION, "kwok")
    for attempt in range(3):
        cluster = local_cluster.LocalCluster(tmp_path_factory.mktemp("cluster-" + name), version, context=name)
        try:
            cluster.start()
            break
        except local_cluster.ClusterError as e:
            # Its ports are picked free, then bound by the components: another process may take one between.
            if "address already in use" not in str(e) or attempt == 2:
                raise
    try:
        cluster.create_storage_class("standard", default=True)
        for storage_class in storage_classes:
            cluster.create_storage_class(storage_class)
    except BaseException:
        cluster.stop()
        raise
    return cluster


@pytest.fixture()
def cluster_factory(tmp_path_factory):
    """cluster_factory(name, version=None, storage_classes=()) -> a started LocalCluster, stopped after the test.

    Each call starts its own control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok
    with two nodes) on free loopback ports, from the pinned builds (tests/real_tools.py skips or, in CI,
    fails where they are missing). A StorageClass ``standard`` is the default; ``storage_classes`` adds
    the inventory's own.
    """
    started = []

    def start(name, version=None, storage_classes=()):
        started.append(start_local_cluster(tmp_path_factory, name, version, storage_classes))
        return started[-1]

    yield start
    for cluster in started:
        cluster.stop()


@pytest.fixture(scope="module")
def module_cluster(request, tmp_path_factory):
    """One LocalCluster shared by every test of a module, stopped after its last test.

    Tests sharing it must not see each other: each uses its own instance label value, namespaces and
    cluster-scoped names. The module's ``STORAGE_CLASSES`` (if any) are created besides ``standard``.
    """
    name = request.module.__name__.rsplit(".", 1)[-1].replace("_", "-")
    cluster = start_local_cluster(tmp_path_factory, name, storage_classes=getattr(request.module, "STORAGE_CLASSES", ()))
    yield cluster
    cluster.stop()
