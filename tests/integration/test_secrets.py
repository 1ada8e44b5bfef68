"""Secret values never reach the build tree or the output, even at -vvv.

Every variable that carries a secret is set to a known value: Grafana's admin password and secret key,
its LDAP bind password and OAuth client secret, and the values of alertmanager_secret_data for every
Secret the inventory's receivers reference. (Loki's S3 keys are read from a Secret made outside the
collection, loki_s3_secret_name: no variable carries them.) Each example inventory is rendered with
-vvv, then the whole stack is applied with -vvv to a local control plane (scripts/local_cluster.py),
where the values must arrive in the Secrets and nowhere else.
"""

from __future__ import annotations

import base64
import re

import pytest
import yaml

from conftest import INVENTORIES, ROOT, run_playbook
from cluster.helpers import cluster_vars

pytestmark = pytest.mark.render

GRAFANA_SECRETS = {
    "grafana_admin_password": "Kn0wn-Admin-Pw-6f1c2d9e",
    "grafana_secret_key": "Kn0wn-Secret-Key-3a7b5e01",
    "grafana_ldap_bind_password": "Kn0wn-Ldap-Bind-94c2e7f3",
    "grafana_oauth_client_secret": "Kn0wn-Oauth-Cs-0d8e61b4",
}
# LDAP with a search bind and a confidential OAuth client: the two settings that need the secrets above.
AUTH = {
    "grafana_ldap_enabled": True,
    "grafana_ldap_host": "ldap.example.org",
    "grafana_ldap_bind_dn": "cn=grafana,ou=services,dc=example,dc=org",
    "grafana_ldap_search_base_dns": ["ou=people,dc=example,dc=org"],
    "grafana_oauth_enabled": True,
    "grafana_oauth_client_id": "grafana",
    "grafana_oauth_use_pkce": False,
    "grafana_oauth_auth_url": "https://sso.example.org/auth",
    "grafana_oauth_token_url": "https://sso.example.org/token",
    "grafana_oauth_api_url": "https://sso.example.org/userinfo",
    # Where the LDAP and OAuth servers live, for Grafana's egress policy.
    "grafana_auth_egress_cidrs": ["192.0.2.0/24"],
}


def referenced_secrets(value):
    """Every {secret, key} reference in a piece of inventory data."""
    if isinstance(value, dict):
        if set(value) == {"secret", "key"}:
            return [(value["secret"], value["key"])]
        return [ref for item in value.values() for ref in referenced_secrets(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in referenced_secrets(item)]
    return []


def alertmanager_secret_data(inventory):
    """A known value for every Secret key the inventory's Alertmanager receivers reference."""
    refs = []
    for path in sorted((ROOT / "inventory" / inventory).rglob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        refs.extend(referenced_secrets(data.get("alertmanager_receivers", [])))
    secret_data = {}
    for name, key in sorted(set(refs)):
        secret_data.setdefault(name, {})[key] = "Kn0wn-Am-%s-%s" % (name, key)
    return secret_data


def values_of(variables):
    found = [value for name, value in variables.items() if name in GRAFANA_SECRETS]
    for keys in variables.get("alertmanager_secret_data", {}).values():
        found.extend(keys.values())
    return found


def assert_nowhere(values, run, where):
    files = [path for path in run.build_dir.rglob("*") if path.is_file()]
    for value in values:
        assert value not in run.output, "%s: a secret value appears in the -vvv output" % where
        for path in files:
            assert value not in path.read_text(errors="replace"), "%s: a secret value appears in %s" % (where, path)
    return files


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_no_secret_of_an_example_inventory_reaches_the_build_tree_or_the_vvv_output(tmp_path, inventory):
    variables = {**AUTH, **GRAFANA_SECRETS, "alertmanager_secret_data": alertmanager_secret_data(inventory)}
    if inventory != "local":
        assert variables["alertmanager_secret_data"], "the example inventory references receiver Secrets"
    run = run_playbook(tmp_path / "build", inventory, variables, args=("-vvv",))
    assert run.returncode == 0, run.output[-4000:]
    # Validate and export run in the controller (no module EXEC lines on a local connection): "task path:" is
    # what -vv and above print for every task.
    assert run.output.count("task path: ") > 20, "the output is -vvv"
    files = assert_nowhere(values_of(variables), run, inventory)
    assert len(files) > 50, "the whole stack was exported"


@pytest.mark.cluster
def test_applying_the_secrets_shows_no_value_at_vvv(tmp_path, cluster_factory):
    from kubernetes import client

    cluster = cluster_factory("dev-local")
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    receivers = [{"name": "hook", "webhook_configs": [{"url": {"secret": "am-hook", "key": "url"}}]}]
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"dev": {"hosts": {"dev-local": {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        **cluster_vars(cluster), "monitoring_components": ["alertmanager", "grafana"], "monitoring_log_agent": "none",
        "alertmanager_receivers": receivers, "alertmanager_default_receiver": "hook",
        "alertmanager_notification_cidrs": ["192.0.2.0/24"]}}}}))
    hook_url = "https://hooks.example.org/Kn0wn-Am-Hook-5c3e"
    variables = {**AUTH, **GRAFANA_SECRETS, "alertmanager_secret_data": {"am-hook": {"url": hook_url}}}
    run = run_playbook(tmp_path / "build", str(inventory), variables, args=("-vvv",))
    assert run.returncode == 0, run.output[-6000:]
    assert re.search(r"dev-local\s*:\s*ok=\d+\s+changed=[1-9]", run.output), "the stack was applied"
    assert_nowhere(values_of(variables), run, "apply")
    core = client.CoreV1Api(cluster.client())
    stored = {}
    for name in ("grafana-admin", "grafana-auth", "am-hook"):
        secret = core.read_namespaced_secret(name, "monitoring")
        stored.update({k: base64.b64decode(v).decode() for k, v in (secret.data or {}).items()})
    assert stored["admin-password"] == GRAFANA_SECRETS["grafana_admin_password"]
    assert stored["ldap-bind-password"] == GRAFANA_SECRETS["grafana_ldap_bind_password"]
    assert stored["url"] == hook_url
