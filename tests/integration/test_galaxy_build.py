"""`ansible-galaxy collection build` ships the collection and the example inventories, never a user's own.

The checkout's files (git ls-files) are copied to a temporary folder, a user's inventory with a vaulted file, an
export, caches and a vault file inside an example inventory are planted there, and the real ansible-galaxy builds
the tarball; its file list is then read back.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile

from conftest import INVENTORIES, ROOT, VENV_BIN

VAULTED = "$ANSIBLE_VAULT;1.1;AES256\n6162636465666768\n"
PLANTED = [
    "inventory/mylab/hosts.yml",
    "inventory/mylab/group_vars/all/vault.yml",
    "inventory/prod2/hosts.yml",
    "inventory/localhost/hosts.yml",
    "inventory/prod/group_vars/prod/vault.yml",
    "inventory/hosts.yml",
    "build/local/kustomization.yaml",
    "build/local/SECRETS.md",
    ".pytest_cache/v/cache/lastfailed",
    "plugins/module_utils/__pycache__/x.cpython-311.pyc",
    ".ansible/tmp/x",
    "site.retry",
    "tests/output/junit.xml",
    ".vault_pass.txt",
]


def _checkout_copy(dest):
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)


def test_the_tarball_holds_the_collection_and_the_examples_and_nothing_of_the_user(tmp_path):
    checkout = tmp_path / "checkout"
    _checkout_copy(checkout)
    for rel in PLANTED:
        (checkout / rel).parent.mkdir(parents=True, exist_ok=True)
        (checkout / rel).write_text(VAULTED if "vault" in rel else "planted\n")
    (checkout / ".venv").symlink_to(VENV_BIN.parent)  # as scripts/setup.sh leaves it
    out = tmp_path / "dist"
    proc = subprocess.run([str(VENV_BIN / "ansible-galaxy"), "collection", "build", str(checkout), "--output-path",
                           str(out)], capture_output=True, text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (tarball,) = out.glob("vmstation-monitoring-*.tar.gz")
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
        archive_files = {member.name: member.isfile() for member in archive.getmembers()}
    assert sorted(set(PLANTED) & names) == [], "planted files are in the tarball"
    assert sorted(n for n in names if n.split("/")[0] in {"build", ".venv", "collections", ".pytest_cache", ".ansible"}
                  or n.startswith(("inventory/mylab", "inventory/prod2", "inventory/localhost"))
                  or "__pycache__" in n or n.endswith((".retry", ".pyc"))) == []
    for inventory in INVENTORIES:
        assert "inventory/%s/hosts.yml" % inventory in names
    shipped = {n for n in names if n.startswith("inventory/") and archive_files.get(n)}
    expected = {str(p.relative_to(ROOT)) for p in (ROOT / "inventory").rglob("*") if p.is_file()}
    assert shipped == expected, "every file of the example inventories ships, and no other file of inventory/"
    for part in ("roles/stack/tasks/main.yml", "roles/grafana/meta/argument_specs.yml",
                 "plugins/modules/export_manifests.py", "plugins/module_utils/export/secrets.py",
                 "playbooks/site.yml", "site.yml", "MANIFEST.json", "README.md", "docs/gitops.md"):
        assert part in names, part
