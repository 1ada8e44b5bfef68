# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The Service contract filter; a thin wrapper over module_utils/common/contract.py."""

from __future__ import annotations

DOCUMENTATION = r"""
name: service_contract
short_description: The Service contract between the stack's components
description:
  - Returns, for every component role of the collection, its app name, namespace, Service, metrics port, port
    name (C(http-metrics)), in-cluster URL and whether this run renders it.
  - The stack role publishes the result as C(monitoring_services); every port, URL and NetworkPolicy peer that one
    component needs of another is read from it.
positional: _input
options:
  _input:
    description: The component roles this run renders.
    type: list
    elements: str
    required: true
  namespace:
    description: The stack's namespace (C(monitoring_namespace)).
    type: str
    required: true
  agents_namespace:
    description: The host-level agents' namespace (C(monitoring_agents_namespace)).
    type: str
    required: true
  cluster_domain:
    description: The cluster's DNS domain (C(monitoring_cluster_domain)).
    type: str
    required: true
  ports:
    description: Ports the inventory sets, by role (C(node_exporter), C(kube_state_metrics)).
    type: dict
"""

EXAMPLES = r"""
monitoring_services: >-
  {{ ['prometheus', 'loki'] | vmstation.monitoring.service_contract(namespace='monitoring',
       agents_namespace='monitoring-agents', cluster_domain='cluster.local', ports={'node_exporter': 9100}) }}
"""

RETURN = r"""
_value:
  description: Role name to C({app, namespace, service, port, port_name, url, enabled}).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import contract
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters


def service_contract(enabled, namespace, agents_namespace, cluster_domain, ports=None):
    try:
        return contract.services(enabled, namespace, agents_namespace, cluster_domain, ports)
    except contract.ContractError as e:
        raise AnsibleFilterError("service_contract: %s" % e) from e


class FilterModule:
    def filters(self):
        return native_filters({"service_contract": service_contract})
