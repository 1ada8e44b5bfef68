"""Secrets made on the cluster from descriptions (module_utils/k8s_secrets.py)."""

from __future__ import annotations

import base64
import itertools
import json

import pytest
from k8s_fake import INSTANCE_NAME, FakeCluster, owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.k8s_secrets import (
    check_descriptions,
    ensure_secrets,
    generate_value,
)

NS = "monitoring"
GRAFANA = {"name": "grafana-admin", "namespace": NS, "labels": {"app.kubernetes.io/name": "grafana"},
           "keys": [{"key": "admin-user", "variable": "grafana_admin_user"},
                    {"key": "admin-password", "variable": "grafana_admin_password", "generate": True}]}
RECEIVERS = {"name": "alertmanager-receivers", "namespace": NS,
             "keys": [{"key": "slack-url", "variable": "alertmanager_slack_url"}]}


class Counter:
    def __init__(self):
        self.numbers = itertools.count(1)

    def __call__(self, length):
        return ("generated%d" % next(self.numbers)).ljust(length, "x")


def ensure(cluster, descriptions, variables, check_mode=False, generate=None):
    return ensure_secrets(cluster, descriptions, variables, INSTANCE_NAME, "vmstation-monitoring", "0.1.0",
                          check_mode=check_mode, generate=generate or Counter())


def value(cluster, name, key):
    return base64.b64decode(cluster.find("Secret", name, NS)["data"][key]).decode()


def test_descriptions_are_checked_all_at_once():
    errors = check_descriptions([
        {"name": "Bad_Name", "namespace": NS, "keys": [{"key": "a", "variable": "x"}]},
        {"name": "ok", "namespace": NS, "keys": [{"key": "a"}, {"key": "b", "variable": "1x"},
                                                  {"key": "c", "generate": True, "length": 8}], "value": "oops"},
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


def test_created_from_variables_and_generated_values_with_the_ownership_labels():
    cluster = FakeCluster([owned("Namespace", NS)])
    result = ensure(cluster, [GRAFANA], {"grafana_admin_user": "admin", "grafana_admin_password": ""})
    assert result["changed"]
    assert result["secrets"] == [{"namespace": NS, "name": "grafana-admin", "action": "created",
                                  "keys": ["admin-password", "admin-user"], "generated": ["admin-password"]}]
    assert value(cluster, "grafana-admin", "admin-user") == "admin"
    assert value(cluster, "grafana-admin", "admin-password").startswith("generated1")
    secret = cluster.find("Secret", "grafana-admin", NS)
    labels = secret["metadata"]["labels"]
    assert labels["app.kubernetes.io/instance"] == INSTANCE_NAME and labels["app.kubernetes.io/name"] == "grafana"
    assert secret["metadata"]["annotations"] == {"secrets.vmstation.io/generated-keys": "admin-password"}
    assert result["retain"] == [{"apiVersion": "v1", "kind": "Secret", "namespace": NS, "name": "grafana-admin"}]


def test_values_never_appear_in_the_result():
    cluster = FakeCluster([owned("Namespace", NS)])
    result = ensure(cluster, [GRAFANA, RECEIVERS], {"grafana_admin_user": "admin", "grafana_admin_password": "pw-1",
                                                    "alertmanager_slack_url": "https://hooks.example/T0"})
    text = json.dumps(result)
    assert "pw-1" not in text and "hooks.example" not in text and "YWRtaW4" not in text


def test_a_generated_value_is_never_overwritten():
    cluster = FakeCluster([owned("Namespace", NS)])
    ensure(cluster, [GRAFANA], {"grafana_admin_user": "admin"})
    first = value(cluster, "grafana-admin", "admin-password")
    again = ensure(cluster, [GRAFANA], {"grafana_admin_user": "admin"})
    assert again["changed"] is False and again["secrets"][0]["action"] == "unchanged"
    assert value(cluster, "grafana-admin", "admin-password") == first


def test_a_value_from_a_variable_follows_the_variable():
    cluster = FakeCluster([owned("Namespace", NS)])
    ensure(cluster, [RECEIVERS], {"alertmanager_slack_url": "https://hooks.example/T0"})
    unchanged = ensure(cluster, [RECEIVERS], {"alertmanager_slack_url": "https://hooks.example/T0"})
    assert unchanged["changed"] is False
    updated = ensure(cluster, [RECEIVERS], {"alertmanager_slack_url": "https://hooks.example/T1"})
    assert updated["secrets"][0]["action"] == "updated"
    assert value(cluster, "alertmanager-receivers", "slack-url") == "https://hooks.example/T1"


def test_a_vaulted_password_replaces_a_generated_one_and_generation_resumes_without_it():
    cluster = FakeCluster([owned("Namespace", NS)])
    ensure(cluster, [GRAFANA], {"grafana_admin_user": "admin"})
    ensure(cluster, [GRAFANA], {"grafana_admin_user": "admin", "grafana_admin_password": "from-vault"})
    assert value(cluster, "grafana-admin", "admin-password") == "from-vault"
    kept = ensure(cluster, [GRAFANA], {"grafana_admin_user": "admin"})
    assert kept["changed"] is False and value(cluster, "grafana-admin", "admin-password") == "from-vault"


def test_a_missing_variable_names_the_secret_key_and_variable_and_nothing_is_written():
    cluster = FakeCluster([owned("Namespace", NS)])
    with pytest.raises(ValueError) as caught:
        ensure(cluster, [GRAFANA, RECEIVERS], {"grafana_admin_user": "admin"})
    assert ("Secret monitoring/alertmanager-receivers key slack-url needs the variable alertmanager_slack_url"
            in str(caught.value))
    assert cluster.find("Secret", "grafana-admin", NS) is None


def test_a_secret_the_stack_does_not_own_is_never_touched():
    cluster = FakeCluster([owned("Namespace", NS), {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                                                    "metadata": {"name": "grafana-admin", "namespace": NS}}])
    with pytest.raises(ValueError, match="already exists and does not belong to this stack"):
        ensure(cluster, [GRAFANA], {"grafana_admin_user": "admin"})


def test_check_mode_writes_nothing_even_before_the_namespace_exists():
    cluster = FakeCluster()
    result = ensure(cluster, [GRAFANA], {"grafana_admin_user": "admin"}, check_mode=True)
    assert result["secrets"][0]["action"] == "created" and cluster.store == {}


def test_generated_values_are_long_and_random():
    values = {generate_value(32) for _ in range(50)}
    assert len(values) == 50 and all(len(v) == 32 and v.isalnum() for v in values)


def test_a_key_can_come_from_inside_a_mapping_variable():
    hook = {"name": "am-hook", "namespace": NS,
            "keys": [{"key": "url", "variable": "alertmanager_secret_data", "path": ["am-hook", "url"]}]}
    cluster = FakeCluster([owned("Namespace", NS)])
    ensure(cluster, [hook], {"alertmanager_secret_data": {"am-hook": {"url": "https://hooks.example.org/x"}}})
    assert value(cluster, "am-hook", "url") == "https://hooks.example.org/x"
    with pytest.raises(ValueError) as error:
        ensure(FakeCluster(), [hook], {"alertmanager_secret_data": {"am-hook": {"uri": "x"}}})
    assert "Secret monitoring/am-hook key url needs the variable alertmanager_secret_data[am-hook][url]" in str(error.value)
    assert check_descriptions([dict(hook, keys=[dict(hook["keys"][0], path="am-hook")])]) == [
        "Secret monitoring/am-hook key url: path must be a list of key names"]
