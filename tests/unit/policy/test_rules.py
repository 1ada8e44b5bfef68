"""Every policy rule: the compliant set passes it, and each broken variant fails it with the rule id, the object
and the JSON path of the problem."""

from __future__ import annotations

import base64
import json

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import VERSION
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import RULES
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import WARNING

from policy_fixtures import (
    AGENTS,
    APPS,
    config,
    configmap,
    dashboard,
    find,
    found,
    meta,
    pdb,
    run,
    selector,
    set_config,
    stack,
)

WEB = "spec.template.spec.containers[0]"
CRON = "spec.jobTemplate.spec.template.spec"


def web(objects):
    return find(objects, "Deployment", "web")


def web_container(objects):
    return web(objects)["spec"]["template"]["spec"]["containers"][0]


def prometheus(objects):
    return find(objects, "StatefulSet", "prometheus")


def prom_container(objects):
    return prometheus(objects)["spec"]["template"]["spec"]["containers"][0]


def annotate(obj, rule, reason):
    obj["metadata"].setdefault("annotations", {})["waivers.vmstation.io/" + rule] = reason


@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_compliant_set_passes_every_rule(rule):
    assert found(stack(), rule) == set()


def test_the_compliant_set_has_only_the_declared_waivers():
    violations = run(stack())
    assert [v for v in violations if v.blocking] == []
    assert {(v.rule, v.name, v.waiver_reason) for v in violations if v.waived} == {
        ("K010", "node-exporter", "reads the node's /proc, /sys and mount table")}


# --- each case: (rule, how the set is broken, findings that must appear as (kind, name, path)) -------------

def _del(container_or_spec, *keys):
    target = container_or_spec
    for key in keys[:-1]:
        target = target[key]
    del target[keys[-1]]


def _add_init(objects):
    spec = find(objects, "CronJob", "backup")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    init = dict(spec["containers"][0], name="init")
    del init["resources"]
    spec["initContainers"] = [init]


def _sidecar(objects):
    spec = web(objects)["spec"]["template"]["spec"]
    sidecar = dict(spec["containers"][0], name="proxy", restartPolicy="Always")
    del sidecar["livenessProbe"]
    spec["initContainers"] = [sidecar]


def _image(image):
    def mutate(objects):
        web_container(objects)["image"] = image
    return mutate


def _prom_args(change):
    def mutate(objects):
        container = prom_container(objects)
        container["args"] = change(container["args"])
    return mutate


def _pdb(**spec):
    def mutate(objects):
        budget = find(objects, "PodDisruptionBudget", "prometheus")["spec"]
        budget.pop("maxUnavailable", None)
        budget.update(spec)
    return mutate


def _config(name, key, change):
    def mutate(objects):
        data = config(objects, name, key)
        change(data)
        set_config(objects, name, key, data)
    return mutate


def _second_pdb(objects):
    extra = pdb("web", APPS)
    extra["metadata"]["name"] = "web-2"
    objects.append(extra)


def _policy_typo(objects):
    find(objects, "NetworkPolicy", "web")["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] = "webb"


def _ingress_from_anyone(cidr):
    def mutate(objects):
        find(objects, "NetworkPolicy", "web")["spec"]["ingress"][0]["from"].append({"ipBlock": {"cidr": cidr}})
    return mutate


def _egress_to_anyone(objects):
    find(objects, "NetworkPolicy", "web")["spec"].setdefault("egress", []).append(
        {"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}, {"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}],
         "ports": [{"protocol": "TCP", "port": 443}]})
    find(objects, "NetworkPolicy", "web")["spec"]["policyTypes"] = ["Ingress", "Egress"]


def _ns_without_object(objects):
    objects.remove(find(objects, "Namespace", APPS))
    for obj in [o for o in objects if o["kind"] == "NetworkPolicy" and o["metadata"]["namespace"] == APPS
                and o["metadata"]["name"] == "default-deny"]:
        objects.remove(obj)


def _egress_not_denied(objects):
    for obj in objects:
        if obj["kind"] == "NetworkPolicy" and obj["metadata"]["name"] == "default-deny" \
                and obj["metadata"]["namespace"] == AGENTS:
            obj["spec"]["policyTypes"] = ["Ingress"]


def _prometheus_as_deployment(objects):
    sts = prometheus(objects)
    sts["kind"] = "Deployment"
    del sts["spec"]["volumeClaimTemplates"], sts["spec"]["serviceName"]


def _spread_wrong_pods(objects):
    term = web(objects)["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"][
        "preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]
    term["labelSelector"] = {"matchLabels": selector("other")}


def _version_in_selector(objects):
    web(objects)["spec"]["selector"]["matchLabels"][VERSION] = "1.2.3"


def _service_app_selector(objects):
    find(objects, "Service", "web")["spec"]["selector"] = {"app": "web"}


def _peer_version(objects):
    peer = find(objects, "NetworkPolicy", "web")["spec"]["ingress"][0]["from"][0]
    peer["podSelector"]["matchLabels"][VERSION] = "1.2.3"


def _automount_unset(objects):
    del web(objects)["spec"]["template"]["spec"]["automountServiceAccountToken"]


def _env_secret(objects):
    web_container(objects)["env"] = [{"name": "DB_PASSWORD", "value": "hunter2"}]


def _env_url(objects):
    web_container(objects)["env"] = [{"name": "DATABASE", "value": "postgres://app:s3cret@db:5432/app"}]


def _slack(objects):
    data = config(objects, "alertmanager", "alertmanager.yml")
    data["receivers"][0] = {"name": "team", "slack_configs": [{"api_url": "https://hooks.slack.com/services/T/B/X",
                                                              "channel": "#alerts"}]}
    set_config(objects, "alertmanager", "alertmanager.yml", data)


def _remote_write_password(objects):
    data = config(objects, "prometheus-config", "prometheus.yml")
    data["remote_write"] = [{"url": "https://remote.example/api/v1/write",
                             "basic_auth": {"username": "me", "password": "s3cret"}}]
    set_config(objects, "prometheus-config", "prometheus.yml", data)


def _alloy_password(objects):
    text = config(objects, "alloy", "config.alloy").replace(
        'url = "http://loki.apps.svc:3100/loki/api/v1/push"',
        'url = "http://loki.apps.svc:3100/loki/api/v1/push"\n    basic_auth {\n      username = "me"\n'
        '      password = "s3cret"\n    }')
    set_config(objects, "alloy", "config.alloy", text)


def _service_monitor(objects):
    objects.append({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": meta("web", APPS),
                    "spec": {"selector": {"matchLabels": selector("web")}, "endpoints": [{"port": "http",
                                                                                          "interval": "5s"}]}})


def _prometheus_rule(objects):
    rules = {"groups": [{"name": "crd", "rules": [{"alert": "X", "expr": "up == 0", "for": "5m",
                                                   "labels": {"severity": "warning"},
                                                   "annotations": {"description": "d"}}]}]}
    objects.append({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                    "metadata": meta("web-rules", APPS), "spec": rules})


def _null_catch_all(objects):
    data = config(objects, "alertmanager", "alertmanager.yml")
    data["receivers"].append({"name": "blackhole"})
    data["route"]["receiver"] = "blackhole"
    set_config(objects, "alertmanager", "alertmanager.yml", data)


def _second_dashboard(objects):
    find(objects, "ConfigMap", "grafana-dashboards")["data"]["b.json"] = json.dumps(dashboard())


def _panel(change):
    def mutate(objects):
        board = config(objects, "grafana-dashboards", "web.json")
        change(board["panels"])
        set_config(objects, "grafana-dashboards", "web.json", board)
    return mutate


def _admin_api(objects):
    prom_container(objects)["args"].append("--web.enable-admin-api")


def _node_port(objects):
    find(objects, "Service", "web")["spec"]["type"] = "NodePort"


CASES = [
    ("K001", "no resources", lambda o: _del(web_container(o), "resources"),
     [("Deployment", "web", WEB + ".resources")]),
    ("K001", "no memory limit", lambda o: _del(prom_container(o), "resources", "limits", "memory"),
     [("StatefulSet", "prometheus", WEB + ".resources.limits.memory")]),
    ("K001", "init container without resources", _add_init,
     [("CronJob", "backup", CRON + ".initContainers[0].resources")]),
    ("K002", "no tag", _image("registry.example/web"), [("Deployment", "web", WEB + ".image")]),
    ("K002", "latest", _image("registry.example/web:latest"), [("Deployment", "web", WEB + ".image")]),
    ("K002", "registry port, no tag", _image("registry.example:5000/web"), [("Deployment", "web", WEB + ".image")]),
    ("K002", "moving tag", _image("registry.example/web:stable"), [("Deployment", "web", WEB + ".image")]),
    ("K002", "digest only", _image("registry.example/web@sha256:" + "a" * 64), [("Deployment", "web", WEB + ".image")]),
    ("K003", "runAsNonRoot unset",
     lambda o: _del(web(o)["spec"]["template"]["spec"], "securityContext", "runAsNonRoot"),
     [("Deployment", "web", "spec.template.spec.securityContext.runAsNonRoot")]),
    ("K003", "uid 0 in a container", lambda o: web_container(o)["securityContext"].update(runAsUser=0),
     [("Deployment", "web", WEB + ".securityContext.runAsUser")]),
    ("K003", "container overrides runAsNonRoot", lambda o: web_container(o)["securityContext"].update(
        runAsNonRoot=False), [("Deployment", "web", WEB + ".securityContext.runAsNonRoot")]),
    ("K004", "writable root", lambda o: _del(web_container(o), "securityContext", "readOnlyRootFilesystem"),
     [("Deployment", "web", WEB + ".securityContext.readOnlyRootFilesystem")]),
    ("K005", "drops too little", lambda o: web_container(o)["securityContext"]["capabilities"].update(
        drop=["NET_RAW"]), [("Deployment", "web", WEB + ".securityContext.capabilities.drop")]),
    ("K005", "adds a capability", lambda o: web_container(o)["securityContext"]["capabilities"].update(
        add=["NET_ADMIN"]), [("Deployment", "web", WEB + ".securityContext.capabilities.add")]),
    ("K006", "escalation allowed", lambda o: web_container(o)["securityContext"].update(allowPrivilegeEscalation=True),
     [("Deployment", "web", WEB + ".securityContext.allowPrivilegeEscalation")]),
    ("K007", "privileged", lambda o: web_container(o)["securityContext"].update(privileged=True),
     [("Deployment", "web", WEB + ".securityContext.privileged")]),
    ("K008", "no seccomp", lambda o: _del(web(o)["spec"]["template"]["spec"], "securityContext", "seccompProfile"),
     [("Deployment", "web", "spec.template.spec.securityContext.seccompProfile.type")]),
    ("K008", "container unconfined", lambda o: web_container(o)["securityContext"].update(
        seccompProfile={"type": "Unconfined"}), [("Deployment", "web", WEB + ".securityContext.seccompProfile.type")]),
    ("K009", "no readiness probe", lambda o: _del(web_container(o), "readinessProbe"),
     [("Deployment", "web", WEB + ".readinessProbe")]),
    ("K009", "slow starter without startup probe", lambda o: _del(prom_container(o), "startupProbe"),
     [("StatefulSet", "prometheus", WEB + ".startupProbe")]),
    ("K009", "native sidecar without liveness probe", _sidecar,
     [("Deployment", "web", "spec.template.spec.initContainers[0].livenessProbe")]),
    ("K010", "agent without waiver", lambda o: find(o, "DaemonSet", "node-exporter")["metadata"].pop("annotations"),
     [("DaemonSet", "node-exporter", "spec.template.spec.hostNetwork"),
      ("DaemonSet", "node-exporter", "spec.template.spec.hostPID"),
      ("DaemonSet", "node-exporter", "spec.template.spec.volumes[0].hostPath")]),
    ("K010", "hostPath outside the agents namespace, even waived",
     lambda o: (web(o)["spec"]["template"]["spec"].update(volumes=[{"name": "h", "hostPath": {"path": "/var"}}]),
                annotate(web(o), "K010", "wants host files")),
     [("Deployment", "web", "spec.template.spec.volumes[0].hostPath")]),
    ("K011", "no budget", lambda o: o.remove(find(o, "PodDisruptionBudget", "web")),
     [("Deployment", "web", "spec.template.metadata.labels")]),
    ("K011", "budget blocks the single replica", _pdb(minAvailable=1),
     [("StatefulSet", "prometheus", "spec.replicas")]),
    ("K011", "100% minAvailable", _pdb(minAvailable="100%"), [("StatefulSet", "prometheus", "spec.replicas")]),
    ("K011", "maxUnavailable 0", _pdb(maxUnavailable=0), [("StatefulSet", "prometheus", "spec.replicas")]),
    ("K011", "two budgets", _second_pdb, [("Deployment", "web", "spec.template.metadata.labels")]),
    ("K012", "no default deny",
     lambda o: [o.remove(p) for p in [x for x in o if x["kind"] == "NetworkPolicy"
                                      and x["metadata"]["name"] == "default-deny"
                                      and x["metadata"]["namespace"] == APPS]],
     [("Namespace", APPS, "")]),
    ("K012", "egress not denied", _egress_not_denied, [("Namespace", AGENTS, "")]),
    ("K012", "no allow policy", lambda o: o.remove(find(o, "NetworkPolicy", "web")),
     [("Deployment", "web", "spec.template.metadata.labels")]),
    ("K012", "policy selector matches no pod", _policy_typo,
     [("NetworkPolicy", "web", "spec.podSelector"), ("Deployment", "web", "spec.template.metadata.labels")]),
    ("K012", "ingress from every IPv4 address", _ingress_from_anyone("0.0.0.0/0"),
     [("NetworkPolicy", "web", "spec.ingress[0].from[1].ipBlock.cidr")]),
    ("K012", "ingress from every IPv6 address", _ingress_from_anyone("::/0"),
     [("NetworkPolicy", "web", "spec.ingress[0].from[1].ipBlock.cidr")]),
    ("K012", "egress to every address, even with exceptions", _egress_to_anyone,
     [("NetworkPolicy", "web", "spec.egress[0].to[1].ipBlock.cidr")]),
    ("K012", "namespace of a workload without its Namespace object and default deny", _ns_without_object,
     [("Namespace", APPS, "")]),
    ("K013", "Prometheus as a Deployment", _prometheus_as_deployment, [("Deployment", "prometheus", "kind")]),
    ("K013", "no volume claims", lambda o: _del(prometheus(o), "spec", "volumeClaimTemplates"),
     [("StatefulSet", "prometheus", "spec.volumeClaimTemplates")]),
    ("K014", "replicas without spread", lambda o: _del(web(o)["spec"]["template"]["spec"], "affinity"),
     [("Deployment", "web", "spec.template.spec.affinity")]),
    ("K014", "spread over other pods", _spread_wrong_pods,
     [("Deployment", "web", "spec.template.spec.affinity.podAntiAffinity."
       "preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector")]),
    ("K014", "critical without priority class",
     lambda o: _del(prometheus(o)["spec"]["template"]["spec"], "priorityClassName"),
     [("StatefulSet", "prometheus", "spec.template.spec.priorityClassName")]),
    ("K015", "object without version label", lambda o: web(o)["metadata"]["labels"].pop(VERSION),
     [("Deployment", "web", "metadata.labels")]),
    ("K015", "pod template without labels", lambda o: web(o)["spec"]["template"]["metadata"].update(
        labels=selector("web")), [("Deployment", "web", "spec.template.metadata.labels")]),
    ("K015", "version in a selector", _version_in_selector,
     [("Deployment", "web", 'spec.selector.matchLabels["app.kubernetes.io/version"]')]),
    ("K015", "service selects by a non-standard label", _service_app_selector,
     [("Service", "web", "spec.selector.app")]),
    ("K015", "policy peer selects by version", _peer_version,
     [("NetworkPolicy", "web", 'spec.ingress[0].from[0].podSelector.matchLabels["app.kubernetes.io/version"]')]),
    ("K016", "token mounted without API access", lambda o: web(o)["spec"]["template"]["spec"].update(
        automountServiceAccountToken=True), [("Deployment", "web", "spec.template.spec.automountServiceAccountToken")]),
    ("K016", "token mounted by default", _automount_unset,
     [("Deployment", "web", "spec.template.spec.automountServiceAccountToken")]),
    ("K017", "password as a ConfigMap key",
     lambda o: find(o, "ConfigMap", "loki")["data"].update(DB_PASSWORD="hunter2"),
     [("ConfigMap", "loki", 'data["DB_PASSWORD"]')]),
    ("K017", "password in an ini file",
     lambda o: find(o, "ConfigMap", "loki")["data"].update({"grafana.ini": "[security]\nadmin_password = hunter2\n"}),
     [("ConfigMap", "loki", 'data["grafana.ini"]')]),
    ("K017", "Slack webhook in Alertmanager config", _slack,
     [("ConfigMap", "alertmanager", 'data["alertmanager.yml"].receivers[0].slack_configs[0].api_url')]),
    ("K017", "remote write password", _remote_write_password,
     [("ConfigMap", "prometheus-config", 'data["prometheus.yml"].remote_write[0].basic_auth.password')]),
    ("K017", "Alloy password", _alloy_password,
     [("ConfigMap", "alloy", 'data["config.alloy"].loki.write["default"].endpoint[0].basic_auth[0].password')]),
    ("K017", "PEM key", lambda o: find(o, "ConfigMap", "loki")["data"].update({
        "tls.key": "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"}),
     [("ConfigMap", "loki", 'data["tls.key"]')]),
    ("K017", "password in env", _env_secret, [("Deployment", "web", WEB + ".env[0].value")]),
    ("K017", "URL with password in env", _env_url, [("Deployment", "web", WEB + ".env[0].value")]),
    ("M001", "global interval too short",
     _config("prometheus-config", "prometheus.yml", lambda c: c["global"].update(scrape_interval="10s")),
     [("ConfigMap", "prometheus-config", 'data["prometheus.yml"].global.scrape_interval')]),
    ("M001", "job interval too short",
     _config("prometheus-config", "prometheus.yml", lambda c: c["scrape_configs"][1].update(scrape_interval="5s")),
     [("ConfigMap", "prometheus-config", 'data["prometheus.yml"].scrape_configs[1].scrape_interval')]),
    ("M001", "ServiceMonitor interval too short", _service_monitor,
     [("ServiceMonitor", "web", "spec.endpoints[0].interval")]),
    ("M002", "no retention size",
     _prom_args(lambda a: [x for x in a if not x.startswith("--storage.tsdb.retention.size")]),
     [("StatefulSet", "prometheus", WEB + ".args")]),
    ("M002", "no retention time",
     _prom_args(lambda a: [x for x in a if not x.startswith("--storage.tsdb.retention.time")]),
     [("StatefulSet", "prometheus", WEB + ".args")]),
    ("M002", "Loki compactor retention off",
     _config("loki", "loki.yaml", lambda c: c["compactor"].update(retention_enabled=False)),
     [("ConfigMap", "loki", 'data["loki.yaml"].compactor.retention_enabled')]),
    ("M002", "Loki retention period unset", _config("loki", "loki.yaml", lambda c: c["limits_config"].pop(
        "retention_period")), [("ConfigMap", "loki", 'data["loki.yaml"].limits_config.retention_period')]),
    ("M003", "no query timeout", _prom_args(lambda a: [x for x in a if x not in ("--query.timeout", "2m")]),
     [("StatefulSet", "prometheus", WEB + ".args")]),
    ("M003", "Loki series limit unset", _config("loki", "loki.yaml", lambda c: c["limits_config"].pop(
        "max_query_series")), [("ConfigMap", "loki", 'data["loki.yaml"].limits_config.max_query_series')]),
    ("M004", "job without label limit",
     _config("prometheus-config", "prometheus.yml", lambda c: c["global"].pop("label_limit")),
     [("ConfigMap", "prometheus-config", 'data["prometheus.yml"].scrape_configs[0].label_limit')]),
    ("M004", "pod UID copied into a label", _config("prometheus-config", "prometheus.yml", lambda c: c[
        "scrape_configs"][1]["relabel_configs"].append({"source_labels": ["__meta_kubernetes_pod_uid"],
                                                        "target_label": "uid"})),
     [("ConfigMap", "prometheus-config", 'data["prometheus.yml"].scrape_configs[1].relabel_configs[4]')]),
    ("M004", "labelmap over every pod meta label", _config("prometheus-config", "prometheus.yml", lambda c: c[
        "scrape_configs"][1]["relabel_configs"].append({"action": "labelmap", "regex": "__meta_kubernetes_pod_(.+)"})),
     [("ConfigMap", "prometheus-config", 'data["prometheus.yml"].scrape_configs[1].relabel_configs[4]')]),
    ("M004", "Promtail stream label outside the allow-list", _config("promtail", "promtail.yaml", lambda c: c[
        "scrape_configs"][0]["relabel_configs"].append({"source_labels": ["__meta_kubernetes_pod_uid"],
                                                        "target_label": "uid"})),
     [("ConfigMap", "promtail", 'data["promtail.yaml"].scrape_configs[0].relabel_configs[3].target_label')]),
    ("M004", "Promtail labels stage", _config("promtail", "promtail.yaml", lambda c: c[
        "scrape_configs"][0]["pipeline_stages"].append({"labels": {"request_id": None}})),
     [("ConfigMap", "promtail", 'data["promtail.yaml"].scrape_configs[0].pipeline_stages[2].labels.request_id')]),
    ("M004", "Alloy relabel to a stream label outside the allow-list",
     lambda o: set_config(o, "alloy", "config.alloy", config(o, "alloy", "config.alloy").replace(
         '    target_label  = "pod"\n  }\n', '    target_label  = "pod"\n  }\n\n  rule {\n    source_labels = '
         '["__meta_kubernetes_pod_uid"]\n    target_label  = "pod_uid"\n  }\n')),
     [("ConfigMap", "alloy", 'data["config.alloy"].discovery.relabel["pods"].rule[2].target_label')]),
    ("M004", "Alloy labels stage", lambda o: set_config(o, "alloy", "config.alloy", config(
        o, "alloy", "config.alloy").replace('values = { level = "" }', 'values = { level = "", trace_id = "" }')),
     [("ConfigMap", "alloy", 'data["config.alloy"].loki.process["pods"].stage.labels[0].values.trace_id')]),
    ("M005", "alert without severity", _config("prometheus-rules", "web.yml", lambda c: c["groups"][0]["rules"][1][
        "labels"].pop("severity")),
     [("ConfigMap", "prometheus-rules", 'data["web.yml"].groups[0].rules[1].labels.severity')]),
    ("M005", "alert without for", _config("prometheus-rules", "web.yml", lambda c: c["groups"][0]["rules"][1].pop(
        "for")), [("ConfigMap", "prometheus-rules", 'data["web.yml"].groups[0].rules[1].for')]),
    ("M005", "PrometheusRule without summary", _prometheus_rule,
     [("PrometheusRule", "web-rules", "spec.groups[0].rules[0].annotations.summary")]),
    ("M006", "route to a missing receiver", _config("alertmanager", "alertmanager.yml", lambda c: c["route"]["routes"][
        0].update(receiver="nobody")),
     [("ConfigMap", "alertmanager", 'data["alertmanager.yml"].route.routes[0].receiver')]),
    ("M006", "catch-all receiver drops alerts", _null_catch_all,
     [("ConfigMap", "alertmanager", 'data["alertmanager.yml"].route.receiver')]),
    ("M007", "admin API on", _admin_api, [("StatefulSet", "prometheus", WEB + ".args[6]")]),
    ("M008", "duplicate dashboard uid", _second_dashboard, [("ConfigMap", "grafana-dashboards", 'data["b.json"].uid')]),
    ("M008", "datasource by name", _panel(lambda p: p[1].update(datasource="Prometheus")),
     [("ConfigMap", "grafana-dashboards", 'data["web.json"].panels[1].datasource')]),
    ("M008", "datasource not provisioned", _panel(lambda p: p[2].update(datasource={"type": "loki", "uid": "nope"})),
     [("ConfigMap", "grafana-dashboards", 'data["web.json"].panels[2].datasource')]),
    ("M008", "no refId", _panel(lambda p: p[1]["targets"][0].pop("refId")),
     [("ConfigMap", "grafana-dashboards", 'data["web.json"].panels[1].targets[0].refId')]),
    ("M008", "empty query", _panel(lambda p: p[1]["targets"][0].update(expr=" ")),
     [("ConfigMap", "grafana-dashboards", 'data["web.json"].panels[1].targets[0].expr')]),
    ("M008", "overlapping panels", _panel(lambda p: p[2]["gridPos"].update(x=6)),
     [("ConfigMap", "grafana-dashboards", 'data["web.json"].panels[2].gridPos')]),
    ("K018", "NodePort", _node_port, [("Service", "web", "spec.type")]),
]


@pytest.mark.parametrize("rule,case,mutate,expected", CASES, ids=["%s %s" % (c[0], c[1]) for c in CASES])
def test_a_broken_object_fails_with_the_rule_and_path(rule, case, mutate, expected):
    objects = stack()
    mutate(objects)
    assert set(expected) <= found(objects, rule), case


def test_every_rule_has_a_failing_case():
    assert {case[0] for case in CASES} == set(RULES)


# --- behaviour beyond one field ------------------------------------------------------------------

def test_a_digest_after_the_tag_is_welcome():
    objects = stack()
    web_container(objects)["image"] = "registry.example/web:1.2.3@sha256:" + "a" * 64
    assert found(objects, "K002") == set()


def test_an_added_capability_can_be_waived_with_a_reason():
    objects = stack()
    web_container(objects)["securityContext"]["capabilities"]["add"] = ["NET_BIND_SERVICE"]
    annotate(web(objects), "K005", "binds port 80")
    waived = [v for v in run(objects, ["K005"]) if v.rule == "K005"]
    assert [(v.waived, v.waiver_reason) for v in waived] == [(True, "binds port 80")]


def test_agents_namespaces_can_be_given_explicitly():
    assert ("DaemonSet", "node-exporter", "spec.template.spec.hostNetwork") in found(
        stack(), "K010", agents_namespaces=("elsewhere",))


def test_a_percentage_budget_that_leaves_one_eviction_passes():
    objects = stack()
    budget = find(objects, "PodDisruptionBudget", "web")["spec"]
    del budget["maxUnavailable"]
    budget["minAvailable"] = "50%"
    assert found(objects, "K011") == set()


def test_a_policy_peer_that_matches_no_pod_is_a_warning():
    objects = stack()
    find(objects, "NetworkPolicy", "web")["spec"]["ingress"][0]["from"][0]["podSelector"] = {
        "matchLabels": selector("grafana")}
    peer = [v for v in run(objects, ["K012"]) if v.name == "web" and v.kind == "NetworkPolicy"]
    assert [(v.severity, v.path) for v in peer] == [(WARNING, "spec.ingress[0].from[0].podSelector")]
    assert not any(v.blocking for v in peer)


def test_an_allow_for_every_address_that_the_inventory_names_is_a_waiver():
    objects = stack()
    _ingress_from_anyone("0.0.0.0/0")(objects)
    find(objects, "NetworkPolicy", "web")["spec"]["ingress"][0]["from"].append({"ipBlock": {"cidr": "10.1.0.0/16"}})
    (finding,) = [v for v in run(objects, ["K012"]) if v.name == "web"]
    assert finding.blocking and "every address (0.0.0.0/0)" in finding.message and "docs/networking.md" in finding.fix
    annotate(find(objects, "NetworkPolicy", "web"), "K012", "the inventory lists 0.0.0.0/0 in web_cidrs")
    (finding,) = [v for v in run(objects, ["K012"]) if v.name == "web"]
    assert finding.waived and not finding.blocking


def test_ephemeral_storage_asked_for_by_the_inventory_is_a_waiver():
    objects = stack()
    del prometheus(objects)["spec"]["volumeClaimTemplates"]
    annotate(prometheus(objects), "K013", "inventory sets prometheus_storage_ephemeral: true")
    k013 = [v for v in run(objects, ["K013"]) if v.rule == "K013"]
    assert k013 and all(v.waived for v in k013)


def test_topology_spread_replaces_anti_affinity():
    objects = stack()
    spec = web(objects)["spec"]["template"]["spec"]
    del spec["affinity"]
    spec["topologySpreadConstraints"] = [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
                                          "whenUnsatisfiable": "ScheduleAnyway",
                                          "labelSelector": {"matchLabels": selector("web")}}]
    assert found(objects, "K014") == set()


def test_a_service_account_without_token_automount_covers_its_pods():
    objects = stack()
    _automount_unset(objects)
    web(objects)["spec"]["template"]["spec"]["serviceAccountName"] = "web"
    objects.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("web", APPS),
                    "automountServiceAccountToken": False})
    assert found(objects, "K016") == set()


def test_references_to_secrets_are_not_credentials():
    objects = stack()
    web_container(objects)["env"] = [
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
        {"name": "API_TOKEN", "value": "$(TOKEN_FROM_FILE)"},
        {"name": "PASSWORD_FILE", "value": "/etc/secrets/password"},
    ]
    data = config(objects, "prometheus-config", "prometheus.yml")
    data["remote_write"] = [{"url": "https://remote.example/write",
                             "basic_auth": {"username": "me", "password_file": "/etc/secrets/rw"}},
                            {"url": "https://remote.example/write2", "authorization": {"credentials": "${TOKEN}"}}]
    set_config(objects, "prometheus-config", "prometheus.yml", data)
    find(objects, "ConfigMap", "loki")["data"]["grafana.ini"] = "[security]\nadmin_password = $__file{/run/pw}\n"
    assert found(objects, "K017") == set()


def test_credentials_in_secrets_are_fine():
    objects = stack()
    objects.append({"apiVersion": "v1", "kind": "Secret", "metadata": meta("db", APPS),
                    "stringData": {"password": "hunter2"}})
    assert found(objects, "K017") == set()


def test_an_alertmanager_config_in_a_secret_is_checked():
    objects = stack()
    broken = dict(yaml.safe_load(yaml.safe_dump(config(objects, "alertmanager", "alertmanager.yml"))))
    broken["route"]["receiver"] = "nobody"
    objects.append({"apiVersion": "v1", "kind": "Secret", "metadata": meta("alertmanager", APPS, app="alertmanager"),
                    "data": {"alertmanager.yaml": base64.b64encode(yaml.safe_dump(broken).encode()).decode()}})
    assert ("Secret", "alertmanager", 'data["alertmanager.yaml"].route.receiver') in found(objects, "M006")


def test_a_dropping_receiver_declared_on_purpose_passes():
    objects = stack()
    _null_catch_all(objects)
    find(objects, "ConfigMap", "alertmanager")["metadata"]["annotations"] = {
        "alertmanager.vmstation.io/null-receivers": "blackhole"}
    assert found(objects, "M006") == set()


def test_the_admin_api_needs_a_waiver_and_a_closed_ingress():
    objects = stack()
    _admin_api(objects)
    annotate(prometheus(objects), "M007", "snapshots for backups")
    assert found(objects, "M007") == set()
    find(objects, "NetworkPolicy", "prometheus")["spec"]["ingress"] = [{"ports": [{"port": 9090}]}]
    assert ("StatefulSet", "prometheus", WEB + ".args[6]") in found(objects, "M007")


def test_an_external_prometheus_with_the_admin_api_cannot_be_waived():
    objects = stack()
    _admin_api(objects)
    waiver = {"waivers.vmstation.io/K018": "inventory sets prometheus_service_type: NodePort"}
    objects.append({"apiVersion": "v1", "kind": "Service",
                    "metadata": meta("prometheus", APPS, app="prometheus", annotations=waiver),
                    "spec": {"type": "NodePort", "selector": selector("prometheus"), "ports": [{"port": 9090}]}})
    k018 = [v for v in run(objects, ["K018"]) if v.name == "prometheus"]
    assert sorted((v.waived, v.blocking) for v in k018) == [(False, True), (True, False)]


def test_agent_mode_prometheus_needs_no_retention_or_query_limits():
    objects = stack()
    prom_container(objects)["args"] = ["--agent", "--config.file=/etc/prometheus/prometheus.yml"]
    assert found(objects, "M002") == set() and found(objects, "M003") == set()


def test_retention_from_the_mounted_config_file_counts():
    objects = stack()
    prom_container(objects)["args"] = [a for a in prom_container(objects)["args"] if "retention" not in a]
    data = config(objects, "prometheus-config", "prometheus.yml")
    data["storage"] = {"tsdb": {"retention": {"time": "15d", "size": "9GB"}}}
    set_config(objects, "prometheus-config", "prometheus.yml", data)
    assert found(objects, "M002") == set()


def test_dashboard_datasources_unresolvable_without_provisioning_are_warnings():
    objects = stack()
    objects.remove(find(objects, "ConfigMap", "grafana-datasources"))
    m008 = [v for v in run(objects, ["M008"]) if v.rule == "M008"]
    assert m008 and all(v.severity == WARNING for v in m008)


def test_configs_are_recognised_by_content_not_key_name():
    objects = stack()
    data = config(objects, "prometheus-config", "prometheus.yml")
    data["global"]["scrape_interval"] = "5s"
    objects.append(configmap("other", APPS, {"settings": yaml.safe_dump(data)}))
    assert ("ConfigMap", "other", 'data["settings"].global.scrape_interval') in found(objects, "M001")


def test_a_broken_yaml_config_is_a_config_warning_not_a_crash():
    objects = stack()
    find(objects, "ConfigMap", "loki")["data"]["loki.yaml"] = "limits_config: [unclosed\n"
    config_findings = [v for v in run(objects) if v.rule == "CONFIG"]
    assert [(v.name, v.path, v.severity) for v in config_findings] == [("loki", 'data["loki.yaml"]', WARNING)]
