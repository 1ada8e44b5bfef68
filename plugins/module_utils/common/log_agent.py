# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The log-agent base shared by the alloy and promtail roles: the stream-label allow-list and the checks
of the settings both agents have.

Each agent role passes its settings as a mapping keyed by the public variable names without the role
prefix (``loki_url`` for ``alloy_loki_url``); every message names the role's own variable.
"""

from __future__ import annotations

import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.network import cidr_problems, port_problems
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.preflight import message
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.units import AGENT_DURATION, AGENT_LINE_SIZE, unit_hint

# Where each allowed stream label comes from (Kubernetes service discovery meta labels; job, stream and
# unit are set by the pipelines). Nothing outside this table can become a label: it is the allow-list of
# rule M004, the same for both agents, so moving from Promtail to Alloy keeps every stream's labels.
LABEL_SOURCES = {
    "namespace": ["__meta_kubernetes_namespace"],
    "pod": ["__meta_kubernetes_pod_name"],
    "container": ["__meta_kubernetes_pod_container_name"],
    # app.kubernetes.io/name, or the older app label when that is missing.
    "app": ["__meta_kubernetes_pod_label_app", "__meta_kubernetes_pod_label_app_kubernetes_io_name"],
    "component": ["__meta_kubernetes_pod_label_app_kubernetes_io_component"],
    "instance": ["__meta_kubernetes_pod_label_app_kubernetes_io_instance"],
    "node": ["__meta_kubernetes_pod_node_name"],
    "job": [],
    "stream": [],
    "unit": [],
}
# Labels that would make a stream per pod restart, file or address: never allowed.
FORBIDDEN_LABELS = ("filename", "pod_uid", "uid", "container_id", "pod_ip", "ip", "host_ip", "image_id", "__path__")

_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_LOKI_URL = re.compile(r"^https?://[^/\s@]+/")
_TENANT = re.compile(r"^[A-Za-z0-9!._*'()-]{0,150}$")
_MAX_UNAVAILABLE = re.compile(r"^([1-9][0-9]*|([1-9][0-9]?|100)%)$")
_HOST_PATH = re.compile(r"^/[A-Za-z0-9._/-]+$")
_SYSTEM_PATH = re.compile(r"^/(var/log|etc|proc|sys|dev|run)?/?$")
_SELECTOR = re.compile(r"^\{.*\}$")
_REASON = re.compile(r"^[a-z0-9_]+$")
_FILE_PATH = re.compile(r"^/var/log/[^\s]+$")
_SHIPPED_PATH = re.compile(r"^/var/log/(pods|containers)(/|$)")
_LOG_LEVELS = ("debug", "info", "warn", "error")
_DROP_KEYS = ("selector", "expression", "older_than", "longer_than", "reason")
_DROP_RULE_FIX = ("must be a drop rule: it takes selector (a LogQL stream selector like {namespace=\"kube-system\"}), "
                  "expression (an RE2 regular expression matched against the line), older_than (a duration like "
                  "24h), longer_than (a size like 16KB) and reason (lower case, digits, _); at least one of the "
                  "first four")
_EXTRA_FILE_FIX = ("must be {path, labels}: path a file or glob under /var/log (the only host directory the agent "
                   "mounts), not under /var/log/pods or /var/log/containers (the pods are already shipped); labels "
                   "a mapping whose names are in %s_stream_labels")


def label_rules(stream_labels):
    """The relabel rules that set each allowed stream label from its sources, in the order of ``stream_labels``."""
    return [{"source_labels": [source], "regex": "(.+)", "target_label": label}
            for label in stream_labels if label in LABEL_SOURCES for source in LABEL_SOURCES[label]]


def drop_stages(drop_rules):
    """Each drop rule as ``(selector, line_conditions, reason)``, the same for both agents: ``selector`` the LogQL
    stream selector or None, ``line_conditions`` the rule's ``expression``, ``older_than`` and ``longer_than`` in
    that order (empty: the rule drops whole streams), ``reason`` the drop counter's reason (drop_rule_<n>,
    counted from 1, when the rule names none)."""
    return [(rule.get("selector"), {key: rule[key] for key in _DROP_KEYS[1:4] if key in rule},
             rule.get("reason", "drop_rule_%d" % number))
            for number, rule in enumerate(drop_rules, start=1)]


def problems(role, settings):
    """One message per failed condition of the settings every log agent has (``settings`` keyed without the
    ``<role>_`` prefix, plus ``to_stack_loki``: whether ``loki_url`` is the stack's Loki)."""
    found = []

    def check(name, ok, fix):
        if not ok:
            found.append(message("%s_%s" % (role, name), settings[name], fix))

    check("loki_url", _LOKI_URL.match(str(settings["loki_url"])),
          "must be the push URL of Loki without credentials, such as "
          "http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push")
    check("loki_egress_cidrs", settings["to_stack_loki"] or settings["loki_egress_cidrs"],
          "must list the address ranges of the Loki at %s_loki_url, which is not the stack's Loki (or 'loki' is "
          "not in monitoring_components): the NetworkPolicy lets the agent reach only those" % role)
    found.extend(cidr_problems(settings["loki_egress_cidrs"], role + "_loki_egress_cidrs"))
    found.extend(port_problems(settings["loki_egress_ports"], role + "_loki_egress_ports",
                               "" if settings["to_stack_loki"] else "of the Loki at %s_loki_url" % role))
    check("loki_tenant", _TENANT.match(str(settings["loki_tenant"])),
          "must be a Loki tenant ID: letters, digits and ! - _ . * ' ( ), at most 150")
    check("max_unavailable", _MAX_UNAVAILABLE.match(str(settings["max_unavailable"])),
          "must be a count of nodes or a percentage such as 10%")
    path = str(settings["host_data_path"])
    check("host_data_path", _HOST_PATH.match(path) and not _SYSTEM_PATH.match(path),
          "must be a dedicated absolute directory on the node such as /var/lib/vmstation-%s" % role)
    found.extend(_label_problems(role, settings["stream_labels"], settings["extra_labels"]))
    found.extend(message("%s_drop_rules[%d]" % (role, index), rule,
                         _DROP_RULE_FIX + (unit_hint(rule.get("older_than"), "go_duration") if isinstance(rule, dict) else ""))
                 for index, rule in enumerate(settings["drop_rules"]) if not _drop_rule_ok(rule))
    found.extend(message("%s_extra_files[%d]" % (role, index), item, _EXTRA_FILE_FIX % role)
                 for index, item in enumerate(settings["extra_files"])
                 if not _extra_file_ok(item, settings["stream_labels"]))
    check("journal_max_age", AGENT_DURATION.match(str(settings["journal_max_age"])),
          "must be a duration like 12h (units ms, s, m, h)" + unit_hint(settings["journal_max_age"], "go_duration"))
    check("log_level", settings["log_level"] in _LOG_LEVELS, "must be debug, info, warn or error")
    return found


def _label_problems(role, stream_labels, extra_labels):
    found = []
    outside = [label for label in stream_labels if label not in LABEL_SOURCES]
    if outside:
        found.append(message(role + "_stream_labels", stream_labels,
                             "may only name %s (the allow-list of rule M004; pod UID, file name, IPs and the like "
                             "never become labels), not %s" % (", ".join(LABEL_SOURCES), ", ".join(outside))))
    if not isinstance(extra_labels, dict):
        return found + [message(role + "_extra_labels", extra_labels, "must be a mapping of label names to values")]
    reserved = set(FORBIDDEN_LABELS) | set(LABEL_SOURCES)
    bad_names = [name for name in extra_labels if not _LABEL_NAME.match(str(name)) or name in reserved]
    if bad_names:
        found.append(message(role + "_extra_labels", extra_labels,
                             "must use label names ([a-zA-Z_][a-zA-Z0-9_]*) other than the stream labels %s and "
                             "than %s, not %s" % (", ".join(LABEL_SOURCES), ", ".join(FORBIDDEN_LABELS),
                                                  ", ".join(map(str, bad_names)))))
    templated = [name for name, value in extra_labels.items() if "$" in str(value) or "{{" in str(value)]
    if templated:
        found.append(message(role + "_extra_labels", extra_labels,
                             "must have fixed values (no $ or {{ }}), not those of %s" % ", ".join(templated)))
    return found


def _drop_rule_ok(rule):
    if not isinstance(rule, dict) or set(rule) - set(_DROP_KEYS) or not set(rule) & set(_DROP_KEYS[:4]):
        return False
    return ((("selector" not in rule) or bool(_SELECTOR.match(str(rule["selector"]))))
            and (("older_than" not in rule) or bool(AGENT_DURATION.match(str(rule["older_than"]))))
            and (("longer_than" not in rule) or bool(AGENT_LINE_SIZE.match(str(rule["longer_than"]))))
            and (("reason" not in rule) or bool(_REASON.match(str(rule["reason"])))))


def _extra_file_ok(item, stream_labels):
    if not isinstance(item, dict) or set(item) - {"path", "labels"}:
        return False
    path, labels = str(item.get("path", "")), item.get("labels", {})
    return (bool(_FILE_PATH.match(path)) and not _SHIPPED_PATH.match(path) and isinstance(labels, dict)
            and set(labels) <= set(stream_labels))
