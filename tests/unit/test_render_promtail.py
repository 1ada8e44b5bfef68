"""promtail.yaml built in Python (module_utils/render/promtail.py, filter in plugins/plugin_utils/filters/log_agent.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.promtail import build_config

LOKI = "http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push"


def spec(**changes):
    base = {
        "port": 3101, "log_level": "info", "data_dir": "/var/lib/promtail", "pods_log_dir": "/var/log/pods",
        "loki_url": LOKI, "loki_tenant": "", "extra_labels": {}, "stream_labels": ["namespace", "pod", "job"],
        "drop_rules": [], "extra_files": [], "journal_enabled": False, "journal_max_age": "12h",
    }
    base.update(changes)
    return base


def jobs(config):
    return {job["job_name"]: job for job in config["scrape_configs"]}


def test_the_default_config_ships_the_pods_of_this_node():
    config = build_config(spec())
    assert config["server"] == {"http_listen_port": 3101, "grpc_listen_port": 0, "log_level": "info"}
    assert config["positions"] == {"filename": "/var/lib/promtail/positions.yaml"}
    assert config["clients"] == [{"url": LOKI}]
    assert list(jobs(config)) == ["kubernetes-pods"]
    pods = jobs(config)["kubernetes-pods"]
    assert pods["pipeline_stages"] == [{"cri": {}}, {"labelallow": ["namespace", "pod", "job"]}]
    relabel = pods["relabel_configs"]
    assert relabel[0] == {"source_labels": ["__meta_kubernetes_pod_node_name"], "target_label": "__host__"}
    assert relabel[1]["replacement"] == "/var/log/pods/*$1/*.log" and relabel[1]["target_label"] == "__path__"


def test_label_rules_come_from_the_allow_list_and_job_is_namespace_slash_container():
    pods = jobs(build_config(spec(stream_labels=["app", "stream", "app"])))["kubernetes-pods"]
    assert [rule["source_labels"] for rule in pods["relabel_configs"][2:4]] == [
        ["__meta_kubernetes_pod_label_app"], ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]]
    assert {rule["target_label"] for rule in pods["relabel_configs"][2:]} == {"app"}
    assert pods["pipeline_stages"][-1] == {"labelallow": ["app", "stream"]}
    job = jobs(build_config(spec()))["kubernetes-pods"]["relabel_configs"][-1]
    assert job == {"source_labels": ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_container_name"],
                   "separator": "/", "target_label": "job"}


def test_drop_rules_with_and_without_selectors():
    rules = [{"selector": '{namespace="kube-system"}'},
             {"expression": "GET /healthz", "reason": "health_checks"},
             {"longer_than": "64KB", "selector": '{app="api"}', "expression": "level=debug"}]
    stages = jobs(build_config(spec(drop_rules=rules)))["kubernetes-pods"]["pipeline_stages"]
    assert stages[1:4] == [
        {"match": {"selector": '{namespace="kube-system"}', "action": "drop", "drop_counter_reason": "drop_rule_1"}},
        {"drop": {"expression": "GET /healthz", "drop_counter_reason": "health_checks"}},
        {"match": {"selector": '{app="api"}',
                   "stages": [{"drop": {"expression": "level=debug", "longer_than": "64KB",
                                        "drop_counter_reason": "drop_rule_3"}}]}},
    ]


def test_extra_files_and_journal_run_the_same_stages_without_yaml_anchors():
    config = build_config(spec(drop_rules=[{"older_than": "24h"}], journal_enabled=True, journal_max_age="6h",
                               extra_files=[{"path": "/var/log/syslog", "labels": {"job": "syslog"}},
                                            {"path": "/var/log/auth.log"}]))
    files, journal = jobs(config)["node-files"], jobs(config)["node-journal"]
    assert files["static_configs"] == [{"targets": ["localhost"], "labels": {"__path__": "/var/log/syslog", "job": "syslog"}},
                                       {"targets": ["localhost"], "labels": {"__path__": "/var/log/auth.log"}}]
    assert journal["journal"] == {"max_age": "6h", "path": "/var/log/journal", "labels": {"job": "node-journal"}}
    assert files["pipeline_stages"] == journal["pipeline_stages"] == [
        {"drop": {"older_than": "24h", "drop_counter_reason": "drop_rule_1"}}, {"labelallow": ["namespace", "pod", "job"]}]
    assert "&" not in yaml.safe_dump(config) and "*id" not in yaml.safe_dump(config)


def test_tenant_and_external_labels_go_to_the_client():
    config = build_config(spec(loki_tenant="team-a", extra_labels={"cluster": "c1"},
                               loki_url="https://logs.example.org/loki/api/v1/push"))
    assert config["clients"] == [{"url": "https://logs.example.org/loki/api/v1/push", "tenant_id": "team-a",
                                  "external_labels": {"cluster": "c1"}}]


def test_the_result_shares_nothing_with_the_settings():
    settings = spec(extra_labels={"cluster": "c1"}, extra_files=[{"path": "/var/log/syslog", "labels": {"job": "s"}}])
    config = build_config(settings)
    config["clients"][0]["external_labels"]["cluster"] = "changed"
    jobs(config)["node-files"]["static_configs"][0]["labels"]["job"] = "changed"
    assert settings["extra_labels"] == {"cluster": "c1"} and settings["extra_files"][0]["labels"] == {"job": "s"}


def test_the_filter_is_a_thin_door():
    promtail_config = FilterModule().filters()["promtail_config"]
    assert promtail_config(spec()) == build_config(spec())
    with pytest.raises(AnsibleFilterError, match="promtail_config: the settings lack the key 'data_dir'"):
        promtail_config({k: v for k, v in spec().items() if k != "data_dir"})
    with pytest.raises(AnsibleFilterError, match="promtail_config: expects a dict of settings, got list"):
        promtail_config([])
