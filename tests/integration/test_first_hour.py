"""A newcomer's first hour (issue 13): the default run reads well, check mode tells the truth, the roles work from a
playbook of one's own, and a failure says once what is wrong.

Every run here is a real ansible-playbook run of this checkout; none reaches a cluster (the one that names a
cluster points its kubeconfig at a closed port).
"""

from __future__ import annotations

import re
import socket

import pytest
import yaml

from conftest import run_playbook

pytestmark = pytest.mark.render

ONE_COMPONENT = {"monitoring_components": ["node_exporter"], "monitoring_log_agent": "none"}


def recap(run):
    [counts] = re.findall(r"^local\s*:\s*(ok=\d+.*)$", run.output, re.M)
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", counts)}


def summary(run):
    """The text of the summary task that ends the run."""
    assert "TASK [vmstation.monitoring.stack : Summary]" in run.output, run.output[-3000:]
    return run.output.split("TASK [vmstation.monitoring.stack : Summary]", 1)[1].split("PLAY RECAP", 1)[0]


def tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """`ansible-playbook site.yml` on inventory/local, as a new user runs it first."""
    build = tmp_path_factory.mktemp("default") / "build"
    return run_playbook(build)


def test_the_default_run_prints_no_traceback_no_warning_and_no_apply_task(default_run):
    run = default_run
    assert run.returncode == 0, run.output[-4000:]
    assert "Traceback" not in run.output and "[WARNING]" not in run.output and "[ERROR]" not in run.output
    assert "Found both group and host with same name" not in run.output
    # The apply and verify phases are one skipped include in a render-only run, not a task each.
    assert "Apply the namespaces first" not in run.output and "Connect to the cluster" not in run.output
    assert run.output.count("skipping: [local]") <= 4
    assert len(run.output.splitlines()) < 200, "a successful run stays short: %d lines" % len(run.output.splitlines())


def test_the_summary_says_what_was_rendered_where_with_numbers_that_add_up(default_run):
    text = " ".join(summary(default_run).split())
    files = tree(default_run.build_dir / "local")
    match = re.search(r"local: (\d+) objects of (\d+) components \(([^)]*)\) in (\S+): (\d+) files, (\d+) created, "
                      r"(\d+) updated, (\d+) unchanged; (\d+) old files removed\.", text)
    assert match, text
    objects, components, names, dest, count, created, updated, unchanged, removed = match.groups()
    assert dest == str(default_run.build_dir / "local")
    assert int(count) == len(files) == int(created) + int(updated) + int(unchanged) and int(removed) == 0
    assert int(objects) == len(default_run.objects("local"))
    assert names.split(", ")[:2] == ["stack", "prometheus"] and int(components) == len(names.split(", "))


def test_the_summary_repeats_the_warnings_and_says_what_to_do_next(default_run):
    run = default_run
    text = " ".join(summary(run).split())
    # The blackhole warning is shown once, in the summary, not between the render tasks.
    blackhole = "alertmanager_default_receiver is `blackhole`"
    assert run.output.count(blackhole) == 1 and blackhole in text
    assert re.search(r"Validation: no blocking violation, \d+ warnings?; 8 waived finding\(s\) \(K003 x2, K010 x6\)", text)
    assert "Waived:" not in run.output, "waived findings are summed up, not listed"
    assert "Next: nothing was applied (monitoring_apply is false)" in text
    assert "set monitoring_apply: true for local" in text
    secrets = (run.build_dir / "local" / "SECRETS.md").read_text()
    assert "## monitoring/grafana-admin" in secrets
    assert "first create the Secret it reads but does not hold: monitoring/grafana-admin (keys admin-password, " \
           "admin-user, secret-key). %s says where" % (run.build_dir / "local" / "SECRETS.md") in text


def test_check_and_diff_tell_the_truth_and_write_nothing(default_run):
    build = default_run.build_dir
    before = tree(build)
    same = run_playbook(build, args=("--check", "--diff"))
    assert same.returncode == 0, same.output[-4000:]
    assert recap(same)["changed"] == 0 and "--- before" not in same.output
    assert "0 would be created, 0 would be updated, %d unchanged" % len(before) in " ".join(summary(same).split())

    changed = run_playbook(build, "local", {"prometheus_retention_time": "7d"}, args=("--check", "--diff"))
    assert changed.returncode == 0, changed.output[-4000:]
    assert recap(changed)["changed"] == 1
    diff = "--- before: %s" % (build / "local" / "prometheus" / "statefulset-monitoring-prometheus.yaml")
    assert diff in changed.output
    assert "-        - --storage.tsdb.retention.time=15d" in changed.output
    assert "+        - --storage.tsdb.retention.time=7d" in changed.output
    assert "0 would be created, 1 would be updated" in " ".join(summary(changed).split())
    assert tree(build) == before, "check mode wrote nothing"


def _own_playbook(tmp_path, roles):
    playbook = tmp_path / "mine.yml"
    playbook.write_text(yaml.safe_dump([{"name": "My monitoring", "hosts": "all", "gather_facts": False,
                                         "roles": list(roles)}]))
    return str(playbook)


def test_a_play_with_the_stack_role_renders_validates_and_exports(tmp_path):
    build = tmp_path / "build"
    run = run_playbook(build, "local", ONE_COMPONENT, playbook=_own_playbook(tmp_path, ["vmstation.monitoring.stack"]))
    assert run.returncode == 0, run.output[-4000:]
    assert "TASK [vmstation.monitoring.stack : Validate the whole stack]" in run.output
    assert (build / "local" / "kustomization.yaml").is_file()
    assert run.find("local", "DaemonSet", "node-exporter")


def test_a_play_listing_component_roles_beside_the_stack_fails_before_anything(tmp_path):
    build = tmp_path / "build"
    run = run_playbook(build, "local", ONE_COMPONENT, playbook=_own_playbook(
        tmp_path, ["vmstation.monitoring.stack", "vmstation.monitoring.node_exporter"]))
    assert run.returncode != 0
    flat = " ".join(run.output.split())
    assert 'ansible_play_role_names is ["vmstation.monitoring.node_exporter"]: it must not name the component roles' in flat
    assert "keep only vmstation.monitoring.stack in the play's roles" in flat
    assert "Render the components" not in run.output and not build.exists()


def test_a_component_role_on_its_own_fails_at_once_saying_how_to_use_it(tmp_path):
    build = tmp_path / "build"
    run = run_playbook(build, "local", ONE_COMPONENT, playbook=_own_playbook(tmp_path, ["vmstation.monitoring.node_exporter"]))
    assert run.returncode != 0
    assert re.findall(r"^TASK \[(.*)\]", run.output, re.M) == ["vmstation.monitoring.node_exporter : Refuse to run outside the stack role"]
    flat = " ".join(run.output.split())
    assert "vmstation.monitoring.node_exporter does not run on its own: the stack role runs it" in flat
    assert "Use the vmstation.monitoring.site playbook" in flat and "list node_exporter in monitoring_components" in flat
    assert flat.count("does not run on its own") == 1
    assert not build.exists()


def test_an_unreachable_cluster_is_explained_once(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "closed",
        "clusters": [{"name": "closed", "cluster": {"server": "https://127.0.0.1:%d" % port}}],
        "users": [{"name": "nobody", "user": {"token": "not-a-token"}}],
        "contexts": [{"name": "closed", "context": {"cluster": "closed", "user": "nobody"}}]}))
    run = run_playbook(tmp_path / "build", "local", {**ONE_COMPONENT, "monitoring_apply": True,
                                                     "monitoring_kubeconfig": str(kubeconfig)})
    assert run.returncode != 0
    flat = " ".join(run.output.split())
    assert "Cannot reach the cluster of local through kubeconfig %s (context (current))" % kubeconfig in flat
    assert "monitoring_apply: false to render only; nothing was applied" in flat
    assert flat.lower().count("connection refused") == 1, run.output[-4000:]
    assert flat.count("Cannot reach the cluster") == 1
    assert "Traceback" not in run.output
