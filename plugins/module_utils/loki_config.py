# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Check a Loki configuration file against the configuration reference of the Loki version it is for.

No Loki binary is available where the stack is rendered, so the checks are written from Loki's own
documentation:

* Loki 2.9 (``seed`` profile, 2.9.4): the configuration reference of the 2.9 release
  (docs/sources/configure/_index.md of the 2.9 line, https://grafana.com/docs/loki/v2.9.x/configure/).
* Loki 3 (``current`` profile, 3.7.x): the shared configuration reference of the 3.x line
  (docs/sources/shared/configuration.md, https://grafana.com/docs/loki/v3.7.x/reference/loki-config-ref/),
  the list of options deleted in 3.0 (tools/deprecated-config-checker/deleted-config.yaml) and the
  3.0 upgrade guide.

Loki reads its file with strict YAML decoding: a key it does not know stops it at start-up
("field x not found in type y"). The checker reports such keys as errors wherever the block's key list
is known completely for that version; blocks whose Loki 3 key list was not transcribed in full are
checked "leniently": keys removed in 3.0 are still errors, other unknown keys are warnings. Sub-blocks
shared by many components (rings, gRPC clients, caches, TLS) are not checked inside.

Beyond key names the checker verifies what Loki itself refuses at start-up and a config review catches:
the schema periods (dates in order, 24h index period for tsdb/boltdb-shipper, store and schema values
of the version, Loki 3's need for a v13 tsdb period when structured metadata is on), a configured store
for every period's object_store, the compactor's delete-request store when retention is on (Loki 3),
and the types of the booleans, durations and numbers this collection relies on.
"""

from __future__ import annotations

import re

import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.violations import ERROR, WARNING, for_object
from ansible_collections.vmstation.monitoring.plugins.module_utils.manifests import safe_load as load_yaml

RULE = "LOKI_CONFIG"
CONFIG_KEY = "loki.yaml"
APP_LABEL = "app.kubernetes.io/name"
VERSION_LABEL = "app.kubernetes.io/version"

OPEN = "open"  # a block this checker does not look inside (rings, gRPC clients, caches, TLS, ...)


def _keys(text, value=OPEN):
    """A block from a space-separated key list; every key's content is OPEN unless overridden."""
    return {key: value for key in text.split()}


def _block(text, **children):
    block = _keys(text)
    block.update(children)
    return block


class Lenient(dict):
    """A block whose Loki 3 key list is not complete here: unknown keys are warnings, not errors."""


# --- Loki 2.9 ---------------------------------------------------------------------------------

_S3_29 = _keys("s3 s3forcepathstyle bucketnames endpoint region access_key_id secret_access_key session_token "
               "insecure http_config signature_version storage_class sse backoff_config sse_encryption")
_TSDB_SHIPPER_29 = _keys("active_index_directory shared_store shared_store_key_prefix cache_location cache_ttl "
                         "resync_interval query_ready_num_days index_gateway_client ingestername mode "
                         "ingesterdbretainperiod enable_postings_cache")
_BOLTDB_SHIPPER_29 = _keys("active_index_directory shared_store shared_store_key_prefix cache_location cache_ttl "
                           "resync_interval query_ready_num_days index_gateway_client ingestername mode "
                           "ingesterdbretainperiod build_per_tenant_index use_boltdb_shipper_as_backup")
_PERIOD_29 = _block("from store object_store schema row_shards",
                    index=_keys("prefix period tags"), chunks=_keys("prefix period tags"))

_LIMITS_29 = _keys(
    "ingestion_rate_strategy ingestion_rate_mb ingestion_burst_size_mb max_label_name_length max_label_value_length "
    "max_label_names_per_series reject_old_samples reject_old_samples_max_age creation_grace_period "
    "enforce_metric_name max_line_size max_line_size_truncate increment_duplicate_timestamp max_streams_per_user "
    "max_global_streams_per_user unordered_writes per_stream_rate_limit per_stream_rate_limit_burst "
    "max_chunks_per_query max_query_series max_query_lookback max_query_length max_query_range "
    "max_query_parallelism tsdb_max_query_parallelism tsdb_max_bytes_per_shard cardinality_limit "
    "max_streams_matchers_per_query max_concurrent_tail_requests max_entries_limit_per_query "
    "max_cache_freshness_per_query max_stats_cache_freshness max_queriers_per_tenant query_ready_index_num_days "
    "query_timeout split_queries_by_interval min_sharding_lookback max_query_bytes_read max_querier_bytes_read "
    "volume_enabled volume_max_series ruler_evaluation_delay_duration ruler_max_rules_per_rule_group "
    "ruler_max_rule_groups_per_tenant ruler_tenant_shard_size ruler_remote_write_disabled ruler_remote_write_url "
    "ruler_remote_write_timeout ruler_remote_write_headers ruler_remote_write_relabel_configs "
    "ruler_remote_write_queue_capacity ruler_remote_write_queue_min_shards ruler_remote_write_queue_max_shards "
    "ruler_remote_write_queue_max_samples_per_send ruler_remote_write_queue_batch_send_deadline "
    "ruler_remote_write_queue_min_backoff ruler_remote_write_queue_max_backoff "
    "ruler_remote_write_queue_retry_on_ratelimit ruler_remote_write_sigv4_config ruler_remote_write_config "
    "ruler_remote_evaluation_timeout ruler_remote_evaluation_max_response_size deletion_mode retention_period "
    "retention_stream per_tenant_override_config per_tenant_override_period allow_deletes shard_streams "
    "blocked_queries required_labels minimum_labels_number index_gateway_shard_size allow_structured_metadata "
    "max_structured_metadata_size max_structured_metadata_entries_count")

LOKI_29 = _block(
    "target auth_enabled ballast_bytes memberlist shutdown_delay",
    server=_keys(
        "http_listen_network http_listen_address http_listen_port http_listen_conn_limit grpc_listen_network "
        "grpc_listen_address grpc_listen_port grpc_listen_conn_limit tls_cipher_suites tls_min_version "
        "http_tls_config grpc_tls_config register_instrumentation graceful_shutdown_timeout "
        "http_server_read_timeout http_server_write_timeout http_server_idle_timeout grpc_server_max_recv_msg_size "
        "grpc_server_max_send_msg_size grpc_server_max_concurrent_streams grpc_server_max_connection_idle "
        "grpc_server_max_connection_age grpc_server_max_connection_age_grace grpc_server_keepalive_time "
        "grpc_server_keepalive_timeout grpc_server_min_time_between_pings grpc_server_ping_without_stream_allowed "
        "log_format log_level log_source_ips_enabled log_source_ips_header log_source_ips_regex log_request_headers "
        "log_request_at_info_level_enabled log_request_exclude_headers_list http_path_prefix"),
    distributor=_keys("ring rate_store write_failures_logging"),
    querier=_block("tail_max_duration extra_query_delay query_ingesters_within max_concurrent query_store_only "
                   "query_ingester_only multi_tenant_queries_enabled per_request_limits_enabled",
                   engine=_keys("max_look_back_period timeout")),
    query_scheduler=_keys("max_outstanding_requests_per_tenant max_queue_hierarchy_levels querier_forget_delay "
                          "grpc_client_config use_scheduler_ring scheduler_ring"),
    frontend=_keys("log_queries_longer_than max_body_size query_stats_enabled max_outstanding_per_tenant "
                   "querier_forget_delay scheduler_address scheduler_dns_lookup_period scheduler_worker_concurrency "
                   "grpc_client_config graceful_shutdown_timeout instance_interface_names compress_responses "
                   "downstream_url tail_proxy_url tail_tls_config"),
    query_range=_keys("align_queries_with_step results_cache cache_results max_retries parallelise_shardable_queries "
                      "required_query_response_format cache_index_stats_results index_stats_results_cache "
                      "cache_volume_results volume_results_cache split_queries_by_interval forward_headers_list"),
    ruler=_block(
        "external_url datasource_uid external_labels ruler_client evaluation_interval poll_interval rule_path "
        "alertmanager_url enable_alertmanager_discovery alertmanager_refresh_interval enable_alertmanager_v2 "
        "alert_relabel_configs notification_queue_capacity notification_timeout alertmanager_client "
        "for_outage_tolerance for_grace_period resend_delay enable_sharding sharding_strategy sharding_algo "
        "search_pending_for ring flush_period enable_api enabled_tenants disabled_tenants query_stats_enabled "
        "disable_rule_group_label wal wal_cleaner remote_write evaluation",
        storage=_block("type azure alibabacloud gcs s3 bos swift cos", local=_keys("directory"))),
    ingester_client=_keys("pool_config remote_timeout grpc_client_config"),
    ingester=_block(
        "lifecycler max_transfer_retries concurrent_flushes flush_check_period flush_op_timeout chunk_retain_period "
        "chunk_idle_period chunk_block_size chunk_target_size chunk_encoding max_chunk_age autoforget_unhealthy "
        "sync_period sync_min_utilization max_returned_stream_errors query_store_max_look_back_period index_shards "
        "max_dropped_streams shutdown_marker_path",
        wal=_keys("enabled dir checkpoint_duration flush_on_shutdown replay_memory_ceiling")),
    index_gateway=_keys("mode ring"),
    storage_config=_block(
        "alibabacloud azure bos bigtable gcs cassandra boltdb swift grpc_store hedging named_stores cos "
        "index_cache_validity congestion_control index_queries_cache_config disable_broad_index_queries "
        "max_parallel_get_chunk max_chunk_batch_size",
        aws=_S3_29 | {"dynamodb": OPEN}, filesystem=_keys("directory"),
        boltdb_shipper=_BOLTDB_SHIPPER_29, tsdb_shipper=_TSDB_SHIPPER_29),
    chunk_store_config=_keys("chunk_cache_config write_dedupe_cache_config cache_lookups_older_than "
                             "max_look_back_period"),
    schema_config={"configs": [_PERIOD_29]},
    compactor=_keys("working_directory shared_store shared_store_key_prefix compaction_interval "
                    "apply_retention_interval retention_enabled retention_delete_delay retention_delete_worker_count "
                    "retention_table_timeout delete_request_store delete_batch_size delete_request_cancel_period "
                    "delete_max_interval max_compaction_parallelism upload_parallelism compactor_ring "
                    "tables_to_compact skip_latest_n_tables deletion_mode"),
    limits_config=_LIMITS_29,
    frontend_worker=_keys("frontend_address scheduler_address dns_lookup_duration parallelism match_max_concurrent "
                          "id grpc_client_config"),
    table_manager=_keys("throughput_updates_disabled retention_deletes_enabled retention_period poll_interval "
                        "creation_grace_period index_tables_provisioning chunk_tables_provisioning"),
    runtime_config=_keys("period file"),
    tracing=_keys("enabled"),
    analytics=_keys("reporting_enabled usage_stats_url"),
    common=_block("path_prefix persist_tokens replication_factor ring instance_interface_names instance_addr "
                  "compactor_address compactor_grpc_address",
                  storage=_block("gcs azure alibabacloud bos swift hedging cos congestion_control", s3=_S3_29,
                                 filesystem=_keys("chunks_directory rules_directory"))),
)

# --- Loki 3 -----------------------------------------------------------------------------------

# Options deleted in Loki 3.0 (tools/deprecated-config-checker/deleted-config.yaml and the 3.0 upgrade
# guide), with what to use instead. Paths are dotted; "*" matches any list item.
REMOVED_IN_3 = {
    "ingester.max_transfer_retries": "enable the ingester WAL and rely on new ingesters to replay it",
    "querier.engine.timeout": "set query_timeout in limits_config (global or per tenant)",
    "query_range.split_queries_by_interval": "set split_queries_by_interval in limits_config",
    "query_range.forward_headers_list": "remove it; Loki 3 has no replacement",
    "frontend_worker.parallelism": "limit concurrency with querier.max_concurrent",
    "frontend_worker.match_max_concurrent": "limit concurrency with querier.max_concurrent",
    "common.storage.s3.sse_encryption": "use the sse block (SSE-S3 or SSE-KMS)",
    "ruler.storage.s3.sse_encryption": "use the sse block (SSE-S3 or SSE-KMS)",
    "storage_config.aws.sse_encryption": "use the sse block (SSE-S3 or SSE-KMS)",
    "storage_config.boltdb_shipper.shared_store": "the period's object_store (schema_config) is used for the index",
    "storage_config.boltdb_shipper.shared_store_key_prefix": "set index.path_prefix in the schema period",
    "storage_config.boltdb_shipper.use_boltdb_shipper_as_backup": "remove it (TSDB is the index)",
    "storage_config.tsdb_shipper.shared_store": "the period's object_store (schema_config) is used for the index",
    "storage_config.tsdb_shipper.shared_store_key_prefix": "set index.path_prefix in the schema period",
    "compactor.shared_store": "remove it; set compactor.delete_request_store (required when retention is on)",
    "compactor.shared_store_key_prefix": "use compactor.delete_request_store_key_prefix",
    "chunk_store_config.max_look_back_period": "set max_query_lookback in limits_config",
    "limits_config.enforce_metric_name": "remove it; Loki 3 has no metric names to enforce",
}

_S3_3 = {key: OPEN for key in _S3_29 if key != "sse_encryption"}
_PERIOD_3 = _block("from store object_store schema row_shards",
                   index=_keys("path_prefix prefix period tags"), chunks=_keys("prefix period tags"))
_LIMITS_3 = _keys(
    "ingestion_rate_strategy ingestion_rate_mb ingestion_burst_size_mb max_label_name_length max_label_value_length "
    "max_label_names_per_series reject_old_samples reject_old_samples_max_age creation_grace_period max_line_size "
    "max_line_size_truncate max_line_size_truncate_identifier increment_duplicate_timestamp simulated_push_latency "
    "enable_multi_variant_queries discover_generic_fields discover_service_name discover_log_levels log_level_fields "
    "log_level_from_json_max_depth use_owned_stream_count max_streams_per_user max_global_streams_per_user "
    "unordered_writes per_stream_rate_limit per_stream_rate_limit_burst max_chunks_per_query max_query_series "
    "max_query_lookback max_query_length max_query_range max_query_parallelism tsdb_max_query_parallelism "
    "tsdb_max_bytes_per_shard tsdb_sharding_strategy tsdb_precompute_chunks cardinality_limit "
    "max_streams_matchers_per_query max_concurrent_tail_requests max_entries_limit_per_query "
    "max_cache_freshness_per_query max_metadata_cache_freshness max_stats_cache_freshness max_queriers_per_tenant "
    "max_query_capacity query_ready_index_num_days query_timeout split_queries_by_interval "
    "split_metadata_queries_by_interval split_recent_metadata_queries_by_interval recent_metadata_query_window "
    "split_instant_metric_queries_by_interval engine_results_cache_time_bucket_interval "
    "split_ingester_queries_by_interval min_sharding_lookback max_query_bytes_read max_querier_bytes_read "
    "volume_enabled volume_max_series ruler_max_rules_per_rule_group ruler_max_rule_groups_per_tenant "
    "ruler_tenant_shard_size ruler_enable_wal_replay ruler_remote_write_disabled ruler_remote_write_url "
    "ruler_remote_write_timeout ruler_remote_write_headers ruler_remote_write_relabel_configs "
    "ruler_remote_write_queue_capacity ruler_remote_write_queue_min_shards ruler_remote_write_queue_max_shards "
    "ruler_remote_write_queue_max_samples_per_send ruler_remote_write_queue_batch_send_deadline "
    "ruler_remote_write_queue_min_backoff ruler_remote_write_queue_max_backoff "
    "ruler_remote_write_queue_retry_on_ratelimit ruler_remote_write_sigv4_config ruler_remote_write_config "
    "ruler_remote_evaluation_timeout ruler_remote_evaluation_max_response_size deletion_mode retention_period "
    "retention_stream per_tenant_override_config per_tenant_override_period allow_deletes shard_streams "
    "blocked_queries required_labels minimum_labels_number index_gateway_shard_size index_gateway_max_capacity "
    "bloom_gateway_enable_filtering bloom_build_max_builders bloom_build_task_max_retries "
    "bloom_build_builder_response_timeout bloom_creation_enabled bloom_planning_strategy "
    "bloom_split_series_keyspace_by bloom_task_target_series_chunk_size bloom_block_encoding bloom_prefetch_blocks "
    "bloom_max_block_size bloom_max_bloom_size allow_structured_metadata max_structured_metadata_size "
    "max_structured_metadata_entries_count otlp_config block_ingestion_policy_until block_ingestion_until "
    "block_ingestion_status_code enforced_labels policy_enforced_labels policy_stream_mapping "
    "ingestion_partitions_tenant_shard_size shard_aggregations pattern_ingester_tokenizable_json_fields_default "
    "pattern_ingester_tokenizable_json_fields_append pattern_ingester_tokenizable_json_fields_delete "
    "metric_aggregation_enabled pattern_persistence_enabled pattern_persistence_granularity pattern_rate_threshold "
    "s3_sse_type s3_sse_kms_key_id s3_sse_kms_encryption_context max_scan_task_parallelism debug_engine_tasks "
    "debug_engine_streams")


def _without_removed(block, prefix):
    """``block`` (a 2.9 block) minus the options deleted in 3.0, as a Lenient block."""
    out = Lenient()
    for key, value in block.items():
        path = "%s.%s" % (prefix, key) if prefix else key
        if path in REMOVED_IN_3:
            continue
        out[key] = _without_removed(value, path) if isinstance(value, dict) else value
    return out


LOKI_3 = _block(
    "target auth_enabled ballast_bytes memberlist shutdown_delay ui query_engine ruler_storage pattern_ingester "
    "bloom_build bloom_gateway compactor_grpc_client compactor_http_client kafka_config dataobj ingest_limits "
    "ingest_limits_frontend ingest_limits_frontend_client block_builder block_scheduler operational_config "
    "profiling metastore metastore_client partition_ring",
    server=_without_removed(LOKI_29["server"], "server"),
    distributor=_keys("ring push_worker_count max_recv_msg_size max_decompressed_size rate_store "
                      "write_failures_logging otlp_config default_policy_stream_mappings kafka_writes_enabled "
                      "ingester_writes_enabled ingest_limits_enabled ingest_limits_dry_run_enabled dataobj_tee "
                      "inmemory_dataobj_push_timeout tenant_topic"),
    querier=_without_removed(LOKI_29["querier"], "querier"),
    query_scheduler=_without_removed(LOKI_29["query_scheduler"], "query_scheduler"),
    frontend=Lenient(_without_removed(LOKI_29["frontend"], "frontend"),
                     **_keys("log_query_request_headers instance_enable_ipv6 encoding")),
    query_range=_without_removed(LOKI_29["query_range"], "query_range"),
    ruler=_without_removed(LOKI_29["ruler"], "ruler"),
    ingester_client=_keys("pool_config remote_timeout grpc_client_config"),
    ingester=_block(
        "lifecycler concurrent_flushes flush_check_period flush_op_backoff flush_op_timeout chunk_retain_period "
        "chunk_idle_period chunk_block_size chunk_target_size chunk_encoding max_chunk_age autoforget_unhealthy "
        "sync_period sync_min_utilization max_returned_stream_errors query_store_max_look_back_period index_shards "
        "max_dropped_streams shutdown_marker_path owned_streams_check_interval delegate_stream_limits_enabled "
        "kafka_ingestion",
        wal=_keys("enabled dir checkpoint_duration flush_on_shutdown replay_memory_ceiling disk_full_threshold")),
    index_gateway=Lenient(_keys("mode ring")),
    storage_config=_without_removed(LOKI_29["storage_config"], "storage_config"),
    chunk_store_config=_keys("chunk_cache_config chunk_cache_config_l2 write_dedupe_cache_config "
                             "skip_query_writeback_cache_older_than l2_chunk_cache_handoff cache_lookups_older_than"),
    schema_config={"configs": [_PERIOD_3]},
    compactor=_keys("working_directory compaction_interval apply_retention_interval retention_enabled "
                    "retention_delete_delay retention_delete_worker_count retention_table_timeout "
                    "retention_backoff_config delete_request_store delete_request_store_key_prefix "
                    "delete_request_store_db_type backup_delete_request_store_db_type delete_batch_size "
                    "delete_request_cancel_period delete_max_interval max_compaction_parallelism upload_parallelism "
                    "compactor_ring tables_to_compact skip_latest_n_tables horizontal_scaling_mode worker_config "
                    "jobs_config deletion_marker_object_store_prefix"),
    limits_config=_LIMITS_3,
    frontend_worker=_without_removed(LOKI_29["frontend_worker"], "frontend_worker"),
    table_manager=_without_removed(LOKI_29["table_manager"], "table_manager"),
    runtime_config=_without_removed(LOKI_29["runtime_config"], "runtime_config"),
    tracing=_without_removed(LOKI_29["tracing"], "tracing"),
    analytics=_without_removed(LOKI_29["analytics"], "analytics"),
    common=_block("path_prefix persist_tokens replication_factor ring instance_interface_names instance_addr "
                  "compactor_address compactor_grpc_address scratch_path",
                  storage=_block("gcs azure alibabacloud bos swift hedging cos congestion_control object_store",
                                 s3=_S3_3, filesystem=_keys("chunks_directory rules_directory"))),
)
# Sub-blocks of lenient blocks that are known completely stay strict.
LOKI_3["storage_config"]["aws"] = _S3_3 | {"dynamodb": OPEN}
LOKI_3["storage_config"]["filesystem"] = _keys("directory")

# Known top-level blocks are complete for 2.9 only; Loki 3 keeps adding experimental blocks.
_TOP_LEVEL_LENIENT = {"2.9": False, "3": True}

SCHEMAS = {"2.9": LOKI_29, "3": LOKI_3}
SCHEMA_VERSIONS = ("v9", "v10", "v11", "v12", "v13")
INDEX_STORES = {"2.9": ("tsdb", "boltdb-shipper"), "3": ("tsdb", "boltdb-shipper")}
DEPRECATED_STORES = {
    "2.9": ("aws", "aws-dynamo", "gcp", "gcp-columnkey", "bigtable", "bigtable-hashed", "cassandra", "grpc"),
    "3": ("aws", "aws-dynamo", "grpc"),
}
OBJECT_STORES = ("aws", "s3", "azure", "gcs", "alibabacloud", "bos", "cos", "swift", "filesystem")

# Types of the options this collection sets or that the standards look at (M002, M003).
_DURATION = re.compile(r"^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d|w|y))+)$")
_SIZE = re.compile(r"^[0-9]+(\.[0-9]+)?\s*([KMGTPE]i?B|B|[kKMGTPE]i?)?$", re.IGNORECASE)
TYPES = {
    "auth_enabled": "bool",
    "server.http_listen_port": "int",
    "server.grpc_listen_port": "int",
    "compactor.retention_enabled": "bool",
    "compactor.compaction_interval": "duration",
    "compactor.retention_delete_delay": "duration",
    "compactor.delete_request_cancel_period": "duration",
    "limits_config.retention_period": "duration",
    "limits_config.max_query_length": "duration",
    "limits_config.max_query_lookback": "duration",
    "limits_config.query_timeout": "duration",
    "limits_config.max_entries_limit_per_query": "int",
    "limits_config.max_query_series": "int",
    "limits_config.max_query_parallelism": "int",
    "limits_config.ingestion_rate_mb": "number",
    "limits_config.ingestion_burst_size_mb": "number",
    "limits_config.per_stream_rate_limit": "size",
    "limits_config.per_stream_rate_limit_burst": "size",
    "limits_config.max_line_size": "size",
    "limits_config.max_global_streams_per_user": "int",
    "limits_config.allow_structured_metadata": "bool",
    "limits_config.reject_old_samples": "bool",
    "limits_config.reject_old_samples_max_age": "duration",
    "ruler.enable_api": "bool",
    "ruler.evaluation_interval": "duration",
    "analytics.reporting_enabled": "bool",
    "ingester.wal.enabled": "bool",
}


def version_key(version):
    """The reference a Loki version is checked against: "2.9" or "3". None when it is neither."""
    match = re.match(r"^v?([0-9]+)\.([0-9]+)", str(version or ""))
    if not match:
        return None
    major, minor = int(match.group(1)), int(match.group(2))
    if major == 2 and minor >= 9:
        return "2.9"
    if major == 3:
        return "3"
    return None


class Finding:
    """One problem found in a Loki config: where (dotted path), what, how to fix, how bad."""

    def __init__(self, path, message, fix, severity=ERROR):
        self.path, self.message, self.fix, self.severity = path, message, fix, severity

    def __repr__(self):
        return "Finding(%r, %r, %s)" % (self.path, self.message, self.severity)


def _is_placeholder(value):
    """A value filled in by Loki's -config.expand-env at start-up (${VAR} or ${VAR:-default})."""
    return isinstance(value, str) and "${" in value


def _type_ok(kind, value):
    if _is_placeholder(value):
        return True
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "duration":
        return isinstance(value, str) and bool(_DURATION.match(value)) or value == 0
    if kind == "size":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and bool(_SIZE.match(value.strip())))
    return True


_TYPE_HELP = {
    "bool": "true or false",
    "int": "a whole number",
    "number": "a number",
    "duration": "a duration such as 30s, 1h or 744h (units ms, s, m, h, d, w, y)",
    "size": "a byte size such as 3MB or 262144",
}


def _walk(schema, config, path, version, findings):
    if not isinstance(config, dict):
        findings.append(Finding(path, "must be a mapping, found %s" % type(config).__name__,
                                "write %s as a YAML mapping of keys to values" % path))
        return
    lenient = isinstance(schema, Lenient)
    for key, value in config.items():
        where = "%s.%s" % (path, key) if path else str(key)
        generic = re.sub(r"\[[0-9]+\]", "", where)
        if version == "3" and generic in REMOVED_IN_3:
            findings.append(Finding(where, "was removed in Loki 3.0; Loki 3 refuses to start with it",
                                    REMOVED_IN_3[generic]))
            continue
        if key not in schema:
            findings.append(_unknown(where, generic, version, lenient))
            continue
        kind = TYPES.get(generic)
        if kind and not _type_ok(kind, value):
            findings.append(Finding(where, "is %r, not %s" % (value, _TYPE_HELP[kind]),
                                    "set %s to %s" % (where, _TYPE_HELP[kind])))
        child = schema[key]
        if child == OPEN or value is None:
            continue
        if isinstance(child, list):
            if not isinstance(value, list):
                findings.append(Finding(where, "must be a list", "write %s as a YAML list" % where))
                continue
            for index, item in enumerate(value):
                _walk(child[0], item, "%s[%d]" % (where, index), version, findings)
        elif isinstance(child, dict):
            _walk(child, value, where, version, findings)


_DISPLAY = {"2.9": "2.9", "3": "3"}


def _known_in_29(generic):
    block = LOKI_29
    for part in generic.split("."):
        if not isinstance(block, dict) or part not in block:
            return False
        block = block[part]
        if isinstance(block, list):
            block = block[0]
    return True


def _unknown(where, generic, version, lenient):
    if version == "2.9":
        return Finding(where, "is not an option of Loki 2.9 (its configuration reference has no such key; Loki "
                              "2.9 stops at start-up on unknown keys)",
                       "check the spelling against https://grafana.com/docs/loki/v2.9.x/configure/ or remove it; "
                       "options added in Loki 3 need the current profile")
    if _known_in_29(generic):
        return Finding(where, "is a Loki 2.9 option that the Loki 3 configuration reference no longer lists",
                       "check the Loki 3 upgrade guide for its replacement and remove it", WARNING)
    if lenient:
        return Finding(where, "is not an option this check knows for Loki 3",
                       "check the spelling against https://grafana.com/docs/loki/latest/reference/loki-config-ref/",
                       WARNING)
    return Finding(where, "is not an option of Loki 3 (its configuration reference has no such key; Loki stops "
                          "at start-up on unknown keys)",
                   "check the spelling against https://grafana.com/docs/loki/latest/reference/loki-config-ref/ "
                   "or remove it")


def _get(config, dotted, default=None):
    node = config
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def _check_schema_periods(config, version, findings):
    periods = _get(config, "schema_config.configs")
    if not isinstance(periods, list) or not periods:
        findings.append(Finding("schema_config.configs", "has no schema period; Loki cannot store anything",
                                "add a period: from (YYYY-MM-DD), store tsdb, object_store, schema and "
                                "index {prefix, period: 24h}"))
        return
    previous = None
    for index, period in enumerate(periods):
        where = "schema_config.configs[%d]" % index
        if not isinstance(period, dict):
            continue
        start = str(period.get("from", ""))
        if not re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", start):
            findings.append(Finding(where + ".from", "is %r, not a date YYYY-MM-DD" % period.get("from"),
                                    "quote the date of the first day of the period, e.g. \"2024-01-01\""))
        elif previous and start <= previous:
            findings.append(Finding(where + ".from", "(%s) is not after the previous period's start (%s)"
                                    % (start, previous), "list periods in order, each starting later"))
        previous = start if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", start) else previous
        store = period.get("store")
        if store in DEPRECATED_STORES[version]:
            findings.append(Finding(where + ".store", "%r is deprecated in Loki %s" % (store, _DISPLAY[version]),
                                    "use store: tsdb for new periods", WARNING))
        elif store not in INDEX_STORES[version]:
            findings.append(Finding(where + ".store", "is %r; Loki %s takes tsdb or boltdb-shipper"
                                    % (store, _DISPLAY[version]), "set store: tsdb"))
        schema = period.get("schema")
        if schema not in SCHEMA_VERSIONS:
            findings.append(Finding(where + ".schema", "is %r, not one of %s" % (schema, ", ".join(SCHEMA_VERSIONS)),
                                    "use v13 (Loki 3) or v12/v13 (Loki 2.9)"))
        object_store = period.get("object_store")
        if not object_store:
            findings.append(Finding(where + ".object_store", "is not set",
                                    "name the chunk store, e.g. filesystem or s3"))
        elif object_store in OBJECT_STORES and not _store_configured(config, object_store):
            findings.append(Finding(where + ".object_store", "is %r but that store is not configured" % object_store,
                                    "configure storage_config.%s or common.storage.%s"
                                    % ("aws" if object_store in ("aws", "s3") else object_store,
                                       "s3" if object_store in ("aws", "s3") else object_store)))
        if store in ("tsdb", "boltdb-shipper"):
            period_length = _get(period, "index.period")
            if str(period_length) not in ("24h", "1d"):
                findings.append(Finding(where + ".index.period", "is %r; %s needs a 24h index period" % (
                    period_length, store), "set index.period: 24h"))
        if store == "tsdb" and not (_get(config, "storage_config.tsdb_shipper.active_index_directory")
                                    or _get(config, "common.path_prefix")):
            findings.append(Finding("storage_config.tsdb_shipper.active_index_directory",
                                    "is not set and neither is common.path_prefix; the tsdb index has nowhere to go",
                                    "set common.path_prefix (e.g. /var/loki) or the tsdb_shipper directories"))
    last = periods[-1] if isinstance(periods[-1], dict) else {}
    structured = _get(config, "limits_config.allow_structured_metadata", version == "3")
    if version == "3" and structured is not False and (last.get("schema") != "v13" or last.get("store") != "tsdb"):
        findings.append(Finding("schema_config.configs[%d]" % (len(periods) - 1),
                                "is not a tsdb v13 period while structured metadata is on (the Loki 3 default); "
                                "Loki 3 refuses to start",
                                "add a period with store: tsdb and schema: v13 starting on a future date, or set "
                                "limits_config.allow_structured_metadata: false until you can"))


def _store_configured(config, object_store):
    if object_store in ("aws", "s3"):
        return bool(_get(config, "storage_config.aws") or _get(config, "common.storage.s3"))
    if object_store == "filesystem":
        return bool(_get(config, "storage_config.filesystem") or _get(config, "common.storage.filesystem")
                    or _get(config, "common.path_prefix"))
    return bool(_get(config, "storage_config." + object_store) or _get(config, "common.storage." + object_store))


def _check_retention(config, version, findings):
    if _get(config, "compactor.retention_enabled") is not True:
        return
    if version == "3" and not _get(config, "compactor.delete_request_store"):
        findings.append(Finding("compactor.delete_request_store",
                                "is not set while retention is enabled; Loki 3 refuses to start",
                                "set it to the object store of the schema period, e.g. filesystem or s3"))
    stores = _get(config, "compactor.shared_store") or _get(config, "compactor.delete_request_store")
    if version == "2.9" and not stores:
        findings.append(Finding("compactor.shared_store",
                                "and compactor.delete_request_store are not set while retention is enabled",
                                "set compactor.shared_store (and delete_request_store) to the period's object store",
                                WARNING))


def check_config(config, version):
    """Every Finding for the parsed Loki ``config`` (a dict) as read by Loki ``version``."""
    key = version_key(version)
    findings = []
    if key is None:
        findings.append(Finding("", "Loki %s is not a version this check knows (it knows 2.9 and 3.x); "
                                    "checked against the Loki 3 reference" % version,
                                "use Loki 2.9.x or 3.x", WARNING))
        key = "3"
    if not isinstance(config, dict):
        return findings + [Finding("", "the Loki config is not a YAML mapping", "write the file as a mapping")]
    _walk_top(config, key, findings)
    _check_schema_periods(config, key, findings)
    _check_retention(config, key, findings)
    return findings


def _walk_top(config, key, findings):
    schema = SCHEMAS[key]
    _walk(Lenient(schema) if _TOP_LEVEL_LENIENT[key] else schema, config, "", key, findings)


def check_text(text, version):
    """Findings for the YAML ``text`` of a Loki config."""
    try:
        config = load_yaml(text)
    except yaml.YAMLError as e:
        return [Finding("", "is not valid YAML: %s" % str(e).replace("\n", " "), "fix the YAML syntax")]
    return check_config(config, version)


def is_loki_config_map(obj):
    """A ConfigMap of the stack carrying a Loki config (label name loki, key loki.yaml)."""
    meta = (obj or {}).get("metadata") or {}
    return (obj or {}).get("kind") == "ConfigMap" and CONFIG_KEY in ((obj or {}).get("data") or {}) \
        and (meta.get("labels") or {}).get(APP_LABEL) == "loki"


def validate_objects(objects):
    """Violations (rule LOKI_CONFIG) for every Loki config carried in ``objects``.

    The Loki version is the ConfigMap's app.kubernetes.io/version label, which the loki role sets to the
    image tag, so the config is checked against the release that will read it.
    """
    found = []
    for obj in objects:
        if not is_loki_config_map(obj):
            continue
        version = ((obj.get("metadata") or {}).get("labels") or {}).get(VERSION_LABEL, "")
        for finding in check_text(obj["data"][CONFIG_KEY], version):
            path = "data[%s]" % CONFIG_KEY + ("." + finding.path if finding.path else "")
            found.append(for_object(obj, RULE, path, "Loki %s config: %s%s" % (
                version or "(no version label)", finding.path + " " if finding.path else "", finding.message),
                finding.fix, severity=finding.severity))
    return found
