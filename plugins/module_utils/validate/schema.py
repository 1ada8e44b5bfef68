# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Kubernetes schema validation (kubernetes-validate's strict schemas), every error of every object.

kubernetes-validate's own ``validate()`` reads and parses the schema files on every call and stops
at the first error. Here the shared definitions are read once per Kubernetes version, one validator per
(apiVersion, kind) is built the first time that kind is seen, and ``iter_errors`` reports all errors of
an object. ``validator_for`` keeps one SchemaValidator per version for the whole process.

The ``$ref``s into the shared definitions are replaced by the definitions themselves (the same dict
objects, so recursive definitions become cycles, which validation follows as it follows the data).
Validation then never resolves a reference, which makes it about twice as fast; the errors are the same.
"""

from __future__ import annotations

import functools
import json
import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.paths import json_path
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, WARNING, for_object

try:
    import jsonschema
    import kubernetes_validate.utils as kv
    from referencing import Registry, Resource
    HAS_KUBERNETES_VALIDATE = True
    IMPORT_ERROR = None
except ImportError as e:  # pragma: no cover - exercised only without the library
    HAS_KUBERNETES_VALIDATE = False
    IMPORT_ERROR = e

RULE = "SCHEMA"

# Keywords whose value is a map of name -> schema, a schema, or a list of schemas (JSON Schema 2020-12).
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SUBSCHEMA = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
              "unevaluatedProperties", "unevaluatedItems", "additionalItems")
_SUBSCHEMAS = ("allOf", "anyOf", "oneOf", "prefixItems")
_DEFINITION_REF = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")


class SchemaSetupError(Exception):
    """The requested Kubernetes version or the library is not available."""


def _major_minor(version):
    match = re.match(r"^v?(\d+)\.(\d+)", str(version))
    if not match:
        raise SchemaSetupError("Kubernetes version %r is not of the form MAJOR.MINOR (for example 1.28)" % version)
    return int(match.group(1)), int(match.group(2))


def supported_versions():
    """The Kubernetes versions kubernetes-validate has schemas for, oldest first, each once."""
    if not HAS_KUBERNETES_VALIDATE:
        raise SchemaSetupError("the Python library kubernetes-validate is not installed (%s); "
                               "install requirements.txt" % IMPORT_ERROR)
    return sorted(set(kv.all_versions()), key=_major_minor)


class SchemaValidator:
    """Validates objects against the strict schemas of one Kubernetes version."""

    def __init__(self, kubernetes_version, strict=True):
        versions = supported_versions()
        wanted = _major_minor(kubernetes_version)
        candidates = [v for v in versions if _major_minor(v) <= wanted]
        if not candidates or wanted > _major_minor(versions[-1]):
            raise SchemaSetupError("kubernetes-validate %s has no schemas for Kubernetes %s (it has %s to %s)"
                                   % (kv.__version__, kubernetes_version, versions[0], versions[-1]))
        self.schema_version = candidates[-1]
        self.kubernetes_version = "%d.%d" % wanted
        self._dir = "kubernetes-json-schema/v%s-local%s" % (self.schema_version, "-strict" if strict else "")
        self._validators = {}
        self._registry = None
        self._definitions = None
        self._inlined = set()
        self.schemas_loaded = 0  # schema files read so far: the definitions plus one per kind seen

    def _load(self, name):
        self.schemas_loaded += 1
        return kv.schema_contents("%s/%s" % (self._dir, name), self.schema_version)

    def _resolve(self, schema):
        """``schema`` with its references to the shared definitions replaced by the definitions."""
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            match = _DEFINITION_REF.match(schema["$ref"])
            if match and match.group(1) in self._definitions:
                target = self._resolve(self._definitions[match.group(1)])
                # Siblings of a $ref other than annotations still apply (2020-12): keep them next to it.
                rest = {k: v for k, v in schema.items() if k not in ("$ref", "description") and not k.startswith("x-")}
                return dict(rest, allOf=[target]) if rest else target
        self._inline(schema)
        return schema

    def _inline(self, node):
        if not isinstance(node, dict) or id(node) in self._inlined:
            return
        self._inlined.add(id(node))
        for key, value in list(node.items()):
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                for name, sub in list(value.items()):
                    value[name] = self._resolve(sub)
            elif key in _SUBSCHEMA and isinstance(value, dict):
                node[key] = self._resolve(value)
            elif key in _SUBSCHEMA + _SUBSCHEMAS and isinstance(value, list):
                node[key] = [self._resolve(sub) for sub in value]

    def _validator(self, api_version, kind):
        key = (api_version, kind)
        if key not in self._validators:
            if self._registry is None:
                definitions = self._load("_definitions.json")
                self._definitions = definitions.get("$defs") or {}
                # Kept for any reference the inlining does not know; the definitions are inlined in place.
                self._registry = Resource.from_contents(definitions) @ Registry()
            file_api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
            try:
                schema = self._resolve(self._load("%s-%s.json" % (kind.lower(), file_api)))
            except FileNotFoundError:
                schema = None
            self._validators[key] = None if schema is None else jsonschema.Draft202012Validator(
                schema, registry=Resource.from_contents(schema) @ self._registry)
        return self._validators[key]

    def validate(self, obj):
        """Return a list of Violations (rule SCHEMA) for ``obj``: every error the schema finds."""
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not api_version or not kind or not isinstance(api_version, str) or not isinstance(kind, str):
            return [for_object(obj, RULE, "", "the object has no apiVersion or kind",
                               "give every manifest an apiVersion and a kind")]
        validator = self._validator(api_version, kind)
        if validator is None:
            return [for_object(
                obj, RULE, "apiVersion",
                "Kubernetes %s has no built-in schema for %s %s (a custom resource, or an API removed in this version)"
                % (self.kubernetes_version, api_version, kind),
                "check the apiVersion against the target Kubernetes version; custom resources are not schema-checked",
                severity=WARNING)]
        found = []
        for error in sorted(validator.iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path]):
            found.append(for_object(
                obj, RULE, json_path(*error.absolute_path),
                "does not match the Kubernetes %s schema: %s" % (self.kubernetes_version, _short(error.message)),
                "correct or remove the field (strict validation rejects unknown fields)", severity=ERROR))
        return found


@functools.lru_cache(maxsize=None)
def validator_for(kubernetes_version, strict=True):
    """The process-wide SchemaValidator of a version: its schemas are read once, whoever validates."""
    return SchemaValidator(kubernetes_version, strict)


def _short(message, limit=300):
    message = message if len(message) <= limit else message[:limit] + "..."
    return json.dumps(message)[1:-1] if "\n" in message else message
