"""Dashboards as code: specs rendered to Grafana JSON (layout, uids, versions, datasources, bad specs),
exported dashboards imported, every dashboard of a Grafana bundled into ConfigMap files, and the filters."""

from __future__ import annotations

import itertools
import json

import pytest
from ansible.errors import AnsibleFilterError

from dashboard_fixtures import DATASOURCES, builtin_specs, exported, render, spec

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.bundle import (
    bundle_dashboards,
    configmap_name,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.imports import import_dashboard
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import (
    UID_PATTERN,
    DashboardError,
    dashboard_uid,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.dashboards import lint_dashboard

FILTERS = FilterModule().filters()


def boxes(panels):
    return [p["gridPos"] for p in panels]


def overlapping(a, b):
    return (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
            and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


# --- layout ----------------------------------------------------------------------------------------

def test_rows_and_panels_are_laid_out_left_to_right_below_their_row():
    board = render(spec())
    row, requests, errors = board["panels"]
    assert row["type"] == "row" and row["gridPos"] == {"h": 1, "w": 24, "x": 0, "y": 0}
    assert requests["gridPos"] == {"h": 8, "w": 12, "x": 0, "y": 1}
    assert errors["gridPos"] == {"h": 4, "w": 4, "x": 12, "y": 1}


def test_a_panel_that_does_not_fit_goes_below_and_rows_start_below_everything():
    value = spec(rows=[
        {"title": "A", "panels": [{"title": "p%d" % i, "size": [10, 3 + i], "queries": ["up"]} for i in range(3)]},
        {"title": "B", "panels": [{"title": "last", "size": [24, 2], "queries": ["up"]}]},
    ])
    panels = render(value)["panels"]
    first, second, third = panels[1:4]
    assert (first["gridPos"]["x"], second["gridPos"]["x"]) == (0, 10)
    assert third["gridPos"]["y"] == 1 + 3  # under the lower of the two, the first one
    row_b = panels[4]
    assert row_b["gridPos"]["y"] == max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels[1:4])
    assert panels[5]["gridPos"]["y"] == row_b["gridPos"]["y"] + 1


def test_small_panels_fill_the_space_beside_a_tall_one():
    value = spec(rows=[{"title": "A", "panels": [
        {"title": "tall", "size": [16, 8], "queries": ["up"]},
        {"title": "s1", "size": [8, 4], "queries": ["up"]},
        {"title": "s2", "size": [8, 4], "queries": ["up"]},
    ]}])
    _row, tall, s1, s2 = render(value)["panels"]
    assert s1["gridPos"] == {"h": 4, "w": 8, "x": 16, "y": 1}
    assert s2["gridPos"] == {"h": 4, "w": 8, "x": 16, "y": 5}


@pytest.mark.parametrize("seed", range(5))
def test_no_layout_ever_overlaps(seed):
    sizes = list(itertools.product((3, 4, 6, 8, 12, 24), (2, 4, 7)))
    panels = [{"title": "p%d" % i, "size": list(sizes[(i * (seed + 7)) % len(sizes)]), "queries": ["up"]}
              for i in range(25)]
    board = render(spec(rows=[{"title": "r1", "panels": panels[:12]}, {"title": "r2", "panels": panels[12:]}]))
    placed = boxes(board["panels"])
    assert all(not overlapping(a, b) for a, b in itertools.combinations(placed, 2))
    assert all(box["x"] + box["w"] <= 24 for box in placed)
    assert lint_dashboard(board, DATASOURCES) == []


def test_collapsed_rows_carry_their_panels():
    value = spec(rows=[{"title": "Hidden", "collapsed": True, "panels": [{"title": "p", "queries": ["up"]}]},
                       {"title": "Shown", "panels": [{"title": "q", "queries": ["up"]}]}])
    panels = render(value)["panels"]
    assert panels[0]["collapsed"] is True and [p["title"] for p in panels[0]["panels"]] == ["p"]
    assert panels[1]["type"] == "row" and panels[1]["gridPos"]["y"] == 1
    assert lint_dashboard(render(value), DATASOURCES) == []


def test_panel_ids_and_ref_ids_are_assigned():
    queries = ["up", {"expr": "up", "legend": "x"}, {"expr": "up", "ref_id": "Z"}]
    value = spec(panels=[{"title": "two", "queries": queries}],
                 rows=[])
    panel = render(value)["panels"][0]
    assert [t["refId"] for t in panel["targets"]] == ["A", "B", "Z"]
    assert panel["id"] == 1


# --- uid, version, datasources -----------------------------------------------------------------------

def test_uid_comes_from_the_title_and_does_not_change_with_panels():
    first = render(spec())
    changed = spec()
    changed["rows"][0]["panels"].append({"title": "More", "queries": ["up"]})
    assert render(changed)["uid"] == first["uid"] == "my-app"


def test_explicit_uid_wins_and_long_titles_keep_a_stable_short_uid():
    assert render(spec(uid="custom_uid-1"))["uid"] == "custom_uid-1"
    title = "A very long dashboard title that goes well beyond forty characters"
    uid = render(spec(title=title))["uid"]
    assert len(uid) <= 40 and uid == render(spec(title=title))["uid"] and UID_PATTERN.match(uid)
    assert uid != dashboard_uid(title + " 2")


@pytest.mark.parametrize("version, schema", [("10.0.0", 38), ("v10.4.1", 38), ("13.2.3", 42), ("13.2.3@sha256:ab", 42)])
def test_schema_version_follows_the_target_grafana(version, schema):
    assert render(spec(), version=version)["schemaVersion"] == schema


def test_grafana_older_than_10_is_refused():
    with pytest.raises(DashboardError, match="older than"):
        render(spec(), version="9.5.0")


def test_datasources_are_referenced_by_uid_or_through_the_datasource_variable():
    with_variable = render(spec())
    panel = with_variable["panels"][1]
    assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    assert all(t["datasource"] == panel["datasource"] for t in panel["targets"])
    variable = with_variable["templating"]["list"][0]
    assert variable["type"] == "datasource" and variable["current"]["value"] == "prometheus"
    without = render(spec(variables=[]))
    assert without["panels"][1]["datasource"] == {"type": "prometheus", "uid": "prometheus"}


def test_logs_panels_default_to_loki():
    logs = {"title": "Logs", "type": "logs", "queries": ['{namespace="x"}']}
    value = spec(variables=["logs_datasource"], rows=[], panels=[logs])
    panel = render(value)["panels"][0]
    assert panel["datasource"] == {"type": "loki", "uid": "${logs_datasource}"}
    assert panel["targets"][0]["queryType"] == "range"


def test_standard_variables_and_unit_thresholds_size():
    value = spec(variables=["datasource", "cluster", "node"], rows=[], panels=[{
        "title": "CPU", "unit": "percentunit", "thresholds": [0.8, 0.9], "size": {"width": 6, "height": 5},
        "queries": ['avg(rate(node_cpu_seconds_total{job="node-exporter", node=~"$node", cluster=~"$cluster"}[5m]))']}])
    board = render(value)
    names = [v["name"] for v in board["templating"]["list"]]
    assert names == ["datasource", "cluster", "node"]
    node = board["templating"]["list"][2]
    assert node["multi"] and node["includeAll"] and node["allValue"] == ".*"
    assert node["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    defaults = board["panels"][0]["fieldConfig"]["defaults"]
    assert defaults["unit"] == "percentunit"
    assert [s["value"] for s in defaults["thresholds"]["steps"]] == [None, 0.8, 0.9]
    assert board["panels"][0]["gridPos"]["w"] == 6 and board["panels"][0]["gridPos"]["h"] == 5


def test_requires_leaves_out_dashboards_rows_panels_and_queries():
    value = spec(rows=[
        {"title": "Logs", "requires": ["loki"], "panels": [{"title": "l", "queries": ["up"]}]},
        {"title": "Mixed", "panels": [
            {"title": "am", "requires": ["alertmanager"], "queries": ["up"]},
            {"title": "two", "queries": ["up", {"expr": "vector(1)", "requires": ["loki"]}]},
        ]},
    ])
    board = render(value, components=["prometheus"])
    assert [p["title"] for p in board["panels"]] == ["Mixed", "two"]
    assert len(board["panels"][1]["targets"]) == 1
    assert render(dict(value, requires=["loki"]), components=["prometheus"]) is None
    assert len(render(value, components=None)["panels"]) == 5


# --- bad specs --------------------------------------------------------------------------------------

def test_every_problem_of_a_bad_spec_is_reported_naming_dashboard_and_panel():
    value = spec(rows=[{"title": "Broken", "panels": [
        {"title": "Wrong type", "type": "graphh", "queries": ["up"]},
        {"title": "No queries", "type": "timeseries"},
        {"title": "Bad threshold", "thresholds": ["high"], "queries": ["up"]},
        {"title": "Typo", "querys": ["up"], "queries": ["up"]},
        {"title": "Undefined variable", "queries": ['up{namespace=~"$namespace"}']},
        {"title": "Too wide", "size": [30, 4], "queries": ["up"]},
    ]}])
    with pytest.raises(DashboardError) as error:
        render(value)
    problems = error.value.problems
    assert len(problems) == 6, problems
    assert all(p.startswith("dashboard 'My app' (test.yml)") for p in problems)
    text = "\n".join(problems)
    for expected in ("panel 'Wrong type'", "type 'graphh' is not one of", "panel 'No queries'",
                     "queries must be a non-empty list", "panel 'Bad threshold'", "panel 'Typo'", "querys",
                     "uses $namespace", "panel 'Too wide'", "width 30"):
        assert expected in text


def test_a_missing_datasource_names_the_panel_and_the_fix():
    value = spec(rows=[], panels=[{"title": "Logs", "type": "logs", "queries": ['{a="b"}']}])
    with pytest.raises(DashboardError, match=r"panel 'Logs'.*datasource 'loki'.*requires"):
        render(value, datasources=DATASOURCES[:1])


@pytest.mark.parametrize("bad, message", [
    ({"title": ""}, "title is required"),
    ({"uid": "has space"}, "not a valid uid"),
    ({"variables": ["nosuch"]}, "not a standard variable"),
    ({"variables": ["datasource", "datasource"]}, "defined twice"),
    ({"rows": [], "panels": []}, "has no panels"),
    ({"unknown": 1}, "unknown key"),
    ({"time": "now-1h"}, "time must be a mapping"),
    ({"time": {"from": "now-1h"}}, "needs from and to"),
    ({"graph_tooltip": 5}, "must be 0, 1 or 2"),
    ({"refresh": 30}, "refresh must be a string"),
    ({"panels": [{"title": "p", "queries": ["up"], "options": ["x"]}], "rows": []},
     "panel 'p': options must be a mapping"),
    ({"panels": [{"title": "p", "queries": ["up"], "hide_columns": "Time"}], "rows": []},
     "hide_columns must be a list"),
])
def test_bad_dashboard_settings_are_refused(bad, message):
    with pytest.raises(DashboardError, match=message):
        render(spec(**bad))


def test_the_filter_raises_ansible_errors_listing_the_problems():
    value = spec(rows=[{"title": "R", "panels": [{"title": "P", "type": "nope", "queries": ["up"]}]}])
    expected = r"grafana_dashboard: 1 problem\(s\):\n- dashboard 'My app'.*panel 'P'"
    with pytest.raises(AnsibleFilterError, match=expected):
        FILTERS["grafana_dashboard"](value, datasources=DATASOURCES, grafana_version="10.0.0", source="test.yml")
    assert FILTERS["grafana_dashboard"](spec(), datasources=DATASOURCES, grafana_version="10.0.0")["uid"] == "my-app"


# --- imports ----------------------------------------------------------------------------------------

def test_import_rewrites_datasource_inputs_to_provisioned_uids():
    board = import_dashboard(exported(), DATASOURCES, "13.2.3", source="node.json")
    text = json.dumps(board)
    assert "DS_PROMETHEUS" not in text and "__inputs" not in board and "__requires" not in board
    assert board["id"] is None and board["uid"] == "rYdddlPWk"
    assert board["panels"][0]["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert board["panels"][1]["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert board["panels"][0]["targets"][0]["expr"] == 'up{job="node-exporter"}'
    assert [t["refId"] for t in board["panels"][0]["targets"]] == ["B", "A"]
    assert lint_dashboard(board, DATASOURCES) == []


def test_import_takes_uid_and_input_overrides():
    extra = DATASOURCES + [{"name": "Thanos", "type": "prometheus", "uid": "thanos"}]
    board = import_dashboard(exported(), extra, "13.2.3", uid="node-full",
                             inputs={"DS_PROMETHEUS": "thanos", "VAR_JOB": "my-nodes"})
    assert board["uid"] == "node-full"
    assert board["panels"][0]["datasource"]["uid"] == "thanos"
    assert board["panels"][0]["targets"][0]["expr"] == 'up{job="my-nodes"}'


def test_import_errors_name_the_dashboard_and_the_input():
    broken = exported()
    broken["__inputs"][0]["pluginId"] = "influxdb"
    broken["panels"][0]["targets"].append({"expr": "${DS_OTHER}"})
    with pytest.raises(DashboardError) as error:
        import_dashboard(broken, DATASOURCES, "13.2.3", inputs={"DS_NOPE": "x"}, source="node.json")
    text = "\n".join(error.value.problems)
    assert "imported dashboard 'Node Exporter Full' (node.json)" in text
    assert "input DS_PROMETHEUS asks for a 'influxdb' datasource" in text
    assert "DS_NOPE" in text and "${DS_OTHER}" in text


def test_import_refuses_dashboards_newer_than_the_seed_grafana():
    newer = dict(exported(), schemaVersion=41)
    with pytest.raises(DashboardError, match="schemaVersion 41, newer than Grafana 10.0.0"):
        import_dashboard(newer, DATASOURCES, "10.0.0")
    assert import_dashboard(newer, DATASOURCES, "13.2.3")["schemaVersion"] == 41


def test_import_filter_accepts_json_text():
    board = FILTERS["grafana_dashboard_import"](json.dumps(exported()), datasources=DATASOURCES,
                                                grafana_version="10.0.0")
    assert board["panels"][0]["datasource"]["uid"] == "prometheus"
    with pytest.raises(AnsibleFilterError, match="not valid JSON"):
        FILTERS["grafana_dashboard_import"]("{nope", datasources=DATASOURCES, grafana_version="10.0.0")


def test_there_are_eight_builtin_dashboards():
    assert [name for name, _spec in builtin_specs()] == [
        "alerts.yml", "home.yml", "kubernetes-cluster.yml", "kubernetes-nodes.yml", "kubernetes-workloads.yml",
        "logs.yml", "loki.yml", "prometheus.yml"]


# --- the bundle -------------------------------------------------------------------------------------

def test_bundle_lays_out_one_configmap_per_dashboard():
    entries = [{"spec": spec(), "folder": "Apps"}, {"json": exported(), "uid": "Node_Full"}]
    files = bundle_dashboards(entries, DATASOURCES, "13.2.3", default_folder="")
    by_uid = {item["uid"]: item for item in files}
    assert by_uid["my-app"]["configmap"] == "grafana-dashboard-my-app"
    assert by_uid["my-app"]["folder_slug"] == "apps" and by_uid["Node_Full"]["folder_slug"] == "general"
    assert by_uid["Node_Full"]["configmap"].startswith("grafana-dashboard-node-full-")
    assert json.loads(by_uid["my-app"]["content"])["uid"] == "my-app"


def test_bundle_reports_every_problem_of_every_entry():
    huge = spec(title="Huge", rows=[], panels=[{"title": "T", "type": "text", "content": "x" * (1100 * 1024)}])
    entries = [
        {"spec": spec(), "name": "one"},
        {"spec": spec(), "name": "two"},
        {"spec": spec(uid="other"), "name": "three"},
        {"spec": huge, "name": "huge"},
        {"spec": spec(title="X"), "json": {}, "name": "both"},
        {"spec": spec(title="Y"), "folder": "A b", "name": "f1"},
        {"spec": spec(title="Z"), "folder": "a-b", "name": "f2"},
        {"spec": spec(title="W"), "colour": "red"},
    ]
    with pytest.raises(DashboardError) as error:
        bundle_dashboards(entries, DATASOURCES, "13.2.3")
    text = "\n".join(error.value.problems)
    assert "(two): uid 'my-app' is already used by dashboard entry #1 (one)" in text
    assert "(three): title 'My app' is already used in folder 'General'" in text
    assert "dashboard 'Huge' is" in text and "more than a ConfigMap can carry" in text
    assert "(both) needs exactly one of spec" in text
    assert "folder 'a-b' and folder 'A b' would share the mount folder 'a-b'" in text
    assert "unknown key(s) colour" in text


def test_configmap_names_are_dns_names():
    for uid in ("vmstation-home", "Node_Full", "UPPER", "a" * 40):
        name = configmap_name("grafana-dashboard", uid)
        assert len(name) <= 253 and name == name.lower() and "_" not in name
    assert configmap_name("grafana-dashboard", "Node_Full") != configmap_name("grafana-dashboard", "node-full")
