"""Waivers: a valid waiver marks findings as waived (still reported), a waiver without a reason or naming an
unknown rule is itself a violation and waives nothing."""

from __future__ import annotations

import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.waivers import PREFIX, parse

from policy_fixtures import find, run, stack


def _node_agent_with(annotations):
    objects = stack()
    find(objects, "DaemonSet", "node-exporter")["metadata"]["annotations"] = annotations
    return objects


def _k010(objects):
    return [v for v in run(objects) if v.rule == "K010"]


def test_a_valid_waiver_keeps_the_findings_in_the_report_marked_waived():
    findings = _k010(stack())
    assert len(findings) == 3
    assert all(v.waived and not v.blocking and v.waiver_reason for v in findings)
    assert all(v.format().startswith("[K010 waived] DaemonSet/agents/node-exporter at ") for v in findings)
    assert all(v.format().endswith(". Waived: reads the node's /proc, /sys and mount table") for v in findings)


def test_a_waiver_without_a_reason_is_a_violation_and_waives_nothing():
    objects = _node_agent_with({PREFIX + "K010": "   "})
    problems = [v for v in run(objects) if v.rule == "WAIVER"]
    assert [(v.name, v.path, v.blocking) for v in problems] == [
        ("node-exporter", 'metadata.annotations["waivers.vmstation.io/K010"]', True)]
    assert "no reason" in problems[0].message
    assert all(v.blocking for v in _k010(objects))


def test_a_waiver_naming_an_unknown_rule_is_a_violation():
    objects = _node_agent_with({PREFIX + "K010": "host agent", PREFIX + "K099": "typo"})
    problems = [v for v in run(objects) if v.rule == "WAIVER"]
    assert [(v.path, v.blocking) for v in problems] == [('metadata.annotations["waivers.vmstation.io/K099"]', True)]
    assert "K099" in problems[0].message and "K001" in problems[0].fix
    assert all(v.waived for v in _k010(objects))


@pytest.mark.parametrize("rule,hint", [("k010", "use waivers.vmstation.io/K010"), ("SCHEMA", "cannot be waived"),
                                       ("WAIVER", "cannot be waived")])
def test_unknown_or_unwaivable_ids_say_what_to_do(rule, hint):
    _valid, problems = parse({"kind": "Pod", "metadata": {"name": "x", "annotations": {PREFIX + rule: "why"}}})
    assert len(problems) == 1 and hint in problems[0].fix


def test_a_waiver_applies_only_to_its_own_object_and_rule():
    objects = stack()
    find(objects, "Deployment", "web")["metadata"]["annotations"] = {PREFIX + "K010": "not this object"}
    find(objects, "DaemonSet", "node-exporter")["metadata"]["annotations"] = {PREFIX + "K007": "another rule"}
    assert all(v.blocking for v in _k010(objects))


def test_a_waiver_on_the_pod_template_does_not_count():
    objects = _node_agent_with({})
    template = find(objects, "DaemonSet", "node-exporter")["spec"]["template"]
    template["metadata"]["annotations"] = {PREFIX + "K010": "on the template"}
    assert all(v.blocking for v in _k010(objects))


def test_a_finding_that_cannot_be_waived_says_so():
    objects = stack()
    web = find(objects, "Deployment", "web")
    web["metadata"]["annotations"] = {PREFIX + "K010": "wants the host network"}
    web["spec"]["template"]["spec"]["hostNetwork"] = True
    finding = [v for v in run(objects) if v.rule == "K010" and v.name == "web"]
    assert len(finding) == 1 and finding[0].blocking and "does not apply" in finding[0].message


def test_other_annotations_are_ignored():
    valid, problems = parse({"kind": "Pod", "metadata": {"name": "x", "annotations": {
        "example.com/waivers.vmstation.io": "", "waivers.vmstation.io.example/K001": ""}}})
    assert (valid, problems) == ({}, [])
