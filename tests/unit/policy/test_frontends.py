"""The thin front ends: the filter policy_violations and the module validate_manifests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule

from policy_fixtures import find, stack

ROOT = Path(__file__).resolve().parents[3]
MODULE = ROOT / "plugins" / "modules" / "validate_manifests.py"
FIELDS = {"rule", "severity", "kind", "namespace", "name", "object", "path", "message", "fix", "waived",
          "waiver_reason", "source"}


@pytest.fixture()
def policy_violations():
    return FilterModule().filters()["policy_violations"]


def _broken():
    objects = stack()
    find(objects, "Service", "web")["spec"]["type"] = "NodePort"
    return objects


def test_the_filter_returns_every_finding_as_dicts(policy_violations):
    found = policy_violations(_broken())
    assert found and all(set(v) == FIELDS for v in found)
    assert {(v["rule"], v["waived"]) for v in found} == {("K018", False), ("K010", True)}


def test_the_filter_selects_rules_and_can_leave_out_waived(policy_violations):
    assert {v["rule"] for v in policy_violations(_broken(), rules=["K010"])} == {"K010"}
    assert policy_violations(_broken(), skip_rules=["K018"], include_waived=False) == []


def test_the_filter_takes_a_single_object(policy_violations):
    service = find(_broken(), "Service", "web")
    assert [v["rule"] for v in policy_violations(service, rules=["K018"])] == ["K018"]


def test_the_filter_rejects_unknown_options(policy_violations):
    with pytest.raises(AnsibleFilterError, match="policy_violations: unknown option.*severity.*known options"):
        policy_violations(stack(), severity="error")


@pytest.mark.parametrize("value,options,match", [
    ("a string", {}, r"input must be a list.*\(str\)"),
    ([], {"rules": "K001"}, r"rules must be a list of strings, got 'K001' \(str\)"),
    ([], {"include_waived": "yes"}, r"include_waived must be true or false.*\(str\)"),
    ([], {"rules": ["K999"]}, r"policy_violations: unknown rule id"),
    (["Pod"], {}, r"object #0 is a str"),
])
def test_the_filter_names_itself_the_bad_value_and_its_type(policy_violations, value, options, match):
    with pytest.raises(AnsibleFilterError, match=match):
        policy_violations(value, **options)


def _module(tmp_path, args, check_mode=False):
    """Run the module as Ansible would (arguments in a JSON file), return (rc, result)."""
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    path = tmp_path / "args.json"
    path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "collections"))
    proc = subprocess.run([sys.executable, str(MODULE), str(path)], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    return proc.returncode, json.loads(proc.stdout)


def test_the_module_passes_a_compliant_set_and_reports_waived_findings(tmp_path):
    rc, result = _module(tmp_path, {"resources": stack(), "config_tools": False, "skip_rules": ["LOKI_CONFIG"]})
    assert rc == 0 and not result.get("failed"), result.get("msg")
    assert result["changed"] is False and result["blocking"] == 0 and result["waived"] == 3
    assert all(set(FIELDS) <= set(v) for v in result["violations"])


def test_the_module_fails_listing_every_blocking_violation(tmp_path):
    objects = _broken()
    del find(objects, "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["resources"]
    rc, result = _module(tmp_path, {"resources": objects, "rules": ["K001", "K018"]}, check_mode=True)
    assert rc == 1 and result["failed"] and result["blocking"] == 2
    assert "2 blocking violation(s)" in result["msg"]
    assert "[K001 error] Deployment/apps/web at spec.template.spec.containers[0].resources" in result["msg"]
    assert "[K018 error] Service/apps/web at spec.type" in result["msg"]


def test_the_module_reads_a_folder_with_sources_and_notes(tmp_path):
    folder = tmp_path / "manifests"
    folder.mkdir()
    (folder / "app.yaml").write_text(yaml.safe_dump_all(_broken()))
    (folder / "values.yaml").write_text("replicas: 3\n")
    rc, result = _module(tmp_path, {"path": str(folder), "rules": ["K018"]})
    assert rc == 1
    assert [(v["rule"], v["source"]) for v in result["violations"]] == [("K018", "%s/app.yaml:%d" % (
        folder, _line_of(folder / "app.yaml", "kind: Service")))]
    assert result["notes"] == ["%s/values.yaml:1: document #1 ignored: no apiVersion and kind" % folder]


def _line_of(path, text):
    lines = path.read_text().splitlines()
    index = lines.index(text)
    while index > 0 and lines[index - 1] != "---":
        index -= 1
    return index + 1


def test_the_module_fails_on_malformed_yaml_naming_file_and_line(tmp_path):
    (tmp_path / "bad.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n")
    rc, result = _module(tmp_path, {"path": str(tmp_path / "bad.yaml")})
    assert rc == 1 and "bad.yaml:5:1: malformed YAML" in result["msg"]


def test_the_module_refuses_unknown_rules_and_both_inputs(tmp_path):
    rc, result = _module(tmp_path, {"resources": [], "rules": ["K099"]})
    assert rc == 1 and "unknown rule id(s) K099" in result["msg"]
    rc, result = _module(tmp_path, {"resources": [], "path": str(tmp_path)})
    assert rc == 1 and "mutually exclusive" in result["msg"]
