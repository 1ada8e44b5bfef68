# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""promtail.yaml as a plain dict, built from the promtail role's settings.

``build_config(spec)`` returns the config: the server, the positions file, one Loki client, and the scrape
jobs: the pods of this node, then the extra files and the journal when asked for. Every job runs the drop
rules, then the stream-label allow-list (plugins/module_utils/common/log_agent.py, shared with Alloy).
Keys are valid for Promtail 2.9 (checked in the validate phase by module_utils/validate/configs/promtail.py).

``spec`` keys: ``port`` (HTTP, metrics), ``log_level``, ``data_dir`` (the positions file), ``pods_log_dir``,
``loki_url``, ``loki_tenant`` (empty: no tenant), ``extra_labels`` (the client's external labels),
``stream_labels``, ``drop_rules``, ``extra_files``, ``journal_enabled`` and ``journal_max_age``.
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import log_agent
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.dicts import merge


def build_config(spec):
    """promtail.yaml for ``spec`` (see the module docstring). No two places of the result share a container
    (a YAML dump would write anchors), nor with ``spec``."""
    client = merge({"url": spec["loki_url"]},
                   {"tenant_id": spec["loki_tenant"]} if spec["loki_tenant"] else {},
                   {"external_labels": spec["extra_labels"]} if spec["extra_labels"] else {})
    return {
        "server": {
            "http_listen_port": spec["port"],
            # Promtail serves nothing over gRPC; 0 lets the kernel pick an unused port.
            "grpc_listen_port": 0,
            "log_level": spec["log_level"],
        },
        "positions": {"filename": spec["data_dir"] + "/positions.yaml"},
        "clients": [client],
        "scrape_configs": _scrape_configs(spec),
    }


def _scrape_configs(spec):
    def common_stages():
        # Built again for each job: stages shared between jobs would be dumped as YAML anchors.
        return _drop_stages(spec["drop_rules"]) + [{"labelallow": _unique(spec["stream_labels"])}]

    jobs = [{
        "job_name": "kubernetes-pods",
        "kubernetes_sd_configs": [{"role": "pod"}],
        "relabel_configs": _pod_relabel_configs(spec),
        "pipeline_stages": [{"cri": {}}] + common_stages(),
    }]
    if spec["extra_files"]:
        jobs.append({
            "job_name": "node-files",
            "static_configs": [{"targets": ["localhost"],
                                "labels": merge({"__path__": item["path"]}, item.get("labels"))}
                               for item in spec["extra_files"]],
            "pipeline_stages": common_stages(),
        })
    if spec["journal_enabled"]:
        jobs.append({
            "job_name": "node-journal",
            "journal": {"max_age": spec["journal_max_age"], "path": "/var/log/journal",
                        "labels": {"job": "node-journal"}},
            "relabel_configs": [{"source_labels": ["__journal__systemd_unit"], "target_label": "unit"},
                                {"source_labels": ["__journal__hostname"], "target_label": "node"}],
            "pipeline_stages": common_stages(),
        })
    return jobs


def _pod_relabel_configs(spec):
    # Promtail has no field selector with a value from the environment without -config.expand-env, which
    # would also rewrite $1 and backslashes in regular expressions. It discovers every pod and keeps those
    # whose __host__ (the pod's node) equals its HOSTNAME (set to the node name).
    rules = [{"source_labels": ["__meta_kubernetes_pod_node_name"], "target_label": "__host__"},
             {"source_labels": ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"], "separator": "/",
              "target_label": "__path__", "replacement": spec["pods_log_dir"] + "/*$1/*.log"}]
    rules += log_agent.label_rules(spec["stream_labels"])
    if "job" in spec["stream_labels"]:
        rules.append({"source_labels": ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_container_name"],
                      "separator": "/", "target_label": "job"})
    return rules


def _drop_stages(drop_rules):
    """The drop rules as pipeline stages: a selector alone drops whole streams (match with action drop), a
    selector with line conditions runs a drop stage inside a match, line conditions alone a drop stage."""
    stages = []
    for selector, conditions, reason in log_agent.drop_stages(drop_rules):
        drop = merge(conditions, {"drop_counter_reason": reason})
        if selector is None:
            stages.append({"drop": drop})
        elif conditions:
            stages.append({"match": {"selector": selector, "stages": [{"drop": drop}]}})
        else:
            stages.append({"match": {"selector": selector, "action": "drop", "drop_counter_reason": reason}})
    return stages


def _unique(values):
    return list(dict.fromkeys(values))
