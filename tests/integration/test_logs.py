"""The log path rendered for real: Loki, the Alloy and Promtail agents, their configs, options and flows."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import alloy as alloy_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import loki as loki_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import promtail as promtail_config

from conftest import INVENTORIES, PROFILES, ROOT

pytestmark = pytest.mark.render

LOKI_TAGS = {"current": "3.7.8", "seed": "2.9.4"}
DEFAULT_AGENT = {"current": "alloy", "seed": "promtail"}
S3 = {"loki_storage_type": "s3", "loki_s3_endpoint": "minio.storage.svc:9000", "loki_s3_bucket": "logs",
      "loki_s3_secret_name": "loki-s3", "loki_s3_egress_cidrs": ["10.20.0.0/16"], "loki_s3_egress_ports": [9000]}
TENANT = {"loki_auth_enabled": True, "loki_tenant": "team-a"}
ALLOY_OPTIONS = {
    "alloy_extra_labels": {"cluster": "c1", "region": "eu"},
    "alloy_drop_rules": [
        {"selector": '{namespace="kube-system"}'},
        {"expression": "GET /healthz", "reason": "health_checks"},
        {"selector": '{app="api"}', "expression": "level=debug", "longer_than": "64KB"},
    ],
    "alloy_extra_files": [{"path": "/var/log/syslog", "labels": {"job": "syslog"}}],
    "alloy_journal_enabled": True,
    "alloy_stream_labels": ["namespace", "pod", "container", "app", "node", "job", "stream", "unit"],
}
PROMTAIL_OPTIONS = {key.replace("alloy_", "promtail_"): value for key, value in ALLOY_OPTIONS.items()}


def _hosts(inventory):
    data = yaml.safe_load((ROOT / "inventory" / inventory / "hosts.yml").read_text())
    return [host for group in data.values() for host in (group.get("hosts") or {})]


def ok(run):
    assert run.returncode == 0, run.output[-6000:]
    return run


def only(run, kind, name, cluster="local"):
    return run.find(cluster, kind, name)


def loki_text(run, cluster="local"):
    return only(run, "ConfigMap", "loki", cluster)["data"]["loki.yaml"]


def alloy_items(run, cluster="local"):
    return alloy_config.parse(only(run, "ConfigMap", "alloy", cluster)["data"]["config.alloy"])


def component(items, name, label):
    return alloy_config.components(items)[(name, label)]


def literal(block, attribute):
    return alloy_config.literal_value(block.attributes()[attribute].value)


def promtail(run, cluster="local"):
    return yaml.safe_load(only(run, "ConfigMap", "promtail", cluster)["data"]["promtail.yaml"])


def blocking(violations):
    return [v.format() for v in violations if v.severity == "error"]


# --- every example inventory, both profiles ---------------------------------------------------------

@pytest.mark.parametrize("inventory", INVENTORIES)
@pytest.mark.parametrize("profile", PROFILES)
def test_every_inventory_renders_loki_and_its_default_agent_with_valid_configs(render, inventory, profile):
    run = ok(render(inventory, profile))
    for cluster in _hosts(inventory):
        objects = run.objects(cluster)
        loki = run.find(cluster, "StatefulSet", "loki")
        assert loki["metadata"]["labels"]["app.kubernetes.io/version"] == LOKI_TAGS[profile]
        assert loki["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":" + LOKI_TAGS[profile])
        agent = DEFAULT_AGENT[profile]
        assert run.find(cluster, "DaemonSet", agent)["metadata"]["namespace"] != loki["metadata"]["namespace"]
        other = {"alloy": "promtail", "promtail": "alloy"}[agent]
        assert not [o for o in objects if o["metadata"]["name"] == other and o["kind"] == "DaemonSet"]
        assert blocking(loki_config.validate_objects(objects)) == []
        assert blocking(alloy_config.validate_objects(objects)) == []
        assert blocking(promtail_config.validate_objects(objects)) == []


# --- Loki ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
def test_loki_statefulset_volume_probes_pdb_and_service_contract(render, profile):
    run = ok(render("local", profile))
    sts = only(run, "StatefulSet", "loki")
    pod = sts["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert sts["metadata"]["namespace"] == "monitoring" and sts["spec"]["replicas"] == 1
    [claim] = sts["spec"]["volumeClaimTemplates"]
    assert claim["metadata"]["name"] == "data" and claim["spec"]["resources"]["requests"]["storage"] == "50Gi"
    assert {m["mountPath"] for m in container["volumeMounts"]} >= {"/var/loki", "/etc/loki/config", "/tmp"}
    assert "-target=all" in container["args"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["port"] == "http-metrics"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["priorityClassName"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert only(run, "PodDisruptionBudget", "loki")["spec"]["maxUnavailable"] == 1
    service = only(run, "Service", "loki")
    assert {(p["name"], p["port"]) for p in service["spec"]["ports"]} == {("http-metrics", 3100), ("grpc", 9095)}
    assert service["spec"]["selector"] == sts["spec"]["selector"]["matchLabels"]


def test_loki_schema_retention_limits_and_ruler_per_profile(render):
    configs = {profile: yaml.safe_load(loki_text(ok(render("local", profile)))) for profile in PROFILES}
    for profile, config in configs.items():
        [period] = config["schema_config"]["configs"]
        assert (period["store"], period["schema"], period["index"]["period"]) == ("tsdb", "v13", "24h")
        assert config["compactor"]["retention_enabled"] is True
        assert config["limits_config"]["retention_period"] == "744h"
        limits = config["limits_config"]
        assert limits["max_query_length"] == "721h" and limits["max_entries_limit_per_query"] == 5000
        assert limits["max_query_series"] == 500 and limits["ingestion_rate_mb"] >= 10
        assert config["ruler"]["alertmanager_url"] == "http://alertmanager.monitoring.svc.cluster.local:9093"
        assert config["ruler"]["enable_alertmanager_v2"] is True
        assert loki_config.check_config(config, LOKI_TAGS[profile]) == []
    # Loki 2.9 names the index and compactor store; the option is gone in Loki 3.
    assert configs["seed"]["compactor"]["shared_store"] == "filesystem"
    assert "shared_store" not in configs["current"]["compactor"]
    assert "shared_store" not in configs["current"]["storage_config"]["tsdb_shipper"]
    # Each profile's config is wrong for the other version: the checks are per version.
    assert blocking_paths(configs["seed"], "3.7.8") >= {"compactor.shared_store"}


def blocking_paths(config, version):
    return {f.path for f in loki_config.check_config(config, version) if f.severity == "error"}


def test_loki_without_alertmanager_sends_no_alerts(render):
    run = ok(render("local", "current", monitoring_components=["prometheus", "loki"]))
    config = yaml.safe_load(loki_text(run))
    assert "alertmanager_url" not in config["ruler"]
    assert not [o for o in run.objects("local") if o["metadata"]["name"] == "loki-egress"]


def test_loki_network_policy_lets_agents_prometheus_and_grafana_in(render):
    run = ok(render("local", "current"))
    ingress = only(run, "NetworkPolicy", "loki-ingress")["spec"]["ingress"]
    peers = [(p.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name"),
              p["podSelector"]["matchLabels"]["app.kubernetes.io/name"]) for rule in ingress for p in rule["from"]]
    assert set(peers) == {(None, "grafana"), (None, "prometheus"), ("monitoring-agents", "alloy")}
    assert {port["port"] for rule in ingress for port in rule["ports"]} == {3100}
    egress = only(run, "NetworkPolicy", "loki-egress")["spec"]["egress"]
    assert egress[0]["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "alertmanager"


@pytest.mark.parametrize("profile", PROFILES)
def test_multi_tenancy_end_to_end(render, profile):
    run = ok(render("local", profile, **TENANT))
    assert yaml.safe_load(loki_text(run))["auth_enabled"] is True
    # The agent sends the tenant...
    if DEFAULT_AGENT[profile] == "alloy":
        endpoint = component(alloy_items(run), "loki.write", "default").blocks("endpoint")[0]
        assert literal(endpoint, "tenant_id") == "team-a"
    else:
        assert promtail(run)["clients"][0]["tenant_id"] == "team-a"
    # ...and so does Grafana's Loki datasource (header name in the provisioning file, value from the env).
    datasources = [yaml.safe_load(text) for o in run.objects("local") if o["kind"] in ("ConfigMap", "Secret")
                   and o["metadata"]["name"].startswith("grafana") for key, text in (o.get("data") or {}).items()
                   if key.endswith((".yaml", ".yml")) and "datasources" in text]
    [loki_ds] = [d for doc in datasources for d in (doc or {}).get("datasources", []) if d.get("type") == "loki"]
    assert loki_ds["jsonData"]["httpHeaderName1"] == "X-Scope-OrgID"
    grafana = only(run, "Deployment", "grafana")["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in grafana.get("env", [])}
    header_env = loki_ds["secureJsonData"]["httpHeaderValue1"].lstrip("$").strip("{}")
    assert env[header_env] == "team-a"


def test_multi_tenancy_off_sends_no_tenant(render):
    run = ok(render("local", "current"))
    endpoint = component(alloy_items(run), "loki.write", "default").blocks("endpoint")[0]
    assert "tenant_id" not in endpoint.attributes()


@pytest.mark.parametrize("profile", PROFILES)
def test_object_storage_end_to_end(render, profile):
    run = ok(render("local", profile, monitoring_log_agent="alloy", **S3))
    config_map = only(run, "ConfigMap", "loki")
    config = yaml.safe_load(config_map["data"]["loki.yaml"])
    aws = config["storage_config"]["aws"]
    assert (aws["endpoint"], aws["bucketnames"], aws["s3forcepathstyle"]) == ("minio.storage.svc:9000", "logs", True)
    assert aws["access_key_id"] == "${LOKI_S3_ACCESS_KEY_ID}"
    assert aws["secret_access_key"] == "${LOKI_S3_SECRET_ACCESS_KEY}"
    assert "filesystem" not in config["storage_config"]
    assert config["schema_config"]["configs"][0]["object_store"] == "s3"
    assert config["compactor"]["delete_request_store"] == "s3"
    assert loki_config.check_config(config, LOKI_TAGS[profile]) == []
    container = only(run, "StatefulSet", "loki")["spec"]["template"]["spec"]["containers"][0]
    assert "-config.expand-env=true" in container["args"]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]}
    assert refs == {"LOKI_S3_ACCESS_KEY_ID": {"name": "loki-s3", "key": "access_key_id"},
                    "LOKI_S3_SECRET_ACCESS_KEY": {"name": "loki-s3", "key": "secret_access_key"}}
    assert not [o for o in run.objects("local") if o["kind"] == "Secret" and "s3" in o["metadata"]["name"]]
    egress = only(run, "NetworkPolicy", "loki-egress")["spec"]["egress"]
    assert {"to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 9000}]} in egress


def test_object_storage_needs_its_settings(render):
    run = render("local", "current", loki_storage_type="s3", loki_s3_endpoint="minio:9000")
    assert run.returncode != 0
    assert "loki_s3_bucket" in run.output and "loki_s3_secret_name" in run.output


def test_ephemeral_storage_is_explicit_and_waived(render):
    run = ok(render("local", "current", loki_storage_ephemeral=True))
    sts = only(run, "StatefulSet", "loki")
    assert "volumeClaimTemplates" not in sts["spec"]
    assert sts["metadata"]["annotations"]["waivers.vmstation.io/K013"]
    volumes = {v["name"]: v for v in sts["spec"]["template"]["spec"]["volumes"]}
    assert "emptyDir" in volumes["data"]


@pytest.mark.parametrize("extra,message", [
    ({"loki_retention_period": "0s"}, 'loki_retention_period is "0s": it must be a non-zero duration'),
    ({"loki_ingestion_rate_mb": 4}, "loki_ingestion_rate_mb is 4: it must be at least 10"),
    ({"loki_max_query_series": 0}, "loki_max_query_series is 0: it must be a positive whole number"),
    ({"loki_tenant": "no spaces allowed"}, 'loki_tenant is "no spaces allowed": it must be a Loki tenant ID'),
])
def test_loki_preflight_names_the_variable_its_value_and_the_fix(render, extra, message):
    run = render("local", "current", **extra)
    assert run.returncode != 0 and message in run.output, run.output[-3000:]


# --- Alloy ---------------------------------------------------------------------------------------

def test_alloy_daemonset_host_access_and_waivers(render):
    run = ok(render("local", "current"))
    ds = only(run, "DaemonSet", "alloy")
    assert ds["metadata"]["namespace"] == "monitoring-agents"
    waivers = {k.rsplit("/", 1)[1]: v for k, v in ds["metadata"]["annotations"].items()
               if k.startswith("waivers.vmstation.io/")}
    assert set(waivers) == {"K010", "K003"} and all(len(reason) > 40 for reason in waivers.values())
    pod = ds["spec"]["template"]["spec"]
    container = pod["containers"][0]
    host = {v["name"]: v["hostPath"]["path"] for v in pod["volumes"] if "hostPath" in v}
    assert host == {"data": "/var/lib/vmstation-alloy", "varlog": "/var/log"}
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    assert mounts["varlog"]["readOnly"] is True and not mounts["data"].get("readOnly")
    assert not pod.get("hostNetwork") and not pod.get("hostPID")
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                            "capabilities": {"drop": ["ALL"]}}
    assert "--storage.path=/var/lib/alloy" in container["args"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/-/ready" and container["livenessProbe"]
    service = only(run, "Service", "alloy")
    assert [(p["name"], p["port"]) for p in service["spec"]["ports"]] == [("http-metrics", 12345)]
    assert only(run, "ClusterRole", "vmstation-monitoring-alloy")["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]


def test_alloy_discovers_its_node_and_parses_cri(render):
    items = alloy_items(ok(render("local", "current")))
    selectors = component(items, "discovery.kubernetes", "pods").blocks("selectors")[0]
    assert literal(selectors, "role") == "pod"
    field = selectors.attributes()["field"].value
    assert field.kind == "binary" and alloy_config.literal_value(field.children[0]) == "spec.nodeName="
    pods = component(items, "loki.process", "pods")
    assert [b.name for b in pods.blocks()][0] == "stage.cri"
    assert "stage.docker" not in [b.name for b in pods.blocks()]
    path_rule = component(items, "discovery.relabel", "pods").blocks("rule")[0]
    assert literal(path_rule, "target_label") == "__path__"
    assert literal(path_rule, "replacement") == "/var/log/pods/*$1/*.log"


def test_alloy_labels_come_from_the_allow_list_only(render):
    items = alloy_items(ok(render("local", "current")))
    targets = [literal(r, "target_label") for r in component(items, "discovery.relabel", "pods").blocks("rule")]
    assert set(targets) - {"__path__"} <= {"namespace", "pod", "container", "app", "component", "node", "job"}
    keep = component(items, "loki.process", "logs").blocks("stage.label_keep")[0]
    kept = literal(keep, "values")
    assert set(kept) == {"namespace", "pod", "container", "app", "component", "node", "job", "stream", "unit"}
    assert not {"filename", "pod_uid", "uid", "container_id", "pod_ip"} & set(kept) & set(targets)
    # The last stage before Loki is the allow-list.
    assert [b.name for b in component(items, "loki.process", "logs").blocks()][-1] == "stage.label_keep"


@pytest.mark.parametrize("labels", [["namespace", "pod_uid"], ["namespace", "filename"], ["hostname"]])
def test_alloy_refuses_labels_outside_the_allow_list(render, labels):
    run = render("local", "current", alloy_stream_labels=labels)
    assert run.returncode != 0 and "alloy_stream_labels" in run.output


def test_alloy_option_extra_labels(render):
    items = alloy_items(ok(render("local", "current", **ALLOY_OPTIONS)))
    assert literal(component(items, "loki.write", "default"), "external_labels") == {"cluster": "c1", "region": "eu"}


def test_alloy_option_drop_rules(render):
    items = alloy_items(ok(render("local", "current", **ALLOY_OPTIONS)))
    stages = component(items, "loki.process", "logs").blocks()
    matches = [b for b in stages if b.name == "stage.match"]
    drops = [b for b in stages if b.name == "stage.drop"]
    assert literal(matches[0], "selector") == '{namespace="kube-system"}' and literal(matches[0], "action") == "drop"
    assert literal(drops[0], "expression") == "GET /healthz"
    assert literal(drops[0], "drop_counter_reason") == "health_checks"
    nested = matches[1].blocks("stage.drop")[0]
    assert (literal(nested, "expression"), literal(nested, "longer_than")) == ("level=debug", "64KB")


def test_alloy_option_extra_files(render):
    run = ok(render("local", "current", **ALLOY_OPTIONS))
    items = alloy_items(run)
    [target] = component(items, "local.file_match", "files").attributes()["path_targets"].value.children
    assert dict(zip(target.keys, [alloy_config.literal_value(c) for c in target.children]))["__path__"] \
        == "/var/log/syslog"
    source = component(items, "loki.source.file", "files")
    assert alloy_config.traversal(source.attributes()["forward_to"].value.children[0]) == \
        ["loki", "process", "logs", "receiver"]


def test_alloy_option_journal(render):
    run = ok(render("local", "current", **ALLOY_OPTIONS))
    items = alloy_items(run)
    journal = component(items, "loki.source.journal", "node")
    assert literal(journal, "max_age") == "12h"
    rules = journal.attributes()["relabel_rules"].value
    assert alloy_config.traversal(rules) == ["loki", "relabel", "journal", "rules"]
    pod = only(run, "DaemonSet", "alloy")["spec"]["template"]["spec"]
    assert {v["hostPath"]["path"] for v in pod["volumes"] if "hostPath" in v} >= {"/run/log/journal"}
    assert "journal" in only(run, "DaemonSet", "alloy")["metadata"]["annotations"]["waivers.vmstation.io/K010"]


def test_alloy_option_stream_labels(render):
    items = alloy_items(ok(render("local", "current", **ALLOY_OPTIONS)))
    keep = component(items, "loki.process", "logs").blocks("stage.label_keep")[0]
    assert literal(keep, "values") == ALLOY_OPTIONS["alloy_stream_labels"]
    targets = {literal(r, "target_label") for r in component(items, "discovery.relabel", "pods").blocks("rule")}
    assert "component" not in targets


def test_alloy_with_every_option_passes_the_checks(render):
    run = ok(render("local", "current", **ALLOY_OPTIONS))
    assert alloy_config.validate_objects(run.objects("local")) == []


def test_alloy_network_policies(render):
    run = ok(render("local", "current"))
    ingress = only(run, "NetworkPolicy", "alloy-ingress")["spec"]["ingress"]
    assert ingress[0]["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "prometheus"
    assert ingress[0]["ports"] == [{"protocol": "TCP", "port": 12345}]
    egress = only(run, "NetworkPolicy", "alloy-egress")["spec"]["egress"]
    assert egress[0]["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "loki"
    assert egress[0]["ports"] == [{"protocol": "TCP", "port": 3100}]


def test_alloy_to_an_external_loki_needs_an_egress_range(render):
    run = render("local", "current", alloy_loki_url="https://logs.example.com/loki/api/v1/push")
    assert run.returncode != 0 and "alloy_loki_egress_cidrs" in run.output


# --- Promtail -------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile,tag", [("seed", "2.9.2"), ("current", "3.6.11")])
def test_promtail_is_selectable_in_both_profiles(render, profile, tag):
    run = ok(render("local", profile, monitoring_log_agent="promtail"))
    ds = only(run, "DaemonSet", "promtail")
    container = ds["spec"]["template"]["spec"]["containers"][0]
    assert container["image"].endswith(":" + tag)
    env = {e["name"]: e["valueFrom"]["fieldRef"]["fieldPath"] for e in container["env"]}
    assert env == {"HOSTNAME": "spec.nodeName"}
    assert set(k.rsplit("/", 1)[1] for k in ds["metadata"]["annotations"]) == {"K010", "K003"}
    ports = only(run, "Service", "promtail")["spec"]["ports"]
    assert [(p["name"], p["port"]) for p in ports] == [("http-metrics", 3101)]
    assert promtail_config.validate_objects(run.objects("local")) == []
    assert "end of life" in run.output


def test_promtail_cri_positions_and_labels(render):
    config = promtail(ok(render("local", "seed")))
    assert config["positions"]["filename"] == "/var/lib/promtail/positions.yaml"
    [pods] = [job for job in config["scrape_configs"] if job["job_name"] == "kubernetes-pods"]
    assert pods["pipeline_stages"][0] == {"cri": {}}
    assert pods["pipeline_stages"][-1]["labelallow"] == alloy_default_labels()
    relabel = pods["relabel_configs"]
    assert relabel[0] == {"source_labels": ["__meta_kubernetes_pod_node_name"], "target_label": "__host__"}
    targets = {r["target_label"] for r in relabel}
    assert targets - {"__host__", "__path__"} <= set(alloy_default_labels())
    assert not [r for r in relabel if r.get("action") == "labelmap"]


def alloy_default_labels():
    defaults = yaml.safe_load((ROOT / "roles" / "alloy" / "defaults" / "main.yml").read_text())
    return defaults["alloy_stream_labels"]


def test_promtail_options(render):
    run = ok(render("local", "seed", **PROMTAIL_OPTIONS))
    config = promtail(run)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == {"kubernetes-pods", "node-files", "node-journal"}
    assert config["clients"][0]["external_labels"] == {"cluster": "c1", "region": "eu"}
    stages = jobs["kubernetes-pods"]["pipeline_stages"]
    assert stages[1] == {"match": {"selector": '{namespace="kube-system"}', "action": "drop",
                                   "drop_counter_reason": "drop_rule_1"}}
    assert stages[2] == {"drop": {"expression": "GET /healthz", "drop_counter_reason": "health_checks"}}
    assert stages[3]["match"]["stages"] == [{"drop": {"expression": "level=debug", "longer_than": "64KB",
                                                      "drop_counter_reason": "drop_rule_3"}}]
    assert stages[-1]["labelallow"] == PROMTAIL_OPTIONS["promtail_stream_labels"]
    assert jobs["node-files"]["static_configs"] == [{"targets": ["localhost"],
                                                     "labels": {"__path__": "/var/log/syslog", "job": "syslog"}}]
    assert jobs["node-journal"]["journal"]["path"] == "/var/log/journal"
    assert promtail_config.validate_objects(run.objects("local")) == []


def test_no_agent(render):
    run = ok(render("local", "current", monitoring_log_agent="none"))
    assert not [o for o in run.objects("local") if o["metadata"]["name"] in ("alloy", "promtail")]
    ingress = only(run, "NetworkPolicy", "loki-ingress")["spec"]["ingress"]
    assert len(ingress) == 1


def test_ruler_groups_are_mounted_for_the_stack_tenant(render):
    groups = [{"name": "errors", "rules": [{
        "alert": "ManyErrors", "expr": 'sum(count_over_time({namespace="prod"} |= "error" [5m])) > 100',
        "for": "10m", "labels": {"severity": "warning"},
        "annotations": {"summary": "Many errors", "description": "More than 100 error lines in 5 minutes."}}]}]
    run = ok(render("local", "current", loki_ruler_groups=groups, **TENANT))
    rules = only(run, "ConfigMap", "loki-rules")
    assert yaml.safe_load(rules["data"]["rules.yaml"]) == {"groups": groups}
    pod = only(run, "StatefulSet", "loki")["spec"]["template"]["spec"]
    [volume] = [v for v in pod["volumes"] if v["name"] == "rules"]
    assert volume["configMap"]["items"] == [{"key": "rules.yaml", "path": "team-a/rules.yaml"}]
