"""One validation front end (module_utils/validate/frontend.py) behind the module, its action plugin, the CLI
and the policy_violations filter: the same objects give the same findings through every door."""

from __future__ import annotations

import io
import json

import yaml

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import selector_labels, standard_labels
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.cli import main
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import (
    TASK_ARGUMENT_SPEC,
    run_task,
)

POLICY_VIOLATIONS = FilterModule().filters()["policy_violations"]


def _params(**extra):
    params = {name: spec.get("default") for name, spec in TASK_ARGUMENT_SPEC.items()}
    params.update(extra)
    return params


def _objects():
    service = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "web", "namespace": "apps", "labels": standard_labels("web", "t", "server", "1")},
               "spec": {"type": "NodePort", "selector": selector_labels("web", "t"), "ports": [{"port": 80}]}}
    return [service, {"apiVersion": "v1", "kind": "List", "items": [dict(service, metadata=dict(
        service["metadata"], name="api"))]}]


def _key(finding):
    return finding["rule"], finding["object"], finding["path"]


def test_the_task_the_cli_and_the_filter_find_the_same(tmp_path):
    result, failure = run_task(_params(resources=_objects(), config_tools=False))
    assert failure and "blocking violation(s); nothing was written or applied" in failure
    blocking = [v for v in result["violations"] if v["severity"] == "error" and not v["waived"]]
    assert result["objects"] == 2 and result["blocking"] == len(blocking)
    (tmp_path / "objects.yaml").write_text(yaml.safe_dump_all(_objects()))
    out = io.StringIO()
    main([str(tmp_path), "--format", "json", "--no-config-tools"], out=out, err=io.StringIO())
    from_cli = json.loads(out.getvalue())
    assert sorted(map(_key, from_cli["violations"])) == sorted(map(_key, result["violations"]))
    assert {v["source"] for v in from_cli["violations"]} >= {"%s:1" % (tmp_path / "objects.yaml")}
    from_filter = POLICY_VIOLATIONS(_objects())
    policy_only = [v for v in result["violations"] if v["rule"] != "SCHEMA"]
    assert sorted(map(_key, from_filter)) == sorted(map(_key, policy_only)) and "K018" in {v["rule"] for v in from_filter}


def test_unreadable_files_are_reported_and_nothing_is_validated(tmp_path):
    (tmp_path / "broken.yaml").write_text("kind: Service\nmetadata: [\n")
    result, failure = run_task(_params(path=str(tmp_path)))
    assert failure.startswith("Cannot read the manifests in %s:" % tmp_path) and "broken.yaml:" in failure
    assert result["violations"] == [] and result["errors"] and result["changed"] is False


def _waived_and_blocking():
    from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import Violation

    blocking = Violation("K001", "error", "Deployment", "apps", "web", "spec.template.spec.containers[0].resources",
                         "no limits", "set limits")
    waived = [Violation("K010", "error", "DaemonSet", "agents", name, "spec.hostNetwork", "hostNetwork", "remove it",
                        waived=True, waiver_reason="reads the node") for name in ("node-exporter", "node-exporter", "alloy")]
    return [blocking] + waived


def test_the_report_shows_blocking_findings_and_sums_the_waived_up_in_one_line():
    from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import report_lines

    lines = report_lines(_waived_and_blocking())
    assert lines[0].startswith("[K001 error] Deployment/apps/web at spec.template.spec.containers[0].resources")
    assert lines[1] == ("3 waived finding(s) (K010 x3) on DaemonSet/agents/alloy, DaemonSet/agents/node-exporter, each "
                        "waived by an annotation that gives its reason; run with -v to list them.")
    assert lines[2] == "1 blocking violation(s), 0 warning(s), 3 waived"
    assert len(lines) == 3 and not any("reads the node" in line for line in lines)


def test_with_v_the_report_lists_each_waived_finding_with_its_reason():
    from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import report_lines

    lines = report_lines(_waived_and_blocking(), verbose=True)
    assert len(lines) == 5 and sum("Waived: reads the node" in line for line in lines) == 3


def test_the_failure_message_does_not_list_the_waived_findings():
    from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import Report

    report = Report(objects=4, violations=_waived_and_blocking())
    assert "Waived:" not in report.failure() and "3 waived finding(s) (K010 x3)" in report.failure()
    assert report.failure(verbose=True).count("Waived: reads the node") == 3
    assert report.as_dict()["report"][-1] == "1 blocking violation(s), 0 warning(s), 3 waived"
