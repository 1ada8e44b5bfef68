# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The validate phase: every check over a set of Kubernetes objects, all findings in one list."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.schema import SchemaValidator


def validate_objects(objects, kubernetes_version, schema=True):
    """Return every Violation found in ``objects`` (a list of dicts)."""
    found = []
    if schema:
        validator = SchemaValidator(kubernetes_version)
        for obj in objects:
            found.extend(validator.validate(obj))
    return found
