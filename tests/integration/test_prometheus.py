"""Renders of the prometheus role, read back from the exported tree: the StatefulSet and its reloader,
the config and rules ConfigMaps, every scrape job's limits and intervals, flags per release, the Service
contract, network policies, and preflight failures that name the variable and leave the build folder alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import (
    PART_OF,
    REQUIRED_LABELS,
    VERSION,
    selector_labels,
)

from conftest import PROFILES, ROOT, run_playbook

pytestmark = pytest.mark.render

STACK = yaml.safe_load((ROOT / "roles" / "stack" / "defaults" / "main.yml").read_text())
STACK_VARS = yaml.safe_load((ROOT / "roles" / "stack" / "vars" / "main.yml").read_text())
NAMESPACE = STACK["monitoring_namespace"]
INSTANCE = STACK["monitoring_instance"]
CLUSTER = "local"
NO_AGENT = {"monitoring_log_agent": "none"}
# Most tests render Prometheus with the exporters only, so they do not depend on the other roles; the
# contract test renders the default stack.
CORE = ["prometheus", "node_exporter", "kube_state_metrics"]
APPS = {"prometheus": "prometheus", "alertmanager": "alertmanager", "grafana": "grafana", "loki": "loki",
        "node_exporter": "node-exporter", "kube_state_metrics": "kube-state-metrics", "alloy": "alloy",
        "promtail": "promtail"}
RULE_FILES = sorted(p.name for p in (ROOT / "roles" / "prometheus" / "files" / "rules").glob("*.yml"))

RELEASES = {"seed": "v2.48.0", "current": "v3.13.3"}
# Flags each release documents (only those this collection may use): a rendered flag must be in its set.
_PROMETHEUS_COMMON = {
    "--config.file", "--web.listen-address", "--web.external-url", "--web.route-prefix",
    "--web.enable-admin-api", "--web.enable-remote-write-receiver", "--storage.tsdb.path",
    "--storage.tsdb.retention.time", "--storage.tsdb.retention.size", "--query.timeout", "--query.max-samples",
    "--query.max-concurrency", "--query.lookback-delta", "--log.level", "--log.format", "--enable-feature",
}
PROMETHEUS_FLAGS = {"v2.48.0": _PROMETHEUS_COMMON, "v3.13.3": _PROMETHEUS_COMMON | {"--auto-gomemlimit.ratio"}}
RELOADER_FLAGS = {
    "--listen-address", "--reload-url", "--reload-method", "--process-executable-name", "--runtimeinfo-url",
    "--config-file", "--config-envsubst-file", "--watched-dir",
    "--watch-interval", "--delay-interval", "--retry-interval", "--reload-timeout", "--log-level", "--log-format",
}


def _render(render, profile="current", **extra):
    extra.setdefault("monitoring_components", CORE)
    run = render("local", profile, **NO_AGENT, **extra)
    assert run.returncode == 0, run.output[-4000:]
    return run


def _statefulset(run):
    return run.find(CLUSTER, "StatefulSet", "prometheus", NAMESPACE)


def _containers(run):
    return {c["name"]: c for c in _statefulset(run)["spec"]["template"]["spec"]["containers"]}


def _config(run):
    return yaml.safe_load(run.find(CLUSTER, "ConfigMap", "prometheus-config", NAMESPACE)["data"]["prometheus.yml"])


def _seconds(duration):
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
    parts = re.findall(r"(\d+)(ms|y|w|d|h|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(int(n) * units[u] for n, u in parts)


def _flag_names(args):
    return {arg.split("=", 1)[0] for arg in args}


@pytest.mark.parametrize("profile", PROFILES)
def test_statefulset_renders_hardened_with_persistent_storage(render, profile):
    run = _render(render, profile)
    sts = _statefulset(run)
    pod = sts["spec"]["template"]["spec"]
    assert sts["spec"]["selector"]["matchLabels"] == selector_labels("prometheus", INSTANCE)
    assert set(REQUIRED_LABELS) <= set(sts["metadata"]["labels"])
    assert VERSION in sts["spec"]["template"]["metadata"]["labels"]
    assert pod["priorityClassName"] == STACK["monitoring_priority_class_name"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] > 0
    assert pod["securityContext"]["fsGroup"] > 0 and pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod["automountServiceAccountToken"] is True
    assert pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    for container in pod["containers"]:
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        assert set(container["resources"]) == {"requests", "limits"}
        assert container["livenessProbe"] and container["readinessProbe"]
    prometheus = _containers(run)["prometheus"]
    assert prometheus["image"] == "quay.io/prometheus/prometheus:%s" % RELEASES[profile]
    assert prometheus["startupProbe"]["httpGet"]["path"] == "/-/ready"
    assert prometheus["livenessProbe"]["httpGet"]["path"] == "/-/healthy"
    claim = sts["spec"]["volumeClaimTemplates"][0]
    assert claim["metadata"]["name"] == "data" and claim["spec"]["resources"]["requests"]["storage"] == "20Gi"
    assert VERSION not in claim["metadata"]["labels"], "volumeClaimTemplates are immutable: no version label"
    sa = run.find(CLUSTER, "ServiceAccount", "prometheus", NAMESPACE)
    assert sa["automountServiceAccountToken"] is False


@pytest.mark.parametrize("profile", PROFILES)
def test_flags_are_those_the_pinned_release_accepts(render, profile):
    run = _render(render, profile)
    args = _containers(run)["prometheus"]["args"]
    assert _flag_names(args) <= PROMETHEUS_FLAGS[RELEASES[profile]], _flag_names(args) - PROMETHEUS_FLAGS[RELEASES[profile]]
    for flag in ("--storage.tsdb.retention.time", "--storage.tsdb.retention.size", "--query.timeout",
                 "--query.max-samples"):
        assert flag in _flag_names(args)
    assert "--web.enable-admin-api" not in args
    assert "--web.enable-lifecycle" not in args, "issue 13: no unauthenticated /-/quit or /-/reload"
    reloader = _containers(run)["config-reloader"]
    assert _flag_names(reloader["args"]) <= RELOADER_FLAGS


@pytest.mark.parametrize("profile", PROFILES)
def test_the_reloader_watches_the_config_and_the_rules_directories(render, profile):
    containers = _containers(_render(render, profile))
    mounts = {m["name"]: m["mountPath"] for m in containers["prometheus"]["volumeMounts"]}
    watched = [a.split("=", 1)[1] for a in containers["config-reloader"]["args"] if a.startswith("--watched-dir=")]
    assert sorted(watched) == sorted([mounts["config"], mounts["rules"]])
    reloader_mounts = {m["mountPath"] for m in containers["config-reloader"]["volumeMounts"]}
    assert set(watched) <= reloader_mounts
    reloader = containers["config-reloader"]["args"]
    assert "--reload-method=signal" in reloader and "--process-executable-name=prometheus" in reloader
    assert "--runtimeinfo-url=http://127.0.0.1:9090/api/v1/status/runtimeinfo" in reloader
    assert not [a for a in reloader if a.startswith("--reload-url")]
    assert _statefulset(_render(render, profile))["spec"]["template"]["spec"]["shareProcessNamespace"] is True
    config_file = [a for a in containers["prometheus"]["args"] if a.startswith("--config.file=")][0]
    assert config_file == "--config.file=%s/prometheus.yml" % mounts["config"]


@pytest.mark.parametrize("profile", PROFILES)
def test_every_scrape_job_has_limits_and_an_interval_of_at_least_15s(render, profile):
    config = _config(_render(render, profile))
    assert _seconds(config["global"]["scrape_interval"]) >= 15
    assert _seconds(config["global"]["evaluation_interval"]) >= 15
    assert config["global"]["external_labels"] == {"cluster": CLUSTER, "environment": "local"}
    jobs = config["scrape_configs"]
    names = [job["job_name"] for job in jobs]
    assert len(names) == len(set(names))
    for job in jobs:
        for limit in ("sample_limit", "label_limit", "label_name_length_limit", "label_value_length_limit"):
            assert job.get(limit, 0) > 0, (job["job_name"], limit)
        assert _seconds(job.get("scrape_interval", config["global"]["scrape_interval"])) >= 15
        for rule in job.get("relabel_configs", []) + job.get("metric_relabel_configs", []):
            sources = " ".join(rule.get("source_labels", []))
            if rule.get("action", "replace") in ("replace", "labelmap"):
                assert not re.search(r"pod_uid|pod_ip|container_id", sources), (job["job_name"], rule)


@pytest.mark.parametrize("profile", PROFILES)
def test_one_job_per_enabled_component_through_the_service_contract(render, profile):
    components = STACK["monitoring_components"]
    run = _render(render, profile, monitoring_components=components)
    jobs = {job["job_name"]: job for job in _config(run)["scrape_configs"]}
    for role in components:
        job = jobs[APPS[role]]
        keeps = {tuple(r["source_labels"]): r["regex"] for r in job["relabel_configs"] if r.get("action") == "keep"}
        assert keeps[("__meta_kubernetes_service_label_app_kubernetes_io_name",)] == APPS[role]
        assert keeps[("__meta_kubernetes_service_label_app_kubernetes_io_instance",)] == INSTANCE
        assert keeps[("__meta_kubernetes_endpointslice_port_name",)] == "http-metrics"
        namespace = job["kubernetes_sd_configs"][0]["namespaces"]["names"][0]
        service = run.find(CLUSTER, "Service", APPS[role], namespace)
        assert "http-metrics" in [p["name"] for p in service["spec"]["ports"]], APPS[role]
        assert service["metadata"]["labels"]["app.kubernetes.io/name"] == APPS[role]
    assert {"kubernetes-apiservers", "kubelet", "kubelet-cadvisor"} <= set(jobs)
    for role in set(APPS) - set(components):
        assert APPS[role] not in jobs, "no job for a component that is not enabled"
    # The annotation jobs never scrape the stack's own components.
    for name in ("kubernetes-service-endpoints", "kubernetes-pods"):
        drops = [r for r in jobs[name]["relabel_configs"] if r.get("action") == "drop" and r.get("regex") == PART_OF]
        assert any("pod_label_app_kubernetes_io_part_of" in r["source_labels"][0] for r in drops)
    assert ("alerting" in _config(run)) == ("alertmanager" in components)
    sources = run.find(CLUSTER, "NetworkPolicy", "prometheus-ingress", NAMESPACE)["spec"]["ingress"][0]["from"]
    grafana = {"podSelector": {"matchLabels": selector_labels("grafana", INSTANCE)}}
    assert (grafana in sources) == ("grafana" in components)


def test_no_alerting_block_without_alertmanager(render):
    assert "alerting" not in _config(_render(render))


def test_alerting_points_at_the_alertmanager_service_when_it_is_enabled(render):
    if "alertmanager" not in STACK_VARS["_monitoring_known_components"]:
        pytest.skip("the alertmanager role is not part of the collection yet")
    run = _render(render, "current", monitoring_components=CORE + ["alertmanager"])
    managers = _config(run)["alerting"]["alertmanagers"]
    keeps = {tuple(r["source_labels"]): r["regex"] for r in managers[0]["relabel_configs"] if r.get("action") == "keep"}
    assert keeps[("__meta_kubernetes_service_name",)] == "alertmanager"
    assert keeps[("__meta_kubernetes_endpointslice_port",)] == "9093"


@pytest.mark.parametrize("profile", PROFILES)
def test_rules_configmap_carries_every_shipped_file_and_alerts_are_complete(render, profile):
    run = _render(render, profile)
    data = run.find(CLUSTER, "ConfigMap", "prometheus-rules", NAMESPACE)["data"]
    assert sorted(data) == RULE_FILES
    assert _config(run)["rule_files"] == ["/etc/prometheus/rules/*.yml"]
    alerts = [rule for text in data.values() for group in yaml.safe_load(text)["groups"]
              for rule in group["rules"] if "alert" in rule]
    assert any(a["alert"] == "PrometheusConfigReloadFailed" for a in alerts)
    for alert in alerts:
        assert alert["labels"]["severity"], alert["alert"]
        assert alert["annotations"]["summary"] and alert["annotations"]["description"], alert["alert"]
        assert "for" in alert or alert["expr"].startswith("absent"), alert["alert"]


def test_service_pdb_and_network_policies_follow_the_contract(render):
    run = _render(render)
    service = run.find(CLUSTER, "Service", "prometheus", NAMESPACE)
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"] == [{"name": "http-metrics", "port": 9090, "targetPort": "http-web",
                                         "protocol": "TCP"}]
    pdb = run.find(CLUSTER, "PodDisruptionBudget", "prometheus", NAMESPACE)
    assert pdb["spec"]["maxUnavailable"] == 1
    ingress = run.find(CLUSTER, "NetworkPolicy", "prometheus-ingress", NAMESPACE)["spec"]
    assert [p["port"] for rule in ingress["ingress"] for p in rule["ports"]] == [9090]
    egress = run.find(CLUSTER, "NetworkPolicy", "prometheus-egress", NAMESPACE)["spec"]["egress"]
    ports = {p["port"] for rule in egress for p in rule.get("ports", [])}
    assert set(STACK["monitoring_api_server_ports"]) | {10250, 9100, 9090, 8080} <= ports
    assert not any({"namespaceSelector": {}} in rule["to"] for rule in egress), \
        "issue 13: no catch-all egress while prometheus_annotated_targets_ports is empty"
    assert all(rule.get("ports") for rule in egress), "every egress rule names its ports"
    names = {o["metadata"]["name"] for o in run.objects(CLUSTER) if o["kind"] == "NetworkPolicy"}
    assert "prometheus-admin-api" not in names


def test_annotated_targets_are_reached_on_the_listed_ports_only(render):
    run = _render(render, prometheus_annotated_targets_ports=[8080, "http-metrics"])
    egress = run.find(CLUSTER, "NetworkPolicy", "prometheus-egress", NAMESPACE)["spec"]["egress"]
    (annotated,) = [rule for rule in egress if rule["to"] == [{"namespaceSelector": {}}]]
    assert annotated["ports"] == [{"protocol": "TCP", "port": 8080}, {"protocol": "TCP", "port": "http-metrics"}]


def test_the_alternative_settings_render(render):
    clients = [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus-backup"}}}]
    run = _render(render, "current", prometheus_enable_admin_api=True, prometheus_admin_api_clients=clients,
                  monitoring_api_server_cidrs=["10.0.0.10/32"],
                  prometheus_admin_api_reason="TSDB snapshots for the nightly backup",
                  prometheus_storage_ephemeral=True, prometheus_replicas=2, prometheus_ingress_namespace="ingress",
                  prometheus_external_url="https://metrics.example.org/prometheus",
                  prometheus_scrape_annotated_targets=False,
                  prometheus_scrape_job_overrides={"kube-state-metrics": {"scrape_interval": "1m"}},
                  prometheus_rule_groups=[{"name": "extra", "rules": [{"record": "job:up:sum",
                                                                       "expr": "sum by (job) (up)"}]}])
    sts = _statefulset(run)
    assert sts["spec"]["replicas"] == 2 and "volumeClaimTemplates" not in sts["spec"]
    volumes = {v["name"]: v for v in sts["spec"]["template"]["spec"]["volumes"]}
    assert volumes["data"]["emptyDir"]["sizeLimit"] == "20Gi"
    containers = _containers(run)
    assert "--web.enable-admin-api" in containers["prometheus"]["args"]
    assert "--web.external-url=https://metrics.example.org/prometheus" in containers["prometheus"]["args"]
    assert containers["prometheus"]["readinessProbe"]["httpGet"]["path"] == "/prometheus/-/ready"
    assert ("--runtimeinfo-url=http://127.0.0.1:9090/prometheus/api/v1/status/runtimeinfo"
            in containers["config-reloader"]["args"])
    assert sts["metadata"]["annotations"]["waivers.vmstation.io/M007"] == "TSDB snapshots for the nightly backup"
    assert "prometheus_storage_ephemeral" in sts["metadata"]["annotations"]["waivers.vmstation.io/K013"]
    admin = run.find(CLUSTER, "NetworkPolicy", "prometheus-admin-api", NAMESPACE)["spec"]
    assert admin["ingress"][0]["from"] == clients
    ingress = run.find(CLUSTER, "NetworkPolicy", "prometheus-ingress", NAMESPACE)["spec"]["ingress"][0]["from"]
    assert {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}} in ingress
    config = _config(run)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert "kubernetes-pods" not in jobs and "kubernetes-service-endpoints" not in jobs
    assert jobs["kube-state-metrics"]["scrape_interval"] == "1m"
    egress = run.find(CLUSTER, "NetworkPolicy", "prometheus-egress", NAMESPACE)["spec"]["egress"]
    assert not any(rule["to"] == [{"namespaceSelector": {}}] for rule in egress)
    rules = run.find(CLUSTER, "ConfigMap", "prometheus-rules", NAMESPACE)["data"]
    assert yaml.safe_load(rules["inventory-rule-groups.yml"])["groups"][0]["name"] == "extra"


@pytest.mark.parametrize("extra,variable,value", [
    ({"prometheus_image_tags": {"current": "latest", "seed": "v2.48.0"}}, "prometheus_image_tag", "latest"),
    ({"prometheus_image_digest": "sha256:abc"}, "prometheus_image_digest", "sha256:abc"),
    ({"prometheus_config_reloader_image_tag": ""}, "prometheus_config_reloader_image_tag", '""'),
    ({"prometheus_scrape_interval": "5s"}, "prometheus_scrape_interval", "5s"),
    ({"prometheus_evaluation_interval": "10"}, "prometheus_evaluation_interval", "10"),
    ({"prometheus_retention_time": ""}, "prometheus_retention_time", '""'),
    ({"prometheus_retention_size": ""}, "prometheus_retention_size", '""'),
    ({"prometheus_storage_size": "20 gigs"}, "prometheus_storage_size", "20 gigs"),
    ({"prometheus_replicas": 0}, "prometheus_replicas", "0"),
    ({"prometheus_replicas": "two"}, "prometheus_replicas", "two"),
    ({"prometheus_enable_admin_api": True}, "prometheus_admin_api_clients", "[]"),
    ({"prometheus_enable_admin_api": True, "prometheus_admin_api_clients": [{"podSelector": {}}]},
     "prometheus_admin_api_reason", '""'),
    ({"prometheus_scrape_job_overrides": {"kubelett": {"sample_limit": 5}}}, "prometheus_scrape_job_overrides",
     "kubelett"),
    ({"prometheus_enable_admin_api": True, "prometheus_admin_api_clients": [{"podSelector": {}}],
      "prometheus_admin_api_reason": "backups", "monitoring_api_server_cidrs": ["0.0.0.0/0"]},
     "monitoring_api_server_cidrs", "0.0.0.0/0"),
    ({"prometheus_annotated_targets_ports": [0]}, "prometheus_annotated_targets_ports[0]", "0"),
])
def test_bad_inputs_fail_in_preflight_naming_the_variable_and_write_nothing(tmp_path, extra, variable, value):
    build = tmp_path / "build"
    run = run_playbook(build, "local", {**NO_AGENT, "monitoring_components": CORE, **extra})
    assert run.returncode != 0, run.output[-3000:]
    assert variable in run.output and value in run.output, run.output[-3000:]
    assert "Validate the whole stack" not in run.output, "the run must stop before the deliver phase"
    assert not Path(build).exists(), "a failed preflight must leave the build folder untouched"
