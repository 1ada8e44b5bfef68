# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The presets of the stack: sizes, Kubernetes distributions and ingress controllers, each a table.

A preset only gives defaults. Each role's ``defaults/main.yml`` reads its value from here, for example
``loki_resources: "{{ 'loki_resources' | vmstation.monitoring.size_preset(monitoring_size) }}"``, so a
variable the inventory sets (group_vars, host_vars, ``-e``) wins over the preset, as it wins over any
role default (docs/sizing.md).

- ``SIZES``: ``monitoring_size`` (small, medium, large) -> the role variables it sets. ``medium`` is what
  the roles defaulted to before presets existed, so an inventory without ``monitoring_size`` renders as it
  did.
- ``DISTRIBUTIONS``: ``monitoring_distribution`` (generic, k3s) -> the variables that differ on it.
- ``INGRESS_CONTROLLERS``: the ingress controllers whose namespace and pod labels the collection knows,
  for the NetworkPolicy that admits one to Grafana (``grafana_ingress_controller``).
"""

from __future__ import annotations

import copy

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.preflight import message


class PresetError(ValueError):
    """A preset or a variable the tables do not have."""


def _resources(cpu_request, memory_request, cpu_limit, memory_limit):
    return {"requests": {"cpu": cpu_request, "memory": memory_request},
            "limits": {"cpu": cpu_limit, "memory": memory_limit}}


# monitoring_size -> role variable -> value. Every size sets the same variables (tests/unit/test_presets.py).
# small: a Raspberry Pi class homelab (3 nodes of 4 cores and 8 GiB): about half a core and 1.3 GiB of
# requests for the whole stack with 3 nodes, and 17.25Gi of volume claims, a week of metrics and logs.
# medium: one team's cluster, the roles' defaults before presets. large: a busy production cluster.
SIZES = {
    "small": {
        "prometheus_resources": _resources("100m", "384Mi", "1", "1Gi"),
        "prometheus_storage_size": "8Gi",
        "prometheus_retention_size": "6GB",
        "prometheus_retention_time": "7d",
        "alertmanager_resources": _resources("10m", "32Mi", "100m", "128Mi"),
        "alertmanager_storage_size": "256Mi",
        "grafana_resources": _resources("50m", "128Mi", "500m", "512Mi"),
        "grafana_storage_size": "1Gi",
        "loki_resources": _resources("100m", "256Mi", "1", "1Gi"),
        "loki_storage_size": "8Gi",
        "loki_retention_period": "168h",
        "kube_state_metrics_resources": _resources("20m", "64Mi", "200m", "192Mi"),
        "node_exporter_resources": _resources("20m", "32Mi", "200m", "96Mi"),
        "alloy_resources": _resources("50m", "96Mi", "500m", "384Mi"),
        "promtail_resources": _resources("50m", "64Mi", "500m", "256Mi"),
    },
    "medium": {
        "prometheus_resources": _resources("250m", "1Gi", "2", "2Gi"),
        "prometheus_storage_size": "20Gi",
        "prometheus_retention_size": "15GB",
        "prometheus_retention_time": "15d",
        "alertmanager_resources": _resources("20m", "64Mi", "200m", "256Mi"),
        "alertmanager_storage_size": "1Gi",
        "grafana_resources": _resources("100m", "256Mi", "1", "1Gi"),
        "grafana_storage_size": "5Gi",
        # Sized for an ingestion rate of at least 10 MB/s (the stack's capacity target).
        "loki_resources": _resources("1", "2Gi", "4", "6Gi"),
        "loki_storage_size": "50Gi",
        "loki_retention_period": "744h",
        "kube_state_metrics_resources": _resources("50m", "150Mi", "500m", "300Mi"),
        "node_exporter_resources": _resources("50m", "64Mi", "250m", "180Mi"),
        "alloy_resources": _resources("100m", "128Mi", "1", "512Mi"),
        "promtail_resources": _resources("100m", "128Mi", "1", "512Mi"),
    },
    "large": {
        "prometheus_resources": _resources("1", "4Gi", "4", "8Gi"),
        "prometheus_storage_size": "100Gi",
        "prometheus_retention_size": "90GB",
        "prometheus_retention_time": "30d",
        "alertmanager_resources": _resources("50m", "128Mi", "500m", "512Mi"),
        "alertmanager_storage_size": "2Gi",
        "grafana_resources": _resources("250m", "512Mi", "2", "2Gi"),
        "grafana_storage_size": "10Gi",
        "loki_resources": _resources("2", "4Gi", "8", "12Gi"),
        "loki_storage_size": "200Gi",
        "loki_retention_period": "744h",
        "kube_state_metrics_resources": _resources("100m", "256Mi", "1", "1Gi"),
        "node_exporter_resources": _resources("100m", "128Mi", "500m", "256Mi"),
        "alloy_resources": _resources("200m", "256Mi", "2", "1Gi"),
        "promtail_resources": _resources("200m", "256Mi", "2", "1Gi"),
    },
}
DEFAULT_SIZE = "medium"

# Ingress controllers: where each runs, the labels of its pods (what the NetworkPolicy admits) and the
# IngressClass names it serves. `custom` is any other: the inventory gives grafana_ingress_namespace and
# grafana_ingress_pod_labels itself.
INGRESS_CONTROLLERS = {
    # kubernetes/ingress-nginx, by its Helm chart or its deploy manifests.
    "ingress-nginx": {"namespace": "ingress-nginx",
                      "pod_labels": {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
                      "class_names": ["nginx"]},
    # Traefik as k3s installs it (its bundled Helm chart, in kube-system).
    "traefik-k3s": {"namespace": "kube-system", "pod_labels": {"app.kubernetes.io/name": "traefik"},
                    "class_names": ["traefik"]},
    # Traefik from its Helm chart, installed in the namespace `traefik`.
    "traefik": {"namespace": "traefik", "pod_labels": {"app.kubernetes.io/name": "traefik"},
                "class_names": ["traefik"]},
    # ingress-nginx as RKE2 installs it (chart rke2-ingress-nginx, in kube-system).
    "rke2-ingress-nginx": {"namespace": "kube-system",
                           "pod_labels": {"app.kubernetes.io/name": "rke2-ingress-nginx",
                                          "app.kubernetes.io/component": "controller"},
                           "class_names": ["nginx"]},
}
CUSTOM_CONTROLLER = "custom"

# monitoring_distribution -> the variables that differ on it. generic: any conformant cluster (kubeadm,
# managed clusters); k3s: its bundled Traefik in kube-system, its local-path provisioner, and no control-plane
# alerts (its API server is embedded in the k3s server, with its own latency profile; docs/alerting.md).
# Neither scrapes kube-scheduler or kube-controller-manager (k3s embeds them in one process; elsewhere they
# listen on localhost only), so nothing here needs to switch such jobs off.
DISTRIBUTIONS = {
    "generic": {"monitoring_storage_class": "", "grafana_ingress_controller": "ingress-nginx",
                "prometheus_control_plane_alerts": True},
    "k3s": {"monitoring_storage_class": "local-path", "grafana_ingress_controller": "traefik-k3s",
            "prometheus_control_plane_alerts": False},
}
DEFAULT_DISTRIBUTION = "generic"


def _lookup(table, preset, variable, preset_variable):
    if preset not in table:
        raise PresetError("%s is %r: it must be one of %s" % (preset_variable, preset, ", ".join(table)))
    values = table[preset]
    if variable not in values:
        raise PresetError("%s: no such variable in the %s presets (known: %s)"
                          % (variable, preset_variable, ", ".join(sorted(values))))
    return copy.deepcopy(values[variable])


def size_preset(variable, size):
    """The value of the role variable ``variable`` in the size ``size`` (``monitoring_size``)."""
    return _lookup(SIZES, size, variable, "monitoring_size")


def distribution_preset(variable, distribution):
    """The value of ``variable`` on the distribution ``distribution`` (``monitoring_distribution``)."""
    return _lookup(DISTRIBUTIONS, distribution, variable, "monitoring_distribution")


def ingress_controller(name):
    """namespace, pod_labels and class_names of a known ingress controller; empty ones for any other."""
    known = INGRESS_CONTROLLERS.get(name)
    return copy.deepcopy(known) if known else {"namespace": "", "pod_labels": {}, "class_names": []}


def ingress_problems(role, enabled, controller, namespace, class_name):
    """The settings of ``role``'s ingress (``<role>_ingress_*``) that would leave its NetworkPolicy admitting a
    controller other than the one serving its Ingress, each its own message."""
    problems = []
    known = ", ".join(INGRESS_CONTROLLERS)
    if controller != CUSTOM_CONTROLLER and controller not in INGRESS_CONTROLLERS:
        problems.append(message(
            role + "_ingress_controller", controller,
            "must be one of %s (docs/sizing.md lists their namespaces and pod labels), or %s with %s_ingress_namespace "
            "and %s_ingress_pod_labels set to your controller's namespace and pod labels"
            % (known, CUSTOM_CONTROLLER, role, role)))
        return problems
    if not enabled:
        return problems
    if not namespace:
        problems.append(message(
            role + "_ingress_namespace", namespace,
            "must name the namespace of the ingress controller while %s_ingress_enabled is true: the NetworkPolicy "
            "admits it from there, and with none the Ingress cannot reach the pods" % role))
    serves = INGRESS_CONTROLLERS.get(controller, {}).get("class_names")
    if serves and class_name and class_name not in serves:
        others = [name for name, entry in INGRESS_CONTROLLERS.items() if class_name in entry["class_names"]]
        problems.append(message(
            role + "_ingress_class_name", class_name,
            "must be a class of the controller the NetworkPolicy admits, %s_ingress_controller %s, which serves %s; "
            "set %s_ingress_controller to %s (monitoring_distribution k3s picks traefik-k3s), or to %s with "
            "%s_ingress_namespace and %s_ingress_pod_labels"
            % (role, controller, ", ".join(serves), role,
               " or ".join(others) if others else "the controller serving %s" % class_name,
               CUSTOM_CONTROLLER, role, role)))
    return problems
