"""The validate phase's dashboard checks: rule M008's lint of one dashboard (and through the policy
engine), and the DASHBOARD_JOB cross-check of dashboard queries against the Prometheus scrape jobs."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from dashboard_fixtures import ALL_COMPONENTS, BUILTIN, DATASOURCES, ROOT, builtin_specs, render, spec

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.bundle import bundle_dashboards
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.spec import render_dashboard
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.dashboard_jobs import (
    check_dashboard_jobs,
    dashboard_queries,
    query_jobs,
    scrape_jobs,
    unknown_jobs,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.dashboards import lint_dashboard
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import check_objects

STACK_JOBS = ["prometheus", "alertmanager", "grafana", "loki", "node-exporter", "kube-state-metrics",
              "kubernetes-apiservers", "kubelet", "kubelet-cadvisor", "kubernetes-service-endpoints",
              "kubernetes-pods"]


@pytest.mark.parametrize("version", ["10.0.0", "13.2.3"])
@pytest.mark.parametrize("name", [p.name for p in BUILTIN])
def test_m008_passes_on_every_builtin_dashboard(name, version):
    value = yaml.safe_load((ROOT / "roles" / "grafana" / "files" / "dashboards" / name).read_text())
    board = render_dashboard(value, DATASOURCES, version, ALL_COMPONENTS, name)
    assert board is not None
    assert lint_dashboard(board, DATASOURCES) == []
    assert board["uid"].startswith("vmstation-") and "vmstation-monitoring" in board["tags"]


@pytest.mark.parametrize("components", [["prometheus"], ["prometheus", "kube_state_metrics"], ["loki"],
                                        ["prometheus", "node_exporter", "grafana"]])
def test_builtin_dashboards_render_for_any_set_of_components(components):
    datasources = [ds for ds in DATASOURCES if ds["type"] in components]
    entries = [{"name": name, "spec": value} for name, value in builtin_specs()]
    files = bundle_dashboards(entries, datasources, "13.2.3", components)
    for item in files:
        assert lint_dashboard(json.loads(item["content"]), datasources) == []
    uids = {item["uid"] for item in files}
    assert ("vmstation-logs" in uids) == ("loki" in components)
    assert ("vmstation-nodes" in uids) == ("node_exporter" in components and "prometheus" in components)


def lint_messages(board):
    return "\n".join("%s: %s" % (path, message) for path, message, _fix in lint_dashboard(board, DATASOURCES))


def test_m008_finds_overlaps_missing_ref_ids_empty_queries_and_unresolved_datasources():
    board = render(spec())
    bad = copy.deepcopy(board)
    bad["panels"][2]["gridPos"] = dict(bad["panels"][1]["gridPos"])
    bad["panels"][1]["targets"][0]["refId"] = ""
    bad["panels"][1]["targets"].append({"refId": "B", "expr": " ", "datasource": {"type": "prometheus", "uid": "nope"}})
    bad["panels"][2]["datasource"] = "Prometheus"
    text = lint_messages(bad)
    assert "panels[2].gridPos: panel 'Errors' overlaps panel 'Requests' (panels[1])" in text
    assert "panels[1].targets[0].refId: panel 'Requests' has a query without refId" in text
    assert "panels[1].targets[1].expr: panel 'Requests', query B is empty" in text
    assert "panels[1].targets[1].datasource: panel 'Requests', query B references datasource uid 'nope'" in text
    assert "panels[2].datasource: panel 'Errors' references the datasource 'Prometheus' by name" in text


def test_m008_resolves_datasource_variables_against_provisioned_types():
    board = render(spec())
    assert lint_messages(board) == ""
    only_loki = [ds for ds in DATASOURCES if ds["type"] == "loki"]
    messages = "\n".join(m for _p, m, _f in lint_dashboard(board, only_loki))
    assert "${datasource}, a variable over 'prometheus' datasources, but none is provisioned" in messages


def test_m008_finds_duplicate_ref_ids_and_bad_uids():
    board = render(spec())
    board["uid"] = "x" * 41
    board["panels"][1]["targets"].append(dict(board["panels"][1]["targets"][0]))
    text = lint_messages(board)
    assert "uid: uid 'xxx" in text and "uses refId 'A' twice" in text


def test_m008_runs_through_the_policy_engine_with_waivers():
    board = render(spec())
    board["panels"][1]["targets"][0]["expr"] = ""
    objects = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ds", "namespace": "m"},
         "data": {"datasources.yaml": yaml.safe_dump({"apiVersion": 1, "datasources": DATASOURCES})}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dash", "namespace": "m"},
         "data": {"my-app.json": json.dumps(board)}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "dash2", "namespace": "m"},
         "data": {"copy.json": json.dumps(render(spec()))}},
    ]
    found = [v for v in check_objects(objects, ["M008"]) if v.rule == "M008"]
    paths = sorted(v.path for v in found)
    assert any("panels[1].targets[0].expr" in p for p in paths), paths
    assert any("uid" in v.path and "already used" in v.message for v in found)


# --- the job cross-check ------------------------------------------------------------------------------

def prometheus_config(jobs, extra_relabel=None):
    scrape = [{"job_name": job, "relabel_configs": []} for job in jobs]
    if extra_relabel:
        scrape[0]["relabel_configs"] = extra_relabel
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "prometheus-config", "namespace": "m"},
            "data": {"prometheus.yml": yaml.safe_dump({"scrape_configs": scrape})}}


def dashboard_object(board, name="dash"):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "m"},
            "data": {"%s.json" % board["uid"]: json.dumps(board)}}


def test_scrape_jobs_reads_job_names_and_relabelings():
    config = {"scrape_configs": [
        {"job_name": "a"},
        {"job_name": "b", "relabel_configs": [{"target_label": "job", "replacement": "b-renamed"}]},
        {"job_name": "c", "relabel_configs": [
            {"source_labels": ["__meta_kubernetes_service_label_app_kubernetes_io_name"], "regex": "x|y",
             "action": "keep"},
            {"source_labels": ["__meta_kubernetes_service_label_app_kubernetes_io_name"], "target_label": "job"}]},
    ]}
    assert scrape_jobs(config) == ({"a", "b", "b-renamed", "c", "x", "y"}, False)
    opened = {"scrape_configs": [{"job_name": "d", "relabel_configs": [
        {"source_labels": ["__meta_kubernetes_pod_label_app"], "target_label": "job"}]}]}
    assert scrape_jobs(opened) == ({"d"}, True)


@pytest.mark.parametrize("expr, jobs", [
    ('up{job="a"}', [("=", "a")]),
    ("up{job = 'b', x=\"y\"}", [("=", "b")]),
    ('rate(x{job=~"a|b"}[5m]) / on(job) y{job!="c"}', [("=~", "a|b"), ("!=", "c")]),
    ('label_replace(up, "job", "$1", "x", "(.*)")', []),
    ('sum by (job) (up)', []),
])
def test_query_jobs_finds_job_matchers(expr, jobs):
    assert query_jobs(expr) == jobs


def test_unknown_jobs_handles_equality_regex_and_variables():
    jobs = {"prometheus", "loki"}
    assert unknown_jobs('up{job="prometheus"}', jobs) == []
    assert unknown_jobs('up{job="nope"}', jobs) == [("=", "nope")]
    assert unknown_jobs('up{job=~"lok.*"}', jobs) == []
    assert unknown_jobs('up{job=~"grafana|tempo"}', jobs) == [("=~", "grafana|tempo")]
    assert unknown_jobs('up{job=~"$job"}', jobs) == []
    assert unknown_jobs('up{job!="nope"}', jobs) == []


def test_every_builtin_dashboard_asks_only_for_jobs_of_the_stack():
    entries = [{"name": name, "spec": value} for name, value in builtin_specs()]
    files = bundle_dashboards(entries, DATASOURCES, "13.2.3", ALL_COMPONENTS)
    objects = [prometheus_config(STACK_JOBS), {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ds", "namespace": "m"},
        "data": {"datasources.yaml": yaml.safe_dump({"apiVersion": 1, "datasources": DATASOURCES})}}]
    objects += [dashboard_object(json.loads(item["content"]), item["configmap"]) for item in files]
    assert check_dashboard_jobs(objects) == []
    asked = {value for item in files for _path, expr in dashboard_queries(json.loads(item["content"]), DATASOURCES)
             for _op, value in query_jobs(expr)}
    assert asked <= set(STACK_JOBS) and len(asked) >= 8


def test_a_dashboard_asking_for_a_job_no_scrape_job_yields_is_an_error():
    bad = render(spec(title="Bad jobs", variables=[
        "datasource", {"name": "svc", "query": 'label_values(up{job="ghost"}, service)'}]))
    objects = [prometheus_config(["prometheus", "my-app"]), dashboard_object(bad)]
    found = check_dashboard_jobs(objects)
    assert len(found) == 1 and found[0].rule == "DASHBOARD_JOB"
    assert found[0].name == "dash" and found[0].path == 'data["bad-jobs.json"].templating.list[1].query'
    assert "dashboard 'Bad jobs' asks for job=\"ghost\"" in found[0].message
    missing = prometheus_config(["prometheus"])
    found = check_dashboard_jobs([missing, dashboard_object(render(spec()))])
    assert [v.path for v in found] == ['data["my-app.json"].panels[1].targets[0].expr',
                                       'data["my-app.json"].panels[2].targets[0].expr']


def test_job_cross_check_is_skipped_without_a_prometheus_config_or_with_open_relabelings():
    board = dashboard_object(render(spec()))
    assert check_dashboard_jobs([board]) == []
    opened = prometheus_config(["prometheus"], [{"source_labels": ["__meta_x"], "target_label": "job"}])
    assert check_dashboard_jobs([opened, board]) == []
