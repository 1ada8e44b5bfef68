# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Every option of Loki 3.7.8's config and the kind of value it takes (generated: scripts/loki_keys.py).

Read from that release's configuration reference; do not edit by hand, run the script again.
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.key_tree import block, but

VERSION = '3.7.8'


TLS_CONFIG = block(
    bool='tls_insecure_skip_verify',
    scalar='tls_ca_path tls_cert_path tls_cipher_suites tls_key_path tls_min_version tls_server_name',
)


BACKOFF_CONFIG = block(number='max_retries', scalar='max_period min_period')


GRPC_CONFIG = block(
    {'backoff_config': BACKOFF_CONFIG, 'cluster_validation': block(scalar='label')},
    bool='backoff_on_ratelimits tls_enabled tls_insecure_skip_verify',
    number='max_recv_msg_size max_send_msg_size rate_limit rate_limit_burst',
    open='initial_connection_window_size initial_stream_window_size',
    scalar='connect_backoff_base_delay connect_backoff_max_delay connect_timeout grpc_compression tls_ca_path '
           'tls_cert_path tls_cipher_suites tls_key_path tls_min_version tls_server_name',
)


BACKGROUND = block(number='writeback_buffer writeback_goroutines', open='writeback_size_limit')


EMBEDDED_CACHE = block(bool='enabled', number='max_size_items max_size_mb', scalar='ttl')


MEMCACHED = block(number='batch_size parallelism', scalar='expiration')


MEMCACHED_CLIENT = block(
    bool='consistent_hash tls_enabled tls_insecure_skip_verify',
    number='circuit_breaker_consecutive_failures max_idle_conns max_item_size',
    scalar='addresses circuit_breaker_interval circuit_breaker_timeout host service timeout tls_ca_path '
           'tls_cert_path tls_cipher_suites tls_key_path tls_min_version tls_server_name update_interval',
)


REDIS = block(
    bool='route_randomly tls_enabled tls_insecure_skip_verify', number='db pool_size',
    scalar='endpoint expiration idle_timeout master_name max_connection_age password timeout username',
)


CHUNK_CACHE_CONFIG = block(
    {
        'background': BACKGROUND, 'embedded_cache': EMBEDDED_CACHE, 'memcached': MEMCACHED,
        'memcached_client': MEMCACHED_CLIENT, 'redis': REDIS,
    },
    scalar='default_validity prefix',
)


CONSUL = block(
    bool='consistent_reads', number='watch_burst_size watch_rate_limit',
    scalar='acl_token cas_retry_delay host http_client_timeout',
)


ETCD = block(
    bool='tls_enabled tls_insecure_skip_verify', list='endpoints', number='max_retries',
    scalar='dial_timeout password tls_ca_path tls_cert_path tls_cipher_suites tls_key_path tls_min_version '
           'tls_server_name username',
)


MULTI = block(bool='mirror_enabled', scalar='mirror_timeout primary secondary')


KVSTORE = block({'consul': CONSUL, 'etcd': ETCD, 'multi': MULTI}, scalar='prefix store')


RING = block(
    {'kvstore': KVSTORE}, bool='instance_enable_ipv6', list='instance_interface_names', number='instance_port',
    scalar='heartbeat_period heartbeat_timeout instance_addr instance_id',
)


RING_2 = but(RING, add=block(number='num_tokens'))


RING_3 = but(RING_2, add=block(
    bool='zone_awareness_enabled', number='replication_factor', scalar='instance_availability_zone tokens_file_path',
))


ALIBABACLOUD = block(
    number='conn_timeout_sec read_write_timeout_sec', scalar='access_key_id bucket endpoint secret_access_key',
)


AZURE = block(
    bool='use_federated_token use_managed_identity use_service_principal',
    number='download_buffer_size max_retries upload_buffer_count upload_buffer_size',
    scalar='account_key account_name active_directory_endpoint chunk_delimiter client_id client_secret '
           'connection_string container_name endpoint_suffix environment max_retry_delay min_retry_delay '
           'request_timeout tenant_id user_assigned_id',
)


BOS = block(scalar='access_key_id bucket_name endpoint secret_access_key')


AIMD = block(number='backoff_factor start upper_bound')


CONTROLLER = block({'aimd': AIMD}, scalar='strategy')


CONFIG = block(number='max_per_second up_to', scalar='at')


HEDGING = block({'config': CONFIG}, scalar='strategy')


CONGESTION_CONTROL = block(
    {
        'controller': CONTROLLER, 'hedging': HEDGING, 'retry': block(number='limit', scalar='strategy'),
    },
    bool='enabled',
)


COS = block(
    {
        'backoff_config': BACKOFF_CONFIG, 'http_config': block(scalar='idle_conn_timeout response_header_timeout'),
    },
    bool='forcepathstyle',
    scalar='access_key_id api_key auth_endpoint bucketnames cr_token_file_path endpoint region secret_access_key '
           'service_instance_id trusted_profile_id trusted_profile_name',
)


GCS = block(
    bool='enable_http2 enable_opencensus enable_retries', number='chunk_buffer_size',
    scalar='bucket_name endpoint request_timeout service_account',
)


ALIBABA = block(scalar='access_key_id access_key_secret bucket endpoint')


AZURE_2 = block(
    number='max_retries',
    scalar='account_key account_name chunk_delimiter connection_string container_name endpoint_suffix '
           'user_assigned_id',
)


BOS_2 = block(scalar='access_key bucket endpoint secret_key')


GCS_2 = block(number='chunk_buffer_size max_retries', scalar='bucket_name service_account')


HTTP = block(
    bool='insecure_skip_verify', number='max_connections_per_host max_idle_connections max_idle_connections_per_host',
    scalar='expect_continue_timeout idle_conn_timeout response_header_timeout tls_ca_path tls_cert_path '
           'tls_handshake_timeout tls_key_path tls_server_name',
)


SSE = block(scalar='kms_encryption_context kms_key_id type')


S3 = block(
    {'http': HTTP, 'sse': SSE, 'trace': block(bool='enabled')},
    bool='dualstack_enabled insecure native_aws_auth_enabled send_content_md5', number='max_retries part_size',
    open='bucket_lookup_type',
    scalar='access_key_id bucket_name endpoint list_objects_version region secret_access_key session_token '
           'storage_class sts_endpoint',
)


SWIFT = block(
    {'http': block(scalar='tls_ca_path')}, bool='internal', number='auth_version max_retries',
    scalar='auth_url connect_timeout container_name domain_id domain_name password project_domain_id '
           'project_domain_name project_id project_name region_name request_timeout user_domain_id user_domain_name '
           'user_id username',
)


SWIFT_2 = but(SWIFT, drop=('internal',), add=block(
    {'http': HTTP}, scalar='application_credential_id application_credential_name application_credential_secret',
))


OBJECT_STORE = block(
    {
        'alibaba': ALIBABA, 'azure': AZURE_2, 'bos': BOS_2, 'filesystem': block(scalar='dir'), 'gcs': GCS_2, 's3': S3,
        'swift': SWIFT_2,
    },
    scalar='storage_prefix',
)


HTTP_CONFIG = block(bool='insecure_skip_verify', scalar='ca_file idle_conn_timeout response_header_timeout timeout')


S3_2 = block(
    {'backoff_config': BACKOFF_CONFIG, 'http_config': HTTP_CONFIG, 'sse': SSE},
    bool='disable_dualstack insecure s3forcepathstyle',
    scalar='access_key_id bucketnames chunk_delimiter endpoint region s3 secret_access_key session_token '
           'signature_version storage_class',
)


RING_4 = block(
    {'kvstore': KVSTORE}, bool='zone_awareness_enabled', number='replication_factor',
    scalar='excluded_zones heartbeat_timeout',
)


LIFECYCLER = block(
    {'ring': RING_4}, bool='enable_inet6 readiness_check_ring_health unregister_on_shutdown', list='interface_names',
    number='num_tokens port',
    scalar='address availability_zone final_sleep heartbeat_period heartbeat_timeout id join_after '
           'min_ready_duration observe_period tokens_file_path',
)


PARTITION_RING = block(
    {'kvstore': KVSTORE}, number='min_partition_owners_count shuffle_shard_cache_size',
    scalar='delete_inactive_partition_after min_partition_owners_duration',
)


POOL_CONFIG = block(bool='health_check_ingest_limits', scalar='client_cleanup_period remote_timeout')


CLIENT_CONFIG = block({'grpc_client_config': GRPC_CONFIG, 'pool_config': POOL_CONFIG})


POOL_CONFIG_2 = block(bool='health_check_ingesters', scalar='client_cleanup_period remote_timeout')


INGESTER_CLIENT = block({'grpc_client_config': GRPC_CONFIG, 'pool_config': POOL_CONFIG_2}, scalar='remote_timeout')


HTTP_2 = block(bool='enabled soft_validation', scalar='excluded_paths excluded_user_agents')


CLUSTER_VALIDATION = block(
    {'grpc': block(bool='enabled soft_validation'), 'http': HTTP_2}, scalar='additional_labels label',
)


GRPC_TLS_CONFIG = block(open='key', scalar='cert cert_file client_auth_type client_ca client_ca_file key_file')


SERVER = block(
    {
        'cluster_validation': CLUSTER_VALIDATION, 'grpc_tls_config': GRPC_TLS_CONFIG,
        'http_tls_config': GRPC_TLS_CONFIG,
    },
    bool='create_new_traces grpc_collect_max_streams_by_conn grpc_server_ping_without_stream_allowed '
         'grpc_server_recv_buffer_pools_enabled grpc_server_stats_tracking_enabled '
         'http_log_closed_connections_without_response_enabled log_request_at_info_level_enabled log_request_headers '
         'log_source_ips_enabled log_source_ips_full proxy_protocol_enabled register_instrumentation '
         'report_grpc_codes_in_instrumentation_label_enabled trace_request_headers',
    number='grpc_listen_conn_limit grpc_listen_port grpc_server_max_concurrent_streams grpc_server_max_recv_msg_size '
           'grpc_server_max_send_msg_size grpc_server_num_workers http_listen_conn_limit http_listen_port',
    scalar='graceful_shutdown_timeout grpc_listen_address grpc_listen_network grpc_server_keepalive_time '
           'grpc_server_keepalive_timeout grpc_server_max_connection_age grpc_server_max_connection_age_grace '
           'grpc_server_max_connection_idle grpc_server_min_time_between_pings http_listen_address '
           'http_listen_network http_path_prefix http_server_idle_timeout http_server_read_header_timeout '
           'http_server_read_timeout http_server_write_timeout log_format log_level log_request_exclude_headers_list '
           'log_source_ips_header log_source_ips_regex tls_cipher_suites tls_min_version '
           'trace_request_exclude_headers_list',
)


AUTHORIZATION = block(scalar='credentials credentials_file credentials_ref type')


BASIC_AUTH = block(scalar='password password_file password_ref username username_file username_ref')


TLS_CONFIG_2 = block(
    bool='insecure_skip_verify', number='max_version min_version',
    scalar='ca ca_file ca_ref cert cert_file cert_ref key key_file key_ref server_name',
)


OAUTH2 = block(
    {'proxy_url': block(scalar='url'), 'tls_config': TLS_CONFIG_2}, bool='proxy_from_environment', list='scopes',
    open='claims endpoint_params proxy_connect_header',
    scalar='audience client_certificate_key client_certificate_key_file client_certificate_key_id '
           'client_certificate_key_ref client_id client_secret client_secret_file client_secret_ref grant_type iss '
           'no_proxy signature_algorithm token_url',
)


HTTP_CLIENT_CONFIG = block(
    {
        'authorization': AUTHORIZATION, 'basic_auth': BASIC_AUTH, 'http_headers': {}, 'oauth2': OAUTH2,
        'proxy_url': block(scalar='url'), 'tls_config': TLS_CONFIG_2,
    },
    bool='enable_http2 follow_redirects proxy_from_environment', open='proxy_connect_header',
    scalar='bearer_token bearer_token_file no_proxy',
)


PATTERN_PERSISTENCE = block(
    {
        'backoff_config': BACKOFF_CONFIG, 'basic_auth': block(scalar='password username'),
        'http_client_config': HTTP_CLIENT_CONFIG,
    },
    bool='use_tls', number='batch_size', scalar='loki_address push_period timeout',
)


RESULTS_CACHE = block({'cache': CHUNK_CACHE_CONFIG}, scalar='compression')


S3_3 = but(S3, add=block(scalar='bucket_lookup_type'))


OBJECT_STORE_2 = but(OBJECT_STORE, add=block(
    {
        'named_stores': block(open='azure filesystem gcs s3 swift'), 's3': S3_3,
    },
))


INDEX_GATEWAY_CLIENT = block(
    {'grpc_client_config': GRPC_CONFIG}, bool='log_gateway_requests', list='time_based_sharding_buckets',
    scalar='server_address',
)


TSDB_SHIPPER = block(
    {'index_gateway_client': INDEX_GATEWAY_CLIENT}, number='query_ready_num_days',
    scalar='active_index_directory cache_location cache_ttl ingesterdbretainperiod ingestername mode resync_interval',
)


INACTIVE_READ_SCALE = block(
    bool='enabled', number='in_cooldown max_capacity min_capacity out_cooldown target', scalar='role_arn',
)


CHUNK_TABLES_PROVISIONING = block(
    {
        'inactive_read_scale': INACTIVE_READ_SCALE, 'inactive_write_scale': INACTIVE_READ_SCALE,
        'read_scale': INACTIVE_READ_SCALE, 'write_scale': INACTIVE_READ_SCALE,
    },
    bool='enable_inactive_throughput_on_demand_mode enable_ondemand_throughput_mode',
    number='inactive_read_scale_lastn inactive_read_throughput inactive_write_scale_lastn inactive_write_throughput '
           'provisioned_read_throughput provisioned_write_throughput',
)


KEYS = block(
    {
        'analytics': block({'tls_config': TLS_CONFIG}, bool='reporting_enabled', scalar='proxy_url usage_stats_url'),
        'bloom_build': block(
            {
                'builder': block(
                    {'backoff_config': BACKOFF_CONFIG, 'grpc_config': GRPC_CONFIG},
                    scalar='planner_address working_directory',
                ),
                'planner': block(
                    {
                        'queue': block(
                            bool='clean_tasks_directory store_tasks_on_disk', number='max_queued_tasks_per_tenant',
                            scalar='tasks_disk_directory',
                        ),
                        'retention': block(bool='enabled', number='max_lookback_days'),
                    },
                    number='max_table_offset min_table_offset', scalar='planning_interval',
                ),
            },
            bool='enabled',
        ),
        'bloom_gateway': block(
            {
                'client': block(
                    {'grpc_client_config': GRPC_CONFIG, 'pool_config': block(scalar='check_interval')},
                    scalar='addresses',
                ),
            },
            bool='enabled fetch_blocks_async',
            number='block_query_concurrency max_outstanding_per_tenant num_multiplex_tasks worker_concurrency',
        ),
        'chunk_store_config': block(
            {
                'chunk_cache_config': CHUNK_CACHE_CONFIG, 'chunk_cache_config_l2': CHUNK_CACHE_CONFIG,
                'write_dedupe_cache_config': CHUNK_CACHE_CONFIG,
            },
            scalar='cache_lookups_older_than l2_chunk_cache_handoff skip_query_writeback_cache_older_than',
        ),
        'common': block(
            {
                'ring': RING_3,
                'storage': block(
                    {
                        'alibabacloud': ALIBABACLOUD, 'azure': AZURE, 'bos': BOS,
                        'congestion_control': CONGESTION_CONTROL, 'cos': COS,
                        'filesystem': block(scalar='chunks_directory rules_directory'), 'gcs': GCS, 'hedging': CONFIG,
                        'object_store': OBJECT_STORE, 's3': S3_2, 'swift': SWIFT,
                    },
                ),
            },
            bool='persist_tokens', list='instance_interface_names', number='replication_factor',
            scalar='compactor_address compactor_grpc_address instance_addr path_prefix scratch_path',
        ),
        'compactor': block(
            {
                'compactor_ring': RING_3,
                'jobs_config': block(
                    {
                        'deletion': block(
                            number='chunk_processing_concurrency max_retries',
                            scalar='deletion_manifest_store_prefix timeout',
                        ),
                    },
                ),
                'retention_backoff_config': BACKOFF_CONFIG, 'worker_config': block(number='num_sub_workers'),
            },
            bool='_ deletion_ignore_missing_chunks retention_enabled',
            number='delete_batch_size max_compaction_parallelism retention_delete_worker_count skip_latest_n_tables '
                   'tables_to_compact upload_parallelism',
            scalar='apply_retention_interval backup_delete_request_store_db_type compaction_interval '
                   'delete_max_interval delete_request_cancel_period delete_request_store '
                   'delete_request_store_db_type delete_request_store_key_prefix deletion_marker_object_store_prefix '
                   'horizontal_scaling_mode retention_delete_delay retention_table_timeout working_directory',
        ),
        'compactor_grpc_client': but(GRPC_CONFIG, add=block(
            scalar='initial_connection_window_size initial_stream_window_size',
        )),
        'dataobj': block(
            {
                'consumer': block(
                    {
                        'builderconfig': block(
                            number='max_page_rows section_stripe_merge_limit',
                            open='buffer_size target_object_size target_page_size target_section_size',
                            scalar='dataobj_sort_order',
                        ),
                        'lifecycler': LIFECYCLER, 'partition_ring': PARTITION_RING,
                        'uploader': block(number='shaprefixsize'),
                    },
                    scalar='idle_flush_timeout max_builder_age topic',
                ),
                'index': block(
                    number='events_per_index max_page_rows section_stripe_merge_limit',
                    open='buffer_size target_object_size target_page_size target_section_size',
                    scalar='flush_interval max_idle_time',
                ),
                'metastore': block(number='partition_ratio', scalar='index_storage_prefix'),
            },
            bool='enabled', scalar='storage_bucket_prefix',
        ),
        'distributor': block(
            {
                'dataobj_tee': block(
                    bool='debug_metrics_enabled enabled', number='max_buffered_bytes per_partition_rate_bytes',
                    scalar='rate_batch_window topic',
                ),
                'otlp_config': block(list='default_resource_attributes_as_index_labels'),
                'rate_store': block(
                    bool='debug', number='max_request_parallelism',
                    scalar='ingester_request_timeout stream_rate_update_interval',
                ),
                'ring': RING, 'write_failures_logging': block(bool='add_insights_label', open='rate'),
            },
            bool='ingest_limits_dry_run_enabled ingest_limits_enabled ingester_writes_enabled kafka_writes_enabled',
            number='max_decompressed_size max_recv_msg_size push_worker_count', open='default_policy_stream_mappings',
        ),
        'frontend': block(
            {'grpc_client_config': GRPC_CONFIG, 'tail_tls_config': TLS_CONFIG},
            bool='compress_responses instance_enable_ipv6 query_stats_enabled support_parquet_encoding',
            list='instance_interface_names',
            number='max_body_size max_outstanding_per_tenant port scheduler_worker_concurrency',
            scalar='address downstream_url encoding graceful_shutdown_timeout log_queries_longer_than '
                   'log_query_request_headers querier_forget_delay scheduler_address scheduler_dns_lookup_period '
                   'tail_proxy_url',
        ),
        'frontend_worker': block(
            {
                'grpc_client_config': GRPC_CONFIG, 'query_frontend_grpc_client': GRPC_CONFIG,
                'query_scheduler_grpc_client': GRPC_CONFIG,
            },
            scalar='dns_lookup_duration frontend_address id scheduler_address',
        ),
        'index_gateway': block({'ring': RING_3}, scalar='mode'),
        'ingest_limits': block(
            {'lifecycler': LIFECYCLER}, bool='enabled', number='num_partitions',
            scalar='active_window bucket_size consumer_group eviction_interval rate_window topic',
        ),
        'ingest_limits_frontend': block(
            {'client_config': CLIENT_CONFIG, 'lifecycler': LIFECYCLER},
            bool='accepted_streams_cache_enabled assigned_partitions_cache_enabled', number='num_partitions',
            scalar='accepted_streams_cache_ttl accepted_streams_cache_ttl_jitter assigned_partitions_cache_ttl',
        ),
        'ingest_limits_frontend_client': CLIENT_CONFIG,
        'ingester': block(
            {
                'flush_op_backoff': BACKOFF_CONFIG,
                'kafka_ingestion': block({'partition_ring': PARTITION_RING}, bool='enabled'),
                'lifecycler': LIFECYCLER,
                'wal': block(
                    bool='enabled flush_on_shutdown', number='disk_full_threshold', open='replay_memory_ceiling',
                    scalar='checkpoint_duration dir',
                ),
            },
            bool='autoforget_unhealthy delegate_stream_limits_enabled',
            number='chunk_block_size chunk_target_size concurrent_flushes index_shards max_dropped_streams '
                   'max_returned_stream_errors sync_min_utilization',
            scalar='chunk_encoding chunk_idle_period chunk_retain_period flush_check_period flush_op_timeout '
                   'max_chunk_age owned_streams_check_interval query_store_max_look_back_period shutdown_marker_path '
                   'sync_period',
        ),
        'ingester_client': INGESTER_CLIENT, 'internal_server': but(SERVER, add=block(bool='enable')),
        'kafka_config': block(
            {
                'reader_config': block(scalar='address client_id'),
                'writer_config': block(scalar='address client_id'),
            },
            bool='auto_create_topic_enabled enable_kafka_histograms tracing_enabled',
            number='auto_create_topic_default_partitions max_consumer_workers producer_max_buffered_bytes '
                   'producer_max_record_size_bytes',
            scalar='address client_id consumer_group consumer_group_offset_commit_interval dial_timeout '
                   'last_produced_offset_retry_timeout max_consumer_lag_at_startup sasl_password sasl_username topic '
                   'write_timeout',
        ),
        'limits_config': block(
            {
                'otlp_config': block(
                    {'resource_attributes': block(bool='ignore_defaults', list='attributes_config')},
                    bool='severity_text_as_label', list='log_attributes scope_attributes',
                ),
                'shard_streams': block(
                    bool='enabled logging_enabled time_sharding_enabled', open='desired_rate',
                    scalar='time_sharding_ignore_recent',
                ),
            },
            bool='allow_deletes allow_structured_metadata bloom_creation_enabled bloom_gateway_enable_filtering '
                 'bloom_prefetch_blocks debug_engine_streams debug_engine_tasks discover_log_levels '
                 'enable_multi_variant_queries increment_duplicate_timestamp max_line_size_truncate '
                 'metric_aggregation_enabled pattern_persistence_enabled reject_old_samples ruler_enable_wal_replay '
                 'ruler_remote_write_disabled ruler_remote_write_queue_retry_on_ratelimit tsdb_precompute_chunks '
                 'unordered_writes use_owned_stream_count volume_enabled',
            list='discover_service_name enforced_labels log_level_fields required_labels retention_stream '
                 'shard_aggregations',
            number='block_ingestion_status_code bloom_build_max_builders bloom_build_task_max_retries '
                   'bloom_split_series_keyspace_by cardinality_limit index_gateway_max_capacity '
                   'index_gateway_shard_size ingestion_burst_size_mb ingestion_partitions_tenant_shard_size '
                   'ingestion_rate_mb log_level_from_json_max_depth max_chunks_per_query '
                   'max_concurrent_tail_requests max_entries_limit_per_query max_global_streams_per_user '
                   'max_label_name_length max_label_names_per_series max_label_value_length max_queriers_per_tenant '
                   'max_query_capacity max_query_parallelism max_query_series max_scan_task_parallelism '
                   'max_streams_matchers_per_query max_streams_per_user max_structured_metadata_entries_count '
                   'minimum_labels_number pattern_rate_threshold query_ready_index_num_days '
                   'ruler_max_rule_groups_per_tenant ruler_max_rules_per_rule_group '
                   'ruler_remote_evaluation_max_response_size ruler_remote_write_queue_capacity '
                   'ruler_remote_write_queue_max_samples_per_send ruler_remote_write_queue_max_shards '
                   'ruler_remote_write_queue_min_shards ruler_tenant_shard_size tsdb_max_query_parallelism '
                   'volume_max_series',
            open='block_ingestion_policy_until blocked_queries bloom_max_block_size bloom_max_bloom_size '
                 'bloom_task_target_series_chunk_size discover_generic_fields max_line_size max_querier_bytes_read '
                 'max_query_bytes_read max_structured_metadata_size per_stream_rate_limit '
                 'per_stream_rate_limit_burst policy_enforced_labels policy_override_limits policy_stream_mapping '
                 'ruler_alertmanager_config ruler_remote_write_config ruler_remote_write_headers '
                 'ruler_remote_write_relabel_configs ruler_remote_write_sigv4_config tsdb_max_bytes_per_shard',
            scalar='block_ingestion_until bloom_block_encoding bloom_build_builder_response_timeout '
                   'bloom_planning_strategy creation_grace_period deletion_mode '
                   'engine_results_cache_time_bucket_interval ingestion_rate_strategy max_cache_freshness_per_query '
                   'max_line_size_truncate_identifier max_metadata_cache_freshness max_query_length '
                   'max_query_lookback max_query_range max_stats_cache_freshness min_sharding_lookback '
                   'pattern_ingester_tokenizable_json_fields_append pattern_ingester_tokenizable_json_fields_default '
                   'pattern_ingester_tokenizable_json_fields_delete pattern_persistence_granularity '
                   'per_tenant_override_config per_tenant_override_period query_timeout recent_metadata_query_window '
                   'reject_old_samples_max_age retention_period ruler_remote_evaluation_timeout '
                   'ruler_remote_write_queue_batch_send_deadline ruler_remote_write_queue_max_backoff '
                   'ruler_remote_write_queue_min_backoff ruler_remote_write_timeout ruler_remote_write_url '
                   's3_sse_kms_encryption_context s3_sse_kms_key_id s3_sse_type simulated_push_latency '
                   'split_ingester_queries_by_interval split_instant_metric_queries_by_interval '
                   'split_metadata_queries_by_interval split_queries_by_interval '
                   'split_recent_metadata_queries_by_interval tsdb_sharding_strategy',
        ),
        'memberlist': block(
            {'zone_aware_routing': block(bool='enabled', scalar='instance_availability_zone role')},
            bool='abort_if_cluster_fast_join_fails abort_if_cluster_join_fails cluster_label_verification_disabled '
                 'compression_enabled randomize_node_name tls_enabled tls_insecure_skip_verify',
            list='bind_addr',
            number='abort_if_cluster_fast_join_fails_min_nodes advertise_port bind_port gossip_nodes '
                   'max_concurrent_writes max_join_retries message_history_buffer_bytes retransmit_factor '
                   'watch_prefix_buffer_size',
            open='join_members rejoin_seed_nodes',
            scalar='acquire_writer_timeout advertise_addr broadcast_timeout_for_local_updates_on_shutdown '
                   'cluster_label dead_node_reclaim_time gossip_interval gossip_to_dead_nodes_time leave_timeout '
                   'left_ingesters_timeout max_join_backoff min_join_backoff node_name notify_interval '
                   'obsolete_entries_timeout packet_dial_timeout packet_write_timeout pull_push_interval '
                   'rejoin_interval stream_timeout tls_ca_path tls_cert_path tls_cipher_suites tls_key_path '
                   'tls_min_version tls_server_name',
        ),
        'operational_config': block(
            bool='limited_log_push_errors log_duplicate_metrics log_duplicate_stream_info log_hash_of_labels '
                 'log_push_request log_push_request_streams log_service_name_discovery log_stream_creation',
            list='filter_push_request_streams_ips',
        ),
        'pattern_ingester': block(
            {
                'client_config': INGESTER_CLIENT, 'lifecycler': LIFECYCLER,
                'metric_aggregation': but(PATTERN_PERSISTENCE, drop=('batch_size',), add=block(
                    scalar='sample_period',
                )),
                'pattern_persistence': PATTERN_PERSISTENCE,
                'tee_config': block(
                    number='batch_size flush_queue_size flush_worker_count',
                    scalar='batch_flush_interval stop_flush_timeout',
                ),
            },
            bool='enabled',
            number='concurrent_flushes max_allowed_line_length max_clusters max_eviction_ratio volume_threshold',
            scalar='connection_timeout flush_check_period max_chunk_age pattern_sample_interval retain_for',
        ),
        'profiling': block(number='block_profile_rate cpu_profile_rate mutex_profile_fraction'),
        'querier': block(
            {'engine': block(number='max_count_min_sketch_heap_size', scalar='max_look_back_period')},
            bool='multi_tenant_queries_enabled per_request_limits_enabled query_ingester_only '
                 'query_partition_ingesters query_store_only',
            number='max_concurrent', scalar='extra_query_delay query_ingesters_within tail_max_duration',
        ),
        'query_engine': block(
            {
                'range_reads': block(number='coalesce_size max_parallelism max_range_size min_range_size'),
                'results_cache': RESULTS_CACHE,
            },
            bool='align_queries_with_step distributed enable enable_delete_req_filtering enable_engine_router '
                 'enforce_max_query_series_limit enforce_retention_period',
            list='instance_interface_names',
            number='batch_size merge_prefetch_count storage_retention_days worker_threads', open='prefetch_bytes',
            scalar='downstream_address scheduler_lookup_address scheduler_lookup_interval storage_lag '
                   'storage_start_date',
        ),
        'query_range': block(
            {
                'index_stats_results_cache': RESULTS_CACHE, 'instant_metric_results_cache': RESULTS_CACHE,
                'label_results_cache': RESULTS_CACHE, 'results_cache': RESULTS_CACHE,
                'series_results_cache': RESULTS_CACHE, 'volume_results_cache': RESULTS_CACHE,
            },
            bool='align_queries_with_step cache_index_stats_results cache_instant_metric_results cache_label_results '
                 'cache_results cache_series_results cache_volume_results instant_metric_query_split_align '
                 'parallelise_shardable_queries',
            number='max_retries', scalar='shard_aggregations',
        ),
        'query_scheduler': block(
            {'grpc_client_config': GRPC_CONFIG, 'scheduler_ring': RING_3}, bool='use_scheduler_ring',
            number='max_outstanding_requests_per_tenant max_queue_hierarchy_levels', scalar='querier_forget_delay',
        ),
        'ruler': block(
            {
                'alertmanager_client': block(
                    bool='tls_insecure_skip_verify',
                    scalar='basic_auth_password basic_auth_username credentials credentials_file tls_ca_path '
                           'tls_cert_path tls_cipher_suites tls_key_path tls_min_version tls_server_name type',
                ),
                'evaluation': block(
                    {'query_frontend': block(bool='tls_enabled', scalar='address')}, scalar='max_jitter mode',
                ),
                'external_labels': {},
                'remote_write': block(
                    bool='add_org_id_header enabled', open='client clients', scalar='config_refresh_period',
                ),
                'ring': RING_2, 'ruler_client': GRPC_CONFIG,
                'storage': block(
                    {
                        'alibabacloud': ALIBABACLOUD, 'azure': AZURE, 'bos': BOS, 'cos': COS, 'gcs': GCS,
                        'local': block(scalar='directory'), 's3': S3_2, 'swift': SWIFT,
                    },
                    scalar='type',
                ),
                'wal': block(list='remotewrite', scalar='dir max_age min_age name tenant truncate_frequency'),
                'wal_cleaner': block(scalar='min_age period'),
            },
            bool='disable_rule_group_label enable_alertmanager_discovery enable_alertmanager_v2 enable_api '
                 'enable_sharding query_stats_enabled',
            number='notification_queue_capacity', open='alert_relabel_configs',
            scalar='alertmanager_refresh_interval alertmanager_url datasource_uid disabled_tenants enabled_tenants '
                   'evaluation_interval external_url flush_period for_grace_period for_outage_tolerance '
                   'notification_timeout poll_interval resend_delay rule_path search_pending_for sharding_algo '
                   'sharding_strategy',
        ),
        'ruler_storage': but(OBJECT_STORE_2, drop=('named_stores',), add=block(
            {'local': block(scalar='directory')}, scalar='backend',
        )),
        'runtime_config': block(scalar='file period'), 'server': SERVER,
        'storage_config': block(
            {
                'alibabacloud': ALIBABACLOUD,
                'aws': but(S3_2, add=block(
                    {
                        'dynamodb': block(
                            {
                                'backoff_config': BACKOFF_CONFIG,
                                'metrics': block(
                                    number='ignore_throttle_below scale_up_factor target_queue_length',
                                    scalar='queue_length_query read_error_query read_usage_query url '
                                           'write_throttle_query write_usage_query',
                                ),
                            },
                            number='api_limit chunk_gang_size chunk_get_max_parallelism throttle_limit',
                            scalar='dynamodb_url kms_key_id',
                        ),
                    },
                )),
                'azure': AZURE,
                'bigtable': block(
                    {'grpc_client_config': GRPC_CONFIG}, bool='table_cache_enabled',
                    scalar='instance project table_cache_expiration',
                ),
                'bloom_shipper': block(
                    {
                        'blocks_cache': block(open='hard_limit soft_limit', scalar='ttl'),
                        'memory_management': block(scalar='bloom_page_alloc_type bloom_page_mem_pool_buckets'),
                        'metas_cache': CHUNK_CACHE_CONFIG, 'metas_lru_cache': EMBEDDED_CACHE,
                    },
                    number='download_parallelism', open='max_query_page_size', scalar='working_directory',
                ),
                'boltdb': block(scalar='directory'),
                'boltdb_shipper': but(TSDB_SHIPPER, add=block(bool='build_per_tenant_index')), 'bos': BOS,
                'cassandra': block(
                    bool='SSL auth convict_hosts_on_failure disable_initial_host_lookup host_verification',
                    list='custom_authenticators',
                    number='max_retries num_connections port query_concurrency replication_factor',
                    scalar='CA_path addresses connect_timeout consistency host_selection_policy keyspace password '
                           'password_file reconnect_interval retry_max_backoff retry_min_backoff table_options '
                           'timeout tls_cert_path tls_key_path username',
                ),
                'congestion_control': CONGESTION_CONTROL, 'cos': COS, 'filesystem': block(scalar='directory'),
                'gcs': GCS, 'hedging': CONFIG, 'index_queries_cache_config': CHUNK_CACHE_CONFIG,
                'named_stores': block(
                    {'storage_config': block({'named_stores': block({'aws': {}})})},
                    open='alibabacloud aws azure bos cos filesystem gcs swift',
                ),
                'object_store': OBJECT_STORE_2, 'swift': SWIFT, 'tsdb_shipper': TSDB_SHIPPER,
            },
            bool='disable_broad_index_queries use_thanos_objstore',
            number='max_chunk_batch_size max_parallel_get_chunk', open='grpc_store',
            scalar='index_cache_validity object_prefix',
        ),
        'table_manager': block(
            {
                'chunk_tables_provisioning': CHUNK_TABLES_PROVISIONING,
                'index_tables_provisioning': CHUNK_TABLES_PROVISIONING,
            },
            bool='retention_deletes_enabled throughput_updates_disabled',
            scalar='creation_grace_period poll_interval retention_period',
        ),
        'tracing': block(bool='enabled'),
        'ui': block(
            {
                'goldfish': block(
                    {
                        'results_bucket': OBJECT_STORE,
                        'storage': block(
                            number='cloudsql_port max_connections max_idle_time_seconds',
                            scalar='cloudsql_database cloudsql_host cloudsql_user rds_database rds_endpoint rds_user '
                                   'type',
                        ),
                    },
                    bool='enable',
                    scalar='cell_a_namespace cell_b_namespace grafana_url logs_datasource_uid results_backend '
                           'traces_datasource_uid',
                ),
                'ring': RING_3,
            },
            bool='debug enabled',
        ),
    },
    bool='auth_enabled configexpandenv listtargets logconfig printconfig verifyconfig',
    list='tenant_limits_allow_publish', number='ballast_bytes', open='schema_config',
    scalar='configfile http_prefix metrics_namespace shutdown_delay target',
)
