"""prometheus.yml built in Python (module_utils/render/prometheus.py, filters in plugins/plugin_utils/filters/component_config.py)."""

from __future__ import annotations

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.prometheus import (
    build_config,
    job_names,
    scrape_problems,
)

LIMITS = {"sample_limit": 50000, "label_limit": 64, "label_name_length_limit": 256, "label_value_length_limit": 2048}


def spec(**changes):
    base = {
        "scrape_interval": "30s", "scrape_timeout": "10s", "evaluation_interval": "30s",
        "cluster": "local", "environment": "dev", "external_labels": {},
        "rules_dir": "/etc/prometheus/rules", "service_account_dir": "/sa", "instance": "stack", "part_of": "stack",
        "kubelet_insecure_skip_verify": True,
        "component_jobs": [
            {"app": "prometheus", "namespace": "mon", "port": 9090},
            {"app": "kube-state-metrics", "namespace": "mon", "port": 8080},
        ],
        "job_settings": {"kube-state-metrics": {"target_labels": False,
                                                "settings": {"honor_labels": True, "sample_limit": 400000}}},
        "alertmanager": {"app": "alertmanager", "namespace": "mon", "port": 9093, "settings": {}},
        "annotated_targets": True, "scrape_limits": dict(LIMITS), "job_overrides": {}, "extra_scrape_configs": [],
        "overrides": {},
    }
    base.update(changes)
    return base


def jobs(config):
    return {job["job_name"]: job for job in config["scrape_configs"]}


def test_global_settings_and_external_labels():
    config = build_config(spec(external_labels={"region": "eu", "environment": "prod"}))
    assert list(config) == ["global", "rule_files", "alerting", "scrape_configs"]
    assert config["global"] == {"scrape_interval": "30s", "scrape_timeout": "10s", "evaluation_interval": "30s",
                                "external_labels": {"cluster": "local", "environment": "prod", "region": "eu"}}
    assert config["rule_files"] == ["/etc/prometheus/rules/*.yml"]


def test_jobs_in_order_each_with_the_limits_first():
    config = build_config(spec())
    assert [job["job_name"] for job in config["scrape_configs"]] == job_names(spec()) == [
        "kubernetes-apiservers", "kubelet", "kubelet-cadvisor", "prometheus", "kube-state-metrics",
        "kubernetes-service-endpoints", "kubernetes-pods"]
    for job in config["scrape_configs"]:
        assert list(job)[:5] == ["job_name", *LIMITS], job["job_name"]
    assert jobs(config)["kubelet"]["sample_limit"] == 100000
    assert jobs(config)["prometheus"]["sample_limit"] == 50000
    assert jobs(config)["kubelet-cadvisor"]["metrics_path"] == "/metrics/cadvisor"
    assert jobs(config)["kubelet"]["authorization"] == {"type": "Bearer", "credentials_file": "/sa/token"}


def test_a_component_job_keeps_to_its_service_and_may_skip_target_labels():
    config = jobs(build_config(spec()))
    prometheus, ksm = config["prometheus"], config["kube-state-metrics"]
    assert prometheus["kubernetes_sd_configs"] == [{"role": "endpointslice", "namespaces": {"names": ["mon"]}}]
    assert [rule.get("target_label") for rule in prometheus["relabel_configs"]] == [
        None, None, None, "service", "node", "namespace", "pod"]
    assert all("target_label" not in rule for rule in ksm["relabel_configs"])
    assert ksm["honor_labels"] is True and ksm["sample_limit"] == 400000


def test_overrides_merge_key_by_key_and_extra_jobs_come_last():
    extra = {"job_name": "app", "sample_limit": 10, "label_limit": 5, "static_configs": [{"targets": ["a:80"]}]}
    config = build_config(spec(job_overrides={"kubelet": {"tls_config": {"insecure_skip_verify": False},
                                                          "scrape_interval": "1m"}},
                               extra_scrape_configs=[extra],
                               overrides={"global": {"scrape_interval": "1m"}, "storage": {"tsdb": {}}}))
    kubelet = jobs(config)["kubelet"]
    assert kubelet["tls_config"] == {"ca_file": "/sa/ca.crt", "insecure_skip_verify": False}
    assert list(kubelet)[-1] == "scrape_interval"
    assert config["scrape_configs"][-1] == extra
    assert config["global"]["scrape_timeout"] == "10s" and config["global"]["scrape_interval"] == "1m"
    assert list(config)[-1] == "storage"


def test_without_alertmanager_or_annotated_targets():
    config = build_config(spec(alertmanager=None, annotated_targets=False))
    assert "alerting" not in config
    assert "kubernetes-pods" not in jobs(config) and "kubernetes-pods" not in job_names(spec(annotated_targets=False))


def test_alertmanager_discovery_keeps_its_port():
    [alertmanagers] = build_config(spec())["alerting"]["alertmanagers"]
    assert alertmanagers["relabel_configs"][-1] == {"source_labels": ["__meta_kubernetes_endpointslice_port"],
                                                    "regex": "9093", "action": "keep"}


def test_annotation_jobs_drop_the_stack_itself():
    config = jobs(build_config(spec(part_of="vmstation")))
    drops = [rule for rule in config["kubernetes-service-endpoints"]["relabel_configs"]
             if rule.get("regex") == "vmstation"]
    assert [rule["source_labels"][0] for rule in drops] == [
        "__meta_kubernetes_service_label_app_kubernetes_io_part_of",
        "__meta_kubernetes_pod_label_app_kubernetes_io_part_of"]
    assert config["kubernetes-pods"]["relabel_configs"][0]["regex"] == "vmstation"


def test_no_container_is_shared_so_the_yaml_has_no_aliases():
    text = yaml.safe_dump(build_config(spec(job_overrides={"prometheus": {"tls_config": {"ca_file": "x"}}})))
    assert "&id" not in text and "*id" not in text


def test_the_input_is_not_changed():
    given = spec(job_overrides={"kubelet": {"tls_config": {"ca_file": "x"}}})
    before = yaml.safe_dump(given)
    build_config(given)
    assert yaml.safe_dump(given) == before


def test_the_filters_are_thin_doors():
    filters = FilterModule().filters()
    assert filters["prometheus_config"](spec()) == build_config(spec())
    short = spec(scrape_interval="5s")
    assert filters["prometheus_scrape_problems"](short) == scrape_problems(short) != []
    with pytest.raises(AnsibleFilterError, match="prometheus_config: expects a dict"):
        filters["prometheus_config"](["x"])
    with pytest.raises(AnsibleFilterError, match="lack the key 'scrape_limits'"):
        filters["prometheus_config"]({k: v for k, v in spec().items() if k != "scrape_limits"})


def test_scrape_problems_name_each_variable_its_value_and_the_fix():
    problems = scrape_problems(spec(
        scrape_interval="5s", evaluation_interval="1m",
        job_overrides={"kubelett": {"sample_limit": 5}, "kubelet": {"scrape_interval": "10"}},
        extra_scrape_configs=[{"job_name": "app", "scrape_interval": "1m"},
                              {"job_name": "kubelet", "sample_limit": 1, "label_limit": 1}]))
    assert problems[0].startswith('prometheus_scrape_interval is "5s": it must be a Prometheus duration of 15s or more')
    assert problems[1].startswith('prometheus_scrape_job_overrides is ["kubelett", "kubelet"]: it may only name '
                                  'rendered jobs (kubernetes-apiservers, ')
    assert problems[1].endswith("; unknown: kubelett.")
    assert problems[2].startswith('prometheus_scrape_job_overrides.kubelet.scrape_interval is "10": it must be')
    assert problems[3].startswith('prometheus_extra_scrape_configs[0] is {"job_name": "app", "scrape_interval": "1m"}: '
                                  "it must have a job_name, a sample_limit and a label_limit")
    assert problems[3].endswith("it lacks sample_limit, label_limit.")
    assert problems[4].startswith('prometheus_extra_scrape_configs[1].job_name is "kubelet": it must be a name of '
                                  "its own")
    assert len(problems) == 5


def test_good_scrape_settings_have_no_problems():
    assert scrape_problems(spec(job_overrides={"kubelet": {"scrape_interval": "1m"}},
                                extra_scrape_configs=[{"job_name": "app", "sample_limit": 1, "label_limit": 1}])) == []
