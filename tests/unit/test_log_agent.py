"""The log-agent base shared by the alloy and promtail roles (module_utils/common/log_agent.py, filters in
plugins/plugin_utils/filters/log_agent.py)."""

from __future__ import annotations

import pytest

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.log_agent import (
    LABEL_SOURCES,
    label_rules,
    problems,
)

GOOD = {
    "loki_url": "http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push",
    "loki_tenant": "",
    "loki_egress_cidrs": [],
    "loki_egress_ports": [3100],
    "to_stack_loki": True,
    "max_unavailable": "10%",
    "host_data_path": "/var/lib/vmstation-alloy",
    "stream_labels": ["namespace", "pod", "container", "app", "component", "node", "job", "stream", "unit"],
    "extra_labels": {"cluster": "c1"},
    "drop_rules": [{"selector": '{namespace="kube-system"}'},
                   {"expression": "debug", "older_than": "1h30m", "longer_than": "16KB", "reason": "noise"}],
    "extra_files": [{"path": "/var/log/syslog", "labels": {"job": "syslog"}}],
    "journal_max_age": "12h",
    "log_level": "info",
}


def settings(**changes):
    return {**GOOD, **changes}


def test_good_settings_have_no_problem():
    assert problems("alloy", GOOD) == []


def test_label_rules_follow_the_allow_list_in_the_order_asked():
    assert label_rules(["node", "app", "job", "pod_uid"]) == [
        {"source_labels": ["__meta_kubernetes_pod_node_name"], "regex": "(.+)", "target_label": "node"},
        {"source_labels": ["__meta_kubernetes_pod_label_app"], "regex": "(.+)", "target_label": "app"},
        {"source_labels": ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], "regex": "(.+)",
         "target_label": "app"},
    ]
    assert label_rules([]) == []


@pytest.mark.parametrize("change,expected", [
    ({"loki_url": "loki:3100"}, 'alloy_loki_url is "loki:3100": it must be the push URL of Loki'),
    ({"loki_url": "http://user:pw@loki/x"}, "without credentials"),
    ({"to_stack_loki": False}, "alloy_loki_egress_cidrs is []: it must list the address ranges of the Loki"),
    ({"loki_egress_cidrs": ["lab-network"]}, 'alloy_loki_egress_cidrs[0] is "lab-network": it must be an address range'),
    ({"loki_egress_cidrs": ["10.0.0.0/33"]}, 'alloy_loki_egress_cidrs[0] is "10.0.0.0/33": it must be an address range'),
    ({"loki_egress_ports": [70000]}, "alloy_loki_egress_ports[0] is 70000: it must be a port number between 1 and 65535"),
    ({"to_stack_loki": False, "loki_egress_cidrs": ["10.0.0.0/8"], "loki_egress_ports": []},
     "alloy_loki_egress_ports is []: it must list the ports of the Loki at alloy_loki_url"),
    ({"loki_tenant": "a b"}, 'alloy_loki_tenant is "a b": it must be a Loki tenant ID'),
    ({"max_unavailable": "0"}, 'alloy_max_unavailable is "0": it must be a count of nodes or a percentage'),
    ({"max_unavailable": "101%"}, "alloy_max_unavailable"),
    ({"host_data_path": "/var/log"}, 'alloy_host_data_path is "/var/log": it must be a dedicated absolute directory'),
    ({"host_data_path": "relative"}, "alloy_host_data_path"),
    ({"stream_labels": ["job", "pod_uid"]},
     'alloy_stream_labels is ["job", "pod_uid"]: it may only name namespace, pod,'),
    ({"extra_labels": {"pod": "x"}}, "not pod."),
    ({"extra_labels": {"filename": "x"}}, "not filename."),
    ({"extra_labels": {"9bad": "x"}}, "([a-zA-Z_][a-zA-Z0-9_]*)"),
    ({"extra_labels": {"cluster": "$HOST"}}, "must have fixed values (no $ or {{ }}), not those of cluster."),
    ({"extra_labels": ["cluster"]}, "alloy_extra_labels is [\"cluster\"]: it must be a mapping"),
    ({"drop_rules": [{"reason": "only"}]}, 'alloy_drop_rules[0] is {"reason": "only"}: it must be a drop rule'),
    ({"drop_rules": [{"expression": "x", "older_than": "1 day"}]}, "alloy_drop_rules[0]"),
    ({"drop_rules": [{"expression": "x", "longer_than": "16 GB"}]}, "alloy_drop_rules[0]"),
    ({"drop_rules": [{"selector": "namespace=x"}]}, "alloy_drop_rules[0]"),
    ({"drop_rules": [{"expression": "x", "reason": "Bad Reason"}]}, "alloy_drop_rules[0]"),
    ({"drop_rules": [{"expression": "x", "unknown": 1}]}, "alloy_drop_rules[0]"),
    ({"drop_rules": ["x"]}, 'alloy_drop_rules[0] is "x"'),
    ({"extra_files": [{"path": "/etc/passwd"}]}, "alloy_extra_files[0] is {\"path\": \"/etc/passwd\"}: it must be"),
    ({"extra_files": [{"path": "/var/log/pods/*.log"}]}, "not under /var/log/pods or /var/log/containers"),
    ({"extra_files": [{"path": "/var/log/x", "labels": {"hostname": "a"}}]}, "names are in alloy_stream_labels"),
    ({"extra_files": [{"path": "/var/log/x", "other": 1}]}, "alloy_extra_files[0]"),
    ({"journal_max_age": "1d"}, 'alloy_journal_max_age is "1d": it must be a duration like 12h'),
    ({"log_level": "trace"}, 'alloy_log_level is "trace": it must be debug, info, warn or error.'),
])
def test_each_failed_condition_names_the_variable_its_value_and_the_fix(change, expected):
    found = problems("alloy", settings(**change))
    assert len(found) == 1 and expected in found[0], found


def test_every_problem_is_reported_at_once_with_the_role_prefix():
    found = problems("promtail", settings(log_level="trace", journal_max_age="x", to_stack_loki=False,
                                          drop_rules=[{}, {"expression": "ok"}, {}]))
    assert [m.split(" is ")[0] for m in found] == [
        "promtail_loki_egress_cidrs", "promtail_drop_rules[0]", "promtail_drop_rules[2]",
        "promtail_journal_max_age", "promtail_log_level"]


def test_the_allow_list_never_names_an_unbounded_label():
    unbounded = {"filename", "pod_uid", "uid", "container_id", "pod_ip", "ip", "host_ip", "image_id"}
    assert not unbounded & set(LABEL_SOURCES)


def test_filters_take_plain_arguments():
    filters = FilterModule().filters()
    assert filters["log_agent_problems"](settings(log_level="x"), "alloy") == [
        'alloy_log_level is "x": it must be debug, info, warn or error.']
    assert filters["log_agent_label_rules"](["pod"]) == [
        {"source_labels": ["__meta_kubernetes_pod_name"], "regex": "(.+)", "target_label": "pod"}]
