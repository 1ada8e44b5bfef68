"""The Service contract (module_utils/common/contract.py)."""

from __future__ import annotations

import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.contract import (
    ContractError,
    services,
)


def test_every_component_has_its_service_port_and_url():
    table = services(["prometheus", "node_exporter"], "mon", "mon-agents", "cluster.local", {"node_exporter": 9200})
    assert table["prometheus"] == {"app": "prometheus", "namespace": "mon", "service": "prometheus", "port": 9090,
                                   "port_name": "http-metrics", "enabled": True,
                                   "url": "http://prometheus.mon.svc.cluster.local:9090"}
    assert table["node_exporter"]["port"] == 9200 and table["node_exporter"]["namespace"] == "mon-agents"
    assert table["loki"]["enabled"] is False and table["loki"]["url"] == "http://loki.mon.svc.cluster.local:3100"
    assert sorted(table) == ["alertmanager", "alloy", "grafana", "kube_state_metrics", "loki", "node_exporter",
                             "prometheus", "promtail"]


@pytest.mark.parametrize("enabled, ports", [(["thanos"], {}), ([], {"loki": 3200})])
def test_what_the_contract_does_not_know_is_refused(enabled, ports):
    with pytest.raises(ContractError):
        services(enabled, "mon", "agents", "cluster.local", ports)


def test_a_port_that_is_not_a_number_names_its_variable():
    with pytest.raises(ContractError, match=r"^node_exporter_port is 'ninety': it must be a port number"):
        services([], "mon", "agents", "cluster.local", {"node_exporter": "ninety"})
