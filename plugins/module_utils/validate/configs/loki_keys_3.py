# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Every option of Loki 3.7.8's config and the kind of value it takes (generated: scripts/loki_keys.py).

Read from that release's configuration reference; do not edit by hand, run the script again.
"""

from __future__ import annotations

VERSION = '3.7.8'


def _but(block, drop=(), add=None):
    """``block`` without the options ``drop``, with those of ``add``: the generated tree writes a block
    that is another but for a few options this way."""
    result = {key: value for key, value in block.items() if key not in drop}
    result.update(add or {})
    return result


TLS_CONFIG = {
    'tls_ca_path': 'scalar',
    'tls_cert_path': 'scalar',
    'tls_cipher_suites': 'scalar',
    'tls_insecure_skip_verify': 'bool',
    'tls_key_path': 'scalar',
    'tls_min_version': 'scalar',
    'tls_server_name': 'scalar',
}


BACKOFF_CONFIG = {'max_period': 'scalar', 'max_retries': 'number', 'min_period': 'scalar'}


GRPC_CONFIG = {
    'backoff_config': BACKOFF_CONFIG,
    'backoff_on_ratelimits': 'bool',
    'cluster_validation': {'label': 'scalar'},
    'connect_backoff_base_delay': 'scalar',
    'connect_backoff_max_delay': 'scalar',
    'connect_timeout': 'scalar',
    'grpc_compression': 'scalar',
    'initial_connection_window_size': 'open',
    'initial_stream_window_size': 'open',
    'max_recv_msg_size': 'number',
    'max_send_msg_size': 'number',
    'rate_limit': 'number',
    'rate_limit_burst': 'number',
    'tls_ca_path': 'scalar',
    'tls_cert_path': 'scalar',
    'tls_cipher_suites': 'scalar',
    'tls_enabled': 'bool',
    'tls_insecure_skip_verify': 'bool',
    'tls_key_path': 'scalar',
    'tls_min_version': 'scalar',
    'tls_server_name': 'scalar',
}


BACKGROUND = {'writeback_buffer': 'number', 'writeback_goroutines': 'number', 'writeback_size_limit': 'open'}


EMBEDDED_CACHE = {'enabled': 'bool', 'max_size_items': 'number', 'max_size_mb': 'number', 'ttl': 'scalar'}


MEMCACHED = {'batch_size': 'number', 'expiration': 'scalar', 'parallelism': 'number'}


MEMCACHED_CLIENT = {
    'addresses': 'scalar',
    'circuit_breaker_consecutive_failures': 'number',
    'circuit_breaker_interval': 'scalar',
    'circuit_breaker_timeout': 'scalar',
    'consistent_hash': 'bool',
    'host': 'scalar',
    'max_idle_conns': 'number',
    'max_item_size': 'number',
    'service': 'scalar',
    'timeout': 'scalar',
    'tls_ca_path': 'scalar',
    'tls_cert_path': 'scalar',
    'tls_cipher_suites': 'scalar',
    'tls_enabled': 'bool',
    'tls_insecure_skip_verify': 'bool',
    'tls_key_path': 'scalar',
    'tls_min_version': 'scalar',
    'tls_server_name': 'scalar',
    'update_interval': 'scalar',
}


REDIS = {
    'db': 'number',
    'endpoint': 'scalar',
    'expiration': 'scalar',
    'idle_timeout': 'scalar',
    'master_name': 'scalar',
    'max_connection_age': 'scalar',
    'password': 'scalar',
    'pool_size': 'number',
    'route_randomly': 'bool',
    'timeout': 'scalar',
    'tls_enabled': 'bool',
    'tls_insecure_skip_verify': 'bool',
    'username': 'scalar',
}


CHUNK_CACHE_CONFIG = {
    'background': BACKGROUND,
    'default_validity': 'scalar',
    'embedded_cache': EMBEDDED_CACHE,
    'memcached': MEMCACHED,
    'memcached_client': MEMCACHED_CLIENT,
    'prefix': 'scalar',
    'redis': REDIS,
}


CONSUL = {
    'acl_token': 'scalar',
    'cas_retry_delay': 'scalar',
    'consistent_reads': 'bool',
    'host': 'scalar',
    'http_client_timeout': 'scalar',
    'watch_burst_size': 'number',
    'watch_rate_limit': 'number',
}


ETCD = {
    'dial_timeout': 'scalar',
    'endpoints': 'list',
    'max_retries': 'number',
    'password': 'scalar',
    'tls_ca_path': 'scalar',
    'tls_cert_path': 'scalar',
    'tls_cipher_suites': 'scalar',
    'tls_enabled': 'bool',
    'tls_insecure_skip_verify': 'bool',
    'tls_key_path': 'scalar',
    'tls_min_version': 'scalar',
    'tls_server_name': 'scalar',
    'username': 'scalar',
}


MULTI = {'mirror_enabled': 'bool', 'mirror_timeout': 'scalar', 'primary': 'scalar', 'secondary': 'scalar'}


KVSTORE = {'consul': CONSUL, 'etcd': ETCD, 'multi': MULTI, 'prefix': 'scalar', 'store': 'scalar'}


RING = {
    'heartbeat_period': 'scalar',
    'heartbeat_timeout': 'scalar',
    'instance_addr': 'scalar',
    'instance_enable_ipv6': 'bool',
    'instance_id': 'scalar',
    'instance_interface_names': 'list',
    'instance_port': 'number',
    'kvstore': KVSTORE,
}


RING_2 = _but(RING, add={'num_tokens': 'number'})


RING_3 = _but(RING_2, add={
    'instance_availability_zone': 'scalar',
    'replication_factor': 'number',
    'tokens_file_path': 'scalar',
    'zone_awareness_enabled': 'bool',
})


ALIBABACLOUD = {
    'access_key_id': 'scalar',
    'bucket': 'scalar',
    'conn_timeout_sec': 'number',
    'endpoint': 'scalar',
    'read_write_timeout_sec': 'number',
    'secret_access_key': 'scalar',
}


AZURE = {
    'account_key': 'scalar',
    'account_name': 'scalar',
    'active_directory_endpoint': 'scalar',
    'chunk_delimiter': 'scalar',
    'client_id': 'scalar',
    'client_secret': 'scalar',
    'connection_string': 'scalar',
    'container_name': 'scalar',
    'download_buffer_size': 'number',
    'endpoint_suffix': 'scalar',
    'environment': 'scalar',
    'max_retries': 'number',
    'max_retry_delay': 'scalar',
    'min_retry_delay': 'scalar',
    'request_timeout': 'scalar',
    'tenant_id': 'scalar',
    'upload_buffer_count': 'number',
    'upload_buffer_size': 'number',
    'use_federated_token': 'bool',
    'use_managed_identity': 'bool',
    'use_service_principal': 'bool',
    'user_assigned_id': 'scalar',
}


BOS = {'access_key_id': 'scalar', 'bucket_name': 'scalar', 'endpoint': 'scalar', 'secret_access_key': 'scalar'}


AIMD = {'backoff_factor': 'number', 'start': 'number', 'upper_bound': 'number'}


CONTROLLER = {'aimd': AIMD, 'strategy': 'scalar'}


CONFIG = {'at': 'scalar', 'max_per_second': 'number', 'up_to': 'number'}


HEDGING = {'config': CONFIG, 'strategy': 'scalar'}


CONGESTION_CONTROL = {
    'controller': CONTROLLER,
    'enabled': 'bool',
    'hedging': HEDGING,
    'retry': {'limit': 'number', 'strategy': 'scalar'},
}


COS = {
    'access_key_id': 'scalar',
    'api_key': 'scalar',
    'auth_endpoint': 'scalar',
    'backoff_config': BACKOFF_CONFIG,
    'bucketnames': 'scalar',
    'cr_token_file_path': 'scalar',
    'endpoint': 'scalar',
    'forcepathstyle': 'bool',
    'http_config': {'idle_conn_timeout': 'scalar', 'response_header_timeout': 'scalar'},
    'region': 'scalar',
    'secret_access_key': 'scalar',
    'service_instance_id': 'scalar',
    'trusted_profile_id': 'scalar',
    'trusted_profile_name': 'scalar',
}


GCS = {
    'bucket_name': 'scalar',
    'chunk_buffer_size': 'number',
    'enable_http2': 'bool',
    'enable_opencensus': 'bool',
    'enable_retries': 'bool',
    'endpoint': 'scalar',
    'request_timeout': 'scalar',
    'service_account': 'scalar',
}


ALIBABA = {'access_key_id': 'scalar', 'access_key_secret': 'scalar', 'bucket': 'scalar', 'endpoint': 'scalar'}


AZURE_2 = {
    'account_key': 'scalar',
    'account_name': 'scalar',
    'chunk_delimiter': 'scalar',
    'connection_string': 'scalar',
    'container_name': 'scalar',
    'endpoint_suffix': 'scalar',
    'max_retries': 'number',
    'user_assigned_id': 'scalar',
}


BOS_2 = {'access_key': 'scalar', 'bucket': 'scalar', 'endpoint': 'scalar', 'secret_key': 'scalar'}


GCS_2 = {'bucket_name': 'scalar', 'chunk_buffer_size': 'number', 'max_retries': 'number', 'service_account': 'scalar'}


HTTP = {
    'expect_continue_timeout': 'scalar',
    'idle_conn_timeout': 'scalar',
    'insecure_skip_verify': 'bool',
    'max_connections_per_host': 'number',
    'max_idle_connections': 'number',
    'max_idle_connections_per_host': 'number',
    'response_header_timeout': 'scalar',
    'tls_ca_path': 'scalar',
    'tls_cert_path': 'scalar',
    'tls_handshake_timeout': 'scalar',
    'tls_key_path': 'scalar',
    'tls_server_name': 'scalar',
}


SSE = {'kms_encryption_context': 'scalar', 'kms_key_id': 'scalar', 'type': 'scalar'}


S3 = {
    'access_key_id': 'scalar',
    'bucket_lookup_type': 'open',
    'bucket_name': 'scalar',
    'dualstack_enabled': 'bool',
    'endpoint': 'scalar',
    'http': HTTP,
    'insecure': 'bool',
    'list_objects_version': 'scalar',
    'max_retries': 'number',
    'native_aws_auth_enabled': 'bool',
    'part_size': 'number',
    'region': 'scalar',
    'secret_access_key': 'scalar',
    'send_content_md5': 'bool',
    'session_token': 'scalar',
    'sse': SSE,
    'storage_class': 'scalar',
    'sts_endpoint': 'scalar',
    'trace': {'enabled': 'bool'},
}


SWIFT = {
    'auth_url': 'scalar',
    'auth_version': 'number',
    'connect_timeout': 'scalar',
    'container_name': 'scalar',
    'domain_id': 'scalar',
    'domain_name': 'scalar',
    'http': {'tls_ca_path': 'scalar'},
    'internal': 'bool',
    'max_retries': 'number',
    'password': 'scalar',
    'project_domain_id': 'scalar',
    'project_domain_name': 'scalar',
    'project_id': 'scalar',
    'project_name': 'scalar',
    'region_name': 'scalar',
    'request_timeout': 'scalar',
    'user_domain_id': 'scalar',
    'user_domain_name': 'scalar',
    'user_id': 'scalar',
    'username': 'scalar',
}


SWIFT_2 = _but(SWIFT, drop=('internal',), add={
    'application_credential_id': 'scalar',
    'application_credential_name': 'scalar',
    'application_credential_secret': 'scalar',
    'http': HTTP,
})


OBJECT_STORE = {
    'alibaba': ALIBABA,
    'azure': AZURE_2,
    'bos': BOS_2,
    'filesystem': {'dir': 'scalar'},
    'gcs': GCS_2,
    's3': S3,
    'storage_prefix': 'scalar',
    'swift': SWIFT_2,
}


HTTP_CONFIG = {
    'ca_file': 'scalar',
    'idle_conn_timeout': 'scalar',
    'insecure_skip_verify': 'bool',
    'response_header_timeout': 'scalar',
    'timeout': 'scalar',
}


S3_2 = {
    'access_key_id': 'scalar',
    'backoff_config': BACKOFF_CONFIG,
    'bucketnames': 'scalar',
    'chunk_delimiter': 'scalar',
    'disable_dualstack': 'bool',
    'endpoint': 'scalar',
    'http_config': HTTP_CONFIG,
    'insecure': 'bool',
    'region': 'scalar',
    's3': 'scalar',
    's3forcepathstyle': 'bool',
    'secret_access_key': 'scalar',
    'session_token': 'scalar',
    'signature_version': 'scalar',
    'sse': SSE,
    'storage_class': 'scalar',
}


RING_4 = {
    'excluded_zones': 'scalar',
    'heartbeat_timeout': 'scalar',
    'kvstore': KVSTORE,
    'replication_factor': 'number',
    'zone_awareness_enabled': 'bool',
}


LIFECYCLER = {
    'address': 'scalar',
    'availability_zone': 'scalar',
    'enable_inet6': 'bool',
    'final_sleep': 'scalar',
    'heartbeat_period': 'scalar',
    'heartbeat_timeout': 'scalar',
    'id': 'scalar',
    'interface_names': 'list',
    'join_after': 'scalar',
    'min_ready_duration': 'scalar',
    'num_tokens': 'number',
    'observe_period': 'scalar',
    'port': 'number',
    'readiness_check_ring_health': 'bool',
    'ring': RING_4,
    'tokens_file_path': 'scalar',
    'unregister_on_shutdown': 'bool',
}


PARTITION_RING = {
    'delete_inactive_partition_after': 'scalar',
    'kvstore': KVSTORE,
    'min_partition_owners_count': 'number',
    'min_partition_owners_duration': 'scalar',
    'shuffle_shard_cache_size': 'number',
}


POOL_CONFIG = {'client_cleanup_period': 'scalar', 'health_check_ingest_limits': 'bool', 'remote_timeout': 'scalar'}


CLIENT_CONFIG = {'grpc_client_config': GRPC_CONFIG, 'pool_config': POOL_CONFIG}


POOL_CONFIG_2 = {'client_cleanup_period': 'scalar', 'health_check_ingesters': 'bool', 'remote_timeout': 'scalar'}


INGESTER_CLIENT = {'grpc_client_config': GRPC_CONFIG, 'pool_config': POOL_CONFIG_2, 'remote_timeout': 'scalar'}


HTTP_2 = {'enabled': 'bool', 'excluded_paths': 'scalar', 'excluded_user_agents': 'scalar', 'soft_validation': 'bool'}


CLUSTER_VALIDATION = {
    'additional_labels': 'scalar',
    'grpc': {'enabled': 'bool', 'soft_validation': 'bool'},
    'http': HTTP_2,
    'label': 'scalar',
}


GRPC_TLS_CONFIG = {
    'cert': 'scalar',
    'cert_file': 'scalar',
    'client_auth_type': 'scalar',
    'client_ca': 'scalar',
    'client_ca_file': 'scalar',
    'key': 'open',
    'key_file': 'scalar',
}


SERVER = {
    'cluster_validation': CLUSTER_VALIDATION,
    'create_new_traces': 'bool',
    'graceful_shutdown_timeout': 'scalar',
    'grpc_collect_max_streams_by_conn': 'bool',
    'grpc_listen_address': 'scalar',
    'grpc_listen_conn_limit': 'number',
    'grpc_listen_network': 'scalar',
    'grpc_listen_port': 'number',
    'grpc_server_keepalive_time': 'scalar',
    'grpc_server_keepalive_timeout': 'scalar',
    'grpc_server_max_concurrent_streams': 'number',
    'grpc_server_max_connection_age': 'scalar',
    'grpc_server_max_connection_age_grace': 'scalar',
    'grpc_server_max_connection_idle': 'scalar',
    'grpc_server_max_recv_msg_size': 'number',
    'grpc_server_max_send_msg_size': 'number',
    'grpc_server_min_time_between_pings': 'scalar',
    'grpc_server_num_workers': 'number',
    'grpc_server_ping_without_stream_allowed': 'bool',
    'grpc_server_recv_buffer_pools_enabled': 'bool',
    'grpc_server_stats_tracking_enabled': 'bool',
    'grpc_tls_config': GRPC_TLS_CONFIG,
    'http_listen_address': 'scalar',
    'http_listen_conn_limit': 'number',
    'http_listen_network': 'scalar',
    'http_listen_port': 'number',
    'http_log_closed_connections_without_response_enabled': 'bool',
    'http_path_prefix': 'scalar',
    'http_server_idle_timeout': 'scalar',
    'http_server_read_header_timeout': 'scalar',
    'http_server_read_timeout': 'scalar',
    'http_server_write_timeout': 'scalar',
    'http_tls_config': GRPC_TLS_CONFIG,
    'log_format': 'scalar',
    'log_level': 'scalar',
    'log_request_at_info_level_enabled': 'bool',
    'log_request_exclude_headers_list': 'scalar',
    'log_request_headers': 'bool',
    'log_source_ips_enabled': 'bool',
    'log_source_ips_full': 'bool',
    'log_source_ips_header': 'scalar',
    'log_source_ips_regex': 'scalar',
    'proxy_protocol_enabled': 'bool',
    'register_instrumentation': 'bool',
    'report_grpc_codes_in_instrumentation_label_enabled': 'bool',
    'tls_cipher_suites': 'scalar',
    'tls_min_version': 'scalar',
    'trace_request_exclude_headers_list': 'scalar',
    'trace_request_headers': 'bool',
}


AUTHORIZATION = {'credentials': 'scalar', 'credentials_file': 'scalar', 'credentials_ref': 'scalar', 'type': 'scalar'}


BASIC_AUTH = {
    'password': 'scalar',
    'password_file': 'scalar',
    'password_ref': 'scalar',
    'username': 'scalar',
    'username_file': 'scalar',
    'username_ref': 'scalar',
}


TLS_CONFIG_2 = {
    'ca': 'scalar',
    'ca_file': 'scalar',
    'ca_ref': 'scalar',
    'cert': 'scalar',
    'cert_file': 'scalar',
    'cert_ref': 'scalar',
    'insecure_skip_verify': 'bool',
    'key': 'scalar',
    'key_file': 'scalar',
    'key_ref': 'scalar',
    'max_version': 'number',
    'min_version': 'number',
    'server_name': 'scalar',
}


OAUTH2 = {
    'audience': 'scalar',
    'claims': 'open',
    'client_certificate_key': 'scalar',
    'client_certificate_key_file': 'scalar',
    'client_certificate_key_id': 'scalar',
    'client_certificate_key_ref': 'scalar',
    'client_id': 'scalar',
    'client_secret': 'scalar',
    'client_secret_file': 'scalar',
    'client_secret_ref': 'scalar',
    'endpoint_params': 'open',
    'grant_type': 'scalar',
    'iss': 'scalar',
    'no_proxy': 'scalar',
    'proxy_connect_header': 'open',
    'proxy_from_environment': 'bool',
    'proxy_url': {'url': 'scalar'},
    'scopes': 'list',
    'signature_algorithm': 'scalar',
    'tls_config': TLS_CONFIG_2,
    'token_url': 'scalar',
}


HTTP_CLIENT_CONFIG = {
    'authorization': AUTHORIZATION,
    'basic_auth': BASIC_AUTH,
    'bearer_token': 'scalar',
    'bearer_token_file': 'scalar',
    'enable_http2': 'bool',
    'follow_redirects': 'bool',
    'http_headers': {},
    'no_proxy': 'scalar',
    'oauth2': OAUTH2,
    'proxy_connect_header': 'open',
    'proxy_from_environment': 'bool',
    'proxy_url': {'url': 'scalar'},
    'tls_config': TLS_CONFIG_2,
}


PATTERN_PERSISTENCE = {
    'backoff_config': BACKOFF_CONFIG,
    'basic_auth': {'password': 'scalar', 'username': 'scalar'},
    'batch_size': 'number',
    'http_client_config': HTTP_CLIENT_CONFIG,
    'loki_address': 'scalar',
    'push_period': 'scalar',
    'timeout': 'scalar',
    'use_tls': 'bool',
}


RESULTS_CACHE = {'cache': CHUNK_CACHE_CONFIG, 'compression': 'scalar'}


S3_3 = _but(S3, add={'bucket_lookup_type': 'scalar'})


OBJECT_STORE_2 = _but(OBJECT_STORE, add={
    'named_stores': {'azure': 'open', 'filesystem': 'open', 'gcs': 'open', 's3': 'open', 'swift': 'open'},
    's3': S3_3,
})


INDEX_GATEWAY_CLIENT = {
    'grpc_client_config': GRPC_CONFIG,
    'log_gateway_requests': 'bool',
    'server_address': 'scalar',
    'time_based_sharding_buckets': 'list',
}


TSDB_SHIPPER = {
    'active_index_directory': 'scalar',
    'cache_location': 'scalar',
    'cache_ttl': 'scalar',
    'index_gateway_client': INDEX_GATEWAY_CLIENT,
    'ingesterdbretainperiod': 'scalar',
    'ingestername': 'scalar',
    'mode': 'scalar',
    'query_ready_num_days': 'number',
    'resync_interval': 'scalar',
}


INACTIVE_READ_SCALE = {
    'enabled': 'bool',
    'in_cooldown': 'number',
    'max_capacity': 'number',
    'min_capacity': 'number',
    'out_cooldown': 'number',
    'role_arn': 'scalar',
    'target': 'number',
}


CHUNK_TABLES_PROVISIONING = {
    'enable_inactive_throughput_on_demand_mode': 'bool',
    'enable_ondemand_throughput_mode': 'bool',
    'inactive_read_scale': INACTIVE_READ_SCALE,
    'inactive_read_scale_lastn': 'number',
    'inactive_read_throughput': 'number',
    'inactive_write_scale': INACTIVE_READ_SCALE,
    'inactive_write_scale_lastn': 'number',
    'inactive_write_throughput': 'number',
    'provisioned_read_throughput': 'number',
    'provisioned_write_throughput': 'number',
    'read_scale': INACTIVE_READ_SCALE,
    'write_scale': INACTIVE_READ_SCALE,
}


KEYS = {
    'analytics': {
        'proxy_url': 'scalar',
        'reporting_enabled': 'bool',
        'tls_config': TLS_CONFIG,
        'usage_stats_url': 'scalar',
    },
    'auth_enabled': 'bool',
    'ballast_bytes': 'number',
    'bloom_build': {
        'builder': {
            'backoff_config': BACKOFF_CONFIG,
            'grpc_config': GRPC_CONFIG,
            'planner_address': 'scalar',
            'working_directory': 'scalar',
        },
        'enabled': 'bool',
        'planner': {
            'max_table_offset': 'number',
            'min_table_offset': 'number',
            'planning_interval': 'scalar',
            'queue': {
                'clean_tasks_directory': 'bool',
                'max_queued_tasks_per_tenant': 'number',
                'store_tasks_on_disk': 'bool',
                'tasks_disk_directory': 'scalar',
            },
            'retention': {'enabled': 'bool', 'max_lookback_days': 'number'},
        },
    },
    'bloom_gateway': {
        'block_query_concurrency': 'number',
        'client': {
            'addresses': 'scalar',
            'grpc_client_config': GRPC_CONFIG,
            'pool_config': {'check_interval': 'scalar'},
        },
        'enabled': 'bool',
        'fetch_blocks_async': 'bool',
        'max_outstanding_per_tenant': 'number',
        'num_multiplex_tasks': 'number',
        'worker_concurrency': 'number',
    },
    'chunk_store_config': {
        'cache_lookups_older_than': 'scalar',
        'chunk_cache_config': CHUNK_CACHE_CONFIG,
        'chunk_cache_config_l2': CHUNK_CACHE_CONFIG,
        'l2_chunk_cache_handoff': 'scalar',
        'skip_query_writeback_cache_older_than': 'scalar',
        'write_dedupe_cache_config': CHUNK_CACHE_CONFIG,
    },
    'common': {
        'compactor_address': 'scalar',
        'compactor_grpc_address': 'scalar',
        'instance_addr': 'scalar',
        'instance_interface_names': 'list',
        'path_prefix': 'scalar',
        'persist_tokens': 'bool',
        'replication_factor': 'number',
        'ring': RING_3,
        'scratch_path': 'scalar',
        'storage': {
            'alibabacloud': ALIBABACLOUD,
            'azure': AZURE,
            'bos': BOS,
            'congestion_control': CONGESTION_CONTROL,
            'cos': COS,
            'filesystem': {'chunks_directory': 'scalar', 'rules_directory': 'scalar'},
            'gcs': GCS,
            'hedging': CONFIG,
            'object_store': OBJECT_STORE,
            's3': S3_2,
            'swift': SWIFT,
        },
    },
    'compactor': {
        '_': 'bool',
        'apply_retention_interval': 'scalar',
        'backup_delete_request_store_db_type': 'scalar',
        'compaction_interval': 'scalar',
        'compactor_ring': RING_3,
        'delete_batch_size': 'number',
        'delete_max_interval': 'scalar',
        'delete_request_cancel_period': 'scalar',
        'delete_request_store': 'scalar',
        'delete_request_store_db_type': 'scalar',
        'delete_request_store_key_prefix': 'scalar',
        'deletion_ignore_missing_chunks': 'bool',
        'deletion_marker_object_store_prefix': 'scalar',
        'horizontal_scaling_mode': 'scalar',
        'jobs_config': {
            'deletion': {
                'chunk_processing_concurrency': 'number',
                'deletion_manifest_store_prefix': 'scalar',
                'max_retries': 'number',
                'timeout': 'scalar',
            },
        },
        'max_compaction_parallelism': 'number',
        'retention_backoff_config': BACKOFF_CONFIG,
        'retention_delete_delay': 'scalar',
        'retention_delete_worker_count': 'number',
        'retention_enabled': 'bool',
        'retention_table_timeout': 'scalar',
        'skip_latest_n_tables': 'number',
        'tables_to_compact': 'number',
        'upload_parallelism': 'number',
        'worker_config': {'num_sub_workers': 'number'},
        'working_directory': 'scalar',
    },
    'compactor_grpc_client': _but(GRPC_CONFIG, add={
        'initial_connection_window_size': 'scalar',
        'initial_stream_window_size': 'scalar',
    }),
    'configexpandenv': 'bool',
    'configfile': 'scalar',
    'dataobj': {
        'consumer': {
            'builderconfig': {
                'buffer_size': 'open',
                'dataobj_sort_order': 'scalar',
                'max_page_rows': 'number',
                'section_stripe_merge_limit': 'number',
                'target_object_size': 'open',
                'target_page_size': 'open',
                'target_section_size': 'open',
            },
            'idle_flush_timeout': 'scalar',
            'lifecycler': LIFECYCLER,
            'max_builder_age': 'scalar',
            'partition_ring': PARTITION_RING,
            'topic': 'scalar',
            'uploader': {'shaprefixsize': 'number'},
        },
        'enabled': 'bool',
        'index': {
            'buffer_size': 'open',
            'events_per_index': 'number',
            'flush_interval': 'scalar',
            'max_idle_time': 'scalar',
            'max_page_rows': 'number',
            'section_stripe_merge_limit': 'number',
            'target_object_size': 'open',
            'target_page_size': 'open',
            'target_section_size': 'open',
        },
        'metastore': {'index_storage_prefix': 'scalar', 'partition_ratio': 'number'},
        'storage_bucket_prefix': 'scalar',
    },
    'distributor': {
        'dataobj_tee': {
            'debug_metrics_enabled': 'bool',
            'enabled': 'bool',
            'max_buffered_bytes': 'number',
            'per_partition_rate_bytes': 'number',
            'rate_batch_window': 'scalar',
            'topic': 'scalar',
        },
        'default_policy_stream_mappings': 'open',
        'ingest_limits_dry_run_enabled': 'bool',
        'ingest_limits_enabled': 'bool',
        'ingester_writes_enabled': 'bool',
        'kafka_writes_enabled': 'bool',
        'max_decompressed_size': 'number',
        'max_recv_msg_size': 'number',
        'otlp_config': {'default_resource_attributes_as_index_labels': 'list'},
        'push_worker_count': 'number',
        'rate_store': {
            'debug': 'bool',
            'ingester_request_timeout': 'scalar',
            'max_request_parallelism': 'number',
            'stream_rate_update_interval': 'scalar',
        },
        'ring': RING,
        'write_failures_logging': {'add_insights_label': 'bool', 'rate': 'open'},
    },
    'frontend': {
        'address': 'scalar',
        'compress_responses': 'bool',
        'downstream_url': 'scalar',
        'encoding': 'scalar',
        'graceful_shutdown_timeout': 'scalar',
        'grpc_client_config': GRPC_CONFIG,
        'instance_enable_ipv6': 'bool',
        'instance_interface_names': 'list',
        'log_queries_longer_than': 'scalar',
        'log_query_request_headers': 'scalar',
        'max_body_size': 'number',
        'max_outstanding_per_tenant': 'number',
        'port': 'number',
        'querier_forget_delay': 'scalar',
        'query_stats_enabled': 'bool',
        'scheduler_address': 'scalar',
        'scheduler_dns_lookup_period': 'scalar',
        'scheduler_worker_concurrency': 'number',
        'support_parquet_encoding': 'bool',
        'tail_proxy_url': 'scalar',
        'tail_tls_config': TLS_CONFIG,
    },
    'frontend_worker': {
        'dns_lookup_duration': 'scalar',
        'frontend_address': 'scalar',
        'grpc_client_config': GRPC_CONFIG,
        'id': 'scalar',
        'query_frontend_grpc_client': GRPC_CONFIG,
        'query_scheduler_grpc_client': GRPC_CONFIG,
        'scheduler_address': 'scalar',
    },
    'http_prefix': 'scalar',
    'index_gateway': {'mode': 'scalar', 'ring': RING_3},
    'ingest_limits': {
        'active_window': 'scalar',
        'bucket_size': 'scalar',
        'consumer_group': 'scalar',
        'enabled': 'bool',
        'eviction_interval': 'scalar',
        'lifecycler': LIFECYCLER,
        'num_partitions': 'number',
        'rate_window': 'scalar',
        'topic': 'scalar',
    },
    'ingest_limits_frontend': {
        'accepted_streams_cache_enabled': 'bool',
        'accepted_streams_cache_ttl': 'scalar',
        'accepted_streams_cache_ttl_jitter': 'scalar',
        'assigned_partitions_cache_enabled': 'bool',
        'assigned_partitions_cache_ttl': 'scalar',
        'client_config': CLIENT_CONFIG,
        'lifecycler': LIFECYCLER,
        'num_partitions': 'number',
    },
    'ingest_limits_frontend_client': CLIENT_CONFIG,
    'ingester': {
        'autoforget_unhealthy': 'bool',
        'chunk_block_size': 'number',
        'chunk_encoding': 'scalar',
        'chunk_idle_period': 'scalar',
        'chunk_retain_period': 'scalar',
        'chunk_target_size': 'number',
        'concurrent_flushes': 'number',
        'delegate_stream_limits_enabled': 'bool',
        'flush_check_period': 'scalar',
        'flush_op_backoff': BACKOFF_CONFIG,
        'flush_op_timeout': 'scalar',
        'index_shards': 'number',
        'kafka_ingestion': {'enabled': 'bool', 'partition_ring': PARTITION_RING},
        'lifecycler': LIFECYCLER,
        'max_chunk_age': 'scalar',
        'max_dropped_streams': 'number',
        'max_returned_stream_errors': 'number',
        'owned_streams_check_interval': 'scalar',
        'query_store_max_look_back_period': 'scalar',
        'shutdown_marker_path': 'scalar',
        'sync_min_utilization': 'number',
        'sync_period': 'scalar',
        'wal': {
            'checkpoint_duration': 'scalar',
            'dir': 'scalar',
            'disk_full_threshold': 'number',
            'enabled': 'bool',
            'flush_on_shutdown': 'bool',
            'replay_memory_ceiling': 'open',
        },
    },
    'ingester_client': INGESTER_CLIENT,
    'internal_server': _but(SERVER, add={'enable': 'bool'}),
    'kafka_config': {
        'address': 'scalar',
        'auto_create_topic_default_partitions': 'number',
        'auto_create_topic_enabled': 'bool',
        'client_id': 'scalar',
        'consumer_group': 'scalar',
        'consumer_group_offset_commit_interval': 'scalar',
        'dial_timeout': 'scalar',
        'enable_kafka_histograms': 'bool',
        'last_produced_offset_retry_timeout': 'scalar',
        'max_consumer_lag_at_startup': 'scalar',
        'max_consumer_workers': 'number',
        'producer_max_buffered_bytes': 'number',
        'producer_max_record_size_bytes': 'number',
        'reader_config': {'address': 'scalar', 'client_id': 'scalar'},
        'sasl_password': 'scalar',
        'sasl_username': 'scalar',
        'topic': 'scalar',
        'tracing_enabled': 'bool',
        'write_timeout': 'scalar',
        'writer_config': {'address': 'scalar', 'client_id': 'scalar'},
    },
    'limits_config': {
        'allow_deletes': 'bool',
        'allow_structured_metadata': 'bool',
        'block_ingestion_policy_until': 'open',
        'block_ingestion_status_code': 'number',
        'block_ingestion_until': 'scalar',
        'blocked_queries': 'open',
        'bloom_block_encoding': 'scalar',
        'bloom_build_builder_response_timeout': 'scalar',
        'bloom_build_max_builders': 'number',
        'bloom_build_task_max_retries': 'number',
        'bloom_creation_enabled': 'bool',
        'bloom_gateway_enable_filtering': 'bool',
        'bloom_max_block_size': 'open',
        'bloom_max_bloom_size': 'open',
        'bloom_planning_strategy': 'scalar',
        'bloom_prefetch_blocks': 'bool',
        'bloom_split_series_keyspace_by': 'number',
        'bloom_task_target_series_chunk_size': 'open',
        'cardinality_limit': 'number',
        'creation_grace_period': 'scalar',
        'debug_engine_streams': 'bool',
        'debug_engine_tasks': 'bool',
        'deletion_mode': 'scalar',
        'discover_generic_fields': 'open',
        'discover_log_levels': 'bool',
        'discover_service_name': 'list',
        'enable_multi_variant_queries': 'bool',
        'enforced_labels': 'list',
        'engine_results_cache_time_bucket_interval': 'scalar',
        'increment_duplicate_timestamp': 'bool',
        'index_gateway_max_capacity': 'number',
        'index_gateway_shard_size': 'number',
        'ingestion_burst_size_mb': 'number',
        'ingestion_partitions_tenant_shard_size': 'number',
        'ingestion_rate_mb': 'number',
        'ingestion_rate_strategy': 'scalar',
        'log_level_fields': 'list',
        'log_level_from_json_max_depth': 'number',
        'max_cache_freshness_per_query': 'scalar',
        'max_chunks_per_query': 'number',
        'max_concurrent_tail_requests': 'number',
        'max_entries_limit_per_query': 'number',
        'max_global_streams_per_user': 'number',
        'max_label_name_length': 'number',
        'max_label_names_per_series': 'number',
        'max_label_value_length': 'number',
        'max_line_size': 'open',
        'max_line_size_truncate': 'bool',
        'max_line_size_truncate_identifier': 'scalar',
        'max_metadata_cache_freshness': 'scalar',
        'max_querier_bytes_read': 'open',
        'max_queriers_per_tenant': 'number',
        'max_query_bytes_read': 'open',
        'max_query_capacity': 'number',
        'max_query_length': 'scalar',
        'max_query_lookback': 'scalar',
        'max_query_parallelism': 'number',
        'max_query_range': 'scalar',
        'max_query_series': 'number',
        'max_scan_task_parallelism': 'number',
        'max_stats_cache_freshness': 'scalar',
        'max_streams_matchers_per_query': 'number',
        'max_streams_per_user': 'number',
        'max_structured_metadata_entries_count': 'number',
        'max_structured_metadata_size': 'open',
        'metric_aggregation_enabled': 'bool',
        'min_sharding_lookback': 'scalar',
        'minimum_labels_number': 'number',
        'otlp_config': {
            'log_attributes': 'list',
            'resource_attributes': {'attributes_config': 'list', 'ignore_defaults': 'bool'},
            'scope_attributes': 'list',
            'severity_text_as_label': 'bool',
        },
        'pattern_ingester_tokenizable_json_fields_append': 'scalar',
        'pattern_ingester_tokenizable_json_fields_default': 'scalar',
        'pattern_ingester_tokenizable_json_fields_delete': 'scalar',
        'pattern_persistence_enabled': 'bool',
        'pattern_persistence_granularity': 'scalar',
        'pattern_rate_threshold': 'number',
        'per_stream_rate_limit': 'open',
        'per_stream_rate_limit_burst': 'open',
        'per_tenant_override_config': 'scalar',
        'per_tenant_override_period': 'scalar',
        'policy_enforced_labels': 'open',
        'policy_override_limits': 'open',
        'policy_stream_mapping': 'open',
        'query_ready_index_num_days': 'number',
        'query_timeout': 'scalar',
        'recent_metadata_query_window': 'scalar',
        'reject_old_samples': 'bool',
        'reject_old_samples_max_age': 'scalar',
        'required_labels': 'list',
        'retention_period': 'scalar',
        'retention_stream': 'list',
        'ruler_alertmanager_config': 'open',
        'ruler_enable_wal_replay': 'bool',
        'ruler_max_rule_groups_per_tenant': 'number',
        'ruler_max_rules_per_rule_group': 'number',
        'ruler_remote_evaluation_max_response_size': 'number',
        'ruler_remote_evaluation_timeout': 'scalar',
        'ruler_remote_write_config': 'open',
        'ruler_remote_write_disabled': 'bool',
        'ruler_remote_write_headers': 'open',
        'ruler_remote_write_queue_batch_send_deadline': 'scalar',
        'ruler_remote_write_queue_capacity': 'number',
        'ruler_remote_write_queue_max_backoff': 'scalar',
        'ruler_remote_write_queue_max_samples_per_send': 'number',
        'ruler_remote_write_queue_max_shards': 'number',
        'ruler_remote_write_queue_min_backoff': 'scalar',
        'ruler_remote_write_queue_min_shards': 'number',
        'ruler_remote_write_queue_retry_on_ratelimit': 'bool',
        'ruler_remote_write_relabel_configs': 'open',
        'ruler_remote_write_sigv4_config': 'open',
        'ruler_remote_write_timeout': 'scalar',
        'ruler_remote_write_url': 'scalar',
        'ruler_tenant_shard_size': 'number',
        's3_sse_kms_encryption_context': 'scalar',
        's3_sse_kms_key_id': 'scalar',
        's3_sse_type': 'scalar',
        'shard_aggregations': 'list',
        'shard_streams': {
            'desired_rate': 'open',
            'enabled': 'bool',
            'logging_enabled': 'bool',
            'time_sharding_enabled': 'bool',
            'time_sharding_ignore_recent': 'scalar',
        },
        'simulated_push_latency': 'scalar',
        'split_ingester_queries_by_interval': 'scalar',
        'split_instant_metric_queries_by_interval': 'scalar',
        'split_metadata_queries_by_interval': 'scalar',
        'split_queries_by_interval': 'scalar',
        'split_recent_metadata_queries_by_interval': 'scalar',
        'tsdb_max_bytes_per_shard': 'open',
        'tsdb_max_query_parallelism': 'number',
        'tsdb_precompute_chunks': 'bool',
        'tsdb_sharding_strategy': 'scalar',
        'unordered_writes': 'bool',
        'use_owned_stream_count': 'bool',
        'volume_enabled': 'bool',
        'volume_max_series': 'number',
    },
    'listtargets': 'bool',
    'logconfig': 'bool',
    'memberlist': {
        'abort_if_cluster_fast_join_fails': 'bool',
        'abort_if_cluster_fast_join_fails_min_nodes': 'number',
        'abort_if_cluster_join_fails': 'bool',
        'acquire_writer_timeout': 'scalar',
        'advertise_addr': 'scalar',
        'advertise_port': 'number',
        'bind_addr': 'list',
        'bind_port': 'number',
        'broadcast_timeout_for_local_updates_on_shutdown': 'scalar',
        'cluster_label': 'scalar',
        'cluster_label_verification_disabled': 'bool',
        'compression_enabled': 'bool',
        'dead_node_reclaim_time': 'scalar',
        'gossip_interval': 'scalar',
        'gossip_nodes': 'number',
        'gossip_to_dead_nodes_time': 'scalar',
        'join_members': 'open',
        'leave_timeout': 'scalar',
        'left_ingesters_timeout': 'scalar',
        'max_concurrent_writes': 'number',
        'max_join_backoff': 'scalar',
        'max_join_retries': 'number',
        'message_history_buffer_bytes': 'number',
        'min_join_backoff': 'scalar',
        'node_name': 'scalar',
        'notify_interval': 'scalar',
        'obsolete_entries_timeout': 'scalar',
        'packet_dial_timeout': 'scalar',
        'packet_write_timeout': 'scalar',
        'pull_push_interval': 'scalar',
        'randomize_node_name': 'bool',
        'rejoin_interval': 'scalar',
        'rejoin_seed_nodes': 'open',
        'retransmit_factor': 'number',
        'stream_timeout': 'scalar',
        'tls_ca_path': 'scalar',
        'tls_cert_path': 'scalar',
        'tls_cipher_suites': 'scalar',
        'tls_enabled': 'bool',
        'tls_insecure_skip_verify': 'bool',
        'tls_key_path': 'scalar',
        'tls_min_version': 'scalar',
        'tls_server_name': 'scalar',
        'watch_prefix_buffer_size': 'number',
        'zone_aware_routing': {'enabled': 'bool', 'instance_availability_zone': 'scalar', 'role': 'scalar'},
    },
    'metrics_namespace': 'scalar',
    'operational_config': {
        'filter_push_request_streams_ips': 'list',
        'limited_log_push_errors': 'bool',
        'log_duplicate_metrics': 'bool',
        'log_duplicate_stream_info': 'bool',
        'log_hash_of_labels': 'bool',
        'log_push_request': 'bool',
        'log_push_request_streams': 'bool',
        'log_service_name_discovery': 'bool',
        'log_stream_creation': 'bool',
    },
    'pattern_ingester': {
        'client_config': INGESTER_CLIENT,
        'concurrent_flushes': 'number',
        'connection_timeout': 'scalar',
        'enabled': 'bool',
        'flush_check_period': 'scalar',
        'lifecycler': LIFECYCLER,
        'max_allowed_line_length': 'number',
        'max_chunk_age': 'scalar',
        'max_clusters': 'number',
        'max_eviction_ratio': 'number',
        'metric_aggregation': _but(PATTERN_PERSISTENCE, drop=('batch_size',), add={'sample_period': 'scalar'}),
        'pattern_persistence': PATTERN_PERSISTENCE,
        'pattern_sample_interval': 'scalar',
        'retain_for': 'scalar',
        'tee_config': {
            'batch_flush_interval': 'scalar',
            'batch_size': 'number',
            'flush_queue_size': 'number',
            'flush_worker_count': 'number',
            'stop_flush_timeout': 'scalar',
        },
        'volume_threshold': 'number',
    },
    'printconfig': 'bool',
    'profiling': {'block_profile_rate': 'number', 'cpu_profile_rate': 'number', 'mutex_profile_fraction': 'number'},
    'querier': {
        'engine': {'max_count_min_sketch_heap_size': 'number', 'max_look_back_period': 'scalar'},
        'extra_query_delay': 'scalar',
        'max_concurrent': 'number',
        'multi_tenant_queries_enabled': 'bool',
        'per_request_limits_enabled': 'bool',
        'query_ingester_only': 'bool',
        'query_ingesters_within': 'scalar',
        'query_partition_ingesters': 'bool',
        'query_store_only': 'bool',
        'tail_max_duration': 'scalar',
    },
    'query_engine': {
        'align_queries_with_step': 'bool',
        'batch_size': 'number',
        'distributed': 'bool',
        'downstream_address': 'scalar',
        'enable': 'bool',
        'enable_delete_req_filtering': 'bool',
        'enable_engine_router': 'bool',
        'enforce_max_query_series_limit': 'bool',
        'enforce_retention_period': 'bool',
        'instance_interface_names': 'list',
        'merge_prefetch_count': 'number',
        'prefetch_bytes': 'open',
        'range_reads': {
            'coalesce_size': 'number',
            'max_parallelism': 'number',
            'max_range_size': 'number',
            'min_range_size': 'number',
        },
        'results_cache': RESULTS_CACHE,
        'scheduler_lookup_address': 'scalar',
        'scheduler_lookup_interval': 'scalar',
        'storage_lag': 'scalar',
        'storage_retention_days': 'number',
        'storage_start_date': 'scalar',
        'worker_threads': 'number',
    },
    'query_range': {
        'align_queries_with_step': 'bool',
        'cache_index_stats_results': 'bool',
        'cache_instant_metric_results': 'bool',
        'cache_label_results': 'bool',
        'cache_results': 'bool',
        'cache_series_results': 'bool',
        'cache_volume_results': 'bool',
        'index_stats_results_cache': RESULTS_CACHE,
        'instant_metric_query_split_align': 'bool',
        'instant_metric_results_cache': RESULTS_CACHE,
        'label_results_cache': RESULTS_CACHE,
        'max_retries': 'number',
        'parallelise_shardable_queries': 'bool',
        'results_cache': RESULTS_CACHE,
        'series_results_cache': RESULTS_CACHE,
        'shard_aggregations': 'scalar',
        'volume_results_cache': RESULTS_CACHE,
    },
    'query_scheduler': {
        'grpc_client_config': GRPC_CONFIG,
        'max_outstanding_requests_per_tenant': 'number',
        'max_queue_hierarchy_levels': 'number',
        'querier_forget_delay': 'scalar',
        'scheduler_ring': RING_3,
        'use_scheduler_ring': 'bool',
    },
    'ruler': {
        'alert_relabel_configs': 'open',
        'alertmanager_client': {
            'basic_auth_password': 'scalar',
            'basic_auth_username': 'scalar',
            'credentials': 'scalar',
            'credentials_file': 'scalar',
            'tls_ca_path': 'scalar',
            'tls_cert_path': 'scalar',
            'tls_cipher_suites': 'scalar',
            'tls_insecure_skip_verify': 'bool',
            'tls_key_path': 'scalar',
            'tls_min_version': 'scalar',
            'tls_server_name': 'scalar',
            'type': 'scalar',
        },
        'alertmanager_refresh_interval': 'scalar',
        'alertmanager_url': 'scalar',
        'datasource_uid': 'scalar',
        'disable_rule_group_label': 'bool',
        'disabled_tenants': 'scalar',
        'enable_alertmanager_discovery': 'bool',
        'enable_alertmanager_v2': 'bool',
        'enable_api': 'bool',
        'enable_sharding': 'bool',
        'enabled_tenants': 'scalar',
        'evaluation': {
            'max_jitter': 'scalar',
            'mode': 'scalar',
            'query_frontend': {'address': 'scalar', 'tls_enabled': 'bool'},
        },
        'evaluation_interval': 'scalar',
        'external_labels': {},
        'external_url': 'scalar',
        'flush_period': 'scalar',
        'for_grace_period': 'scalar',
        'for_outage_tolerance': 'scalar',
        'notification_queue_capacity': 'number',
        'notification_timeout': 'scalar',
        'poll_interval': 'scalar',
        'query_stats_enabled': 'bool',
        'remote_write': {
            'add_org_id_header': 'bool',
            'client': 'open',
            'clients': 'open',
            'config_refresh_period': 'scalar',
            'enabled': 'bool',
        },
        'resend_delay': 'scalar',
        'ring': RING_2,
        'rule_path': 'scalar',
        'ruler_client': GRPC_CONFIG,
        'search_pending_for': 'scalar',
        'sharding_algo': 'scalar',
        'sharding_strategy': 'scalar',
        'storage': {
            'alibabacloud': ALIBABACLOUD,
            'azure': AZURE,
            'bos': BOS,
            'cos': COS,
            'gcs': GCS,
            'local': {'directory': 'scalar'},
            's3': S3_2,
            'swift': SWIFT,
            'type': 'scalar',
        },
        'wal': {
            'dir': 'scalar',
            'max_age': 'scalar',
            'min_age': 'scalar',
            'name': 'scalar',
            'remotewrite': 'list',
            'tenant': 'scalar',
            'truncate_frequency': 'scalar',
        },
        'wal_cleaner': {'min_age': 'scalar', 'period': 'scalar'},
    },
    'ruler_storage': _but(OBJECT_STORE_2, drop=('named_stores',), add={
        'backend': 'scalar',
        'local': {'directory': 'scalar'},
    }),
    'runtime_config': {'file': 'scalar', 'period': 'scalar'},
    'schema_config': 'open',
    'server': SERVER,
    'shutdown_delay': 'scalar',
    'storage_config': {
        'alibabacloud': ALIBABACLOUD,
        'aws': _but(S3_2, add={
            'dynamodb': {
                'api_limit': 'number',
                'backoff_config': BACKOFF_CONFIG,
                'chunk_gang_size': 'number',
                'chunk_get_max_parallelism': 'number',
                'dynamodb_url': 'scalar',
                'kms_key_id': 'scalar',
                'metrics': {
                    'ignore_throttle_below': 'number',
                    'queue_length_query': 'scalar',
                    'read_error_query': 'scalar',
                    'read_usage_query': 'scalar',
                    'scale_up_factor': 'number',
                    'target_queue_length': 'number',
                    'url': 'scalar',
                    'write_throttle_query': 'scalar',
                    'write_usage_query': 'scalar',
                },
                'throttle_limit': 'number',
            },
        }),
        'azure': AZURE,
        'bigtable': {
            'grpc_client_config': GRPC_CONFIG,
            'instance': 'scalar',
            'project': 'scalar',
            'table_cache_enabled': 'bool',
            'table_cache_expiration': 'scalar',
        },
        'bloom_shipper': {
            'blocks_cache': {'hard_limit': 'open', 'soft_limit': 'open', 'ttl': 'scalar'},
            'download_parallelism': 'number',
            'max_query_page_size': 'open',
            'memory_management': {'bloom_page_alloc_type': 'scalar', 'bloom_page_mem_pool_buckets': 'scalar'},
            'metas_cache': CHUNK_CACHE_CONFIG,
            'metas_lru_cache': EMBEDDED_CACHE,
            'working_directory': 'scalar',
        },
        'boltdb': {'directory': 'scalar'},
        'boltdb_shipper': _but(TSDB_SHIPPER, add={'build_per_tenant_index': 'bool'}),
        'bos': BOS,
        'cassandra': {
            'CA_path': 'scalar',
            'SSL': 'bool',
            'addresses': 'scalar',
            'auth': 'bool',
            'connect_timeout': 'scalar',
            'consistency': 'scalar',
            'convict_hosts_on_failure': 'bool',
            'custom_authenticators': 'list',
            'disable_initial_host_lookup': 'bool',
            'host_selection_policy': 'scalar',
            'host_verification': 'bool',
            'keyspace': 'scalar',
            'max_retries': 'number',
            'num_connections': 'number',
            'password': 'scalar',
            'password_file': 'scalar',
            'port': 'number',
            'query_concurrency': 'number',
            'reconnect_interval': 'scalar',
            'replication_factor': 'number',
            'retry_max_backoff': 'scalar',
            'retry_min_backoff': 'scalar',
            'table_options': 'scalar',
            'timeout': 'scalar',
            'tls_cert_path': 'scalar',
            'tls_key_path': 'scalar',
            'username': 'scalar',
        },
        'congestion_control': CONGESTION_CONTROL,
        'cos': COS,
        'disable_broad_index_queries': 'bool',
        'filesystem': {'directory': 'scalar'},
        'gcs': GCS,
        'grpc_store': 'open',
        'hedging': CONFIG,
        'index_cache_validity': 'scalar',
        'index_queries_cache_config': CHUNK_CACHE_CONFIG,
        'max_chunk_batch_size': 'number',
        'max_parallel_get_chunk': 'number',
        'named_stores': {
            'alibabacloud': 'open',
            'aws': 'open',
            'azure': 'open',
            'bos': 'open',
            'cos': 'open',
            'filesystem': 'open',
            'gcs': 'open',
            'storage_config': {'named_stores': {'aws': {}}},
            'swift': 'open',
        },
        'object_prefix': 'scalar',
        'object_store': OBJECT_STORE_2,
        'swift': SWIFT,
        'tsdb_shipper': TSDB_SHIPPER,
        'use_thanos_objstore': 'bool',
    },
    'table_manager': {
        'chunk_tables_provisioning': CHUNK_TABLES_PROVISIONING,
        'creation_grace_period': 'scalar',
        'index_tables_provisioning': CHUNK_TABLES_PROVISIONING,
        'poll_interval': 'scalar',
        'retention_deletes_enabled': 'bool',
        'retention_period': 'scalar',
        'throughput_updates_disabled': 'bool',
    },
    'target': 'scalar',
    'tenant_limits_allow_publish': 'list',
    'tracing': {'enabled': 'bool'},
    'ui': {
        'debug': 'bool',
        'enabled': 'bool',
        'goldfish': {
            'cell_a_namespace': 'scalar',
            'cell_b_namespace': 'scalar',
            'enable': 'bool',
            'grafana_url': 'scalar',
            'logs_datasource_uid': 'scalar',
            'results_backend': 'scalar',
            'results_bucket': OBJECT_STORE,
            'storage': {
                'cloudsql_database': 'scalar',
                'cloudsql_host': 'scalar',
                'cloudsql_port': 'number',
                'cloudsql_user': 'scalar',
                'max_connections': 'number',
                'max_idle_time_seconds': 'number',
                'rds_database': 'scalar',
                'rds_endpoint': 'scalar',
                'rds_user': 'scalar',
                'type': 'scalar',
            },
            'traces_datasource_uid': 'scalar',
        },
        'ring': RING_3,
    },
    'verifyconfig': 'bool',
}
