"""Shared test data of the dashboard tests: provisioned datasources, a small spec, an exported dashboard."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.spec import render_dashboard

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = sorted((ROOT / "roles" / "grafana" / "files" / "dashboards").glob("*.yml"))
DATASOURCES = [
    {"name": "Prometheus", "type": "prometheus", "uid": "prometheus", "isDefault": True},
    {"name": "Loki", "type": "loki", "uid": "loki"},
    {"name": "Alertmanager", "type": "alertmanager", "uid": "alertmanager"},
]
ALL_COMPONENTS = ["prometheus", "alertmanager", "node_exporter", "kube_state_metrics", "loki", "grafana"]


def spec(**extra):
    base = {
        "title": "My app",
        "variables": ["datasource"],
        "rows": [{"title": "Traffic", "panels": [
            {"title": "Requests", "type": "timeseries", "unit": "reqps",
             "queries": ['sum(rate(http_requests_total{job="my-app"}[$__rate_interval]))']},
            {"title": "Errors", "type": "stat", "queries": ['sum(rate(http_errors_total{job="my-app"}[5m]))']},
        ]}],
    }
    base.update(extra)
    return base


def render(value, version="13.2.3", components=None, datasources=None):
    return render_dashboard(value, DATASOURCES if datasources is None else datasources, version, components, "test.yml")


def exported():
    return {
        "__inputs": [
            {"name": "DS_PROMETHEUS", "label": "Prometheus", "type": "datasource", "pluginId": "prometheus"},
            {"name": "VAR_JOB", "type": "constant", "value": "node-exporter"},
        ],
        "__requires": [{"type": "grafana", "id": "grafana", "version": "10.0.0"}],
        "id": 42,
        "title": "Node Exporter Full",
        "uid": "rYdddlPWk",
        "schemaVersion": 38,
        "panels": [
            {"id": 1, "type": "timeseries", "title": "CPU", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
             "datasource": {"type": "prometheus", "uid": "${DS_PROMETHEUS}"},
             "targets": [{"expr": 'up{job="${VAR_JOB}"}',
                          "datasource": {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}},
                         {"expr": "up", "refId": "A"}]},
            {"id": 2, "type": "graph", "title": "Old", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8},
             "datasource": "${DS_PROMETHEUS}", "targets": [{"expr": "up", "refId": "A"}]},
        ],
        "templating": {"list": [{"name": "ds", "type": "datasource", "query": "prometheus"}]},
    }


def builtin_specs():
    return [(path.name, yaml.safe_load(path.read_text())) for path in BUILTIN]
