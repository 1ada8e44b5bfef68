"""The list of Secrets beside the tree and the SOPS layout (module_utils/export/secrets.py), without Ansible."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.export import secrets as tree_secrets
from ansible_collections.vmstation.monitoring.plugins.module_utils.export.kustomize import dump_yaml

ROOT = Path(__file__).resolve().parents[2]

DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "grafana", "namespace": "monitoring"},
              "spec": {"template": {"spec": {
                  "imagePullSecrets": [{"name": "registry"}],
                  "volumes": [{"name": "hooks", "secret": {"secretName": "am-hooks", "items": [{"key": "url", "path": "url"}]}},
                              {"name": "all", "projected": {"sources": [{"secret": {"name": "bundle"}}]}}],
                  "containers": [{"name": "grafana",
                                  "env": [{"name": "GF_SECURITY_ADMIN_PASSWORD",
                                           "valueFrom": {"secretKeyRef": {"name": "grafana-admin", "key": "admin-password"}}}],
                                  "envFrom": [{"secretRef": {"name": "extra-env"}}]}]}}}}
INGRESS = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "grafana", "namespace": "monitoring"},
           "spec": {"tls": [{"hosts": ["grafana.example.com"], "secretName": "grafana-tls"}]}}
HELD = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "extra-env", "namespace": "monitoring"}}
DESCRIPTION = {"name": "grafana-admin", "namespace": "monitoring", "type": "Opaque", "component": "grafana",
               "keys": [{"key": "admin-user", "variable": "grafana_admin_user"},
                        {"key": "admin-password", "variable": "grafana_admin_password", "generate": True, "length": 32}]}


def test_the_pinned_sops_and_the_age_key_pattern_are_the_ones_of_the_tools_and_the_preflight():
    tools = yaml.safe_load((ROOT / "scripts" / "tools.yml").read_text())
    assert tools["sops"]["versions"] == [tree_secrets.SOPS_VERSION]
    stack_vars = yaml.safe_load((ROOT / "roles" / "stack" / "vars" / "main.yml").read_text())
    assert stack_vars["_monitoring_age_recipient"] == tree_secrets.AGE_RECIPIENT.pattern


def test_the_inventory_joins_what_the_objects_read_and_what_the_descriptions_say():
    inventory = tree_secrets.secret_inventory([DEPLOYMENT, INGRESS, HELD], [DESCRIPTION])
    by_name = {item["name"]: item for item in inventory}
    assert sorted(by_name) == ["am-hooks", "bundle", "grafana-admin", "grafana-tls", "registry"]
    assert by_name["grafana-tls"]["type"] == "kubernetes.io/tls"
    assert [k["key"] for k in by_name["grafana-tls"]["keys"]] == ["tls.crt", "tls.key"]
    assert by_name["am-hooks"]["read_by"] == ["Deployment grafana: files of volume hooks"]
    admin = by_name["grafana-admin"]
    assert admin["made_by"] == "apply" and admin["read_by"] == ["Deployment grafana: env GF_SECURITY_ADMIN_PASSWORD"]
    assert admin["keys"][0] == {"key": "admin-password", "variable": "grafana_admin_password", "path": [],
                                "generated": True}
    assert by_name["bundle"]["made_by"] == "you" and by_name["bundle"]["keys"] == []
    with_sops = {item["name"]: item for item in tree_secrets.secret_inventory([DEPLOYMENT], [DESCRIPTION], sops=True)}
    assert with_sops["grafana-admin"]["made_by"] == "tree" and with_sops["extra-env"]["made_by"] == "you"
    assert not with_sops["grafana-admin"]["keys"][0]["generated"]


def test_the_markdown_is_the_same_for_the_same_input_and_names_variables():
    inventory = tree_secrets.secret_inventory([DEPLOYMENT, INGRESS], [DESCRIPTION])
    text = tree_secrets.secrets_markdown("lab", inventory)
    assert text == tree_secrets.secrets_markdown("lab", tree_secrets.secret_inventory([DEPLOYMENT, INGRESS], [DESCRIPTION]))
    assert "## monitoring/grafana-admin\n" in text
    assert "- `admin-password`: from `grafana_admin_password`; generated once on the cluster when that is empty" in text
    assert "TLS certificate for grafana.example.com" in text


def test_sops_lists_every_missing_value_and_every_bad_recipient_at_once():
    with pytest.raises(tree_secrets.SecretsError) as raised:
        tree_secrets.sops_files([DESCRIPTION], {"grafana_admin_user": "admin"}, ["age1short"], "i", "1",
                                {}, encrypt=None, dump=dump_yaml)
    message = str(raised.value)
    assert "'age1short', which is not an age public key" in message
    assert "Secret monitoring/grafana-admin key admin-password needs the variable grafana_admin_password" in message
    assert "admin-user" not in message


def test_sops_keeps_an_unchanged_file_and_encrypts_a_changed_one_again():
    recipients = ["age1upcpn37vx7ekqsu6tgrrjhqp27kqzrgdk02d765zg8zm304zny3q9askd2"]
    calls = []

    def encrypt(text, file_name):  # stands for sops here: what matters is when it is called
        calls.append(file_name)
        return "encrypted %d\n" % len(calls)

    values = {"grafana_admin_user": "admin", "grafana_admin_password": "a-long-password-1"}
    first = tree_secrets.sops_files([DESCRIPTION], values, recipients, "i", "1", {}, encrypt, dump_yaml)
    second = tree_secrets.sops_files([DESCRIPTION], values, recipients, "i", "1", first, encrypt, dump_yaml)
    assert second == first and len(calls) == 1
    changed = tree_secrets.sops_files([DESCRIPTION], dict(values, grafana_admin_password="another-password-2"),
                                      recipients, "i", "1", first, encrypt, dump_yaml)
    assert len(calls) == 2 and changed["secrets/secret-monitoring-grafana-admin.yaml"] == "encrypted 2\n"
    assert "a-long-password-1" not in "".join(first.values())
    assert yaml.safe_load(first["secrets/kustomization.yaml"])["resources"] == ["secret-monitoring-grafana-admin.yaml"]
