#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Benchmark the validate phase on a generated set of objects: the policy rules and the schema validation,
measured separately (objects per second, wall time, peak memory).

Usage (from the repository root, after scripts/setup.sh --dev):

    .venv/bin/python bench/policy_bench.py [--objects 5000] [--kubernetes-version 1.28] [--repeat 3] [--json]

The set is a realistic mix for a cluster of many small applications plus a monitoring stack: per namespace a
Namespace, default-deny and DNS NetworkPolicies, a Prometheus rule file and a Grafana dashboard; per
application a Deployment, StatefulSet, DaemonSet or CronJob with its Service, ServiceAccount, ConfigMap,
NetworkPolicy, PodDisruptionBudget and sometimes a Secret and a RoleBinding; every tenth namespace runs a
Prometheus with its scrape config and provisions a Grafana datasource. About one workload in twenty has a
problem, so findings are produced too.

Time is wall-clock over the whole set (best of --repeat runs; the schema pass's first run, which loads one
schema per kind, is reported separately as "cold"). Peak memory is what the pass allocates on top of the
objects (tracemalloc, in a run of its own so tracing does not slow the timed runs), plus the process's
maximum resident set size at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "collections"))

import yaml  # noqa: E402

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import (  # noqa: E402
    selector_labels,
    standard_labels,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import check_objects  # noqa: E402
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.schema import SchemaValidator  # noqa: E402

INSTANCE = "bench"


def _labels(app, component="server"):
    return standard_labels(app, INSTANCE, component, "1.4.2")


def _meta(name, namespace=None, app=None, component="server"):
    data = {"name": name, "labels": _labels(app or name, component)}
    if namespace:
        data["namespace"] = namespace
    return data


def _container(name, image, broken=False, args=None):
    container = {
        "name": name, "image": image, "ports": [{"name": "http", "containerPort": 8080}],
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}},
        "securityContext": {"readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False,
                            "capabilities": {"drop": ["ALL"]}},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}},
        "startupProbe": {"httpGet": {"path": "/ready", "port": "http"}, "failureThreshold": 30},
        "env": [{"name": "LOG_LEVEL", "value": "info"},
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": name, "key": "password"}}}],
        "volumeMounts": [{"name": "config", "mountPath": "/etc/app"}, {"name": "tmp", "mountPath": "/tmp"}],
    }
    if args:
        container["args"] = args
    if broken:
        del container["resources"]
        container["image"] = image.split(":")[0] + ":latest"
    return container


def _pod(app, containers, **extra):
    spec = {
        "automountServiceAccountToken": False, "serviceAccountName": app,
        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": containers,
        "volumes": [{"name": "config", "configMap": {"name": app}}, {"name": "tmp", "emptyDir": {}}],
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
            "weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                               "labelSelector": {"matchLabels": selector_labels(app, INSTANCE)}}}]}},
    }
    spec.update(extra)
    return {"metadata": {"labels": _labels(app)}, "spec": spec}


def _workload(kind, app, ns, broken, prometheus=False):
    image = "quay.io/prometheus/prometheus:v3.5.0" if prometheus else "registry.example/%s:1.4.2" % app
    args = ["--config.file=/etc/app/prometheus.yml", "--storage.tsdb.retention.time=15d",
            "--storage.tsdb.retention.size=45GB", "--query.timeout=2m", "--query.max-samples=50000000"] \
        if prometheus else ["--port=8080"]
    template = _pod(app, [_container(app, image, broken, args)],
                    **({"priorityClassName": "critical"} if prometheus else {}))
    obj = {"apiVersion": "batch/v1" if kind == "CronJob" else "apps/v1", "kind": kind, "metadata": _meta(app, ns)}
    if kind == "CronJob":
        for key in ("livenessProbe", "readinessProbe", "startupProbe"):
            del template["spec"]["containers"][0][key]
        template["spec"]["restartPolicy"] = "OnFailure"
        obj["spec"] = {"schedule": "*/30 * * * *", "jobTemplate": {"spec": {"template": template}}}
        return obj
    obj["spec"] = {"selector": {"matchLabels": selector_labels(app, INSTANCE)}, "template": template}
    if kind != "DaemonSet":
        obj["spec"]["replicas"] = 2
    if kind == "StatefulSet":
        obj["spec"]["serviceName"] = app
        obj["spec"]["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}}]
    return obj


def _scrape_config(namespaces):
    jobs = [{"job_name": "ns-%s" % ns, "scrape_interval": "30s", "sample_limit": 50000, "label_limit": 64,
             "kubernetes_sd_configs": [{"role": "pod", "namespaces": {"names": [ns]}}],
             "relabel_configs": [{"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
                                 {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace"}]}
            for ns in namespaces]
    return yaml.safe_dump({"global": {"scrape_interval": "30s", "evaluation_interval": "30s"}, "scrape_configs": jobs})


def _rules(ns, apps):
    return yaml.safe_dump({"groups": [{"name": ns, "rules": [
        {"alert": "%sDown" % app.title().replace("-", ""), "expr": 'up{job="%s"} == 0' % app, "for": "5m",
         "labels": {"severity": "critical"},
         "annotations": {"summary": "%s is down" % app, "description": "{{ $labels.instance }} is down"}}
        for app in apps]}]})


def _dashboard(ns, apps):
    panels = [{"id": i + 1, "type": "timeseries", "title": app, "gridPos": {"x": (i % 2) * 12, "y": (i // 2) * 8,
                                                                            "w": 12, "h": 8},
               "datasource": {"type": "prometheus", "uid": "prometheus"},
               "targets": [{"refId": "A", "expr": 'sum(rate(http_requests_total{job="%s"}[5m]))' % app}]}
              for i, app in enumerate(apps)]
    return json.dumps({"uid": "bench-%s" % ns, "title": ns, "schemaVersion": 38, "panels": panels})


def generate(count):
    """About ``count`` objects (exactly ``count``: the list is cut at the end)."""
    objects = []
    namespace_index = 0
    while len(objects) < count:
        ns = "team-%03d" % namespace_index
        apps = ["%s-app-%02d" % (ns, i) for i in range(10)]
        objects.append({"apiVersion": "v1", "kind": "Namespace",
                        "metadata": _meta(ns, app="stack", component="namespace")})
        objects.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                        "metadata": _meta("default-deny", ns, app="stack", component="network-policy"),
                        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
        objects.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                        "metadata": _meta("allow-dns", ns, app="stack", component="network-policy"),
                        "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [
                            {"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}]}})
        objects.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("rules", ns, app="prometheus"),
                        "data": {"rules.yml": _rules(ns, apps)}})
        objects.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("dashboards", ns, app="grafana"),
                        "data": {"%s.json" % ns: _dashboard(ns, apps)}})
        if namespace_index % 10 == 0:
            objects.append({"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": _meta("datasources", ns, app="grafana"),
                            "data": {"datasources.yaml": yaml.safe_dump({"apiVersion": 1, "datasources": [
                                {"name": "Prometheus", "type": "prometheus", "uid": "prometheus",
                                 "url": "http://%s-app-00.%s.svc:9090" % (ns, ns)}]})}})
        for index, app in enumerate(apps):
            prometheus = index == 0 and namespace_index % 10 == 0
            kind = "StatefulSet" if prometheus else ("Deployment", "Deployment", "Deployment", "Deployment",
                                                     "Deployment", "Deployment", "Deployment", "StatefulSet",
                                                     "DaemonSet", "CronJob")[index]
            broken = (namespace_index * 10 + index) % 20 == 7
            objects.append(_workload(kind, app, ns, broken, prometheus))
            objects.append({"apiVersion": "v1", "kind": "Service", "metadata": _meta(app, ns),
                            "spec": {"selector": selector_labels(app, INSTANCE),
                                     "ports": [{"name": "http", "port": 8080, "targetPort": "http"}]}})
            objects.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(app, ns),
                            "automountServiceAccountToken": False})
            data = {"app.yaml": yaml.safe_dump({"listen": ":8080", "log": {"level": "info"},
                                                "upstreams": ["http://%s.%s.svc:8080" % (a, ns) for a in apps[:3]]})}
            if prometheus:
                teams = ["team-%03d" % n for n in range(namespace_index, namespace_index + 10)]
                data = {"prometheus.yml": _scrape_config(teams)}
            objects.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(app, ns), "data": data})
            objects.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                            "metadata": _meta(app, ns, component="network-policy"),
                            "spec": {"podSelector": {"matchLabels": selector_labels(app, INSTANCE)},
                                     "policyTypes": ["Ingress"],
                                     "ingress": [{"from": [{"podSelector": {"matchLabels": selector_labels(
                                         apps[(index + 1) % 10], INSTANCE)}}], "ports": [{"port": 8080}]}]}})
            if kind in ("Deployment", "StatefulSet"):
                objects.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": _meta(app, ns),
                                "spec": {"maxUnavailable": 1,
                                         "selector": {"matchLabels": selector_labels(app, INSTANCE)}}})
            if index % 2 == 0:
                objects.append({"apiVersion": "v1", "kind": "Secret", "metadata": _meta(app, ns),
                                "type": "Opaque", "stringData": {"password": "generated-at-deploy"}})
            if index % 5 == 0 or prometheus:
                objects.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                                "metadata": _meta(app, ns),
                                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                            "name": "view"},
                                "subjects": [{"kind": "ServiceAccount", "name": app, "namespace": ns}]})
        namespace_index += 1
    return objects[:count]


def _timed(func, repeat):
    times = []
    result = None
    for _run in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return times, result


def _peak(func):
    tracemalloc.start()
    tracemalloc.reset_peak()
    func()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def run(count, version, repeat):
    objects = generate(count)
    kinds = {}
    for obj in objects:
        kinds[obj["kind"]] = kinds.get(obj["kind"], 0) + 1

    policy_times, violations = _timed(lambda: check_objects(objects), repeat)
    policy_peak = _peak(lambda: check_objects(objects))

    validator = SchemaValidator(version)
    cold_start = time.perf_counter()
    schema_findings = [v for obj in objects for v in validator.validate(obj)]
    schema_cold = time.perf_counter() - cold_start
    schema_times, _result = _timed(lambda: [v for obj in objects for v in validator.validate(obj)], repeat)
    schemas_loaded = validator.schemas_loaded
    fresh = SchemaValidator(version)
    schema_peak = _peak(lambda: [v for obj in objects for v in fresh.validate(obj)])

    best_policy, best_schema = min(policy_times), min(schema_times)
    return {
        "objects": len(objects),
        "kinds": dict(sorted(kinds.items())),
        "kubernetes_version": version,
        "policy": {
            "seconds_best": round(best_policy, 3),
            "seconds_all": [round(t, 3) for t in policy_times],
            "objects_per_second": int(len(objects) / best_policy),
            "peak_memory_mib": round(policy_peak / 2 ** 20, 1),
            "violations": len(violations),
            "blocking": sum(1 for v in violations if v.blocking),
            "target_seconds": 2.0,
            "within_target": best_policy < 2.0,
        },
        "schema": {
            "seconds_cold": round(schema_cold, 3),
            "seconds_best": round(best_schema, 3),
            "objects_per_second": int(len(objects) / best_schema),
            "peak_memory_mib": round(schema_peak / 2 ** 20, 1),
            "schema_files_loaded": schemas_loaded,
            "errors": sum(1 for v in schema_findings if v.blocking),
        },
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--objects", type=int, default=5000)
    parser.add_argument("--kubernetes-version", default="1.28")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.objects, args.kubernetes_version, max(1, args.repeat))
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0 if figures["policy"]["within_target"] else 1
    policy, schema = figures["policy"], figures["schema"]
    print("%d objects (%s), Kubernetes %s" % (figures["objects"], ", ".join(
        "%s %d" % item for item in figures["kinds"].items()), figures["kubernetes_version"]))
    print("policy rules : %6.3f s best of %d (%s), %7d objects/s, peak %5.1f MiB, %d findings (%d blocking); "
          "target < %.1f s: %s" % (policy["seconds_best"], len(policy["seconds_all"]),
                                   ", ".join("%.3f" % t for t in policy["seconds_all"]), policy["objects_per_second"],
                                   policy["peak_memory_mib"], policy["violations"], policy["blocking"],
                                   policy["target_seconds"], "met" if policy["within_target"] else "MISSED"))
    print("schema       : %6.3f s best (%.3f s cold, %d schema files loaded), %7d objects/s, peak %5.1f MiB, "
          "%d errors" % (schema["seconds_best"], schema["seconds_cold"], schema["schema_files_loaded"],
                         schema["objects_per_second"], schema["peak_memory_mib"], schema["errors"]))
    print("process max RSS: %.1f MiB" % figures["max_rss_mib"])
    return 0 if policy["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
