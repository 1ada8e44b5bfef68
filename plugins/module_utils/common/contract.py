# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The Service contract between the components, in one table.

Every component role renders the app of the same name (role ``node_exporter``, app ``node-exporter``),
and the app is reached at the Service named after it in the component's namespace, on the port named
``http-metrics``. Every port, in-cluster URL and NetworkPolicy peer of one component that another one
needs is read from ``services()``; only the roles whose port is a public variable override it.
"""

from __future__ import annotations

PORT_NAME = "http-metrics"
# role -> (app, namespace side, port): "stack" is monitoring_namespace, "agents" monitoring_agents_namespace.
CONTRACT = {
    "prometheus": ("prometheus", "stack", 9090),
    "alertmanager": ("alertmanager", "stack", 9093),
    "grafana": ("grafana", "stack", 3000),
    "loki": ("loki", "stack", 3100),
    "kube_state_metrics": ("kube-state-metrics", "stack", 8080),
    "node_exporter": ("node-exporter", "agents", 9100),
    "alloy": ("alloy", "agents", 12345),
    "promtail": ("promtail", "agents", 3101),
}
# The roles whose port the inventory sets (<role>_port).
CONFIGURABLE_PORTS = ("kube_state_metrics", "node_exporter")


class ContractError(ValueError):
    """The inputs of the contract are not what the stack role checks them to be."""


def services(enabled, namespace, agents_namespace, cluster_domain, ports=None):
    """role -> {app, namespace, service, port, port_name, url, enabled} for every component of the contract.

    ``enabled``: the roles this run renders; ``ports``: role -> port for the CONFIGURABLE_PORTS (None: the default)."""
    ports = {role: port for role, port in (ports or {}).items() if port is not None}
    unknown = sorted(set(ports) - set(CONFIGURABLE_PORTS)) + sorted(set(enabled) - set(CONTRACT))
    if unknown:
        raise ContractError("not in the Service contract: %s" % ", ".join(unknown))
    table = {}
    for role, (app, side, port) in CONTRACT.items():
        value = ports.get(role, port)
        try:
            port = int(value)
        except (TypeError, ValueError):
            raise ContractError("%s_port is %r: it must be a port number (1-65535)" % (role, value))
        ns = namespace if side == "stack" else agents_namespace
        table[role] = {"app": app, "namespace": ns, "service": app, "port": port, "port_name": PORT_NAME,
                       "url": "http://%s.%s.svc.%s:%d" % (app, ns, cluster_domain, port), "enabled": role in enabled}
    return table
