# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The Secret descriptions the component roles give (facts ``__<component>_secrets``) and the Secret built
from one: shared by the apply phase, which makes them on the cluster (apply/secrets.py), and the export,
which lists them beside the tree and, for GitOps with SOPS, writes them encrypted (export/secrets.py).
The format of a description is documented in apply/secrets.py and docs/apply.md."""

from __future__ import annotations

import base64
import re
import string

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import (
    COMPONENT,
    INSTANCE,
    MANAGED_BY,
    MANAGED_BY_LABEL,
    NAME,
    PART_OF,
    PART_OF_LABEL,
    VERSION,
)

_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ALPHABET = string.ascii_letters + string.digits
DEFAULT_LENGTH = 32


def describe_secret(desc):
    return "Secret %s/%s" % (desc.get("namespace"), desc.get("name"))


def check_descriptions(descriptions):
    """Every problem of the descriptions, each naming the Secret and key."""
    errors, seen = [], {}
    for index, desc in enumerate(descriptions):
        if not isinstance(desc, dict):
            errors.append("secret description #%d is not a mapping" % index)
            continue
        where = describe_secret(desc)
        if not _DNS_SUBDOMAIN.match(str(desc.get("name") or "")):
            errors.append("%s: name must be a DNS subdomain" % where)
        if not _DNS_LABEL.match(str(desc.get("namespace") or "")):
            errors.append("%s: namespace must be a DNS label" % where)
        unknown = sorted(set(desc) - {"name", "namespace", "labels", "type", "keys", "component"})
        if unknown:
            errors.append("%s: unknown field(s) %s" % (where, ", ".join(unknown)))
        keys = desc.get("keys") or []
        if not keys:
            errors.append("%s: keys is empty" % where)
        names = [k.get("key") for k in keys if isinstance(k, dict)]
        if len(names) != len(set(names)):
            errors.append("%s: a key is listed twice" % where)
        for key in keys:
            if not isinstance(key, dict) or not _KEY.match(str(key.get("key") or "")):
                errors.append("%s: every key needs a key name (letters, digits, '-', '_', '.')" % where)
                continue
            kwhere = "%s key %s" % (where, key["key"])
            unknown = sorted(set(key) - {"key", "variable", "path", "generate", "length"})
            if unknown:
                errors.append("%s: unknown field(s) %s" % (kwhere, ", ".join(unknown)))
            if key.get("variable") is not None and not _VARIABLE.match(str(key["variable"])):
                errors.append("%s: variable %r is not a variable name" % (kwhere, key["variable"]))
            path = key.get("path", [])
            if not isinstance(path, list) or not all(isinstance(step, str) and step for step in path):
                errors.append("%s: path must be a list of key names" % kwhere)
            if key.get("variable") is None and not key.get("generate"):
                errors.append("%s: needs a variable, or generate: true" % kwhere)
            length = key.get("length", DEFAULT_LENGTH)
            if not isinstance(length, int) or not 16 <= length <= 128:
                errors.append("%s: length must be an integer from 16 to 128" % kwhere)
        identity = (desc.get("namespace"), desc.get("name"))
        if identity in seen and seen[identity] != desc:
            errors.append("%s is described twice, differently" % where)
        seen[identity] = desc
    return errors


def b64(text):
    return base64.b64encode(str(text).encode("utf-8")).decode("ascii")


def variable_value(variables, key):
    """The value of a key's variable, followed down its path; None when unset."""
    value = variables.get(key["variable"])
    for step in key.get("path") or []:
        value = value.get(step) if isinstance(value, dict) else None
    return value


def secret_body(desc, data, instance, version, annotations=None):
    """The Secret object of a description with ``data`` (key -> base64 value): the description's labels over
    the stack's own, then the ownership labels, which nothing overrides."""
    labels = {NAME: "vmstation-monitoring", COMPONENT: desc.get("component") or "secret", PART_OF_LABEL: PART_OF,
              MANAGED_BY_LABEL: MANAGED_BY, VERSION: version}
    labels.update(desc.get("labels") or {})
    labels.update({INSTANCE: instance, MANAGED_BY_LABEL: MANAGED_BY})
    meta = {"name": desc["name"], "namespace": desc["namespace"], "labels": labels}
    if annotations:
        meta["annotations"] = dict(annotations)
    return {"apiVersion": "v1", "kind": "Secret", "type": desc.get("type") or "Opaque", "metadata": meta,
            "data": data}
