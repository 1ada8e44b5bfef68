"""loki.yaml built in Python (module_utils/render/loki.py, filter in plugins/plugin_utils/filters/component_config.py)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
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


def _s3(endpoint, cidrs=(), ports=(), **extra):
    from ansible_collections.vmstation.monitoring.plugins.module_utils.render.loki import s3_egress
    return s3_egress({"endpoint": endpoint, "cidrs": list(cidrs), "ports": list(ports), "namespace": "monitoring",
                      **extra})


def test_an_in_cluster_or_ip_object_store_is_allowed_without_ranges():
    assert _s3("minio.storage.svc:9000") == {"problems": [], "rules": [
        {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "storage"}}}],
         "ports": [{"protocol": "TCP", "port": 9000}]}]}
    assert _s3("10.0.0.5", insecure=True)["rules"] == [
        {"to": [{"ipBlock": {"cidr": "10.0.0.5/32"}}], "ports": [{"protocol": "TCP", "port": 80}]}]
    assert _s3("https://minio:9443")["rules"][0]["ports"] == [{"protocol": "TCP", "port": 9443}]


def test_an_object_store_by_name_needs_the_ranges_on_its_port_or_the_ports_given():
    missing = _s3("s3.eu-west-1.amazonaws.com")["problems"]
    assert len(missing) == 1 and missing[0].startswith("loki_s3_egress_cidrs is []: it must list the address ranges")
    assert "(s3.eu-west-1.amazonaws.com, port 443)" in missing[0]
    assert _s3("s3.example.org", own_rules=True)["problems"] == []
    assert _s3("s3.example.org", ["0.0.0.0/0"])["rules"] == [
        {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}]
    assert _s3("minio.storage.svc:9000", ["10.20.0.0/16"], [9000, 9001])["rules"] == [
        {"to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}],
         "ports": [{"protocol": "TCP", "port": 9000}, {"protocol": "TCP", "port": 9001}]}], "given ranges win"


def test_a_bad_endpoint_range_or_port_is_named():
    assert _s3("s3.example.org:0")["problems"][0].startswith('loki_s3_endpoint is "s3.example.org:0"')
    problems = _s3("s3.example.org", ["10.0.0.0/33"], [0])["problems"]
    assert [p.split(" is ")[0] for p in problems] == ["loki_s3_egress_cidrs[0]", "loki_s3_egress_ports[0]"]
