"""Renders of the alertmanager role, read back from the exported tree: the Service contract, the headless
Service and gossip clustering, the StatefulSet and its volumes, the routing with credentials read from
mounted Secrets (never rendered), the NetworkPolicies, the fact describing the Secrets for the apply
phase, and preflight and validate failures that name the problem and write nothing."""

from __future__ import annotations

import json

import pytest
import yaml
from real_tools import binary, role_tag

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.alertmanager import NULL_RECEIVERS_ANNOTATION
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.alertmanager import BLACKHOLE
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import REQUIRED_LABELS, selector_labels
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.secrets import check_descriptions
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import check_objects

from conftest import PROFILES, ROOT, run_playbook

pytestmark = pytest.mark.render

STACK = yaml.safe_load((ROOT / "roles" / "stack" / "defaults" / "main.yml").read_text())
DEFAULTS = yaml.safe_load((ROOT / "roles" / "alertmanager" / "defaults" / "main.yml").read_text())
NAMESPACE = STACK["monitoring_namespace"]
INSTANCE = STACK["monitoring_instance"]
SELECTOR = selector_labels("alertmanager", INSTANCE)
NO_AGENT = {"monitoring_log_agent": "none"}
SECRET_VALUE = "xoxb-never-in-the-tree-0123456789"
RICH = {
    "alertmanager_replicas": 3,
    "alertmanager_receivers": [
        {"name": "team-slack", "slack_configs": [{"channel": "#alerts",
                                                  "api_url": {"secret": "am-slack", "key": "api-url"}}]},
        {"name": "oncall", "pagerduty_configs": [{"routing_key": {"secret": "am-pagerduty", "key": "routing-key"}}]},
        {"name": "mail", "email_configs": [{"to": "ops@example.org", "from": "am@example.org",
                                            "smarthost": "smtp.example.org:587", "auth_username": "am",
                                            "auth_password": {"secret": "am-smtp", "key": "password"}}]},
        {"name": "hook", "webhook_configs": [{"url": {"secret": "am-hook", "key": "url"}}]},
        {"name": "heartbeat", "webhook_configs": [{"url": "https://hc-ping.example.org/abc"}]},
    ],
    "alertmanager_default_receiver": "team-slack",
    "alertmanager_deadmansswitch_receiver": "heartbeat",
    "alertmanager_routes": [{"matchers": ['severity="critical"'], "receiver": "oncall", "continue": True,
                             "mute_time_intervals": ["maintenance"]}],
    "alertmanager_time_intervals": [{"name": "maintenance", "time_intervals": [{"weekdays": ["sunday"]}]}],
    "alertmanager_route": {"repeat_interval": "12h"},
    "alertmanager_templates": {"custom.tmpl": "plain text, no Go template"},
    "alertmanager_secret_data": {"am-slack": {"api-url": SECRET_VALUE}},
    "alertmanager_ingress_from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}}],
    "alertmanager_notification_cidrs": ["203.0.113.0/24"],
}


def _render(render, profile="current", **extra):
    run = render("local", profile, **NO_AGENT, **extra)
    assert run.returncode == 0, run.output[-4000:]
    return run


def _objects(run):
    return [o for o in run.objects("local") if o["metadata"].get("labels", {}).get("app.kubernetes.io/name")
            == "alertmanager"]


def _config(run):
    return yaml.safe_load(run.find("local", "ConfigMap", "alertmanager-config", NAMESPACE)["data"]["alertmanager.yml"])


def _container(run):
    return run.find("local", "StatefulSet", "alertmanager", NAMESPACE)["spec"]["template"]["spec"]["containers"][0]


@pytest.mark.parametrize("profile", PROFILES)
def test_default_render_is_a_single_replica_without_gossip(render, profile):
    run = _render(render, profile)
    kinds = sorted((o["kind"], o["metadata"]["name"]) for o in _objects(run))
    assert kinds == [("ConfigMap", "alertmanager-config"),
                     ("NetworkPolicy", "alertmanager-ingress"), ("PodDisruptionBudget", "alertmanager"),
                     ("Service", "alertmanager"), ("Service", "alertmanager-cluster"),
                     ("ServiceAccount", "alertmanager"), ("StatefulSet", "alertmanager")]
    tag = DEFAULTS["alertmanager_image_tags"][profile]
    container = _container(run)
    assert container["image"] == "quay.io/prometheus/alertmanager:%s" % tag
    assert "--cluster.listen-address=" in container["args"]
    assert not [a for a in container["args"] if a.startswith("--cluster.peer")]
    assert [p["name"] for p in container["ports"]] == ["http-web"]
    assert "env" not in container
    for obj in _objects(run):
        assert set(REQUIRED_LABELS) <= set(obj["metadata"]["labels"]), obj["metadata"]["name"]
        assert obj["metadata"]["labels"]["app.kubernetes.io/version"] == tag


def test_the_service_contract_is_what_prometheus_discovers(render):
    run = _render(render)
    service = run.find("local", "Service", "alertmanager", NAMESPACE)
    assert service["spec"]["selector"] == SELECTOR
    assert service["spec"]["ports"] == [{"name": "http-metrics", "port": 9093, "targetPort": "http-web",
                                         "protocol": "TCP"}]
    prometheus = yaml.safe_load(run.find("local", "ConfigMap", "prometheus-config", NAMESPACE)["data"]["prometheus.yml"])
    alerting = prometheus["alerting"]["alertmanagers"][0]
    keep = {tuple(r["source_labels"]): r["regex"] for r in alerting["relabel_configs"] if r.get("action") == "keep"}
    assert keep[("__meta_kubernetes_service_name",)] == service["metadata"]["name"]
    assert keep[("__meta_kubernetes_endpointslice_port",)] == str(service["spec"]["ports"][0]["port"])
    job = next(j for j in prometheus["scrape_configs"] if j["job_name"] == "alertmanager")
    keep = {tuple(r["source_labels"]): r["regex"] for r in job["relabel_configs"] if r.get("action") == "keep"}
    assert keep[("__meta_kubernetes_service_label_app_kubernetes_io_name",)] == "alertmanager"
    assert keep[("__meta_kubernetes_endpointslice_port_name",)] == "http-metrics"
    # The headless Service carries no http-metrics port, so each pod is scraped once.
    headless = run.find("local", "Service", "alertmanager-cluster", NAMESPACE)
    assert headless["spec"]["clusterIP"] == "None" and headless["spec"]["publishNotReadyAddresses"] is True
    assert [(p["name"], p["port"], p["protocol"]) for p in headless["spec"]["ports"]] == [
        ("http-web", 9093, "TCP"), ("gossip-tcp", 9094, "TCP"), ("gossip-udp", 9094, "UDP")]


def test_the_statefulset_keeps_silences_on_a_volume_and_meets_the_workload_rules(render):
    run = _render(render)
    sts = run.find("local", "StatefulSet", "alertmanager", NAMESPACE)
    assert sts["spec"]["serviceName"] == "alertmanager-cluster"
    assert sts["spec"]["selector"]["matchLabels"] == SELECTOR
    pod = sts["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert "--storage.path=/alertmanager" in container["args"]
    assert {"name": "data", "mountPath": "/alertmanager"} in container["volumeMounts"]
    claim = sts["spec"]["volumeClaimTemplates"][0]
    assert claim["metadata"]["name"] == "data" and claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                            "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}}
    for probe, path in (("startupProbe", "/-/ready"), ("readinessProbe", "/-/ready"), ("livenessProbe", "/-/healthy")):
        assert container[probe]["httpGet"] == {"path": path, "port": "http-web"}
    assert pod["priorityClassName"] == STACK["monitoring_priority_class_name"]
    assert len(sts["spec"]["template"]["metadata"]["annotations"]["checksum/config"]) == 64
    pdb = run.find("local", "PodDisruptionBudget", "alertmanager", NAMESPACE)
    assert pdb["spec"] == {"maxUnavailable": 1, "selector": {"matchLabels": SELECTOR}}


def test_the_default_routing_drops_on_purpose_and_says_so(render):
    run = _render(render)
    configmap = run.find("local", "ConfigMap", "alertmanager-config", NAMESPACE)
    assert configmap["metadata"]["annotations"] == {NULL_RECEIVERS_ANNOTATION: BLACKHOLE}
    config = _config(run)
    assert config["route"]["receiver"] == BLACKHOLE
    assert config["route"]["group_wait"] == "5s" and config["route"]["group_by"] == ["alertname", "namespace", "job"]
    assert config["route"]["routes"][0]["matchers"] == ['alertname="Watchdog"']
    sources = [rule["source_matchers"] for rule in config["inhibit_rules"]]
    assert ['severity="critical"'] in sources
    assert "alertmanager_default_receiver is `blackhole`" in run.output


def test_network_policies_allow_only_the_real_flows(render):
    run = _render(render)
    ingress = run.find("local", "NetworkPolicy", "alertmanager-ingress", NAMESPACE)["spec"]
    assert ingress["podSelector"]["matchLabels"] == SELECTOR
    peers = [p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in ingress["ingress"][0]["from"]]
    assert "prometheus" in peers and set(peers) <= {"prometheus", "loki", "grafana"}
    assert ingress["ingress"][0]["ports"] == [{"protocol": "TCP", "port": 9093}]
    assert len(ingress["ingress"]) == 1, "no gossip allow for a single replica"
    names = {o["metadata"]["name"] for o in _objects(run) if o["kind"] == "NetworkPolicy"}
    assert "alertmanager-egress" not in names, "no receiver, no gossip: Alertmanager calls nothing but DNS"


def test_the_egress_follows_the_receivers_endpoints(render):
    """Issue 13: SMTP on 25 and plain-HTTP webhooks were cut off by a fixed 443/587/465 allow to every address."""
    run = _render(render, alertmanager_receivers=[
        {"name": "mail", "email_configs": [{"to": "ops@example.org", "from": "am@example.org",
                                            "smarthost": "smtp.example.org:25"}]},
        {"name": "hook", "webhook_configs": [{"url": "http://10.1.2.3:8080/alerts"},
                                             {"url": "http://alert-sink.example.org/hook"}]},
        {"name": "oncall", "pagerduty_configs": [{"routing_key": {"secret": "am-pd", "key": "key"}}]}],
        alertmanager_default_receiver="mail", alertmanager_notification_cidrs=["198.51.100.0/24"])
    policy = run.find("local", "NetworkPolicy", "alertmanager-egress", NAMESPACE)
    assert policy["spec"]["egress"] == [
        {"to": [{"ipBlock": {"cidr": "10.1.2.3/32"}}], "ports": [{"protocol": "TCP", "port": 8080}]},
        {"to": [{"ipBlock": {"cidr": "198.51.100.0/24"}}],
         "ports": [{"protocol": "TCP", "port": p} for p in (25, 80, 443)]}]
    assert "annotations" not in policy["metadata"], "no address range of every address, no waiver"


def test_any_address_for_notifications_is_a_choice_the_inventory_names(render):
    run = _render(render, **{**RICH, "alertmanager_notification_cidrs": ["0.0.0.0/0"]})
    policy = run.find("local", "NetworkPolicy", "alertmanager-egress", NAMESPACE)
    assert "alertmanager_notification_cidrs" in policy["metadata"]["annotations"]["waivers.vmstation.io/K012"]
    assert policy["spec"]["egress"][0] == {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
                                           "ports": [{"protocol": "TCP", "port": p} for p in (443, 587)]}
    (finding,) = [v for v in check_objects(run.objects("local"), ["K012"]) if v.name == "alertmanager-egress"]
    assert finding.waived and "alertmanager_notification_cidrs" in finding.waiver_reason


def test_receivers_read_their_credentials_from_mounted_secrets_never_rendered(render):
    run = _render(render, **RICH)
    config = _config(run)
    receivers = {r["name"]: r for r in config["receivers"]}
    assert receivers["team-slack"]["slack_configs"][0]["api_url_file"] == "/etc/alertmanager/secrets/am-slack/api-url"
    assert receivers["oncall"]["pagerduty_configs"][0]["routing_key_file"] == (
        "/etc/alertmanager/secrets/am-pagerduty/routing-key")
    assert receivers["mail"]["email_configs"][0]["auth_password_file"] == "/etc/alertmanager/secrets/am-smtp/password"
    assert receivers["hook"]["webhook_configs"][0]["url_file"] == "/etc/alertmanager/secrets/am-hook/url"
    assert config["route"]["repeat_interval"] == "12h" and config["route"]["group_wait"] == "5s"
    assert config["route"]["routes"][0]["receiver"] == "heartbeat"
    assert config["templates"] == ["/etc/alertmanager/templates/*.tmpl"]
    assert NULL_RECEIVERS_ANNOTATION not in (run.find("local", "ConfigMap", "alertmanager-config",
                                                      NAMESPACE)["metadata"].get("annotations") or {})
    pod = run.find("local", "StatefulSet", "alertmanager", NAMESPACE)["spec"]["template"]["spec"]
    secrets = {v["secret"]["secretName"]: v["secret"] for v in pod["volumes"] if "secret" in v}
    assert secrets["am-slack"] == {"secretName": "am-slack", "optional": False,
                                   "items": [{"key": "api-url", "path": "api-url"}]}
    assert sorted(secrets) == ["am-hook", "am-pagerduty", "am-slack", "am-smtp"]
    mounts = {m["mountPath"] for m in pod["containers"][0]["volumeMounts"]}
    assert {"/etc/alertmanager/secrets/%s" % name for name in secrets} | {"/etc/alertmanager/templates"} <= mounts
    assert not [o for o in run.objects("local") if o["kind"] == "Secret"], "Secrets are created by the apply phase"
    for path in run.build_dir.rglob("*"):
        if path.is_file():
            assert SECRET_VALUE not in path.read_text(errors="replace"), path
    assert SECRET_VALUE not in run.output


def test_replicas_form_a_gossip_cluster_over_the_headless_service(render):
    run = _render(render, **RICH)
    container = _container(run)
    peers = [a for a in container["args"] if a.startswith("--cluster.peer=")]
    assert peers == ["--cluster.peer=alertmanager-%d.alertmanager-cluster.%s.svc.cluster.local:9094" % (i, NAMESPACE)
                     for i in range(3)]
    assert "--cluster.listen-address=0.0.0.0:9094" in container["args"]
    assert "--cluster.advertise-address=[$(POD_IP)]:9094" in container["args"]
    assert container["env"] == [{"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}]
    assert [(p["name"], p["protocol"]) for p in container["ports"]] == [
        ("http-web", "TCP"), ("gossip-tcp", "TCP"), ("gossip-udp", "UDP")]
    ingress = run.find("local", "NetworkPolicy", "alertmanager-ingress", NAMESPACE)["spec"]["ingress"]
    assert {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}} in ingress[0]["from"]
    assert ingress[1] == {"from": [{"podSelector": {"matchLabels": SELECTOR}}],
                          "ports": [{"protocol": "TCP", "port": 9094}, {"protocol": "UDP", "port": 9094}]}
    egress = run.find("local", "NetworkPolicy", "alertmanager-egress", NAMESPACE)["spec"]["egress"]
    assert egress[-1]["to"] == [{"podSelector": {"matchLabels": SELECTOR}}]


def test_the_secrets_the_apply_phase_creates_are_described_without_values(tmp_path):
    playbook = tmp_path / "secrets.yml"
    out = tmp_path / "secrets.json"
    playbook.write_text(yaml.safe_dump([{
        "name": "Describe the Alertmanager Secrets", "hosts": "all", "gather_facts": False,
        "tasks": [
            {"name": "The stack, Alertmanager among its components", "ansible.builtin.import_role": {"name": "vmstation.monitoring.stack"}},
            {"name": "Write the fact", "ansible.builtin.copy": {
                "content": "{{ __alertmanager_secrets | to_json }}", "dest": str(out), "mode": "0600"}},
        ]}]))
    run = run_playbook(tmp_path / "build", extra_vars={**NO_AGENT, **RICH}, playbook=str(playbook))
    assert run.returncode == 0, run.output[-4000:]
    assert SECRET_VALUE not in run.output
    descriptions = json.loads(out.read_text())
    assert check_descriptions(descriptions) == [], "the apply phase's stack_secrets accepts them"
    secrets = {s["name"]: s for s in descriptions}
    assert sorted(secrets) == ["am-slack"], "only the Secrets whose values alertmanager_secret_data holds"
    slack = secrets["am-slack"]
    assert slack["namespace"] == NAMESPACE and slack["component"] == "alertmanager"
    assert slack["keys"] == [{"key": "api-url", "variable": "alertmanager_secret_data", "path": ["am-slack", "api-url"]}]
    assert set(REQUIRED_LABELS) <= set(slack["labels"])
    assert SECRET_VALUE not in out.read_text()


def _fails(tmp_path, **extra):
    run = run_playbook(tmp_path, extra_vars={**NO_AGENT, **extra})
    assert run.returncode != 0, "the run should have failed"
    assert not (tmp_path / "local").exists(), "nothing may be written when the run fails"
    return run.output


def test_a_credential_in_clear_fails_before_rendering_and_is_not_printed(tmp_path):
    output = _fails(tmp_path, alertmanager_receivers=[
        {"name": "team", "slack_configs": [{"api_url": SECRET_VALUE}]}], alertmanager_default_receiver="team")
    assert "alertmanager_receivers[0] (team).slack_configs[0].api_url: is a credential" in output
    assert SECRET_VALUE not in output


def test_unknown_receivers_and_stray_secret_values_fail_with_their_names(tmp_path):
    output = _fails(tmp_path, alertmanager_default_receiver="pager",
                    alertmanager_routes=[{"matchers": ['team="a"'], "receiver": "team-a"}])
    assert "alertmanager_default_receiver: 'pager' is not a receiver" in output
    assert "alertmanager_routes[0].receiver: 'team-a' is not a receiver" in output
    output = _fails(tmp_path, alertmanager_secret_data={"am-unused": {"token": SECRET_VALUE}})
    assert "alertmanager_secret_data" in output and SECRET_VALUE not in output


def test_a_setting_the_seed_image_cannot_read_fails_for_seed(tmp_path):
    receivers = [{"name": "mail", "email_configs": [{"to": "ops@example.org", "from": "am@example.org",
                                                     "smarthost": "smtp.example.org:587", "auth_username": "am",
                                                     "auth_secret": {"secret": "am-smtp", "key": "secret"}}]}]
    run = run_playbook(tmp_path, extra_vars={**NO_AGENT, "monitoring_version_profile": "seed",
                                             "alertmanager_receivers": receivers,
                                             "alertmanager_default_receiver": "mail"})
    assert run.returncode != 0
    assert "Alertmanager 0.26.0 cannot read auth_secret_file (added in 0.31.0)" in run.output


@pytest.mark.tools
def test_amtool_stops_a_config_alertmanager_would_refuse(tmp_path):
    version = role_tag("alertmanager_image_tags", "current")
    amtool = binary("alertmanager", version, "amtool")
    output = _fails(tmp_path, alertmanager_routes=[{"matchers": ['severity=~"(unclosed"'], "receiver": BLACKHOLE}])
    assert "[AMTOOL error] ConfigMap/%s/alertmanager-config" % NAMESPACE in output
    assert "amtool check-config failed (amtool %s, the pinned build at %s)" % (version.lstrip("v"), amtool) in output
