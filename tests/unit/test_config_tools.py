"""promtool checks of the Prometheus configs and rule files carried in ConfigMaps (module_utils.config_tools)."""

from __future__ import annotations

import copy
import shutil

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils import config_tools
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate import validate_objects
from ansible_collections.vmstation.monitoring.plugins.module_utils.violations import ERROR, WARNING

needs_promtool = pytest.mark.skipif(shutil.which("promtool") is None,
                                    reason="promtool is missing: install Debian's prometheus package (scripts/setup.sh)")

SA = "/var/run/secrets/kubernetes.io/serviceaccount"

CONFIG = {
    "global": {"scrape_interval": "30s", "evaluation_interval": "30s", "external_labels": {"cluster": "c1"}},
    "rule_files": ["/etc/prometheus/rules/*.yml"],
    "alerting": {"alertmanagers": [{
        "kubernetes_sd_configs": [{"role": "endpointslice", "namespaces": {"names": ["monitoring"]}}],
        "relabel_configs": [{"source_labels": ["__meta_kubernetes_service_name"], "regex": "alertmanager",
                             "action": "keep"}],
    }]},
    "scrape_configs": [
        {
            "job_name": "kubelet",
            "scheme": "https",
            "sample_limit": 1000,
            "label_limit": 30,
            "scrape_interval": "1m",
            "tls_config": {"ca_file": SA + "/ca.crt", "insecure_skip_verify": True},
            "authorization": {"credentials_file": SA + "/token"},
            "kubernetes_sd_configs": [{"role": "node"}],
            "relabel_configs": [{"source_labels": ["__meta_kubernetes_node_name"], "target_label": "node"}],
        },
        {
            "job_name": "static",
            "sample_limit": 10,
            "label_limit": 10,
            "static_configs": [{"targets": ["example.org:9100"]}],
        },
    ],
}

RULES = {"groups": [{"name": "g", "rules": [{
    "alert": "Down", "expr": "up == 0", "for": "5m", "labels": {"severity": "warning"},
    "annotations": {"summary": "down", "description": "{{ $labels.job }} is down"}}]}]}


def _configmap(name, data, namespace="monitoring"):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace}, "data": data}


def _statefulset(automount=True, rules_name="prometheus-rules"):
    return {
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "prometheus", "namespace": "monitoring"},
        "spec": {"template": {"spec": {
            "automountServiceAccountToken": automount,
            "containers": [{"name": "prometheus", "image": "prom:v1", "volumeMounts": [
                {"name": "config", "mountPath": "/etc/prometheus/config"},
                {"name": "rules", "mountPath": "/etc/prometheus/rules"},
                {"name": "data", "mountPath": "/prometheus"},
            ]}],
            "volumes": [{"name": "config", "configMap": {"name": "prometheus-config"}},
                        {"name": "rules", "configMap": {"name": rules_name}},
                        {"name": "data", "emptyDir": {}}],
        }}},
    }


def _stack(config=None, rules=None, automount=True):
    return [
        _configmap("prometheus-config", {"prometheus.yml": yaml.safe_dump(config or CONFIG)}),
        _configmap("prometheus-rules", {"health.yml": yaml.safe_dump(rules or RULES)}),
        _statefulset(automount),
    ]


def _errors(found):
    return [v for v in found if v.severity == ERROR]


# --- pure functions: no promtool needed -------------------------------------------------------------


def test_kubernetes_sd_is_replaced_by_a_static_placeholder_keeping_everything_else():
    checked, replaced = config_tools.replace_kubernetes_sd(CONFIG)
    kubelet = checked["scrape_configs"][0]
    assert "kubernetes_sd_configs" not in kubelet
    assert kubelet["static_configs"] == [{"targets": [config_tools.PLACEHOLDER_TARGET]}]
    original = {k: v for k, v in CONFIG["scrape_configs"][0].items() if k != "kubernetes_sd_configs"}
    assert {k: v for k, v in kubelet.items() if k != "static_configs"} == original
    assert checked["scrape_configs"][1] == CONFIG["scrape_configs"][1]
    manager = checked["alerting"]["alertmanagers"][0]
    assert "kubernetes_sd_configs" not in manager and manager["relabel_configs"] == \
        CONFIG["alerting"]["alertmanagers"][0]["relabel_configs"]
    assert [where for where, _block in replaced] == [
        "scrape_configs[kubelet].kubernetes_sd_configs[0]", "alerting.alertmanagers[0].kubernetes_sd_configs[0]"]
    assert "kubernetes_sd_configs" in CONFIG["scrape_configs"][0], "the original must not change"


def test_a_static_config_next_to_kubernetes_sd_is_kept():
    config = {"scrape_configs": [{"job_name": "j", "static_configs": [{"targets": ["a:1"]}],
                                  "kubernetes_sd_configs": [{"role": "pod"}]}]}
    checked, _ = config_tools.replace_kubernetes_sd(config)
    assert checked["scrape_configs"][0]["static_configs"] == [
        {"targets": ["a:1"]}, {"targets": [config_tools.PLACEHOLDER_TARGET]}]


@pytest.mark.parametrize("sd", [
    {"role": "pod"},
    {"role": "endpointslice", "namespaces": {"names": ["a", "b"]},
     "selectors": [{"role": "service", "label": "app.kubernetes.io/name=x,tier in (a, b),!legacy"},
                   {"role": "pod", "field": "spec.nodeName=n1"}]},
    {"role": "node", "api_server": "https://k8s.example:6443", "tls_config": {"insecure_skip_verify": True}},
    {"role": "pod", "namespaces": {"own_namespace": True}, "attach_metadata": {"node": True}},
])
def test_valid_kubernetes_sd_configs_pass(sd):
    assert config_tools.check_kubernetes_sd(sd) == []


@pytest.mark.parametrize("sd,expected", [
    ({"role": "pods"}, "role 'pods' is not one of"),
    ({}, "role None is not one of"),
    ({"role": "pod", "namespaces": {"names": "default"}}, "namespaces.names must be a list"),
    ({"role": "pod", "namespaces": ["default"]}, "namespaces must be a mapping"),
    ({"role": "node", "selectors": [{"role": "pod", "label": "a=b"}]}, "role node supports only node selectors"),
    ({"role": "endpoints", "selectors": [{"role": "pod"}, {"role": "pod"}]}, "duplicated selector role"),
    ({"role": "pod", "selectors": [{"role": "pod", "label": "a=b=c"}]}, "bad requirement"),
    ({"role": "pod", "selectors": [{"role": "pod", "field": "a in (b)"}]}, "field selectors allow only"),
    ({"role": "pod", "kubeconfig_file": "/k", "api_server": "https://x"}, "simultaneously"),
    ({"role": "pod", "tls_config": {"ca_file": "/ca"}}, "provide the 'api_server' URL"),
    ({"role": "pod", "namespace": ["a"]}, "unknown key 'namespace'"),
])
def test_invalid_kubernetes_sd_configs_are_found(sd, expected):
    problems = config_tools.check_kubernetes_sd(sd)
    assert any(expected in p for p in problems), problems


def test_newer_keys_are_stripped_only_where_they_belong_and_when_unknown():
    config = {"global": {"scrape_protocols": ["PrometheusText0.0.4"]},
              "scrape_configs": [{"job_name": "j", "keep_dropped_targets": 5, "sample_limt": 1}]}
    removed = config_tools.strip_newer_keys(config, {"keep_dropped_targets", "sample_limt"})
    assert removed == ["scrape_configs[j].keep_dropped_targets (Prometheus 2.47)"]
    assert config == {"global": {"scrape_protocols": ["PrometheusText0.0.4"]},
                      "scrape_configs": [{"job_name": "j", "sample_limt": 1}]}


def test_configs_and_rule_files_are_recognised():
    assert config_tools.is_prometheus_config("prometheus.yml", "not: [valid")
    assert config_tools.is_prometheus_config("main.yaml", "scrape_configs: []")
    assert not config_tools.is_prometheus_config("alertmanager.yml", "route: {receiver: x}")
    assert config_tools.is_rule_file("groups: []")
    assert not config_tools.is_rule_file('{"panels": []}')


def test_a_promtail_config_is_not_taken_for_a_prometheus_config():
    promtail = "server: {http_listen_port: 3101}\npositions: {filename: /run/p.yaml}\nclients: []\nscrape_configs: []\n"
    assert not config_tools.is_prometheus_config("promtail.yaml", promtail)


def test_no_prometheus_config_means_no_finding_even_without_promtool():
    other = [_configmap("grafana", {"grafana.ini": "[server]\n"}), _statefulset()]
    assert config_tools.check_prometheus_configs(other, promtool="/nonexistent/promtool") == []


def test_a_missing_promtool_is_one_error_saying_how_to_install_it():
    found = config_tools.check_prometheus_configs(_stack(), promtool="/nonexistent/promtool")
    assert len(found) == 1
    assert found[0].rule == "PROMTOOL" and found[0].severity == ERROR
    assert "prometheus" in found[0].fix and "apt-get install" in found[0].fix


# --- promtool -------------------------------------------------------------------------------------


@needs_promtool
@pytest.mark.tools
def test_a_good_stack_passes():
    assert config_tools.check_prometheus_configs(_stack()) == []


@needs_promtool
@pytest.mark.tools
def test_a_bad_relabel_regex_fails_naming_the_configmap_and_key():
    config = copy.deepcopy(CONFIG)
    config["scrape_configs"][0]["relabel_configs"][0]["regex"] = "(["
    found = _errors(config_tools.check_prometheus_configs(_stack(config)))
    assert len(found) == 1, [v.format() for v in found]
    assert (found[0].kind, found[0].namespace, found[0].name) == ("ConfigMap", "monitoring", "prometheus-config")
    assert found[0].path == 'data["prometheus.yml"]'
    assert "error parsing regexp" in found[0].message
    assert "/etc/prometheus/config/prometheus.yml" in found[0].message, "paths are the pod's, not temporary ones"


@needs_promtool
@pytest.mark.tools
def test_a_bad_rule_expression_fails_naming_the_rules_configmap_once():
    rules = copy.deepcopy(RULES)
    rules["groups"][0]["rules"][0]["expr"] = "up =="
    found = config_tools.check_prometheus_configs(_stack(rules=rules))
    assert len(found) == 1, [v.format() for v in found]
    assert (found[0].name, found[0].path) == ("prometheus-rules", 'data["health.yml"]')
    assert "could not parse expression" in found[0].message and '"Down"' in found[0].message


@needs_promtool
@pytest.mark.tools
def test_kubernetes_sd_problems_are_reported_while_promtool_checks_the_rest():
    config = copy.deepcopy(CONFIG)
    config["scrape_configs"][0]["kubernetes_sd_configs"] = [{"role": "nodes"}]
    config["scrape_configs"][0]["scrape_timeout"] = "2m"  # longer than the job's 1m interval
    messages = [v.message for v in _errors(config_tools.check_prometheus_configs(_stack(config)))]
    assert any("scrape_configs[kubelet].kubernetes_sd_configs[0]: role 'nodes'" in m for m in messages), messages
    assert any("promtool check config" in m and "scrape timeout greater than scrape interval" in m
               for m in messages), messages


@needs_promtool
@pytest.mark.tools
def test_a_token_file_the_pod_does_not_mount_is_an_error():
    found = _errors(config_tools.check_prometheus_configs(_stack(automount=False)))
    assert found and all(v.name == "prometheus-config" for v in found)
    assert any(SA + "/token" in v.message for v in found), [v.message for v in found]


@needs_promtool
@pytest.mark.tools
def test_keys_newer_than_promtool_are_a_warning_and_typos_an_error():
    config = copy.deepcopy(CONFIG)
    config["scrape_configs"][1]["keep_dropped_targets"] = 10
    found = config_tools.check_prometheus_configs(_stack(config))
    assert [(v.severity, "keep_dropped_targets" in v.message) for v in found] == [(WARNING, True)]
    config["scrape_configs"][1]["sample_limt"] = 10
    found = _errors(config_tools.check_prometheus_configs(_stack(config)))
    assert len(found) == 1 and "field sample_limt not found" in found[0].message


@needs_promtool
@pytest.mark.tools
def test_rule_files_outside_the_rule_files_patterns_and_empty_patterns_are_warnings():
    config = copy.deepcopy(CONFIG)
    config["rule_files"] = ["/etc/prometheus/other/*.yml"]
    found = config_tools.check_prometheus_configs(_stack(config))
    assert {v.severity for v in found} == {WARNING}
    assert {v.name for v in found} == {"prometheus-config", "prometheus-rules"}
    assert any("matches no file the pod mounts" in v.message for v in found)
    assert any("no rule_files pattern" in v.message for v in found)


@needs_promtool
@pytest.mark.tools
def test_rules_of_another_program_are_left_alone_and_unmounted_rules_are_checked():
    loki_rules = _configmap("loki-rules", {"rules.yml": "groups:\n- name: logs\n  rules:\n  - alert: A\n"
                                                        "    expr: sum(rate({app=\"x\"} |= \"error\" [5m])) > 0\n"})
    loki = _statefulset()
    loki["metadata"]["name"] = "loki"
    loki["spec"]["template"]["spec"]["volumes"] = [{"name": "rules", "configMap": {"name": "loki-rules"}}]
    loki["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = [{"name": "rules", "mountPath": "/rules"}]
    assert config_tools.check_prometheus_configs(_stack() + [loki_rules, loki]) == []
    # The same rules in a ConfigMap no pod mounts are taken for Prometheus rules, and fail.
    found = config_tools.check_prometheus_configs([loki_rules])
    assert len(found) == 1 and found[0].name == "loki-rules"


@needs_promtool
@pytest.mark.tools
def test_validate_objects_runs_the_config_checks_unless_told_not_to():
    config = copy.deepcopy(CONFIG)
    config["global"]["scrape_interval"] = "often"
    objects = _stack(config)
    found = [v for v in validate_objects(objects, "1.28", schema=False) if v.rule == "PROMTOOL"]
    assert len(found) == 1 and "often" in found[0].message
    skipped = validate_objects(objects, "1.28", schema=False, config_tools=False)
    assert [v for v in skipped if v.rule == "PROMTOOL"] == []


@needs_promtool
@pytest.mark.tools
def test_the_layout_is_that_of_the_container_whose_config_file_flag_names_the_config():
    objects = _stack()
    pod = objects[2]["spec"]["template"]["spec"]
    pod["containers"][0]["args"] = ["--config.file=/etc/prometheus/config/prometheus.yml"]
    # A sidecar listed first that mounts only the config: its view has no rule files.
    pod["containers"].insert(0, {"name": "reloader", "image": "r:v1", "volumeMounts": [
        {"name": "config", "mountPath": "/etc/prometheus/config"}]})
    assert config_tools.check_prometheus_configs(objects) == []
    del pod["containers"][1]["args"]
    found = config_tools.check_prometheus_configs(objects)
    assert [v.severity for v in found] == [WARNING] and "matches no file" in found[0].message
