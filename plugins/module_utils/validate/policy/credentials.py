# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""K017: no credentials in ConfigMaps or in literal pod env values; they belong in Secrets.

A value counts as a credential when its key names one (password, token, secret, api key, access key,
private key, client secret, credentials, routing/service key, webhook URL; ``*_file`` and ``*_path`` keys
point to files and are fine), when it is a URL with a password (``https://user:pass@host``) or a PEM private
key. References are not credentials: ``${VAR}``, ``$VAR``, ``$__file{...}``, ``$__env{...}``, ``$(VAR)``,
``<secret>`` and Alloy expressions such as ``sys.env("X")`` or ``local.file.x.content``.
"""

from __future__ import annotations

import functools
import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.alertmanager_policy import credential_problems
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import alloy as alloy_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.configs import (
    alloy_literal,
    configs,
    guarded,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import as_dict, as_list
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import Finding, rule

_SECRET_ENDINGS = (
    ("password",), ("passwd",), ("secret",), ("token",), ("apikey",), ("api", "key"), ("access", "key"),
    ("secret", "key"), ("private", "key"), ("credentials",), ("credential",), ("routing", "key"),
    ("service", "key"), ("webhook", "url"),
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")
_URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@\"']+:([^/\s@\"']+)@", re.IGNORECASE)
_PEM_KEY = re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")
_TEXT_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(.*?)\s*$")
_REFERENCE = re.compile(r"^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$__\w+\{.*\}|\$\([A-Za-z_][A-Za-z0-9_]*\)"
                        r"|<secret>|\{\{.*\}\})$")

FIX = "move the value into a Secret and reference it (secretKeyRef in env, a *_file setting pointing to a mounted " \
      "Secret, or the program's environment variable expansion)"


@functools.lru_cache(maxsize=4096)
def _is_secret_name(name) -> bool:
    tokens = tuple(t for t in _SPLIT.split(_CAMEL.sub("_", name).lower()) if t)
    return any(tokens[-len(end):] == end for end in _SECRET_ENDINGS if len(tokens) >= len(end))


def secret_key(name) -> bool:
    """Does a key or variable name designate a credential?"""
    return _is_secret_name(str(name))


def literal(value) -> bool:
    """Is ``value`` a literal credential (not empty, not a reference to one)?"""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip().strip("\"'").strip()
    return bool(text) and not _REFERENCE.match(text)


def _url_password(text):
    match = _URL_PASSWORD.search(text)
    return bool(match) and literal(match.group(1))


def _walk(value, parts):
    """(path parts, key, value) for every scalar in a parsed YAML/JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                yield from _walk(item, parts + (str(key),))
            else:
                yield parts + (str(key),), str(key), item
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                yield from _walk(item, parts + (index,))
            else:
                yield parts + (index,), None, item


def _walk_alloy(items, path):
    """(path, attribute name, literal value or None) of every attribute in Alloy statements."""
    counts = {}
    for item in items:
        if isinstance(item, alloy_config.Block):
            if path:
                index = counts.get(item.name, 0)
                counts[item.name] = index + 1
                here = "%s.%s[%d]" % (path, item.name, index)
            else:
                here = "%s%s" % (item.name, '["%s"]' % item.label if item.label is not None else "")
            yield from _walk_alloy(item.body, here)
        else:
            yield "%s.%s" % (path, item.name) if path else item.name, item.name, alloy_literal(item)


def _config_findings(doc):
    obj = doc.obj
    if doc.kind in ("yaml", "json", "prometheus", "rules", "alertmanager", "loki", "promtail", "datasources",
                    "dashboard"):
        reported = set()
        if doc.kind == "alertmanager":
            # Alertmanager's own list of credential settings (module_utils/common/alertmanager.py).
            for inner, message, fix in guarded(doc, credential_problems, doc.content):
                reported.add(inner)
                yield Finding(obj, doc.join(inner), message, fix)
        for parts, key, value in _walk(doc.content, ()):
            if key is not None and secret_key(key) and literal(value):
                message = "%r holds a literal credential" % key
            elif isinstance(value, str) and _url_password(value):
                message = "a URL with a password in it"
            else:
                continue
            # The path is only spelled out for a finding: a dashboard has thousands of leaves.
            path = doc.at(*parts)
            if path[len(doc.at()) + 1:] not in reported:
                yield Finding(obj, path, message, FIX)
    elif doc.kind == "alloy":
        for path, name, value in _walk_alloy(doc.content, ""):
            if isinstance(value, str) and ((secret_key(name) and literal(value)) or _url_password(value)):
                yield Finding(obj, "%s.%s" % (doc.at(), path), "attribute %r holds a literal credential" % name,
                              "read it with sys.env(...) or local.file from a mounted Secret")
    else:
        field, key = doc.prefix
        if secret_key(key.rsplit(".", 1)[0]) and literal(doc.text):
            yield Finding(obj, doc.at(), "the key %r holds a literal credential" % key, FIX)
            return
        for number, line in enumerate(doc.text.splitlines(), 1):
            if line.lstrip().startswith(("#", ";", "//")):
                continue
            match = _TEXT_ASSIGNMENT.match(line)
            if match and secret_key(match.group(1)) and literal(match.group(2)):
                yield Finding(obj, doc.at(), "line %d sets %r to a literal credential" % (number, match.group(1)), FIX)
            elif _url_password(line):
                yield Finding(obj, doc.at(), "line %d holds a URL with a password in it" % number, FIX)
    if _PEM_KEY.search(doc.text):
        yield Finding(obj, doc.at(), "it holds a PEM private key", "put keys in a Secret of type kubernetes.io/tls")


@rule("K017", "No credentials in ConfigMaps or pod env values",
      why="ConfigMaps and pod specs are readable by everyone with view rights, land in git and in the build tree, "
          "and are printed by kubectl describe; Secrets are not, and can be encrypted at rest.",
      fix="Put credentials in a Secret; reference them with secretKeyRef, a mounted file or variable expansion.")
def k017_credentials(ctx):
    for doc in configs(ctx):
        if doc.obj.get("kind") == "ConfigMap":
            yield from _config_findings(doc)
    for wl in ctx.workloads:
        for c in wl.containers():
            for index, env in enumerate(as_list(c.spec.get("env"))):
                env = as_dict(env)
                value = env.get("value")
                if "value" not in env or not isinstance(value, str):
                    continue
                if (secret_key(env.get("name", "")) and literal(value)) or _url_password(value):
                    yield Finding(wl.obj, c.at("env", index, "value"),
                                  "env %r of container %r is a literal credential" % (env.get("name"), c.name),
                                  "use valueFrom.secretKeyRef (or envFrom a Secret)")
