"""Prometheus reloads a changed config without its lifecycle API: the pinned Prometheus and
prometheus-config-reloader of the ``current`` profile (scripts/tools.py builds, tests/real_tools.py) run as the
rendered StatefulSet runs them, and a change of the config or the rules is picked up by SIGHUP.

The pod runs the two containers with ``shareProcessNamespace: true``; the reloader finds the process whose
executable is ``--process-executable-name`` and signals it. Here both programs run in a PID namespace of their
own (``unshare --pid --mount-proc``), so the reloader sees exactly the processes of this "pod", as in the
cluster, and no other Prometheus of this machine. Each is started with the rendered container's arguments; only
the mount paths point into the test's folder (both containers' mounts of a volume go to the same folder, as
they share it) and the ports are free ports of 127.0.0.1 (the web port in both the Prometheus flag and the
reloader's runtime-info URL).

The config is the rendered ``prometheus.yml`` with its scrape jobs, which discover through the Kubernetes API,
swapped for one static job (Prometheus itself): there is no cluster here. The rule files are the rendered ones.

Needs root for the PID namespace (as CI has); skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from e2e.pods import api, arguments, configmap, free_port, get, mounts, relocate, version, wait_until
from real_tools import binary, role_tag

pytestmark = [pytest.mark.render, pytest.mark.tools]

PROFILE = "current"
PROMETHEUS_VERSION = role_tag("prometheus_image_tags", PROFILE)
RELOADER_VERSION = role_tag("prometheus_config_reloader_image_tags", PROFILE, role="prometheus")


def _pid_namespace_or_skip():
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and util-linux's unshare for a PID namespace (the pod's shared process namespace)")
    probe = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "true"], capture_output=True, text=True,
                           check=False, timeout=30)
    if probe.returncode:
        pytest.skip("cannot make a PID namespace here: %s" % probe.stderr.strip())


def _shared_folders(workload, container_name, by_volume):
    """{mount path of ``container_name``: the folder of its volume}: a second container of the pod sees the same
    folders as the first one, through its own mount paths."""
    container = next(c for c in workload["spec"]["template"]["spec"]["containers"] if c["name"] == container_name)
    return container, {m["mountPath"].rstrip("/"): by_volume[m["name"]] for m in container.get("volumeMounts") or []}


def _write_atomically(path, text):
    """As the kubelet updates a ConfigMap volume: the new file appears whole, in one rename."""
    tmp = path.with_name("." + path.name + ".new")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_a_changed_config_and_rules_are_reloaded_by_sighup_with_the_lifecycle_api_off(render, tmp_path):
    _pid_namespace_or_skip()
    prometheus_bin = binary("prometheus", PROMETHEUS_VERSION, "prometheus")
    reloader_bin = binary("prometheus-config-reloader", RELOADER_VERSION, "prometheus-config-reloader")
    version(prometheus_bin, PROMETHEUS_VERSION)
    run = render("local", PROFILE, monitoring_components=["prometheus"], monitoring_log_agent="none")
    assert run.returncode == 0, run.output[-4000:]
    workload = run.find("local", "StatefulSet", "prometheus")
    assert workload["spec"]["template"]["spec"]["shareProcessNamespace"] is True

    prom_container, prom_folders = mounts(workload, "prometheus", tmp_path)
    by_volume = {m["name"]: prom_folders[m["mountPath"].rstrip("/")] for m in prom_container["volumeMounts"]}
    reloader_container, reloader_folders = _shared_folders(workload, "config-reloader", by_volume)
    prom_port, reloader_port = free_port(), free_port()
    prom_args = arguments(prom_container, prom_folders, {"--web.listen-address": "127.0.0.1:%d" % prom_port})
    assert "--web.enable-lifecycle" not in prom_args
    runtime_url = next(a.split("=", 1)[1] for a in reloader_container["args"] if a.startswith("--runtimeinfo-url="))
    assert runtime_url.startswith("http://127.0.0.1:")
    local_runtime_url = "http://127.0.0.1:%d/%s" % (prom_port, runtime_url.split("/", 3)[3])
    reloader_args = arguments(reloader_container, reloader_folders, {
        "--listen-address": "127.0.0.1:%d" % reloader_port, "--runtimeinfo-url": local_runtime_url})
    assert "--reload-method=signal" in reloader_args and "--process-executable-name=prometheus" in reloader_args

    rendered = yaml.safe_load(configmap(run, "prometheus-config")["prometheus.yml"])
    config_path = Path(next(a.split("=", 1)[1] for a in prom_args if a.startswith("--config.file=")))
    (rules_glob,) = [relocate(g, prom_folders) for g in rendered["rule_files"]]
    for name, text in configmap(run, "prometheus-rules").items():
        (Path(rules_glob).parent / name).write_text(text)
    config = {**{k: v for k, v in rendered.items() if k not in ("rule_files", "scrape_configs", "alerting")},
              "rule_files": [rules_glob],
              "scrape_configs": [{"job_name": "self", "static_configs": [{"targets": ["127.0.0.1:%d" % prom_port]}]}]}
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))

    # The pod: both programs in one PID namespace, the executable named as the image names it.
    exe = tmp_path / "bin" / "prometheus"
    exe.parent.mkdir()
    shutil.copy(prometheus_bin, exe)
    logs = {"prometheus": tmp_path / "prometheus.log", "reloader": tmp_path / "reloader.log"}
    script = "%s >%s 2>&1 &\n%s >%s 2>&1 &\nwait\n" % (
        shlex.join([str(exe), *prom_args]), shlex.quote(str(logs["prometheus"])),
        shlex.join([str(reloader_bin), *reloader_args]), shlex.quote(str(logs["reloader"])))
    with open(tmp_path / "pod.log", "w") as out:
        pod = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "sh", "-c", script],
                               stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=tmp_path,
                               start_new_session=True)
    processes = [("the pod (prometheus and config-reloader)", pod, tmp_path / "pod.log")]
    prom = "http://127.0.0.1:%d" % prom_port

    def loaded_config():
        return yaml.safe_load(api(prom + "/api/v1/status/config")["yaml"])

    def rule_groups():
        return {g["name"] for g in api(prom + "/api/v1/rules")["groups"]}

    def reloads():
        return api(prom + "/api/v1/status/runtimeinfo")["lastConfigTime"]

    try:
        wait_until("Prometheus to be ready", lambda: get(prom + "/-/ready")[0] == 200, 60, processes)
        wait_until("the reloader to be up", lambda: get("http://127.0.0.1:%d/healthz" % reloader_port)[0] == 200,
                   60, processes)
        before_groups = rule_groups()
        assert before_groups, "the rendered rule files were loaded"
        first_load = reloads()
        # No one can reload (or stop) Prometheus over HTTP: the lifecycle API is off.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(prom + "/-/reload", method="POST"), timeout=10)  # noqa: S310
        assert refused.value.code == 403, "POST /-/reload answered %s" % refused.value.code

        changed = {**config, "global": {**config["global"], "external_labels": {
            **(config["global"].get("external_labels") or {}), "reload_check": "config"}}}
        _write_atomically(config_path, yaml.safe_dump(changed, sort_keys=False))
        wait_until("the changed config to be loaded",
                   lambda: loaded_config()["global"]["external_labels"].get("reload_check") == "config", 60, processes)
        assert reloads() != first_load

        new_rules = Path(rules_glob).parent / Path(rules_glob).name.replace("*", "reload-check")  # what rule_files reads
        _write_atomically(new_rules, yaml.safe_dump({"groups": [
            {"name": "reload-check", "rules": [{"record": "reload_check:up", "expr": "up"}]}]}))
        wait_until("the new rule file to be loaded", lambda: "reload-check" in rule_groups(), 60, processes)
        assert rule_groups() == before_groups | {"reload-check"}
        reloader_log = logs["reloader"].read_text()
        assert "Reload triggered" in reloader_log, reloader_log[-3000:]
    finally:
        if pod.poll() is None:
            os.killpg(pod.pid, signal.SIGTERM)
            try:
                pod.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(pod.pid, signal.SIGKILL)
                pod.wait(timeout=30)
