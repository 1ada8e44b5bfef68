"""The Loki config checker: keys per version (2.9 and 3), removed keys, schema periods, retention, types."""

from __future__ import annotations

import copy

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import loki as loki_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, WARNING

BASE = {
    "auth_enabled": False,
    "server": {"http_listen_port": 3100, "grpc_listen_port": 9095, "log_level": "info"},
    "common": {"path_prefix": "/var/loki", "replication_factor": 1, "instance_addr": "127.0.0.1",
               "ring": {"kvstore": {"store": "inmemory"}}},
    "schema_config": {"configs": [{"from": "2024-01-01", "store": "tsdb", "object_store": "filesystem",
                                   "schema": "v13", "index": {"prefix": "index_", "period": "24h"}}]},
    "storage_config": {"filesystem": {"directory": "/var/loki/chunks"},
                       "tsdb_shipper": {"active_index_directory": "/var/loki/index",
                                        "cache_location": "/var/loki/cache"}},
    "compactor": {"working_directory": "/var/loki/compactor", "retention_enabled": True,
                  "delete_request_store": "filesystem"},
    "limits_config": {"retention_period": "744h", "max_query_length": "721h", "max_entries_limit_per_query": 5000,
                      "max_query_series": 500, "ingestion_rate_mb": 16},
    "ruler": {"storage": {"type": "local", "local": {"directory": "/etc/loki/rules"}}, "enable_api": True},
}


def good(version):
    config = copy.deepcopy(BASE)
    if version.startswith("2."):
        config["storage_config"]["tsdb_shipper"]["shared_store"] = "filesystem"
        config["compactor"]["shared_store"] = "filesystem"
    return config


def with_key(config, dotted, value):
    node = config
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return config


def errors(findings):
    return [f for f in findings if f.severity == ERROR]


def paths(findings, severity=ERROR):
    return [f.path for f in findings if f.severity == severity]


@pytest.mark.parametrize("version", ["2.9.4", "3.7.8", "3.0.0"])
def test_good_configs_pass(version):
    assert loki_config.check_config(good(version), version) == []


@pytest.mark.parametrize("key", [
    "compactor.shared_store",
    "compactor.shared_store_key_prefix",
    "storage_config.tsdb_shipper.shared_store",
    "storage_config.boltdb_shipper.use_boltdb_shipper_as_backup",
    "limits_config.enforce_metric_name",
    "ingester.max_transfer_retries",
    "chunk_store_config.max_look_back_period",
    "query_range.split_queries_by_interval",
    "frontend_worker.parallelism",
    "querier.engine.timeout",
    "storage_config.aws.sse_encryption",
])
def test_options_removed_in_loki_3_are_errors_there_and_fine_in_2_9(key):
    value = "filesystem" if "store" in key else 5
    findings = loki_config.check_config(with_key(good("3"), key, value), "3.7.8")
    assert key in paths(findings), findings
    removed = [f for f in findings if f.path == key][0]
    assert "removed in Loki 3.0" in removed.message and removed.fix
    assert key not in paths(loki_config.check_config(with_key(good("2.9"), key, value), "2.9.4"))


@pytest.mark.parametrize("key", [
    "pattern_ingester.enabled",
    "compactor.delete_request_store_key_prefix",
    "limits_config.discover_service_name",
    "limits_config.max_line_size_truncate_identifier",
    "ingester.wal.disk_full_threshold",
    "common.scratch_path",
])
def test_loki_3_options_are_unknown_to_2_9(key):
    value = {"limits_config.discover_service_name": ["service"], "ingester.wal.disk_full_threshold": 0.9}.get(key, "x")
    findings = loki_config.check_config(with_key(good("2.9"), key, value), "2.9.4")
    top = key.split(".")[0] if key.startswith("pattern_ingester") else key
    assert top in paths(findings), findings
    assert top not in paths(loki_config.check_config(with_key(good("3"), key, value), "3.7.8"))


def test_index_path_prefix_of_a_period_is_loki_3_only():
    config = good("2.9")
    config["schema_config"]["configs"][0]["index"]["path_prefix"] = "index/"
    assert "schema_config.configs[0].index.path_prefix" in paths(loki_config.check_config(config, "2.9.4"))
    config = good("3")
    config["schema_config"]["configs"][0]["index"]["path_prefix"] = "index/"
    assert errors(loki_config.check_config(config, "3.7.8")) == []


@pytest.mark.parametrize("version", ["2.9.4", "3.7.8"])
@pytest.mark.parametrize("key", ["limits_config.retention_peroid", "compactor.retention_enable", "typo_block",
                                 "ingester.wal.enable", "schema_config.configs"])
def test_misspelled_keys_are_errors_in_strict_blocks(version, key):
    config = good(version)
    if key == "schema_config.configs":
        config["schema_config"]["configs"][0]["shema"] = "v13"
        key = "schema_config.configs[0].shema"
    else:
        with_key(config, key, 1)
    findings = loki_config.check_config(config, version)
    assert key in paths(findings), findings


def test_every_loki_3_block_is_checked_whole_and_2_9_keys_are_named_as_such():
    # The Loki 3 key tree (loki_keys_3.py) is the pinned release's own: no block is checked leniently.
    config = with_key(good("3"), "frontend.not_an_option", 1)
    with_key(config, "limits_config.ruler_evaluation_delay_duration", "0s")
    with_key(config, "common.ring.kvstore.not_an_option", 1)
    findings = loki_config.check_config(config, "3.7.8")
    assert {"frontend.not_an_option", "common.ring.kvstore.not_an_option",
            "limits_config.ruler_evaluation_delay_duration"} <= set(paths(findings))
    noted = [f for f in findings if f.path == "limits_config.ruler_evaluation_delay_duration"]
    assert "Loki 2.9 option" in noted[0].message and "no longer has" in noted[0].message


@pytest.mark.parametrize(("key", "value"), [("common.replication_factor", "three"), ("common.instance_addr", ["a"]),
                                            ("common.ring.kvstore", "inmemory"), ("analytics.usage_stats_url", {}),
                                            ("server.http_tls_config.cert_file", [1])])
def test_loki_3_values_of_the_wrong_kind_are_errors(key, value):
    assert key in paths(loki_config.check_config(with_key(good("3"), key, value), "3.7.8"))


def test_a_schema_period_must_start_on_a_day_of_the_calendar():
    config = good("3")
    config["schema_config"]["configs"][0]["from"] = "2024-13-45"
    assert "schema_config.configs[0].from" in paths(loki_config.check_config(config, "3.7.8"))


def test_loki_3_needs_a_delete_request_store_when_retention_is_on():
    config = good("3")
    del config["compactor"]["delete_request_store"]
    assert "compactor.delete_request_store" in paths(loki_config.check_config(config, "3.7.8"))
    config["compactor"]["retention_enabled"] = False
    assert "compactor.delete_request_store" not in paths(loki_config.check_config(config, "3.7.8"))


def test_loki_3_needs_a_v13_tsdb_period_for_structured_metadata():
    config = good("3")
    config["schema_config"]["configs"][0]["schema"] = "v12"
    assert "schema_config.configs[0]" in paths(loki_config.check_config(config, "3.7.8"))
    config["limits_config"]["allow_structured_metadata"] = False
    assert errors(loki_config.check_config(config, "3.7.8")) == []
    # Loki 2.9 has structured metadata off by default: v12 is its documented schema.
    v12 = good("2.9")
    v12["schema_config"]["configs"][0]["schema"] = "v12"
    assert errors(loki_config.check_config(v12, "2.9.4")) == []


@pytest.mark.parametrize("change,path", [
    ({"period": "168h"}, "schema_config.configs[0].index.period"),
    ({"schema": "v14"}, "schema_config.configs[0].schema"),
    ({"store": "bolt"}, "schema_config.configs[0].store"),
    ({"from": "1st of May"}, "schema_config.configs[0].from"),
    ({"object_store": "s3"}, "schema_config.configs[0].object_store"),
])
def test_schema_periods_are_checked(change, path):
    config = good("3")
    period = config["schema_config"]["configs"][0]
    for key, value in change.items():
        (period["index"] if key == "period" else period)[key] = value
    assert path in paths(loki_config.check_config(config, "3.7.8"))


def test_periods_must_be_in_order_and_some_must_exist():
    config = good("3")
    later = copy.deepcopy(config["schema_config"]["configs"][0])
    config["schema_config"]["configs"].insert(0, dict(later, **{"from": "2025-01-01"}))
    assert "schema_config.configs[1].from" in paths(loki_config.check_config(config, "3.7.8"))
    config["schema_config"]["configs"] = []
    assert "schema_config.configs" in paths(loki_config.check_config(config, "3.7.8"))


def test_object_storage_block_satisfies_an_s3_period():
    config = good("3")
    config["schema_config"]["configs"][0]["object_store"] = "s3"
    config["compactor"]["delete_request_store"] = "s3"
    config["storage_config"]["aws"] = {"endpoint": "minio:9000", "bucketnames": "logs", "s3forcepathstyle": True,
                                       "access_key_id": "${S3_KEY}", "secret_access_key": "${S3_SECRET}"}
    assert loki_config.check_config(config, "3.7.8") == []
    config["storage_config"]["aws"]["bucket"] = "logs"
    assert "storage_config.aws.bucket" in paths(loki_config.check_config(config, "3.7.8"))


@pytest.mark.parametrize("key,value", [
    ("auth_enabled", "yes"),
    ("limits_config.retention_period", "31 days"),
    ("limits_config.max_query_series", "500"),
    ("limits_config.per_stream_rate_limit", "fast"),
    ("compactor.retention_enabled", "true"),
    ("server.log_level", "loud"),
    ("server.log_format", "text"),
    ("ruler.rule_path", ["a", "list"]),
    ("storage_config.tsdb_shipper.active_index_directory", {"a": "mapping"}),
])
def test_types_of_the_options_the_stack_sets(key, value):
    assert key in paths(loki_config.check_config(with_key(good("3"), key, value), "3.7.8"))


def test_environment_placeholders_are_accepted_for_any_type():
    config = with_key(good("3"), "limits_config.max_query_series", "${MAX_SERIES:-500}")
    assert errors(loki_config.check_config(config, "3.7.8")) == []


def test_version_keys():
    assert loki_config.version_key("2.9.4") == "2.9"
    assert loki_config.version_key("v3.7.8") == "3"
    assert loki_config.version_key("2.8.0") is None
    findings = loki_config.check_config(good("3"), "4.0.0")
    assert [f.severity for f in findings] == [WARNING]


def test_text_that_is_not_yaml_is_one_error():
    findings = loki_config.check_text("server: [unclosed", "3.7.8")
    assert len(findings) == 1 and findings[0].severity == ERROR


def configmap(text, version, name="loki"):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "loki", "namespace": "monitoring",
                         "labels": {"app.kubernetes.io/name": name, "app.kubernetes.io/version": version}},
            "data": {"loki.yaml": text}}


def test_violations_use_the_version_label_of_the_config_map():
    text = yaml.safe_dump(good("2.9"))
    assert loki_config.validate_objects([configmap(text, "2.9.4")]) == []
    found = loki_config.validate_objects([configmap(text, "3.7.8")])
    assert {v.path for v in found} == {'data[loki.yaml].compactor.shared_store',
                                       'data[loki.yaml].storage_config.tsdb_shipper.shared_store'}
    assert all(v.rule == "LOKI_CONFIG" and v.blocking and "Loki 3.7.8" in v.message for v in found)
    # Only the stack's Loki ConfigMaps are read.
    assert loki_config.validate_objects([configmap("not: [yaml", "3.7.8", name="other")]) == []
