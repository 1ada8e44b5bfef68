# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Kubernetes schema validation (kubernetes-validate's strict schemas), every error of every object.

kubernetes-validate's own ``validate()`` reads and parses the schema files on every call and stops
at the first error; here one validator per (Kubernetes version, apiVersion, kind) is built once and
``iter_errors`` reports all errors of an object.
"""

from __future__ import annotations

import json
import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.violations import ERROR, WARNING, for_object

try:
    import jsonschema
    import kubernetes_validate.utils as kv
    from referencing import Registry, Resource
    HAS_KUBERNETES_VALIDATE = True
    IMPORT_ERROR = None
except ImportError as e:  # pragma: no cover - exercised only without the library
    HAS_KUBERNETES_VALIDATE = False
    IMPORT_ERROR = e


class SchemaSetupError(Exception):
    """The requested Kubernetes version or the library is not available."""


def _major_minor(version):
    match = re.match(r"^v?(\d+)\.(\d+)", str(version))
    if not match:
        raise SchemaSetupError("Kubernetes version %r is not of the form MAJOR.MINOR (for example 1.28)" % version)
    return int(match.group(1)), int(match.group(2))


def supported_versions():
    if not HAS_KUBERNETES_VALIDATE:
        raise SchemaSetupError("the Python library kubernetes-validate is not installed (%s); "
                               "install requirements.txt" % IMPORT_ERROR)
    return kv.all_versions()


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

    def _validator(self, api_version, kind):
        key = (api_version, kind)
        if key not in self._validators:
            if self._registry is None:
                definitions = kv.schema_contents("%s/_definitions.json" % self._dir, self.schema_version)
                self._registry = Resource.from_contents(definitions) @ Registry()
            file_api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
            try:
                schema = kv.schema_contents("%s/%s-%s.json" % (self._dir, kind.lower(), file_api),
                                            self.schema_version)
            except FileNotFoundError:
                schema = None
            self._validators[key] = None if schema is None else jsonschema.Draft202012Validator(
                schema, registry=Resource.from_contents(schema) @ self._registry)
        return self._validators[key]

    def validate(self, obj):
        """Return a list of Violations (rule SCHEMA) for ``obj``."""
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if not api_version or not kind:
            return [for_object(obj, "SCHEMA", "", "the object has no apiVersion or kind",
                               "give every manifest an apiVersion and a kind")]
        validator = self._validator(str(api_version), str(kind))
        if validator is None:
            return [for_object(
                obj, "SCHEMA", "apiVersion",
                "Kubernetes %s has no built-in schema for %s %s (a custom resource, or an API removed in this version)"
                % (self.kubernetes_version, api_version, kind),
                "check the apiVersion against the target Kubernetes version; custom resources are not schema-checked",
                severity=WARNING)]
        found = []
        for error in sorted(validator.iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path]):
            found.append(for_object(
                obj, "SCHEMA", _json_path(error.absolute_path),
                "does not match the Kubernetes %s schema: %s" % (self.kubernetes_version, _short(error.message)),
                "correct or remove the field (strict validation rejects unknown fields)", severity=ERROR))
        return found


def _json_path(parts):
    out = ""
    for part in parts:
        out += "[%d]" % part if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _short(message, limit=300):
    message = message if len(message) <= limit else message[:limit] + "..."
    return json.dumps(message)[1:-1] if "\n" in message else message
