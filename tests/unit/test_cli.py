"""The command line: vmstation-validate on folders of manifests, exit codes, text and JSON output, and the
executable entry point from a checkout and from an installed collection."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.cli import main
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import selector_labels, standard_labels

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "bin" / "vmstation-validate"


def _service(name, service_type="ClusterIP"):
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "apps", "labels": standard_labels(name, "t", "server", "1.0")},
            "spec": {"type": service_type, "selector": selector_labels(name, "t"), "ports": [{"port": 80}]}}


def _write(folder, services, extra=""):
    folder.mkdir(exist_ok=True)
    (folder / "services.yaml").write_text(yaml.safe_dump_all(services) + extra)
    return folder


def _run(*argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(stdin), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_a_clean_folder_exits_zero(tmp_path):
    status, out, _err = _run(str(_write(tmp_path / "m", [_service("a")])))
    assert status == 0
    assert out.strip() == "OK: 1 object(s) in 1 file(s), 0 blocking violation(s), 0 warning(s), 0 waived"


def test_violations_exit_one_and_name_file_line_rule_object_and_path(tmp_path):
    folder = _write(tmp_path / "m", [_service("a"), _service("b", "NodePort")])
    status, out, _err = _run(str(folder))
    assert status == 1
    assert "%s/services.yaml:" % folder in out
    assert "[K018 error] Service/apps/b at spec.type: the Service is of type NodePort" in out
    assert out.splitlines()[-1].startswith("FAILED: 2 object(s) in 1 file(s), 1 blocking violation(s)")


def test_waived_findings_are_listed_but_pass(tmp_path):
    service = _service("b", "LoadBalancer")
    service["metadata"]["annotations"] = {"waivers.vmstation.io/K018": "public status page"}
    status, out, _err = _run(str(_write(tmp_path / "m", [service])))
    assert status == 0 and "[K018 waived] Service/apps/b at spec.type" in out and "Waived: public status page" in out
    assert out.rstrip().endswith("1 waived")


def test_quiet_lists_only_blocking_violations(tmp_path):
    waived = _service("w", "NodePort")
    waived["metadata"]["annotations"] = {"waivers.vmstation.io/K018": "lab"}
    status, out, _err = _run("-q", str(_write(tmp_path / "m", [waived, _service("b", "NodePort")])))
    assert status == 1 and "Service/apps/b" in out and "Service/apps/w" not in out


def test_json_output_is_one_document(tmp_path):
    folder = _write(tmp_path / "m", [_service("b", "NodePort")], extra="---\nreplicas: 2\n")
    status, out, _err = _run("--format", "json", str(folder))
    data = json.loads(out)
    assert status == 1 and data["status"] == 1 and data["blocking"] == 1 and data["objects"] == 1
    violation = [v for v in data["violations"] if v["rule"] == "K018"][0]
    assert violation["path"] == "spec.type" and violation["source"] == "%s/services.yaml:1" % folder
    line = (folder / "services.yaml").read_text().splitlines().index("replicas: 2") + 1
    assert data["notes"] == ["%s/services.yaml:%d: document #2 ignored: no apiVersion and kind" % (folder, line)]


def test_rules_and_skip_rules(tmp_path):
    folder = _write(tmp_path / "m", [_service("b", "NodePort")])
    assert _run("--skip-rules", "K018", str(folder))[0] == 0
    status, out, _err = _run("--rules", "K015,SCHEMA", str(folder))
    assert status == 0 and "K018" not in out


def test_malformed_yaml_exits_two_naming_file_and_line(tmp_path):
    folder = _write(tmp_path / "m", [_service("a")])
    (folder / "broken.yaml").write_text("kind: Service\nmetadata: {name: x\n")
    status, out, err = _run(str(folder))
    assert status == 2 and out == ""
    assert "error: %s/broken.yaml:3:1: malformed YAML" % folder in err
    assert "nothing was validated" in err


@pytest.mark.parametrize("argv,message", [
    (["/nonexistent/path"], "/nonexistent/path does not exist"),
    (["--rules", "K099", "."], "unknown rule id(s) K099"),
    (["-k", "1.99", "."], "has no schemas for Kubernetes 1.99"),
    ([], "give at least one manifest file or folder"),
])
def test_unusable_input_or_options_exit_two(tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    status, _out, err = _run(*argv)
    assert status == 2 and message in err


def test_manifests_can_come_from_stdin():
    status, out, _err = _run("-", stdin=yaml.safe_dump(_service("b", "NodePort")))
    assert status == 1 and "<stdin>:1: [K018 error]" in out


def test_the_rules_can_be_listed():
    status, out, _err = _run("--list-rules")
    assert status == 0 and out.splitlines()[0].startswith("K001  error    ") and len(out.splitlines()) == 26
    status, out, _err = _run("--list-rules", "--format", "json")
    assert [r["id"] for r in json.loads(out)][-1] == "M008"


def _exec(command, cwd):
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, check=False)


def test_the_entry_point_runs_from_a_checkout(tmp_path):
    folder = _write(tmp_path / "m", [_service("b", "NodePort")])
    proc = _exec([str(BIN), "--format", "json", str(folder)], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["blocking"] == 1


def test_the_entry_point_runs_from_an_installed_collection(tmp_path):
    galaxy = str(Path(sys.executable).parent / "ansible-galaxy")
    build = _exec([galaxy, "collection", "build", "--output-path", str(tmp_path), str(ROOT)], cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    tarball = next(tmp_path.glob("vmstation-monitoring-*.tar.gz"))
    install = _exec([galaxy, "collection", "install", "--force", "--no-deps", "-p", str(tmp_path / "installed"),
                     str(tarball)], cwd=tmp_path)
    assert install.returncode == 0, install.stderr
    installed = tmp_path / "installed" / "ansible_collections" / "vmstation" / "monitoring" / "bin" / BIN.name
    folder = _write(tmp_path / "m", [_service("b", "NodePort")])
    proc = _exec([sys.executable, str(installed), str(folder)], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "[K018 error] Service/apps/b at spec.type" in proc.stdout
