"""loki.yaml built in Python (module_utils/render/loki.py, filter in plugins/filter/component_config.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.component_config import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.loki import build_config

SCHEMA = [{"from": "2024-01-01", "store": "tsdb", "object_store": "filesystem", "schema": "v13",
           "index": {"prefix": "index_", "period": "24h"}}]


def spec(**changes):
    base = {
        "profile": "current", "storage_type": "filesystem", "auth_enabled": False, "http_port": 3100,
        "grpc_port": 9095, "log_level": "info", "log_format": "logfmt", "data_dir": "/var/loki",
        "rules_dir": "/etc/loki/rules", "schema_configs": SCHEMA, "compaction_interval": "10m",
        "retention_delete_delay": "2h", "retention_period": "744h", "max_query_length": "721h",
        "max_entries_limit_per_query": "5000", "max_query_series": 500, "query_timeout": "2m",
        "max_query_parallelism": 32, "ingestion_rate_mb": 16, "ingestion_burst_size_mb": 32,
        "per_stream_rate_limit": "5MB", "per_stream_rate_limit_burst": "20MB", "max_global_streams_per_user": 10000,
        "max_line_size": "256KB", "reporting_enabled": False,
        "s3": {"endpoint": "s3.example.org", "bucket": "logs", "region": "eu", "force_path_style": True,
               "insecure": False},
        "s3_env": {"access_key_id": "KEY_ID", "secret_access_key": "SECRET"},
        "alertmanager_url": "", "overrides": {},
    }
    base.update(changes)
    return base


def test_the_single_process_config_with_retention_and_limits():
    config = build_config(spec())
    assert config["target"] == "all" and config["auth_enabled"] is False
    assert config["server"]["http_listen_port"] == 3100
    assert config["compactor"]["retention_enabled"] is True
    assert config["compactor"]["delete_request_store"] == "filesystem"
    assert config["limits_config"]["max_entries_limit_per_query"] == 5000
    assert config["storage_config"]["filesystem"] == {"directory": "/var/loki/chunks"}
    assert config["schema_config"] == {"configs": SCHEMA}
    assert "shared_store" not in config["compactor"] and "alertmanager_url" not in config["ruler"]


def test_seed_names_the_shared_store():
    config = build_config(spec(profile="seed"))
    assert config["storage_config"]["tsdb_shipper"]["shared_store"] == "filesystem"
    assert config["compactor"]["shared_store"] == "filesystem"


def test_s3_reads_its_keys_from_the_environment():
    config = build_config(spec(storage_type="s3", profile="seed"))
    aws = config["storage_config"]["aws"]
    assert aws["access_key_id"] == "${KEY_ID}" and aws["secret_access_key"] == "${SECRET}"
    assert aws["bucketnames"] == "logs" and aws["s3forcepathstyle"] is True
    assert "filesystem" not in config["storage_config"]
    assert config["compactor"]["shared_store"] == config["compactor"]["delete_request_store"] == "s3"


def test_the_ruler_sends_alerts_and_overrides_merge_key_by_key():
    config = build_config(spec(alertmanager_url="http://am:9093",
                               overrides={"limits_config": {"max_query_series": 1000}, "ruler": {"enable_api": False}}))
    assert config["ruler"]["alertmanager_url"] == "http://am:9093"
    assert config["ruler"]["enable_api"] is False and config["ruler"]["enable_alertmanager_v2"] is True
    assert config["limits_config"]["max_query_series"] == 1000
    assert config["limits_config"]["max_entries_limit_per_query"] == 5000


def test_the_filter_is_a_thin_door():
    loki_config = FilterModule().filters()["loki_config"]
    assert loki_config(spec()) == build_config(spec())
    with pytest.raises(AnsibleFilterError, match="loki_config: the settings lack the key 'data_dir'"):
        loki_config({k: v for k, v in spec().items() if k != "data_dir"})
