"""module_utils.rule_files and the select_rule_files filter: leaving shipped rule files out (control-plane
alerts on managed clusters and k3s) and pointing runbook links at the operators' copy."""

from __future__ import annotations

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.rule_files import (
    CONTROL_PLANE_FILE,
    RUNBOOK_BASE_URL,
    RuleFilesError,
    select_rule_files,
)

from conftest import ROOT

SELECT = FilterModule().filters()["select_rule_files"]
RULES_DIR = ROOT / "roles" / "prometheus" / "files" / "rules"
SHIPPED = {p.name: p.read_text() for p in sorted(RULES_DIR.glob("*.yml"))}


def _runbooks(files):
    return [rule["annotations"]["runbook_url"] for text in files.values()
            for group in yaml.safe_load(text)["groups"] for rule in group["rules"]
            if "runbook_url" in rule.get("annotations", {})]


def test_by_default_every_shipped_file_is_kept_unchanged():
    assert select_rule_files(SHIPPED) == SHIPPED
    assert CONTROL_PLANE_FILE in SHIPPED


def test_control_plane_alerts_can_be_switched_off():
    selected = select_rule_files(SHIPPED, control_plane_alerts=False)
    assert sorted(selected) == sorted(set(SHIPPED) - {CONTROL_PLANE_FILE})


def test_any_shipped_file_can_be_left_out_and_unknown_names_are_refused():
    assert "slo.yml" not in SELECT(SHIPPED, disabled=["slo.yml"])
    with pytest.raises(AnsibleFilterError, match=r"unknown rule file\(s\) nodes\.yaml; the shipped files are"):
        SELECT(SHIPPED, disabled=["nodes.yaml"])
    with pytest.raises(AnsibleFilterError, match="must be a list"):
        SELECT(SHIPPED, disabled="slo.yml")
    with pytest.raises(AnsibleFilterError, match="expects a dict"):
        SELECT(["nodes.yml"])


def test_runbook_links_are_rebased_and_the_files_stay_valid():
    selected = select_rule_files(SHIPPED, runbook_base_url="https://wiki.example.org/ops/runbooks")
    links = _runbooks(selected)
    assert links and all(url.startswith("https://wiki.example.org/ops/runbooks/") for url in links)
    assert "https://wiki.example.org/ops/runbooks/nodes.md#nodedown" in links
    assert not any(RUNBOOK_BASE_URL in text for text in selected.values())
    assert len(links) == len(_runbooks(SHIPPED))


def test_a_bad_runbook_url_is_refused():
    with pytest.raises(RuleFilesError, match="not an absolute http"):
        select_rule_files(SHIPPED, runbook_base_url="wiki/runbooks")
