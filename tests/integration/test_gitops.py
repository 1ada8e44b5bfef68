"""GitOps: the list of Secrets beside the tree, the Secrets in the tree encrypted by the real sops, and
render-only runs that need no vault password.

The inventories here are copies of the examples with real vaulted values (ansible-vault encrypt_string), so a
run without the vault password fails wherever a value would be decrypted.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT, VENV_BIN, run_playbook
from real_tools import binary, pinned

pytestmark = pytest.mark.render

PASSWORD = "vault-pw-for-the-tests"
VALUES = {
    "grafana_admin_password": "Kn0wn-Gitops-Admin-Pw-77a1",
    "grafana_secret_key": "Kn0wn-Gitops-Secret-Key-5be2",
}
NTFY_URL = "https://ntfy.example.org/Kn0wn-Gitops-Topic-c3d4"


def _vaulted(value, password_file):
    """An inline `!vault |` value, indented to sit under a mapping key at ``indent``."""
    proc = subprocess.run([str(VENV_BIN / "ansible-vault"), "encrypt_string", "--vault-password-file",
                           str(password_file), value], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def vaulted_inventory(tmp_path, base, values, secret_data=None):
    """A copy of inventory/<base> with ``values`` (and alertmanager_secret_data) vaulted in group_vars/all/vault.yml."""
    password_file = tmp_path / "vault-password"
    password_file.write_text(PASSWORD + "\n")
    inventory = tmp_path / "inventory"
    shutil.copytree(ROOT / "inventory" / base, inventory)
    lines = ["---"]
    for name, value in values.items():
        lines.append("%s: %s" % (name, _vaulted(value, password_file)))
    if secret_data:
        lines.append("alertmanager_secret_data:")
        for secret, keys in secret_data.items():
            lines.append("  %s:" % secret)
            for key, value in keys.items():
                block = _vaulted(value, password_file).replace("\n", "\n    ")
                lines.append("    %s: %s" % (key, block))
    (inventory / "group_vars" / "all").mkdir(parents=True, exist_ok=True)
    (inventory / "group_vars" / "all" / "vault.yml").write_text("\n".join(lines) + "\n")
    return inventory, password_file


def all_text(folder):
    return {path: path.read_text(errors="replace") for path in sorted(folder.rglob("*")) if path.is_file()}


def secret_values():
    values = list(VALUES.values()) + [NTFY_URL]
    return values + [base64.b64encode(v.encode()).decode() for v in values]


def test_a_render_only_run_needs_no_vault_password(tmp_path):
    inventory, _password = vaulted_inventory(tmp_path, "dev", VALUES, {"alertmanager-ntfy": {"url": NTFY_URL}})
    run = run_playbook(tmp_path / "build", str(inventory))
    assert run.returncode == 0, run.output[-3000:]
    assert "no vault secrets" not in run.output
    files = all_text(tmp_path / "build")
    for value in secret_values():
        assert value not in run.output and not [p for p, text in files.items() if value in text]
    listing = (tmp_path / "build" / "dev-homelab" / "SECRETS.md").read_text()
    assert "## monitoring/alertmanager-ntfy" in listing and "`alertmanager_secret_data[alertmanager-ntfy][url]`" in listing


def test_the_apply_path_still_reads_the_vaulted_values(tmp_path):
    # Too short for grafana_admin_password: only a run that reads the value can tell.
    inventory, password = vaulted_inventory(tmp_path, "local", {"grafana_admin_password": "short-pw-1"})
    render_only = run_playbook(tmp_path / "render", str(inventory))
    assert render_only.returncode == 0, render_only.output[-3000:]

    without_password = run_playbook(tmp_path / "apply", str(inventory), {"monitoring_apply": True})
    assert without_password.returncode != 0
    assert "Attempting to decrypt but no vault secrets found" in without_password.output
    assert "Connect to the cluster" not in without_password.output
    assert not (tmp_path / "apply").exists(), "nothing is written before the values are read"

    with_password = run_playbook(tmp_path / "apply", str(inventory), {"monitoring_apply": True},
                                 args=("--vault-password-file", str(password)))
    assert with_password.returncode != 0
    flat = " ".join(with_password.output.split())
    assert 'grafana_admin_password is "(hidden)": it must have at least 12 characters' in flat
    assert "short-pw-1" not in with_password.output
    assert not (tmp_path / "apply").exists()


def test_the_secrets_file_lists_every_secret_the_tree_reads(render):
    run = render("prod")
    assert run.returncode == 0, run.output[-3000:]
    tree = run.build_dir / "prod-eu1"
    listing = (tree / "SECRETS.md").read_text()
    for secret in ("monitoring/grafana-admin", "monitoring/alertmanager-slack", "monitoring/alertmanager-pagerduty",
                   "monitoring/alertmanager-heartbeat", "monitoring/grafana-eu1-tls"):
        assert "## %s\n" % secret in listing, secret
    assert "- type: `kubernetes.io/tls`" in listing and "Ingress grafana: TLS certificate for grafana.eu1.example.com" in listing
    assert "`admin-password`: from `grafana_admin_password`; generated once on the cluster" in listing
    # The receivers' Secrets of prod have no alertmanager_secret_data: the user makes them.
    slack = listing.split("## monitoring/alertmanager-slack\n", 1)[1].split("\n## ", 1)[0]
    assert "made by: you" in slack and "`api-url`" in slack
    assert "SECRETS.md" not in (tree / "kustomization.yaml").read_text()
    assert not (tree / "secrets").exists()


def test_sops_writes_the_secrets_encrypted_and_a_second_run_changes_nothing(tmp_path):
    sops = binary("sops", pinned("sops")[0], "sops")
    keygen = binary("age", pinned("age")[0], "age-keygen")
    key_file = tmp_path / "age.key"
    subprocess.run([keygen, "-o", str(key_file)], capture_output=True, check=True)
    recipient = next(line.split(": ", 1)[1] for line in key_file.read_text().splitlines() if "public key" in line)
    inventory, password = vaulted_inventory(tmp_path, "dev", VALUES, {"alertmanager-ntfy": {"url": NTFY_URL}})
    build = tmp_path / "build"
    variables = {"monitoring_gitops_secrets": "sops", "monitoring_gitops_sops_age_recipients": [recipient],
                 "monitoring_gitops_sops_binary": sops}
    args = ("--vault-password-file", str(password), "-vvv")
    first = run_playbook(build, str(inventory), variables, args=args)
    assert first.returncode == 0, first.output[-3000:]
    tree = build / "dev-homelab"

    files = all_text(build)
    for value in secret_values():
        assert value not in first.output, "a secret value is in the -vvv output"
        assert [p for p, text in files.items() if value in text] == [], "a secret value is in the build tree"

    env = dict(os.environ, SOPS_AGE_KEY_FILE=str(key_file))
    decrypted = {}
    for path in sorted((tree / "secrets").glob("secret-*.yaml")):
        proc = subprocess.run([sops, "decrypt", str(path)], capture_output=True, text=True, env=env, check=True)
        secret = yaml.safe_load(proc.stdout)
        decrypted[secret["metadata"]["name"]] = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert decrypted == {
        "grafana-admin": {"admin-user": "admin", "admin-password": VALUES["grafana_admin_password"],
                          "secret-key": VALUES["grafana_secret_key"]},
        "alertmanager-ntfy": {"url": NTFY_URL},
    }
    assert "secrets" in yaml.safe_load((tree / "kustomization.yaml").read_text())["resources"]
    built = subprocess.run([str(VENV_BIN / "kubectl"), "kustomize", str(tree)], capture_output=True, text=True,
                           check=True).stdout
    secrets = [d for d in yaml.safe_load_all(built) if d and d["kind"] == "Secret"]
    assert sorted(s["metadata"]["name"] for s in secrets) == ["alertmanager-ntfy", "grafana-admin"]
    assert all("sops" in s and s["data"] for s in secrets)
    listing = (tree / "SECRETS.md").read_text()
    assert "in this tree, encrypted with SOPS: `secrets/secret-monitoring-grafana-admin.yaml`" in listing

    stamps = {p: os.stat(p).st_mtime_ns for p in files}
    second = run_playbook(build, str(inventory), variables, args=args[:2])
    assert second.returncode == 0, second.output[-3000:]
    assert {p: os.stat(p).st_mtime_ns for p in sorted(build.rglob("*")) if p.is_file()} == stamps
    assert "changed=0" in second.output


def test_sops_needs_a_value_for_every_key_and_writes_nothing_without(tmp_path):
    sops = binary("sops", pinned("sops")[0], "sops")
    recipient = "age1upcpn37vx7ekqsu6tgrrjhqp27kqzrgdk02d765zg8zm304zny3q9askd2"
    run = run_playbook(tmp_path / "build", "local", {"monitoring_gitops_secrets": "sops",
                                                     "monitoring_gitops_sops_age_recipients": [recipient],
                                                     "monitoring_gitops_sops_binary": sops})
    assert run.returncode != 0
    flat = " ".join(run.output.split())
    assert "Secret monitoring/grafana-admin key admin-password needs the variable grafana_admin_password" in flat
    assert "Secret monitoring/grafana-admin key secret-key needs the variable grafana_secret_key" in flat
    assert not (tmp_path / "build").exists() or list((tmp_path / "build").rglob("*")) == []
