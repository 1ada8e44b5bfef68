# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The configs objects carry, recognised by content (not by key name) and parsed once per run.

ConfigMap ``data``, Secret ``stringData`` and ``data`` (base64) values are sniffed:

| kind         | recognised by                                                                 |
| ------------ | ----------------------------------------------------------------------------- |
| prometheus   | YAML with ``scrape_configs``, or ``global`` with scrape/evaluation settings    |
| rules        | YAML with a top-level ``groups`` list whose entries have ``rules``             |
| alertmanager | YAML with ``route`` and ``receivers``                                          |
| loki         | YAML with ``schema_config`` or ``limits_config``                               |
| promtail     | YAML with ``scrape_configs`` and ``clients`` or ``positions``                  |
| datasources  | YAML with a ``datasources`` list (Grafana provisioning)                        |
| dashboard    | JSON object with a ``panels`` list (Grafana dashboard)                         |
| alloy        | Alloy syntax (key ending in .alloy/.river, or ``name.sub "label" {`` blocks),  |
|              | parsed with the collection's Alloy parser (module_utils/validate/configs/alloy.py)      |
| yaml, json   | other parseable structured data                                               |
| text         | anything else                                                                 |

A PrometheusRule custom resource carries a rule file in ``spec``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import alloy as alloy_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import iter_yaml_documents
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import as_dict, as_list
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.paths import json_path
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import CONFIG, Finding
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import WARNING

_YAML_KEY_LINE = re.compile(r"^[A-Za-z_][\w.-]*:(\s|$)", re.MULTILINE)
# A top-level Alloy block: `name.sub "label" {` at the start of a line.
_ALLOY_BLOCK = re.compile(r'^\s*[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+\s*("[^"\n]*"\s*)?\{', re.MULTILINE)


@dataclass
class ConfigDoc:
    obj: dict  # the object carrying it (its annotations carry waivers)
    prefix: tuple  # path parts to the config inside the object: ("data", "prometheus.yml") or ("spec",)
    kind: str
    content: object  # parsed: dict/list for YAML and JSON, Alloy statements (alloy_config.parse), str for text
    text: str

    def at(self, *parts) -> str:
        """A path inside the config; the data key is always quoted: ``data["DB_PASSWORD"].x``."""
        if parts:
            return self.join(json_path(*parts))
        if len(self.prefix) == 2:
            return "%s[%s]" % (self.prefix[0], json.dumps(self.prefix[1]))
        return json_path(*self.prefix)

    def join(self, inner) -> str:
        """The path of ``inner`` (a path string relative to the config, possibly empty) inside the object."""
        base = self.at()
        if not inner:
            return base
        return base + (inner if inner.startswith("[") else "." + inner)


def classify(data) -> str:
    """What a parsed YAML config is: rules, alertmanager, loki, promtail, prometheus, datasources or yaml."""
    if not isinstance(data, dict):
        return "yaml"
    groups = data.get("groups")
    if isinstance(groups, list) and all(isinstance(g, dict) and "rules" in g for g in groups):
        return "rules"
    if "route" in data and "receivers" in data:
        return "alertmanager"
    # Promtail first: its config may carry a limits_config block of its own.
    if "scrape_configs" in data and ("clients" in data or "positions" in data):
        return "promtail"
    if "schema_config" in data or "limits_config" in data:
        return "loki"
    if "scrape_configs" in data or (isinstance(data.get("global"), dict) and any(
            k in data["global"] for k in ("scrape_interval", "evaluation_interval", "external_labels"))):
        return "prometheus"
    if isinstance(data.get("datasources"), list):
        return "datasources"
    return "yaml"


def sniff(key, text):
    """(kind, parsed content, problem or None) for one config value."""
    lower = key.lower()
    stripped = text.lstrip()
    if lower.endswith((".alloy", ".river")) or (
            not lower.endswith((".yaml", ".yml", ".json")) and _ALLOY_BLOCK.search(text)):
        try:
            return "alloy", alloy_config.parse(text), None
        except alloy_config.AlloySyntaxError as e:
            return "text", text, "cannot be read as Alloy configuration: %s" % e
    if lower.endswith(".json") or stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except ValueError as e:
            if lower.endswith(".json"):
                return "text", text, "is not valid JSON: %s (line %d, column %d)" % (e.msg, e.lineno, e.colno)
        else:
            if isinstance(data, dict) and isinstance(data.get("panels"), list):
                return "dashboard", data, None
            return "json", data, None
    if lower.endswith((".yaml", ".yml")) or _YAML_KEY_LINE.search(text):
        try:
            docs = [doc for doc, _line in iter_yaml_documents(text)]
        except yaml.YAMLError as e:
            if lower.endswith((".yaml", ".yml")):
                mark = getattr(e, "problem_mark", None)
                where = " (line %d, column %d)" % (mark.line + 1, mark.column + 1) if mark else ""
                return "text", text, "is not valid YAML: %s%s" % (getattr(e, "problem", None) or e, where)
            return "text", text, None
        if len(docs) == 1:
            return classify(docs[0]), docs[0], None
        return "yaml", docs, None
    return "text", text, None


def _values(obj):
    """(field, key, text) of every config value an object carries."""
    kind = obj.get("kind")
    if kind == "ConfigMap":
        for key, value in as_dict(obj.get("data")).items():
            if isinstance(value, str):
                yield "data", str(key), value
    elif kind == "Secret":
        for key, value in as_dict(obj.get("stringData")).items():
            if isinstance(value, str):
                yield "stringData", str(key), value
        for key, value in as_dict(obj.get("data")).items():
            try:
                yield "data", str(key), base64.b64decode(str(value), validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                continue


def _parse(ctx):
    docs, problems = [], []
    for obj in list(ctx.kind("ConfigMap")) + list(ctx.kind("Secret")):
        for field, key, text in _values(obj):
            kind, content, problem = sniff(key, text)
            doc = ConfigDoc(obj, (field, key), kind, content, text)
            docs.append(doc)
            if problem:
                problems.append(Finding(obj, doc.at(), "%s[%r] %s" % (field, key, problem),
                                        "fix the file so the program that reads it can parse it",
                                        severity=WARNING, waivable=False, rule=CONFIG))
    for obj in ctx.kind("PrometheusRule"):
        spec = as_dict(obj.get("spec"))
        if as_list(spec.get("groups")):
            docs.append(ConfigDoc(obj, ("spec",), "rules", spec, ""))
    return docs, problems


def alloy_block_path(doc, block) -> str:
    """Path of a top-level Alloy block: ``data["config.alloy"].loki.process["pods"]``."""
    return "%s.%s%s" % (doc.at(), block.name, '["%s"]' % block.label if block.label is not None else "")


def alloy_literal(attribute):
    """The Python value of an Alloy attribute when it is a constant, else None."""
    if attribute is None:
        return None
    value = alloy_config.literal_value(attribute.value)
    return None if value is alloy_config.NOT_LITERAL else value


def alloy_references(expr):
    """Every dotted name (``discovery.relabel.pods.output``) an Alloy expression uses, as lists of names."""
    names = alloy_config.traversal(expr)
    if names is not None:
        return [names]
    return [found for child in expr.children for found in alloy_references(child)]


def guarded(doc, check, *args):
    """``check(*args)``: a check of another module over ``doc``'s content, giving (path, message, fix)
    tuples. A config too malformed for it (wrong types where the format wants a list or a mapping) gives
    one problem instead of an exception."""
    try:
        return list(check(*args))
    except (TypeError, AttributeError, KeyError, ValueError) as e:
        return [("", "the %s config is malformed and cannot be checked (%s: %s)" % (doc.kind, type(e).__name__, e),
                 "fix the structure of the config (see the program's configuration reference)")]


def configs(ctx, kind=None):
    """Every ConfigDoc of the run (parsed once), or those of ``kind``."""
    docs = ctx.cached("configs", lambda: _parse(ctx))[0]
    return docs if kind is None else [d for d in docs if d.kind == kind]


def config_problems(ctx):
    """CONFIG findings: configs that look like YAML/JSON/Alloy by name but cannot be parsed."""
    return ctx.cached("configs", lambda: _parse(ctx))[1]
