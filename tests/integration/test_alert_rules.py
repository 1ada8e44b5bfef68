"""The shipped rule set (roles/prometheus/files/rules/) and its tests (tests/rules/):

- the pinned promtool of each version profile's Prometheus (scripts/tools.py) checks every shipped file
  and every rule file of the rendered prometheus-rules ConfigMap, with the inventory's rule groups;
- the promtool of each profile runs every unit test file of tests/rules/, and every alert has a case
  where it fires and one where it does not, every severity of it fires somewhere;
- every alert carries severity, summary and description, and the alerting files' runbook links point at
  an existing heading of docs/runbooks/;
- the job names the rules select are jobs the rendered Prometheus scrapes.
"""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml
from real_tools import binary, role_tag

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.contract import CONTRACT
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.rule_files import CONTROL_PLANE_FILE, RUNBOOK_BASE_URL

from conftest import PROFILES, ROOT

RULES_DIR = ROOT / "roles" / "prometheus" / "files" / "rules"
TESTS_DIR = ROOT / "tests" / "rules"
RUNBOOKS = ROOT / "docs" / "runbooks"
SHIPPED = sorted(p.name for p in RULES_DIR.glob("*.yml"))
TEST_FILES = sorted(p.name for p in TESTS_DIR.glob("*.test.yml"))
# The files of the alerting issue: each alert links its runbook.
ALERTING_FILES = ("nodes.yml", "kubernetes.yml", "control-plane.yml", "stack.yml", "stack-health.yml", "slo.yml")
SEVERITIES = ("critical", "warning", "info", "none")
USER_GROUP = {"name": "team-a", "rules": [{
    "alert": "TeamAQueueStuck", "expr": "max(team_a_queue_depth) > 100", "for": "10m",
    "labels": {"severity": "warning"},
    "annotations": {"summary": "The queue of team A is stuck.", "description": "Its depth stays over 100."}}]}


def _promtool(profile):
    return binary("prometheus", role_tag("prometheus_image_tags", profile), "promtool")


def _groups(path):
    return (yaml.safe_load(path.read_text()) or {}).get("groups") or []


def _alerts(name):
    return [rule for group in _groups(RULES_DIR / name) for rule in group["rules"] if "alert" in rule]


def _test_cases():
    """alert name -> list of (fires: bool, severities fired) over every test file."""
    cases = {}
    for name in TEST_FILES:
        data = yaml.safe_load((TESTS_DIR / name).read_text())
        for test in data.get("tests") or []:
            for case in test.get("alert_rule_test") or []:
                expected = case.get("exp_alerts") or []
                severities = {a.get("exp_labels", {}).get("severity") for a in expected}
                cases.setdefault(case["alertname"], []).append((bool(expected), severities))
    return cases


@pytest.mark.tools
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", SHIPPED)
def test_promtool_accepts_every_shipped_rule_file(name, profile):
    proc = subprocess.run([_promtool(profile), "check", "rules", str(RULES_DIR / name)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.tools
@pytest.mark.render
@pytest.mark.parametrize("profile", PROFILES)
def test_promtool_accepts_every_rendered_rule_file(render, profile, tmp_path):
    run = render("local", profile, monitoring_log_agent="none", prometheus_rule_groups=[USER_GROUP])
    assert run.returncode == 0, run.output[-4000:]
    data = run.find("local", "ConfigMap", "prometheus-rules")["data"]
    assert set(ALERTING_FILES) <= set(data), "the rendered ConfigMap lacks alerting files: %s" % sorted(data)
    assert any("TeamAQueueStuck" in text for text in data.values()), "the inventory's rule group is not rendered"
    for name, text in sorted(data.items()):
        path = tmp_path / name
        path.write_text(text)
        proc = subprocess.run([_promtool(profile), "check", "rules", str(path)], capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, "%s: %s" % (name, proc.stdout + proc.stderr)


@pytest.mark.tools
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", TEST_FILES)
def test_promtool_unit_tests_pass(name, profile):
    proc = subprocess.run([_promtool(profile), "test", "rules", name], cwd=TESTS_DIR, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS" in proc.stdout


def test_the_unit_tests_load_the_shipped_files():
    loaded = set()
    for name in TEST_FILES:
        for path in yaml.safe_load((TESTS_DIR / name).read_text())["rule_files"]:
            resolved = (TESTS_DIR / path).resolve()
            assert resolved.parent == RULES_DIR.resolve(), "%s loads %s, not a shipped file" % (name, path)
            loaded.add(resolved.name)
    assert sorted(loaded) == SHIPPED, "shipped files without unit tests: %s" % sorted(set(SHIPPED) - loaded)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_alert_fires_in_a_test_and_stays_quiet_in_another(name):
    cases = _test_cases()
    for rule in _alerts(name):
        alert = rule["alert"]
        found = cases.get(alert, [])
        assert any(fires for fires, _s in found), "%s (%s) never fires in tests/rules" % (alert, name)
        assert any(not fires for fires, _s in found), "%s (%s) has no case where it stays quiet" % (alert, name)
        severity = rule["labels"]["severity"]
        assert any(severity in fired for _f, fired in found), (
            "the %s rule of %s (%s) never fires in tests/rules" % (severity, alert, name))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_alert_has_severity_summary_and_description(name):
    for rule in _alerts(name):
        assert rule.get("labels", {}).get("severity") in SEVERITIES, rule["alert"]
        annotations = rule.get("annotations") or {}
        assert annotations.get("summary", "").strip() and annotations.get("description", "").strip(), rule["alert"]
        assert annotations["summary"].strip().endswith("."), "%s: a summary is a sentence" % rule["alert"]
        if "absent(" not in rule["expr"]:
            assert rule.get("for"), "%s has no `for` duration (STANDARDS M005)" % rule["alert"]


@pytest.mark.parametrize("name", ALERTING_FILES)
def test_every_alert_links_an_existing_runbook_heading(name):
    for rule in _alerts(name):
        url = rule["annotations"].get("runbook_url", "")
        assert url.startswith(RUNBOOK_BASE_URL), (
            "%s: runbook_url %r is not under %s" % (rule["alert"], url, RUNBOOK_BASE_URL))
        page, _hash, anchor = url[len(RUNBOOK_BASE_URL):].partition("#")
        assert page == name.replace(".yml", ".md"), "%s links %s, not the runbook page of %s" % (rule["alert"], page,
                                                                                                 name)
        assert anchor == rule["alert"].lower(), "%s: anchor %r is not the alert's name" % (rule["alert"], anchor)
        text = (RUNBOOKS / page).read_text()
        headings = {re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
                    for line in text.splitlines() if line.startswith("## ")}
        assert anchor in headings, "docs/runbooks/%s has no heading `## %s`" % (page, rule["alert"])


def test_alert_names_are_unique_across_files():
    owner = {}
    for name in SHIPPED:
        for rule in _alerts(name):
            assert owner.setdefault(rule["alert"], name) == name, "%s is defined in %s and %s" % (
                rule["alert"], owner[rule["alert"]], name)


def test_an_alert_shared_by_two_rules_differs_by_severity():
    for name in SHIPPED:
        seen = {}
        for rule in _alerts(name):
            key = (rule["alert"], rule["labels"]["severity"])
            assert key not in seen, "%s has two %s rules in %s" % (rule["alert"], key[1], name)
            seen[key] = True


def test_recording_rules_follow_the_naming_convention():
    for name in SHIPPED:
        for group in _groups(RULES_DIR / name):
            for rule in group["rules"]:
                if "record" in rule:
                    assert re.match(r"^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$", rule["record"]), rule["record"]


def test_control_plane_alerts_are_only_about_the_api_servers():
    # control-plane.yml is the file an inventory leaves out on managed clusters and k3s: nothing else may
    # depend on it, and it may only watch the API servers.
    for rule in _alerts(CONTROL_PLANE_FILE):
        assert set(re.findall(r'job="([^"]+)"', rule["expr"])) == {"kubernetes-apiservers"}, rule["alert"]


@pytest.mark.render
def test_the_rules_select_jobs_the_rendered_prometheus_scrapes(render):
    # The default stack of the current profile (every component, Alloy as the agent); the other agent's job
    # is named after its app in the Service contract, as for the others.
    run = render("local", "current")
    assert run.returncode == 0, run.output[-4000:]
    config = yaml.safe_load(run.find("local", "ConfigMap", "prometheus-config")["data"]["prometheus.yml"])
    scraped = {job["job_name"] for job in config["scrape_configs"]}
    scraped.add(CONTRACT["promtail"][0])
    for name in ALERTING_FILES:
        text = (RULES_DIR / name).read_text()
        selected = set(re.findall(r'job="([^"]+)"', text))
        for regex in re.findall(r'job=~"([^"]+)"', text):
            selected.update(regex.split("|"))
        assert selected <= scraped, "%s selects jobs no rendered Prometheus scrapes: %s (scraped: %s)" % (
            name, sorted(selected - scraped), sorted(scraped))


@pytest.mark.render
def test_an_inventory_can_leave_the_control_plane_alerts_out(render):
    run = render("local", "current", monitoring_log_agent="none", prometheus_control_plane_alerts=False,
                 prometheus_runbook_base_url="https://wiki.example.org/runbooks/")
    assert run.returncode == 0, run.output[-4000:]
    data = run.find("local", "ConfigMap", "prometheus-rules")["data"]
    assert CONTROL_PLANE_FILE not in data and set(ALERTING_FILES) - {CONTROL_PLANE_FILE} <= set(data)
    assert "https://wiki.example.org/runbooks/nodes.md#nodedown" in data["nodes.yml"]
