"""Secret descriptions and values (module_utils/apply/secrets.py); on a cluster: tests/cluster/test_api_secrets.py."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.secrets import (
    check_descriptions,
    generate_value,
)

NS = "monitoring"


def test_descriptions_are_checked_all_at_once():
    errors = check_descriptions([
        {"name": "Bad_Name", "namespace": NS, "keys": [{"key": "a", "variable": "x"}]},
        {"name": "ok", "namespace": NS,
         "keys": [{"key": "a"}, {"key": "b", "variable": "1x"}, {"key": "c", "generate": True, "length": 8}],
         "value": "oops"},
        {"name": "empty", "namespace": NS, "keys": []},
    ])
    assert errors == [
        "Secret monitoring/Bad_Name: name must be a DNS subdomain",
        "Secret monitoring/ok: unknown field(s) value",
        "Secret monitoring/ok key a: needs a variable, or generate: true",
        "Secret monitoring/ok key b: variable '1x' is not a variable name",
        "Secret monitoring/ok key c: length must be an integer from 16 to 128",
        "Secret monitoring/empty: keys is empty",
    ]


def test_generated_values_are_long_and_random():
    values = {generate_value(32) for _value in range(50)}
    assert len(values) == 50 and all(len(v) == 32 and v.isalnum() for v in values)


def test_a_key_path_must_be_a_list():
    hook = {"name": "am-hook", "namespace": NS,
            "keys": [{"key": "url", "variable": "alertmanager_secret_data", "path": "am-hook"}]}
    assert check_descriptions([hook]) == ["Secret monitoring/am-hook key url: path must be a list of key names"]
