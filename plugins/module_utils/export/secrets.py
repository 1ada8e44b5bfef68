# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The Secrets the exported tree needs but does not hold, listed beside it, and (GitOps with SOPS) written
into it encrypted.

``secret_inventory`` joins two sources: the Secrets the objects read (pod volumes, env and envFrom, image pull
Secrets, Ingress TLS) and the descriptions of the Secrets the collection makes (``__<component>_secrets``,
common/secrets.py), which say where each key's value comes from. ``secrets_markdown`` writes that list as
``SECRETS.md``: names, namespaces, keys, readers, variables; never a value.

``sops_files`` (``monitoring_gitops_secrets: sops``) writes each described Secret into ``secrets/``, its
``data`` encrypted by the real ``sops`` for age recipients, with a ``kustomization.yaml`` listing them.
SOPS encrypts with a fresh data key each time, so a file is encrypted again only when what it holds
changes: ``secrets/digests.json`` keeps, per file, a salted scrypt digest of the clear Secret and the
recipients (a slow hash, as for stored passwords, never the value itself).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import tempfile

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import tool_cache
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.objects import pod_spec
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.secrets import (
    b64,
    describe_secret,
    check_descriptions,
    secret_body,
    variable_value,
)

SECRETS_FILE = "SECRETS.md"
SOPS_FOLDER = "secrets"
DIGESTS_FILE = SOPS_FOLDER + "/digests.json"
# The pinned build of scripts/tools.yml (tests/unit/test_gitops_secrets.py keeps the two equal).
SOPS_VERSION = "v3.13.3"
# Only the values are encrypted: names, labels and the kind stay readable in reviews, as Flux's guide advises.
ENCRYPTED_REGEX = "^(data|stringData)$"
AGE_RECIPIENT = re.compile(r"^age1[02-9ac-hj-np-z]{58}$")
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


class SecretsError(Exception):
    """The Secrets cannot be written as asked; the message says what to fix."""


def _references(obj):
    """(Secret name, keys read or None for all, type or None, how it is read) for one object."""
    found = []
    if obj.get("kind") == "Ingress":
        for tls in (obj.get("spec") or {}).get("tls") or []:
            if tls.get("secretName"):
                found.append((tls["secretName"], ["tls.crt", "tls.key"], "kubernetes.io/tls",
                              "TLS certificate for %s" % ", ".join(tls.get("hosts") or ["its hosts"])))
        return found
    pod = pod_spec(obj)
    if not pod:
        return found
    for pull in pod.get("imagePullSecrets") or []:
        found.append((pull.get("name"), None, "kubernetes.io/dockerconfigjson", "image pull credentials"))
    for volume in pod.get("volumes") or []:
        sources = [dict(volume["secret"], name=volume["secret"].get("secretName"))] if volume.get("secret") else []
        sources += [s["secret"] for s in (volume.get("projected") or {}).get("sources") or [] if s.get("secret")]
        for source in sources:
            keys = [item["key"] for item in source.get("items") or []] or None
            found.append((source.get("name"), keys, None, "files of volume %s" % volume.get("name")))
    for container in (pod.get("initContainers") or []) + (pod.get("containers") or []):
        for env in container.get("env") or []:
            ref = (env.get("valueFrom") or {}).get("secretKeyRef")
            if ref:
                found.append((ref.get("name"), [ref.get("key")], None, "env %s" % env.get("name")))
        for env_from in container.get("envFrom") or []:
            if env_from.get("secretRef"):
                found.append((env_from["secretRef"].get("name"), None, None, "env of every key"))
    return [ref for ref in found if ref[0]]


def secret_inventory(objects, descriptions, sops=False):
    """Every Secret the tree needs and does not hold as a plain object, sorted by namespace and name:
    ``{namespace, name, type, keys: [{key, variable, path, generated}], read_by: [...], made_by}``,
    ``made_by`` being ``tree`` (encrypted in secrets/), ``apply`` (the apply phase) or ``you``."""
    entries = {}

    def entry(namespace, name):
        return entries.setdefault((namespace, name), {"namespace": namespace, "name": name, "type": None,
                                                      "keys": {}, "read_by": [], "made_by": "you"})

    held = {(o.get("metadata", {}).get("namespace"), o.get("metadata", {}).get("name"))
            for o in objects if o.get("kind") == "Secret"}
    for obj in objects:
        meta = obj.get("metadata") or {}
        for name, keys, kind, how in _references(obj):
            if (meta.get("namespace"), name) in held:
                continue
            item = entry(meta.get("namespace"), name)
            item["type"] = item["type"] or kind
            for key in keys or []:
                item["keys"].setdefault(key, {"key": key})
            item["read_by"].append("%s %s: %s" % (obj["kind"], meta.get("name"), how))
    for desc in descriptions:
        item = entry(desc["namespace"], desc["name"])
        item["type"] = desc.get("type") or item["type"]
        item["made_by"] = "tree" if sops else "apply"
        for key in desc["keys"]:
            item["keys"][key["key"]] = {"key": key["key"], "variable": key.get("variable"),
                                        "path": list(key.get("path") or []),
                                        "generated": bool(key.get("generate")) and not sops}
    out = []
    for (_namespace, _name), item in sorted(entries.items(), key=lambda pair: (str(pair[0][0]), str(pair[0][1]))):
        item["type"] = item["type"] or "Opaque"
        item["keys"] = [item["keys"][k] for k in sorted(item["keys"])]
        item["read_by"] = sorted(set(item["read_by"]))
        out.append(item)
    return out


def sops_file_name(namespace, name):
    return "secret-%s-%s.yaml" % (namespace, name)


_MADE_BY = {
    "apply": "the apply phase (`monitoring_apply: true`), from the variables below. For GitOps, make it yourself "
             "or set `monitoring_gitops_secrets: sops` (docs/gitops.md).",
    "you": "you: the collection does not make it (kubectl, External Secrets, Sealed Secrets, cert-manager for a "
           "TLS Secret). The pods that read it do not start until it exists.",
}


def _key_line(key):
    if not key.get("variable"):
        return "- `%s`" % key["key"]
    source = "`%s%s`" % (key["variable"], "".join("[%s]" % step for step in key["path"]))
    extra = "; generated once on the cluster when that is empty" if key["generated"] else ""
    return "- `%s`: from %s%s" % (key["key"], source, extra)


def secrets_markdown(cluster, inventory, sops=False):
    """SECRETS.md: the Secrets the tree of ``cluster`` needs, by name; never a value."""
    lines = [
        "# Secrets the tree of %s needs" % cluster,
        "",
        "Written by the vmstation.monitoring export from the inventory; the next export rewrites it. It names",
        "Secrets, keys and variables, never a value, and is not a Kustomize resource. See docs/gitops.md.",
        "",
    ]
    if sops:
        lines += ["The Secrets marked \"in this tree\" are in `%s/`, their values encrypted with SOPS; the root" % SOPS_FOLDER,
                  "kustomization lists that folder, so whatever applies the tree must decrypt them (Flux: `decryption`).", ""]
    if not inventory:
        lines += ["The tree reads no Secret.", ""]
    for item in inventory:
        if item["made_by"] == "tree":
            where = "%s/%s" % (SOPS_FOLDER, sops_file_name(item["namespace"], item["name"]))
            made_by = "in this tree, encrypted with SOPS: `%s`." % where
        else:
            made_by = _MADE_BY[item["made_by"]]
        lines += ["## %s/%s" % (item["namespace"], item["name"]), "",
                  "- type: `%s`" % item["type"],
                  "- made by: %s" % made_by]
        if item["read_by"]:
            lines.append("- read by:")
            lines += ["  - %s" % reader for reader in item["read_by"]]
        lines.append("- keys:" if item["keys"] else "- keys: all it holds")
        lines += ["  " + _key_line(key) for key in item["keys"]]
        lines.append("")
    return "\n".join(lines)


def find_sops(binary=""):
    """The sops program: ``binary`` when given, else the pinned build of scripts/tools.py, else sops on PATH."""
    if binary:
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            raise SecretsError("monitoring_gitops_sops_binary is %s, which is not an executable file" % binary)
        return binary
    found = tool_cache.find_binary("sops", SOPS_VERSION, "sops") or shutil.which("sops")
    if not found:
        raise SecretsError(
            "monitoring_gitops_secrets is sops but no sops program is found: install sops 3 on PATH, or set "
            "monitoring_gitops_sops_binary, or in a checkout run scripts/tools.py --only sops")
    return found


def sops_encryptor(binary, recipients):
    """A function clear YAML text -> the text encrypted by sops for the age ``recipients``; the clear text goes
    through a pipe, never a file."""
    def encrypt(text, file_name):
        with tempfile.TemporaryDirectory(prefix="vmstation-sops-") as work:
            # Its own config, whose one rule names the recipients: a .sops.yaml of the user's checkout must not apply.
            config = os.path.join(work, "sops.yaml")
            with open(config, "w", encoding="utf-8") as handle:
                json.dump({"creation_rules": [{"age": ",".join(recipients), "encrypted_regex": ENCRYPTED_REGEX}]},
                          handle)
            proc = subprocess.run(
                [binary, "--config", config, "encrypt", "--input-type", "yaml", "--output-type", "yaml",
                 "--filename-override", file_name, "/dev/stdin"],
                input=text, capture_output=True, text=True, cwd=work, check=False, timeout=120)
        if proc.returncode:
            raise SecretsError("sops (%s) cannot encrypt %s: %s" % (binary, file_name, proc.stderr.strip()))
        return proc.stdout
    return encrypt


def _digest(clear, recipients, salt):
    material = (clear + "\0" + ",".join(sorted(recipients))).encode("utf-8")
    return hashlib.scrypt(material, salt=salt, dklen=32, **_SCRYPT).hex()


def _unchanged(stamp, clear, recipients):
    try:
        scheme, salt, digest = str(stamp).split(":")
        return scheme == "scrypt" and hmac.compare_digest(_digest(clear, recipients, bytes.fromhex(salt)), digest)
    except ValueError:
        return False


def sops_files(descriptions, variables, recipients, instance, version, existing, encrypt, dump):
    """The files of ``secrets/`` (relative to the tree): one encrypted Secret per description, its
    kustomization.yaml and digests.json. ``existing``: path -> content of the tree's current files;
    ``encrypt(text, file name)``; ``dump``: the tree's YAML writer. Raises SecretsError listing every key
    without a value (no generated value can live in git: it would change at each export)."""
    errors = check_descriptions(descriptions)
    if not recipients:
        errors.append("monitoring_gitops_sops_age_recipients is empty: give the age public key(s) that may decrypt")
    errors += ["monitoring_gitops_sops_age_recipients holds %r, which is not an age public key (age1...)" % r
               for r in recipients if not AGE_RECIPIENT.match(str(r))]
    planned = []
    for desc in descriptions:
        if any((desc["namespace"], desc["name"]) == (d["namespace"], d["name"]) for d in planned):
            continue
        data = {}
        for key in desc["keys"]:
            value = variable_value(variables, key) if key.get("variable") else None
            if value is None or str(value) == "":
                where = "".join("[%s]" % step for step in key.get("path") or [])
                errors.append("%s key %s needs the variable %s%s: with monitoring_gitops_secrets: sops every value "
                              "lives in git, encrypted, and none is generated; set it (vault it: ansible-vault "
                              "encrypt_string --name %s)" % (describe_secret(desc), key["key"], key.get("variable"),
                                                             where, key.get("variable")))
                continue
            data[key["key"]] = b64(value)
        planned.append(dict(desc, data=data))
    if errors:
        raise SecretsError("No file was written:\n" + "\n".join("  - " + e for e in errors))
    try:
        stamps = json.loads(existing.get(DIGESTS_FILE) or "{}")
    except ValueError:
        stamps = {}
    files, digests = {}, {}
    for desc in planned:
        file_name = sops_file_name(desc["namespace"], desc["name"])
        rel = "%s/%s" % (SOPS_FOLDER, file_name)
        body = secret_body(desc, desc["data"], instance, version)
        clear = dump(body)
        if existing.get(rel) and _unchanged(stamps.get(file_name), clear, recipients):
            files[rel], digests[file_name] = existing[rel], stamps[file_name]
            continue
        salt = os.urandom(16)
        files[rel] = encrypt(clear, file_name)
        digests[file_name] = "scrypt:%s:%s" % (salt.hex(), _digest(clear, recipients, salt))
    files["%s/kustomization.yaml" % SOPS_FOLDER] = dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
        "resources": sorted(rel.split("/", 1)[1] for rel in files)})
    files[DIGESTS_FILE] = json.dumps(digests, indent=2, sort_keys=True) + "\n"
    return files
