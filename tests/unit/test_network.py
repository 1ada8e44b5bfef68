"""Addresses of the inventory (module_utils/common/network.py, filters in plugins/plugin_utils/filters/network.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common import network

FILTERS = FilterModule().filters()


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "192.168.1.10/32", "0.0.0.0/0", "::/0", "fd00::/8", "2001:DB8::/32"])
def test_a_valid_cidr_has_no_problem(cidr):
    assert network.cidr_problem(cidr, "v[0]") is None


@pytest.mark.parametrize("cidr,expect", [
    ("192.168.1.0/33", 'monitoring_node_cidrs[0] is "192.168.1.0/33": it must be an address range in CIDR notation'),
    ("lab-network", 'monitoring_node_cidrs[0] is "lab-network": it must be an address range in CIDR notation'),
    ("10.0.0.0", "a prefix length such as 10.0.0.0/16"),
    ("10.0.0.1/8", "has bits set after the prefix length; write the range's first address, 10.0.0.0/8."),
    ("300.0.0.0/8", "must be an address range"),
    (" 10.0.0.0/8", "must be an address range"),
    (10, "monitoring_node_cidrs[0] is 10: it must be an address range"),
])
def test_an_invalid_cidr_is_named_by_its_path(cidr, expect):
    assert expect in network.cidr_problem(cidr, "monitoring_node_cidrs[0]")


def test_every_bad_cidr_of_a_list_gets_its_own_message_and_empty_can_be_required():
    problems = network.cidr_problems(["10.0.0.0/8", "lab-network", "192.168.1.0/33"], "monitoring_node_cidrs")
    assert [p.split(" is ")[0] for p in problems] == ["monitoring_node_cidrs[1]", "monitoring_node_cidrs[2]"]
    assert network.cidr_problems([], "monitoring_node_cidrs") == []
    (required,) = network.cidr_problems([], "monitoring_node_cidrs", required_by="of the nodes, for Prometheus")
    assert required.startswith("monitoring_node_cidrs is []: it must list the address ranges of the nodes, for Prometheus")
    assert network.cidr_problems("10.0.0.0/8", "x") == ['x is "10.0.0.0/8": it must be a list of address ranges in '
                                                        'CIDR notation, such as [10.0.0.0/16].']


@pytest.mark.parametrize("port", [0, 70000, "abc", True, -1, 1.5, None, ""])
def test_a_bad_port_is_refused(port):
    assert "must be a port number between 1 and 65535" in network.port_problem(port, "p")


def test_ports_are_checked_one_by_one():
    assert network.port_problems([443, "6443"], "monitoring_api_server_ports") == []
    problems = network.port_problems([443, 0, "abc"], "monitoring_api_server_ports", required_by="x")
    assert [p.split(" is ")[0] for p in problems] == ["monitoring_api_server_ports[1]", "monitoring_api_server_ports[2]"]
    assert network.port_problems(["http-metrics", 8080], "p", named=True) == []
    assert "or a container port's name" in network.port_problems(["Bad_Name"], "p", named=True)[0]
    assert network.port_problems(["http-metrics"], "p")
    assert network.port_problems([], "ports", required_by="of the store") == [
        "ports is []: it must list the ports of the store, such as [443]."]


@pytest.mark.parametrize("url,endpoint", [
    ("https://hooks.example.org/x", ("hooks.example.org", 443)),
    ("http://alert-sink.apps.svc:8080/hook", ("alert-sink.apps.svc", 8080)),
    ("http://10.0.0.7/hook", ("10.0.0.7", 80)),
    ("HTTPS://Events.PagerDuty.com/v2/enqueue", ("events.pagerduty.com", 443)),
    ("http://[fd00::1]:9000/", ("fd00::1", 9000)),
])
def test_a_url_gives_its_host_and_port_with_the_scheme_default(url, endpoint):
    assert network.url_endpoint(url, "u")[:2] == endpoint and network.url_endpoint(url, "u")[2] is None


@pytest.mark.parametrize("url", ["hooks.example.org/alerts", "http://", "ftp://files.example.org/", "https://h:0/",
                                 "https://h:70000/", "https://h:abc/", "https://bad_host!/", 42])
def test_a_url_without_scheme_or_host_is_refused(url):
    host, port, problem = network.url_endpoint(url, "alertmanager_receivers[0].webhook_configs[0].url")
    assert host is None and port is None
    assert problem.startswith("alertmanager_receivers[0].webhook_configs[0].url is ")
    assert "must be an absolute URL with a scheme (http, https) and a host" in problem


def test_host_port_needs_both():
    assert network.host_port_endpoint("smtp.example.org:25", "s") == ("smtp.example.org", 25, None)
    assert network.host_port_endpoint("[fd00::25]:587", "s") == ("fd00::25", 587, None)
    for bad in ("smtp.example.org", "smtp.example.org:0", ":25", "smtp.example.org:abc", None):
        assert "must be host:port, such as smtp.example.org:587" in network.host_port_endpoint(bad, "s")[2]


def test_hosts():
    assert network.is_host("smtp.example.org") and network.is_host("10.0.0.1") and network.is_host("fd00::1")
    for bad in ("", "https://x", "a b", "x:25", "-x.org", "10.0.0.300"):
        assert not network.is_host(bad), bad


def test_every_address_is_found_in_cidr_lists_and_policy_rules():
    assert network.is_any_address("0.0.0.0/0") and network.is_any_address("::/0")
    assert not network.is_any_address("0.0.0.0/1") and not network.is_any_address("lab-network")
    named = {"a_cidrs": ["10.0.0.0/8"], "b_egress": [{"to": [{"ipBlock": {"cidr": "::/0"}}], "ports": []}],
             "c_cidrs": ["0.0.0.0/0"]}
    assert network.any_address_variables(named) == ["b_egress", "c_cidrs"]
    waiver = network.any_address_waiver(named)
    assert list(waiver) == ["waivers.vmstation.io/K012"] and "in b_egress, c_cidrs" in waiver["waivers.vmstation.io/K012"]
    assert network.any_address_waiver({"a_cidrs": ["10.0.0.0/8"]}) == {}


def test_the_filters_are_thin_doors():
    problems = FILTERS["address_problems"]
    assert problems(["lab-network"], "monitoring_node_cidrs", "cidrs")[0].startswith('monitoring_node_cidrs[0] is "lab-network"')
    assert problems([443, 70000], "p", "ports") == ["p[1] is 70000: it must be a port number between 1 and 65535."]
    assert problems("", "u", "url", optional=True) == [] and problems("x", "u", "url")
    assert problems("smtp.example.org", "h", "host") == [] and problems("a b", "h", "host")
    assert problems(0, "p", "port") and problems(None, "p", "port", optional=True) == []
    with pytest.raises(AnsibleFilterError, match="kind must be one of"):
        problems([], "x", "cidr")
    assert FILTERS["any_address_waiver"]({"x": ["::/0"]})
    with pytest.raises(AnsibleFilterError, match="expects a dict"):
        FILTERS["any_address_waiver"](["::/0"])


@pytest.mark.parametrize("host, namespace", [
    ("hook", "monitoring"), ("hook.tools.svc", "tools"), ("hook.tools.svc.cluster.local", "tools"),
    ("am-0.am.ops.svc.cluster.local", "ops"), ("HOOK.Tools.SVC.", "tools"),
    ("hook.tools", None), ("hooks.example.org", None), ("10.0.0.1", None), ("svc.cluster.local", None),
    ("a.svc", None), ("hook.tools.svc.example.org", None)])
def test_in_cluster_service_hosts_give_their_namespace(host, namespace):
    assert network.service_namespace(host, "monitoring") == namespace


def test_a_custom_cluster_domain_is_read():
    assert network.service_namespace("hook.tools.svc.k8s.lab", "monitoring", "k8s.lab") == "tools"
    assert network.service_namespace("hook.tools.svc.cluster.local", "monitoring", "k8s.lab") is None


def test_endpoints_become_rules_by_address_by_namespace_and_by_the_ranges():
    endpoints = [{"host": "10.0.0.9", "port": 8080}, {"host": "hook.tools.svc", "port": 9000},
                 {"host": "relay", "port": 25}, {"host": "h.example.org", "port": 443}, {"host": None, "port": 443}]
    rules, by_name = network.endpoint_egress(endpoints, ["198.51.100.0/24"], "monitoring")
    assert by_name == []
    assert rules == [
        {"to": [{"ipBlock": {"cidr": "10.0.0.9/32"}}], "ports": [{"protocol": "TCP", "port": 8080}]},
        {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
         "ports": [{"protocol": "TCP", "port": 25}]},
        {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "tools"}}}],
         "ports": [{"protocol": "TCP", "port": 9000}]},
        {"to": [{"ipBlock": {"cidr": "198.51.100.0/24"}}], "ports": [{"protocol": "TCP", "port": 443}]},
    ]
    rules, by_name = network.endpoint_egress(endpoints, [], "monitoring")
    assert len(rules) == 3 and [e["host"] for e in by_name] == ["h.example.org", None]


def test_host_port_takes_a_default_port_where_the_value_names_none():
    assert network.host_port_endpoint("db.example.org", "v", default_port=5432) == ("db.example.org", 5432, None)
    assert network.host_port_endpoint("[fd00::1]", "v", default_port=5432) == ("fd00::1", 5432, None)
    assert network.host_port_endpoint("db:5433", "v", default_port=5432) == ("db", 5433, None)
    assert network.host_port_endpoint("db host", "v", default_port=5432)[2].startswith('v is "db host"')


def test_endpoints_called_by_name_get_one_message_with_the_three_ways_out():
    text = network.by_name_problem("x_cidrs", [], "the servers X calls", ["x_url (db.example.org, port 5432)"],
                                   "x_extra_egress")
    assert text.startswith("x_cidrs is []: it must list the address ranges of the servers X calls by name: "
                           "x_url (db.example.org, port 5432).")
    assert "0.0.0.0/0" in text and "K012 waiver" in text and "x_extra_egress" in text
