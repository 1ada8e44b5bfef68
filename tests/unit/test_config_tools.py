"""promtool checks of the Prometheus configs and rule files carried in ConfigMaps (module_utils.config_tools),
run by the pinned promtool of the Prometheus version each file is for (scripts/tools.py)."""

from __future__ import annotations

import copy
import os

import pytest
import yaml
from real_tools import binary, role_tag

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import prometheus as config_tools
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import validate_objects
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, WARNING

CURRENT = role_tag("prometheus_image_tags", "current")
SEED = role_tag("prometheus_image_tags", "seed")
IMAGE = "quay.io/prometheus/prometheus:%s"
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


@pytest.fixture
def current():
    """The pinned promtool of the current profile's Prometheus (skips, or fails in CI, when it is not built)."""
    return binary("prometheus", CURRENT, "promtool")


@pytest.fixture
def seed():
    return binary("prometheus", SEED, "promtool")


@pytest.fixture
def nothing_installed(monkeypatch, tmp_path):
    """No tools cache and an empty PATH: no promtool anywhere."""
    monkeypatch.setenv("VMSTATION_TOOLS_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    return tmp_path


def _configmap(name, data, namespace="monitoring", version=None):
    meta = {"name": name, "namespace": namespace}
    if version:
        meta["labels"] = {"app.kubernetes.io/version": version}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


def _statefulset(automount=True, rules_name="prometheus-rules", tag=None):
    return {
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "prometheus", "namespace": "monitoring"},
        "spec": {"template": {"spec": {
            "automountServiceAccountToken": automount,
            "containers": [{"name": "prometheus", "image": IMAGE % (tag or CURRENT), "volumeMounts": [
                {"name": "config", "mountPath": "/etc/prometheus/config"},
                {"name": "rules", "mountPath": "/etc/prometheus/rules"},
                {"name": "data", "mountPath": "/prometheus"},
            ]}],
            "volumes": [{"name": "config", "configMap": {"name": "prometheus-config"}},
                        {"name": "rules", "configMap": {"name": rules_name}},
                        {"name": "data", "emptyDir": {}}],
        }}},
    }


def _stack(config=None, rules=None, automount=True, tag=None):
    """The ConfigMaps carry the version label the roles set (the image tag), as in a rendered stack."""
    return [
        _configmap("prometheus-config", {"prometheus.yml": yaml.safe_dump(config or CONFIG)}, version=tag or CURRENT),
        _configmap("prometheus-rules", {"health.yml": yaml.safe_dump(rules or RULES)}, version=tag or CURRENT),
        _statefulset(automount, tag=tag),
    ]


def _errors(found):
    return [v for v in found if v.severity == ERROR]


def _messages(found):
    return [v.message for v in found]


# --- no promtool needed ---------------------------------------------------------------------------


def test_configs_and_rule_files_are_recognised():
    assert config_tools.is_prometheus_config("prometheus.yml", "not: [valid")
    assert config_tools.is_prometheus_config("main.yaml", "scrape_configs: []")
    assert not config_tools.is_prometheus_config("alertmanager.yml", "route: {receiver: x}")
    assert config_tools.is_rule_file("groups: []")
    assert not config_tools.is_rule_file('{"panels": []}')


def test_a_promtail_config_is_not_taken_for_a_prometheus_config():
    promtail = "server: {http_listen_port: 3101}\npositions: {filename: /run/p.yaml}\nclients: []\nscrape_configs: []\n"
    assert not config_tools.is_prometheus_config("promtail.yaml", promtail)


def test_no_prometheus_config_means_no_finding_even_without_promtool(nothing_installed):
    other = [_configmap("grafana", {"grafana.ini": "[server]\n"}), _statefulset()]
    assert config_tools.check_prometheus_configs(other) == []


def test_without_any_promtool_each_configmap_gets_one_error_saying_how_to_get_the_matching_one(nothing_installed):
    found = config_tools.check_prometheus_configs(_stack())
    assert [(v.rule, v.severity, v.name) for v in found] == [
        ("PROMTOOL", ERROR, "prometheus-rules"), ("PROMTOOL", ERROR, "prometheus-config")]
    for violation in found:
        assert "no promtool %s was found" % CURRENT.lstrip("v") in violation.message
        assert "scripts/tools.py --only prometheus,alertmanager" in violation.fix
        assert "put promtool %s on PATH" % CURRENT.lstrip("v") in violation.fix


def test_a_given_promtool_that_does_not_exist_is_an_error():
    found = config_tools.check_prometheus_configs(_stack(), promtool="/nonexistent/promtool")
    assert {v.severity for v in found} == {ERROR}
    assert all("not at /nonexistent/promtool" in m for m in _messages(found))


# --- the pinned promtool ----------------------------------------------------------------------------


@pytest.mark.tools
def test_a_good_stack_passes_with_its_kubernetes_sd_checked_for_real(current):
    assert config_tools.check_prometheus_configs(_stack()) == []


@pytest.mark.tools
def test_a_bad_relabel_regex_fails_naming_the_configmap_key_and_promtool(current):
    config = copy.deepcopy(CONFIG)
    config["scrape_configs"][0]["relabel_configs"][0]["regex"] = "(["
    found = _errors(config_tools.check_prometheus_configs(_stack(config)))
    assert len(found) == 1, [v.format() for v in found]
    assert (found[0].kind, found[0].namespace, found[0].name) == ("ConfigMap", "monitoring", "prometheus-config")
    assert found[0].path == 'data["prometheus.yml"]'
    assert "error parsing regexp" in found[0].message
    assert "promtool %s, the pinned build at %s" % (CURRENT.lstrip("v"), current) in found[0].message
    assert "/etc/prometheus/config/prometheus.yml" in found[0].message, "paths are the pod's, not temporary ones"


@pytest.mark.tools
def test_a_bad_rule_expression_fails_naming_the_rules_configmap_once(current):
    rules = copy.deepcopy(RULES)
    rules["groups"][0]["rules"][0]["expr"] = "up =="
    found = config_tools.check_prometheus_configs(_stack(rules=rules))
    assert len(found) == 1, [v.format() for v in found]
    assert (found[0].name, found[0].path) == ("prometheus-rules", 'data["health.yml"]')
    assert "promtool check rules" in found[0].message and '"Down"' in found[0].message


@pytest.mark.tools
@pytest.mark.parametrize("sd", [
    {"role": "pod"},
    {"role": "endpointslice", "namespaces": {"names": ["a", "b"]},
     "selectors": [{"role": "service", "label": "app.kubernetes.io/name=x,tier in (a, b),!legacy"},
                   {"role": "pod", "field": "spec.nodeName=n1"}]},
    {"role": "node", "api_server": "https://k8s.example:6443", "tls_config": {"insecure_skip_verify": True}},
    {"role": "pod", "namespaces": {"own_namespace": True}, "attach_metadata": {"node": True}},
])
def test_valid_kubernetes_sd_configs_pass(current, sd):
    config = copy.deepcopy(CONFIG)
    config["scrape_configs"][0]["kubernetes_sd_configs"] = [sd]
    assert config_tools.check_prometheus_configs(_stack(config)) == []


@pytest.mark.tools
@pytest.mark.parametrize("sd,expected", [
    ({"role": "pods"}, "unknown Kubernetes SD role"),
    ({}, "role missing"),
    ({"role": "node", "selectors": [{"role": "pod", "label": "a=b"}]}, "node role supports only node selectors"),
    ({"role": "endpoints", "selectors": [{"role": "pod"}, {"role": "pod"}]}, "duplicated selector role"),
    ({"role": "pod", "kubeconfig_file": "/k", "api_server": "https://x"}, "simultaneously"),
    ({"role": "pod", "namespace": ["a"]}, "field namespace not found"),
])
def test_invalid_kubernetes_sd_configs_are_refused_by_promtool(current, sd, expected):
    config = copy.deepcopy(CONFIG)
    config["scrape_configs"][0]["kubernetes_sd_configs"] = [sd]
    messages = _messages(_errors(config_tools.check_prometheus_configs(_stack(config))))
    assert len(messages) == 1 and expected in messages[0], messages


@pytest.mark.tools
def test_each_config_is_checked_by_the_promtool_of_its_prometheus_version(current, seed):
    config = copy.deepcopy(CONFIG)
    config["scrape_configs"][1]["fallback_scrape_protocol"] = "PrometheusText0.0.4"  # Prometheus 3.0+
    assert config_tools.check_prometheus_configs(_stack(config)) == []
    found = config_tools.check_prometheus_configs(_stack(config, tag=SEED))
    assert len(found) == 1 and "field fallback_scrape_protocol not found" in found[0].message, _messages(found)
    assert "promtool %s, the pinned build" % SEED.lstrip("v") in found[0].message


@pytest.mark.tools
def test_an_unmounted_configmap_is_checked_by_the_version_of_its_label(current, seed):
    rules = copy.deepcopy(RULES)
    rules["groups"][0]["rules"][0]["expr"] = "up =="
    found = config_tools.check_prometheus_configs([_configmap("r", {"r.yml": yaml.safe_dump(rules)}, version=SEED)])
    assert len(found) == 1 and "promtool %s, the pinned build" % SEED.lstrip("v") in found[0].message


@pytest.mark.tools
def test_a_promtool_on_path_of_another_version_is_used_and_reported(seed, monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(seed, bin_dir / "promtool")
    monkeypatch.setenv("VMSTATION_TOOLS_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("PATH", str(bin_dir))
    found = config_tools.check_prometheus_configs(_stack())
    assert [(v.severity, v.name) for v in found] == [(WARNING, "prometheus-rules"), (WARNING, "prometheus-config")]
    message = found[1].message
    assert "promtool %s, on PATH at %s" % (SEED.lstrip("v"), bin_dir / "promtool") in message
    assert "but Prometheus %s reads it" % CURRENT.lstrip("v") in message
    assert "scripts/tools.py --only prometheus,alertmanager" in found[1].fix


@pytest.mark.tools
def test_a_token_file_the_pod_does_not_mount_is_an_error(current):
    found = _errors(config_tools.check_prometheus_configs(_stack(automount=False)))
    assert found and all(v.name == "prometheus-config" for v in found)
    assert any(SA + "/token" in v.message for v in found), _messages(found)


@pytest.mark.tools
def test_a_typo_in_a_key_is_an_error(current):
    config = copy.deepcopy(CONFIG)
    config["scrape_configs"][1]["sample_limt"] = 10
    found = _errors(config_tools.check_prometheus_configs(_stack(config)))
    assert len(found) == 1 and "field sample_limt not found" in found[0].message


@pytest.mark.tools
def test_rule_files_outside_the_rule_files_patterns_and_empty_patterns_are_warnings(current):
    config = copy.deepcopy(CONFIG)
    config["rule_files"] = ["/etc/prometheus/other/*.yml"]
    found = config_tools.check_prometheus_configs(_stack(config))
    assert {v.severity for v in found} == {WARNING}
    assert {v.name for v in found} == {"prometheus-config", "prometheus-rules"}
    assert any("matches no file the pod mounts" in v.message for v in found)
    assert any("no rule_files pattern" in v.message for v in found)


@pytest.mark.tools
def test_rules_of_another_program_are_left_alone_and_unmounted_rules_are_checked(current):
    loki_rules = _configmap("loki-rules", {"rules.yml": "groups:\n- name: logs\n  rules:\n  - alert: A\n"
                                                        "    expr: sum(rate({app=\"x\"} |= \"error\" [5m])) > 0\n"},
                            version=CURRENT)
    loki = _statefulset()
    loki["metadata"]["name"] = "loki"
    loki["spec"]["template"]["spec"]["volumes"] = [{"name": "rules", "configMap": {"name": "loki-rules"}}]
    loki["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = [{"name": "rules", "mountPath": "/rules"}]
    assert config_tools.check_prometheus_configs(_stack() + [loki_rules, loki]) == []
    # The same rules in a ConfigMap no pod mounts are taken for Prometheus rules, and fail.
    found = config_tools.check_prometheus_configs([loki_rules])
    assert len(found) == 1 and found[0].name == "loki-rules"


@pytest.mark.tools
def test_validate_objects_runs_the_config_checks_unless_told_not_to(current):
    config = copy.deepcopy(CONFIG)
    config["global"]["scrape_interval"] = "often"
    objects = _stack(config)
    found = [v for v in validate_objects(objects, "1.28", schema=False) if v.rule == "PROMTOOL"]
    assert len(found) == 1 and "often" in found[0].message
    skipped = validate_objects(objects, "1.28", schema=False, config_tools=False)
    assert [v for v in skipped if v.rule == "PROMTOOL"] == []


@pytest.mark.tools
def test_the_layout_and_version_are_those_of_the_prometheus_container_not_of_a_sidecar(current):
    objects = _stack()
    pod = objects[2]["spec"]["template"]["spec"]
    pod["containers"][0]["args"] = ["--config.file=/etc/prometheus/config/prometheus.yml"]
    # A sidecar listed first that mounts only the config: its view has no rule files, its tag is no Prometheus.
    pod["containers"].insert(0, {"name": "reloader", "image": "quay.io/prometheus-operator/prometheus-config-reloader:"
                                 "v0.80.0", "volumeMounts": [{"name": "config", "mountPath": "/etc/prometheus/config"}]})
    assert config_tools.check_prometheus_configs(objects) == []
    del pod["containers"][1]["args"]
    assert config_tools.check_prometheus_configs(objects) == [], "the Prometheus image is recognised without flags"
    # Neither flag nor image tells which container is Prometheus: the first one's view is checked (with
    # the ConfigMap's version label), and it has no rule files.
    pod["containers"][1]["image"] = "registry.example/custom-build:" + CURRENT
    found = config_tools.check_prometheus_configs(objects)
    assert [v.severity for v in found] == [WARNING] and "matches no file" in found[0].message
