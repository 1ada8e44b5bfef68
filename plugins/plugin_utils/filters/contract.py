# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The Service contract filter; a thin wrapper over module_utils/common/contract.py."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import contract


def service_contract(enabled, namespace, agents_namespace, cluster_domain, ports=None):
    try:
        return contract.services(enabled, namespace, agents_namespace, cluster_domain, ports)
    except contract.ContractError as e:
        raise AnsibleFilterError("service_contract: %s" % e) from e


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"service_contract": service_contract}
