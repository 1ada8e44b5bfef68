"""The engine: every violation of a run is reported, rule selection, bad input, robustness on malformed
objects, the rule catalogue and its documentation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import (
    PolicyError,
    check_objects,
    rule_catalog,
    select_rules,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import RULES, SCHEMA
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import validate_objects
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import format_report

from policy_fixtures import find, run, stack

ROOT = Path(__file__).resolve().parents[3]
STABLE_IDS = ["K%03d" % n for n in range(1, 19)] + ["M%03d" % n for n in range(1, 9)]


def test_the_rule_ids_are_the_stable_ones():
    assert sorted(RULES) == STABLE_IDS


def test_every_rule_has_a_title_severity_why_and_fix():
    for entry in rule_catalog():
        assert entry["title"] and entry["why"] and entry["fix"], entry["id"]
        assert entry["severity"] in ("error", "warning")


def test_every_violation_of_a_run_is_reported_not_just_the_first():
    objects = stack()
    web = find(objects, "Deployment", "web")
    container = web["spec"]["template"]["spec"]["containers"][0]
    del container["resources"]
    container["image"] = "web:latest"
    container["securityContext"] = {}
    find(objects, "Service", "web")["spec"]["type"] = "LoadBalancer"
    rules = {v.rule for v in run(objects) if v.blocking}
    assert {"K001", "K002", "K004", "K005", "K006", "K018"} <= rules
    report = format_report(run(objects))
    assert report.count("\n") + 1 == len(run(objects)) + 1


def test_violations_carry_object_path_message_and_fix():
    objects = stack()
    del find(objects, "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
    violation = [v for v in run(objects) if v.rule == "K009"][0]
    data = violation.as_dict()
    assert data["rule"] == "K009" and data["severity"] == "error"
    assert (data["kind"], data["namespace"], data["name"]) == ("Deployment", "apps", "web")
    assert data["object"] == "Deployment/apps/web"
    assert data["path"] == "spec.template.spec.containers[0].livenessProbe"
    assert data["message"] and data["fix"] and data["waived"] is False and data["waiver_reason"] == ""


def test_rules_and_skip_rules_select_what_runs():
    objects = stack()
    find(objects, "Service", "web")["spec"]["type"] = "NodePort"
    del find(objects, "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert {v.rule for v in check_objects(objects, rules=["K018"])} == {"K018"}
    assert "K018" not in {v.rule for v in check_objects(objects, skip_rules=["k018"])}
    assert {v.rule for v in check_objects(objects, rules=["K001", "K018"], skip_rules=["K018"])} == {"K001"}


def test_unknown_rule_ids_are_refused_with_the_known_ones():
    with pytest.raises(PolicyError, match=r"unknown rule id\(s\) K099.*known: K001"):
        check_objects(stack(), rules=["K099"])
    with pytest.raises(PolicyError, match="SCHEMA"):
        check_objects(stack(), skip_rules=["SCHEMA"])
    assert select_rules(skip_rules=["SCHEMA"], extra=(SCHEMA,))[1] == set(RULES)


def test_input_that_is_not_a_list_of_objects_is_refused():
    with pytest.raises(PolicyError, match="list"):
        check_objects({"kind": "Pod"})
    with pytest.raises(PolicyError, match="object #1 is a str"):
        check_objects([{"kind": "Pod"}, "Pod"])


MALFORMED = [
    {},
    {"kind": "Deployment"},
    {"kind": "Deployment", "metadata": None, "spec": None},
    {"kind": "Deployment", "metadata": {"name": "a", "labels": "x", "annotations": ["x"]},
     "spec": {"replicas": "3", "selector": "x", "template": {"metadata": [], "spec": {"containers": "x"}}}},
    {"kind": "StatefulSet", "metadata": {"name": "b"}, "spec": {"template": {"spec": {
        "containers": [None, 3, {"name": "c", "image": 7, "resources": [], "securityContext": "x",
                                 "args": [1, None, "--web.enable-admin-api"], "env": "x"}],
        "initContainers": {"x": 1}, "volumes": [None, {"hostPath": None}], "affinity": 3,
        "topologySpreadConstraints": [None], "securityContext": [], "hostNetwork": True}}}},
    {"kind": "Pod", "metadata": {"name": "p", "labels": {"app.kubernetes.io/name": "prometheus"}},
     "spec": {"containers": [{"name": "prometheus"}]}},
    {"kind": "CronJob", "metadata": {"name": "c"}, "spec": {"jobTemplate": None}},
    {"kind": "NetworkPolicy", "metadata": {"name": "n"},
     "spec": {"podSelector": None, "policyTypes": "x", "ingress": [None, {"from": "x"}]}},
    {"kind": "Service", "metadata": {"name": "s"}, "spec": {"type": "NodePort", "selector": ["x"]}},
    {"kind": "PodDisruptionBudget", "metadata": {"name": "d"}, "spec": {"selector": {"matchExpressions": [None]}}},
    {"kind": "ConfigMap", "metadata": {"name": "m"}, "data": {
        "a.json": "{", "b.yaml": "- [", "c": None, "d.alloy": "x {", "e.yml": "route: 1\nreceivers: 2\n",
        "f.json": '{"panels": 3, "uid": 1}', "g.yaml": "groups: [{rules: 3}]\n",
        "h.yaml": "scrape_configs: 3\nglobal: []\n", "i.yaml": "limits_config: 1\ncompactor: 2\n"}},
    {"kind": "Secret", "metadata": {"name": "s"}, "data": {"x": "!!notbase64"}},
    {"kind": "ClusterRoleBinding", "metadata": {"name": "r"}, "subjects": [None, {"kind": "ServiceAccount"}]},
]


def test_malformed_objects_never_crash_a_rule():
    violations = check_objects(MALFORMED)
    assert violations  # they are reported, not raised


def test_the_validate_phase_combines_schema_and_policy():
    objects = stack()
    find(objects, "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["bogus"] = 1
    find(objects, "Service", "web")["spec"]["type"] = "NodePort"
    found = validate_objects(objects, "1.28", config_tools=False)
    rules = {v.rule for v in found if v.blocking}
    assert {"SCHEMA", "K018"} <= rules
    assert {v.rule for v in validate_objects(objects, "1.28", config_tools=False, rules=["SCHEMA"])} <= {"SCHEMA"}
    assert "SCHEMA" not in {v.rule for v in validate_objects(objects, "1.28", config_tools=False,
                                                             skip_rules=["SCHEMA"])}


def test_the_schema_check_reports_every_error_of_an_object():
    objects = stack()
    spec = find(objects, "Deployment", "web")["spec"]
    spec["bogus"] = 1
    spec["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    paths = {v.path for v in validate_objects(objects, "1.28", config_tools=False, rules=["SCHEMA"]) if v.blocking}
    assert paths == {"spec", "spec.template.spec.containers[0].ports[0].containerPort"}


def test_findings_carry_the_source_of_their_object():
    objects = stack()
    find(objects, "Service", "web")["spec"]["type"] = "NodePort"
    sources = ["f.yaml:%d" % (i + 1) for i in range(len(objects))]
    index = objects.index(find(objects, "Service", "web"))
    found = list(validate_objects(objects, "1.28", config_tools=False, rules=["K018"], sources=sources))
    assert [v.source for v in found] == [sources[index]]
    assert found[0].format().startswith(sources[index] + ": [K018 error]")


def test_docs_describe_every_rule_with_why_fix_and_waiver():
    text = (ROOT / "docs" / "policy.md").read_text()
    headings = re.findall(r"^### ([KM]\d{3}) ", text, re.MULTILINE)
    assert headings == STABLE_IDS
    for rule_id in STABLE_IDS:
        section = text.split("### %s " % rule_id, 1)[1].split("\n### ", 1)[0]
        for part in ("**Why**", "**Fix**", "**Waive**"):
            assert part in section, "%s lacks %s" % (rule_id, part)
