"""Secrets made on the cluster from descriptions (module_utils/apply/secrets.py), on a real API server."""

from __future__ import annotations

import base64
import itertools
import json

import pytest
from cluster.real_api import MANAGER, adapter

from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.secrets import ensure_secrets

pytestmark = [pytest.mark.cluster, pytest.mark.usefixtures("stack_namespace")]


def grafana(names):
    return {"name": "grafana-admin", "namespace": names.ns, "labels": {"app.kubernetes.io/name": "grafana"},
            "keys": [{"key": "admin-user", "variable": "grafana_admin_user"},
                     {"key": "admin-password", "variable": "grafana_admin_password", "generate": True}]}


def receivers(names):
    return {"name": "alertmanager-receivers", "namespace": names.ns,
            "keys": [{"key": "slack-url", "variable": "alertmanager_slack_url"}]}


class Counter:
    def __init__(self):
        self.numbers = itertools.count(1)

    def __call__(self, length):
        return ("generated%d" % next(self.numbers)).ljust(length, "x")


def ensure(cluster, names, descriptions, variables, check_mode=False, keep_unset=False):
    return ensure_secrets(cluster, descriptions, variables, names.instance, MANAGER, "0.1.0",
                          check_mode=check_mode, generate=Counter(), keep_unset=keep_unset)


def value(cluster, names, name, key):
    return base64.b64decode(cluster.get("v1", "Secret", name, names.ns)["data"][key]).decode()


def test_created_from_variables_and_generated_values_with_the_ownership_labels(cluster, names):
    result = ensure(cluster, names, [grafana(names)], {"grafana_admin_user": "admin", "grafana_admin_password": ""})
    assert result["changed"]
    assert result["secrets"] == [{"namespace": names.ns, "name": "grafana-admin", "action": "created",
                                  "keys": ["admin-password", "admin-user"], "generated": ["admin-password"]}]
    assert value(cluster, names, "grafana-admin", "admin-user") == "admin"
    assert value(cluster, names, "grafana-admin", "admin-password").startswith("generated1")
    secret = cluster.get("v1", "Secret", "grafana-admin", names.ns)
    labels = secret["metadata"]["labels"]
    assert labels["app.kubernetes.io/instance"] == names.instance and labels["app.kubernetes.io/name"] == "grafana"
    assert secret["metadata"]["annotations"] == {"secrets.vmstation.io/generated-keys": "admin-password"}
    assert [e["manager"] for e in secret["metadata"]["managedFields"]] == [MANAGER]
    assert result["retain"] == [{"apiVersion": "v1", "kind": "Secret", "namespace": names.ns, "name": "grafana-admin"}]


def test_values_never_appear_in_the_result(cluster, names):
    result = ensure(cluster, names, [grafana(names), receivers(names)], {
        "grafana_admin_user": "admin", "grafana_admin_password": "pw-1",
        "alertmanager_slack_url": "https://hooks.example/T0"})
    text = json.dumps(result)
    assert "pw-1" not in text and "hooks.example" not in text and "YWRtaW4" not in text
    assert value(cluster, names, "alertmanager-receivers", "slack-url") == "https://hooks.example/T0"


def test_a_generated_value_is_never_overwritten(cluster, names):
    ensure(cluster, names, [grafana(names)], {"grafana_admin_user": "admin"})
    first = cluster.get("v1", "Secret", "grafana-admin", names.ns)
    again = ensure(cluster, names, [grafana(names)], {"grafana_admin_user": "admin"})
    assert again["changed"] is False and again["secrets"][0]["action"] == "unchanged"
    assert cluster.get("v1", "Secret", "grafana-admin", names.ns)["metadata"]["resourceVersion"] == (
        first["metadata"]["resourceVersion"]), "nothing was written"
    assert value(cluster, names, "grafana-admin", "admin-password") == base64.b64decode(
        first["data"]["admin-password"]).decode()


def test_a_value_from_a_variable_follows_the_variable(cluster, names):
    ensure(cluster, names, [receivers(names)], {"alertmanager_slack_url": "https://hooks.example/T0"})
    unchanged = ensure(cluster, names, [receivers(names)], {"alertmanager_slack_url": "https://hooks.example/T0"})
    assert unchanged["changed"] is False
    updated = ensure(cluster, names, [receivers(names)], {"alertmanager_slack_url": "https://hooks.example/T1"})
    assert updated["secrets"][0]["action"] == "updated"
    assert value(cluster, names, "alertmanager-receivers", "slack-url") == "https://hooks.example/T1"


def test_a_vaulted_password_replaces_a_generated_one_and_generation_resumes_without_it(cluster, names):
    ensure(cluster, names, [grafana(names)], {"grafana_admin_user": "admin"})
    ensure(cluster, names, [grafana(names)], {"grafana_admin_user": "admin", "grafana_admin_password": "from-vault"})
    assert value(cluster, names, "grafana-admin", "admin-password") == "from-vault"
    kept = ensure(cluster, names, [grafana(names)], {"grafana_admin_user": "admin"})
    assert kept["changed"] is False and value(cluster, names, "grafana-admin", "admin-password") == "from-vault"


def test_a_missing_variable_names_the_secret_key_and_variable_and_nothing_is_written(cluster, names):
    with pytest.raises(ValueError) as caught:
        ensure(cluster, names, [grafana(names), receivers(names)], {"grafana_admin_user": "admin"})
    assert ("Secret %s/alertmanager-receivers key slack-url needs the variable alertmanager_slack_url" % names.ns
            in str(caught.value))
    assert cluster.get("v1", "Secret", "grafana-admin", names.ns) is None


def test_a_rollback_keeps_the_cluster_value_of_a_key_whose_variable_is_unset(cluster, names):
    ensure(cluster, names, [grafana(names), receivers(names)], {
        "grafana_admin_user": "operator", "alertmanager_slack_url": "https://hooks.example/T0"})
    before = cluster.get("v1", "Secret", "grafana-admin", names.ns)["metadata"]["resourceVersion"]
    kept = ensure(cluster, names, [grafana(names), receivers(names)], {}, keep_unset=True)
    assert kept["changed"] is False
    assert value(cluster, names, "grafana-admin", "admin-user") == "operator"
    assert value(cluster, names, "alertmanager-receivers", "slack-url") == "https://hooks.example/T0"
    assert cluster.get("v1", "Secret", "grafana-admin", names.ns)["metadata"]["resourceVersion"] == before
    # A variable the rollback does set still wins; a key the cluster does not hold still fails.
    ensure(cluster, names, [receivers(names)], {"alertmanager_slack_url": "https://hooks.example/T1"}, keep_unset=True)
    assert value(cluster, names, "alertmanager-receivers", "slack-url") == "https://hooks.example/T1"
    other = {"name": "other", "namespace": names.ns, "keys": [{"key": "token", "variable": "other_token"}]}
    with pytest.raises(ValueError, match="Secret %s/other key token needs the variable other_token" % names.ns):
        ensure(cluster, names, [other], {}, keep_unset=True)


def test_a_secret_the_stack_does_not_own_is_never_touched(module_cluster, cluster, names):
    from kubernetes import client

    client.CoreV1Api(module_cluster.client()).create_namespaced_secret(names.ns, {
        "metadata": {"name": "grafana-admin"}, "type": "Opaque", "data": {"admin-user": "cm9vdA=="}})
    with pytest.raises(ValueError, match="already exists and does not belong to this stack"):
        ensure(cluster, names, [grafana(names)], {"grafana_admin_user": "admin"})
    assert cluster.get("v1", "Secret", "grafana-admin", names.ns)["data"] == {"admin-user": "cm9vdA=="}


def test_check_mode_writes_nothing_even_before_the_namespace_exists(module_cluster, names):
    cluster = adapter(module_cluster)
    elsewhere = dict(grafana(names), namespace=names.id + "-new")
    result = ensure(cluster, names, [elsewhere], {"grafana_admin_user": "admin"}, check_mode=True)
    assert result["secrets"][0]["action"] == "created"
    assert cluster.get("v1", "Namespace", elsewhere["namespace"]) is None


def test_a_key_can_come_from_inside_a_mapping_variable(cluster, names):
    hook = {"name": "am-hook", "namespace": names.ns,
            "keys": [{"key": "url", "variable": "alertmanager_secret_data", "path": ["am-hook", "url"]}]}
    ensure(cluster, names, [hook], {"alertmanager_secret_data": {"am-hook": {"url": "https://hooks.example.org/x"}}})
    assert value(cluster, names, "am-hook", "url") == "https://hooks.example.org/x"
    with pytest.raises(ValueError) as error:
        ensure(cluster, names, [dict(hook, name="am-hook-2")], {"alertmanager_secret_data": {"am-hook": {"uri": "x"}}})
    assert ("Secret %s/am-hook-2 key url needs the variable alertmanager_secret_data[am-hook][url]" % names.ns
            in str(error.value))
    assert cluster.get("v1", "Secret", "am-hook-2", names.ns) is None
