# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""loki.yaml (single process, ``target: all``) as a plain dict, built from the loki role's settings.

``build_config(spec)`` returns the config: the base below, the keys of the version profile, of the
storage type and of the ruler's Alertmanager, then ``spec["overrides"]`` merged over it, key by key.
Keys are valid for Loki 2.9.4 (seed) and 3.x (current) unless the profile adds or removes them
(checked in the validate phase by module_utils/validate/configs/loki.py).

``spec`` keys: ``profile`` (seed or current), ``storage_type`` (filesystem or s3), ``auth_enabled``,
``http_port``, ``grpc_port``, ``log_level``, ``log_format``, ``data_dir``, ``rules_dir``, ``schema_configs``,
``compaction_interval``, ``retention_delete_delay``, ``retention_period``, ``max_query_length``,
``max_entries_limit_per_query``, ``max_query_series``, ``query_timeout``, ``max_query_parallelism``,
``ingestion_rate_mb``, ``ingestion_burst_size_mb``, ``per_stream_rate_limit``,
``per_stream_rate_limit_burst``, ``max_global_streams_per_user``, ``max_line_size``, ``reporting_enabled``,
``s3`` (``endpoint``, ``bucket``, ``region``, ``force_path_style``, ``insecure``), ``s3_env`` (the
environment variables carrying ``access_key_id`` and ``secret_access_key``; Loki expands ``${VAR}`` with
``-config.expand-env=true``), ``alertmanager_url`` (empty: the ruler sends no alerts) and ``overrides``.

``s3_egress(spec)`` gives the egress rules to the object store, from its endpoint.
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import network
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.dicts import merge

# 10 MB/s of pushes arrive in large batches; the default 4 MiB gRPC limit is too small.
GRPC_MAX_MESSAGE_BYTES = 16777216


def build_config(spec):
    """loki.yaml for ``spec`` (see the module docstring)."""
    object_store = "s3" if spec["storage_type"] == "s3" else "filesystem"
    alerting = {"ruler": {"alertmanager_url": spec["alertmanager_url"]}} if spec["alertmanager_url"] else {}
    return merge(_base(spec, object_store), _profile(spec["profile"], object_store), _storage(spec),
                 alerting, spec["overrides"])


def _base(spec, object_store):
    data = spec["data_dir"]
    return {
        "target": "all",
        "auth_enabled": bool(spec["auth_enabled"]),
        "server": {
            "http_listen_port": spec["http_port"],
            "grpc_listen_port": spec["grpc_port"],
            "log_level": spec["log_level"],
            "log_format": spec["log_format"],
            "grpc_server_max_recv_msg_size": GRPC_MAX_MESSAGE_BYTES,
            "grpc_server_max_send_msg_size": GRPC_MAX_MESSAGE_BYTES,
        },
        "common": {
            "path_prefix": data,
            "replication_factor": 1,
            # One process: every ring lives in memory and every internal call goes to itself.
            "instance_addr": "127.0.0.1",
            "ring": {"kvstore": {"store": "inmemory"}},
        },
        "ingester": {"wal": {"enabled": True, "dir": data + "/wal"}},
        "schema_config": {"configs": spec["schema_configs"]},
        "storage_config": {
            "tsdb_shipper": {"active_index_directory": data + "/tsdb-index", "cache_location": data + "/tsdb-cache"},
        },
        "compactor": {
            "working_directory": data + "/compactor",
            "compaction_interval": spec["compaction_interval"],
            "retention_enabled": True,
            "retention_delete_delay": spec["retention_delete_delay"],
            "delete_request_store": object_store,
        },
        "limits_config": {
            "retention_period": spec["retention_period"],
            "max_query_length": spec["max_query_length"],
            "max_entries_limit_per_query": int(spec["max_entries_limit_per_query"]),
            "max_query_series": int(spec["max_query_series"]),
            "query_timeout": spec["query_timeout"],
            "max_query_parallelism": int(spec["max_query_parallelism"]),
            "ingestion_rate_mb": spec["ingestion_rate_mb"],
            "ingestion_burst_size_mb": spec["ingestion_burst_size_mb"],
            "per_stream_rate_limit": spec["per_stream_rate_limit"],
            "per_stream_rate_limit_burst": spec["per_stream_rate_limit_burst"],
            "max_global_streams_per_user": int(spec["max_global_streams_per_user"]),
            "max_line_size": spec["max_line_size"],
            "reject_old_samples": True,
            "reject_old_samples_max_age": "168h",
        },
        "ruler": {
            "storage": {"type": "local", "local": {"directory": spec["rules_dir"]}},
            "rule_path": data + "/rules-temp",
            "enable_api": True,
            # Alertmanager 0.27 removed API v1; Loki 2.9 still defaults to it.
            "enable_alertmanager_v2": True,
        },
        "analytics": {"reporting_enabled": bool(spec["reporting_enabled"])},
    }


def _profile(profile, object_store):
    """Loki 2.9 (seed) names the shared store of the index and of the compactor (options removed in 3.0)."""
    if profile != "seed":
        return {}
    return {"storage_config": {"tsdb_shipper": {"shared_store": object_store}},
            "compactor": {"shared_store": object_store}}


def _storage(spec):
    if spec["storage_type"] != "s3":
        return {"storage_config": {"filesystem": {"directory": spec["data_dir"] + "/chunks"}}}
    s3 = spec["s3"]
    return {"storage_config": {"aws": {
        "endpoint": s3["endpoint"],
        "bucketnames": s3["bucket"],
        "region": s3["region"],
        "s3forcepathstyle": bool(s3["force_path_style"]),
        "insecure": bool(s3["insecure"]),
        "access_key_id": "${%s}" % spec["s3_env"]["access_key_id"],
        "secret_access_key": "${%s}" % spec["s3_env"]["secret_access_key"],
    }}}


def s3_egress(spec):
    """``{"rules", "problems"}``: the NetworkPolicy egress rules that let Loki reach its object store.

    ``spec`` keys: ``endpoint`` (``loki_s3_endpoint``: ``host[:port]``, or a URL), ``insecure`` (plain HTTP: port
    80 by default, else 443), ``cidrs`` and ``ports`` (``loki_s3_egress_cidrs``, ``loki_s3_egress_ports``: given
    ranges are allowed on those ports, by default the endpoint's, in place of the rule derived from the endpoint),
    ``namespace`` and ``cluster_domain``, ``own_rules`` (``loki_extra_egress`` is given). An endpoint that is an IP
    address or an in-cluster Service (``minio.storage.svc:9000``) is allowed as such
    (common/network.py ``endpoint_egress``); one called by any other name needs the ranges."""
    endpoint, cidrs, ports = spec.get("endpoint") or "", spec.get("cidrs"), spec.get("ports")
    problems = network.cidr_problems(cidrs, "loki_s3_egress_cidrs") + network.port_problems(ports, "loki_s3_egress_ports")
    if not endpoint.strip():  # reported by the role's checks (loki_s3_endpoint must be set)
        return {"rules": [], "problems": problems}
    if "://" in endpoint:
        host, port, problem = network.url_endpoint(endpoint, "loki_s3_endpoint", example="https://s3.example.org")
    else:
        host, port, problem = network.host_port_endpoint(endpoint, "loki_s3_endpoint", "minio.storage.svc:9000",
                                                         default_port=80 if spec.get("insecure") else 443)
    if problem or problems:
        return {"rules": [], "problems": problems + ([problem] if problem else [])}
    given = cidrs if isinstance(cidrs, list) else []
    rules, by_name = network.endpoint_egress([{"host": host, "port": port}], [], spec.get("namespace") or "monitoring",
                                             spec.get("cluster_domain") or "cluster.local")
    if given:  # the ranges the inventory gives replace the rule derived from the endpoint
        rules = [{"to": [{"ipBlock": {"cidr": cidr}} for cidr in given],
                  "ports": [{"protocol": "TCP", "port": int(p)} for p in (ports or [port])]}]
    elif by_name and not spec.get("own_rules"):
        problems.append(network.by_name_problem(
            "loki_s3_egress_cidrs", cidrs, "the object store Loki calls", ["loki_s3_endpoint (%s, port %d)" % (host, port)],
            "loki_extra_egress", ranges_of="that service"))
    return {"rules": rules, "problems": problems}
