"""A small, fully compliant set of objects (two namespaces, a web app, Prometheus, a host agent, a CronJob and
the configs of every kind the M rules read) that the rule tests break one field at a time.

Everything here is written for these tests; it is not the stack's own rendering.
"""

from __future__ import annotations

import copy
import json

import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import selector_labels, standard_labels
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import check_objects
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import PolicyOptions

INSTANCE = "test"
APPS = "apps"
AGENTS = "agents"


def labels(app, component="server", version="1.2.3"):
    return standard_labels(app, INSTANCE, component, version)


def selector(app):
    return selector_labels(app, INSTANCE)


def meta(name, namespace=None, app="web", component="server", annotations=None):
    data = {"name": name, "labels": labels(app, component)}
    if namespace:
        data["namespace"] = namespace
    if annotations:
        data["annotations"] = dict(annotations)
    return data


def container(name, image, port=8080, probes=True, startup=False, args=None):
    spec = {
        "name": name,
        "image": image,
        "ports": [{"name": "http", "containerPort": port}],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "1", "memory": "256Mi"}},
        "securityContext": {
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    if args:
        spec["args"] = list(args)
    if probes:
        probe = {"httpGet": {"path": "/ready", "port": "http"}}
        spec["livenessProbe"] = dict(probe)
        spec["readinessProbe"] = dict(probe)
        if startup:
            spec["startupProbe"] = dict(probe, failureThreshold=60)
    return spec


def pod_spec(app, containers, **extra):
    spec = {
        "automountServiceAccountToken": False,
        "securityContext": {"runAsNonRoot": True, "runAsUser": 65534, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": containers,
    }
    spec.update(extra)
    return spec


def spread(app):
    return {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
        "weight": 100,
        "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": selector(app)}},
    }]}}


def namespace(name, enforce="restricted"):
    data = {"apiVersion": "v1", "kind": "Namespace", "metadata": meta(name, app="stack", component="namespace")}
    data["metadata"]["labels"].update({"pod-security.kubernetes.io/enforce": enforce,
                                       "pod-security.kubernetes.io/warn": "restricted"})
    return data


def network_policy(name, ns, pod_selector, types, ingress=None, egress=None, app="stack"):
    spec = {"podSelector": pod_selector, "policyTypes": types}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(name, ns, app=app, component="network-policy"), "spec": spec}


def pdb(app, ns):
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(app, ns, app=app),
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(app)}}}


def configmap(name, ns, data, app="web", annotations=None):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, ns, app=app, annotations=annotations),
            "data": data}


PROMETHEUS_CONFIG = {
    "global": {"scrape_interval": "30s", "evaluation_interval": "30s", "sample_limit": 100000, "label_limit": 64},
    "rule_files": ["/etc/prometheus/rules/*.yml"],
    "scrape_configs": [
        {"job_name": "prometheus", "static_configs": [{"targets": ["localhost:9090"]}]},
        {"job_name": "pods", "scrape_interval": "15s", "sample_limit": 5000, "label_limit": 30,
         "kubernetes_sd_configs": [{"role": "pod"}],
         "relabel_configs": [
             {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace"},
             {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
             {"source_labels": ["__meta_kubernetes_pod_ip"], "target_label": "__address__",
              "replacement": "$1:8080"},
             {"action": "labelmap", "regex": "__meta_kubernetes_pod_label_(.+)"},
         ]},
    ],
}

RULES = {"groups": [{"name": "web", "rules": [
    {"record": "job:up:sum", "expr": "sum by (job) (up)"},
    {"alert": "WebDown", "expr": "up{job=\"web\"} == 0", "for": "5m", "labels": {"severity": "critical"},
     "annotations": {"summary": "web is down", "description": "{{ $labels.instance }} has been down for 5m"}},
    {"alert": "WebAbsent", "expr": "absent(up{job=\"web\"})", "labels": {"severity": "warning"},
     "annotations": {"summary": "web is not scraped", "description": "no web target exists"}},
]}]}

ALERTMANAGER = {
    "route": {"receiver": "team", "routes": [{"receiver": "pager", "matchers": ["severity=\"critical\""]}]},
    "receivers": [
        {"name": "team", "webhook_configs": [{"url": "http://hooks.apps.svc:8080/alerts"}]},
        {"name": "pager", "pagerduty_configs": [{"routing_key_file": "/etc/alertmanager/secrets/pd/key"}]},
    ],
}

LOKI = {
    "auth_enabled": False,
    "compactor": {"retention_enabled": True, "delete_request_store": "filesystem"},
    "limits_config": {"retention_period": "744h", "max_query_length": "721h", "max_entries_limit_per_query": 5000,
                      "max_query_series": 500},
    "schema_config": {"configs": [{"from": "2024-01-01", "store": "tsdb", "object_store": "filesystem",
                                   "schema": "v13", "index": {"prefix": "index_", "period": "24h"}}]},
}

PROMTAIL = {
    "server": {"http_listen_port": 3101},
    "positions": {"filename": "/run/promtail/positions.yaml"},
    "clients": [{"url": "http://loki.apps.svc:3100/loki/api/v1/push"}],
    "scrape_configs": [{
        "job_name": "pods",
        "kubernetes_sd_configs": [{"role": "pod"}],
        "pipeline_stages": [{"cri": {}}, {"labels": {"level": None}}],
        "relabel_configs": [
            {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace"},
            {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
            {"source_labels": ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"],
             "target_label": "__path__", "separator": "/", "replacement": "/var/log/pods/*$1/*.log"},
        ],
    }],
}

ALLOY = """\
discovery.kubernetes "pods" {
  role = "pod"
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets

  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }

  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  forward_to = [loki.write.default.receiver]

  stage.cri {}

  stage.labels {
    values = { level = "" }
  }
}

loki.write "default" {
  endpoint {
    url = "http://loki.apps.svc:3100/loki/api/v1/push"
  }
}
"""

DATASOURCES = {"apiVersion": 1, "datasources": [
    {"name": "Prometheus", "type": "prometheus", "uid": "prometheus", "url": "http://prometheus.apps.svc:9090"},
    {"name": "Loki", "type": "loki", "uid": "loki", "url": "http://loki.apps.svc:3100"},
]}


def dashboard(uid="web-overview"):
    return {
        "uid": uid, "title": "Web overview", "schemaVersion": 38,
        "templating": {"list": []},
        "panels": [
            {"id": 1, "type": "row", "title": "Traffic", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}, "panels": []},
            {"id": 2, "type": "timeseries", "title": "Requests", "gridPos": {"x": 0, "y": 1, "w": 12, "h": 8},
             "datasource": {"type": "prometheus", "uid": "prometheus"},
             "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[5m]))",
                          "datasource": {"type": "prometheus", "uid": "prometheus"}}]},
            {"id": 3, "type": "logs", "title": "Logs", "gridPos": {"x": 12, "y": 1, "w": 12, "h": 8},
             "datasource": {"type": "loki", "uid": "loki"},
             "targets": [{"refId": "A", "expr": "{namespace=\"apps\"}"}]},
        ],
    }


def web():
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("web", APPS),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": selector("web")},
            "template": {"metadata": {"labels": labels("web")},
                         "spec": pod_spec("web", [container("web", "registry.example/web:1.2.3")],
                                          affinity=spread("web"))},
        },
    }


def prometheus():
    args = ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.retention.time=15d",
            "--storage.tsdb.retention.size=9GB", "--query.timeout", "2m", "--query.max-samples=50000000"]
    spec = pod_spec("prometheus", [container("prometheus", "quay.io/prometheus/prometheus:v3.5.0", 9090,
                                             startup=True, args=args)],
                    serviceAccountName="prometheus", automountServiceAccountToken=True,
                    priorityClassName="critical",
                    volumes=[{"name": "config", "configMap": {"name": "prometheus-config"}}])
    return {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta("prometheus", APPS, app="prometheus"),
        "spec": {
            "serviceName": "prometheus", "replicas": 1,
            "selector": {"matchLabels": selector("prometheus")},
            "template": {"metadata": {"labels": labels("prometheus")}, "spec": spec},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}}],
        },
    }


def node_agent():
    spec = pod_spec("node-exporter", [container("node-exporter", "quay.io/prometheus/node-exporter:v1.9.1", 9100)],
                    hostNetwork=True, hostPID=True, priorityClassName="critical",
                    volumes=[{"name": "root", "hostPath": {"path": "/"}}])
    waiver = {"waivers.vmstation.io/K010": "reads the node's /proc, /sys and mount table"}
    return {
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": meta("node-exporter", AGENTS, app="node-exporter", annotations=waiver),
        "spec": {"selector": {"matchLabels": selector("node-exporter")},
                 "template": {"metadata": {"labels": labels("node-exporter")}, "spec": spec}},
    }


def cronjob():
    spec = pod_spec("backup", [container("backup", "registry.example/backup:2.0.1", probes=False)],
                    restartPolicy="OnFailure")
    return {
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta("backup", APPS, app="backup"),
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {
            "metadata": {"labels": labels("backup")}, "spec": spec}}}},
    }


def stack():
    """Every object of the compliant set, as fresh copies."""
    dns = [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
            "ports": [{"protocol": "UDP", "port": 53}]}]
    from_prometheus = [{"from": [{"podSelector": {"matchLabels": selector("prometheus")}}]}]
    objects = [namespace(APPS), namespace(AGENTS, enforce="privileged")]
    for ns in (APPS, AGENTS):
        objects.append(network_policy("default-deny", ns, {}, ["Ingress", "Egress"]))
        objects.append(network_policy("allow-dns", ns, {}, ["Egress"], egress=dns))
    objects += [
        web(), pdb("web", APPS),
        network_policy("web", APPS, {"matchLabels": selector("web")}, ["Ingress"], ingress=from_prometheus, app="web"),
        {"apiVersion": "v1", "kind": "Service", "metadata": meta("web", APPS),
         "spec": {"selector": selector("web"), "ports": [{"name": "http", "port": 8080}]}},
        prometheus(), pdb("prometheus", APPS),
        network_policy("prometheus", APPS, {"matchLabels": selector("prometheus")}, ["Ingress", "Egress"],
                       ingress=from_prometheus, egress=[{"ports": [{"port": 8080}]}], app="prometheus"),
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("prometheus", APPS, app="prometheus")},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": meta("prometheus", app="prometheus"),
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "prometheus"},
         "subjects": [{"kind": "ServiceAccount", "name": "prometheus", "namespace": APPS}]},
        configmap("prometheus-config", APPS, {"prometheus.yml": yaml.safe_dump(PROMETHEUS_CONFIG)}, app="prometheus"),
        configmap("prometheus-rules", APPS, {"web.yml": yaml.safe_dump(RULES)}, app="prometheus"),
        configmap("alertmanager", APPS, {"alertmanager.yml": yaml.safe_dump(ALERTMANAGER)}, app="alertmanager"),
        configmap("loki", APPS, {"loki.yaml": yaml.safe_dump(LOKI)}, app="loki"),
        configmap("promtail", AGENTS, {"promtail.yaml": yaml.safe_dump(PROMTAIL)}, app="promtail"),
        configmap("alloy", AGENTS, {"config.alloy": ALLOY}, app="alloy"),
        configmap("grafana-datasources", APPS, {"datasources.yaml": yaml.safe_dump(DATASOURCES)}, app="grafana"),
        configmap("grafana-dashboards", APPS, {"web.json": json.dumps(dashboard())}, app="grafana"),
        node_agent(),
        network_policy("node-exporter", AGENTS, {"matchLabels": selector("node-exporter")}, ["Ingress"],
                       ingress=[{"from": [{"namespaceSelector": {"matchLabels": {
                           "kubernetes.io/metadata.name": APPS}}, "podSelector": {
                           "matchLabels": selector("prometheus")}}]}], app="node-exporter"),
        cronjob(),
        network_policy("backup", APPS, {"matchLabels": selector("backup")}, ["Egress"],
                       egress=[{"ports": [{"port": 443}]}], app="backup"),
    ]
    return copy.deepcopy(objects)


def find(objects, kind, name):
    for obj in objects:
        if obj["kind"] == kind and obj["metadata"]["name"] == name:
            return obj
    raise KeyError("%s %s" % (kind, name))


def config(objects, name, key):
    """The parsed config ``key`` of ConfigMap ``name``."""
    text = find(objects, "ConfigMap", name)["data"][key]
    if key.endswith(".json"):
        return json.loads(text)
    return yaml.safe_load(text) if key.endswith((".yml", ".yaml")) else text


def set_config(objects, name, key, value):
    cm = find(objects, "ConfigMap", name)
    cm["data"][key] = value if isinstance(value, str) else (
        json.dumps(value) if key.endswith(".json") else yaml.safe_dump(value))


def run(objects, rules=None, **options):
    return check_objects(objects, rules=rules, options=PolicyOptions(**options) if options else None)


def blocking(objects, rules=None, **options):
    return [v for v in run(objects, rules, **options) if v.blocking]


def found(objects, rule, **options):
    """(kind, name, path) of every unwaived finding of ``rule``."""
    return {(v.kind, v.name, v.path) for v in run(objects, [rule], **options) if v.rule == rule and not v.waived}
