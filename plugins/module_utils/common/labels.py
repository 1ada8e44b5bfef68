# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The label set every object of the stack carries (rule K015), defined once.

Selectors use only the stable labels (name and instance); the version label changes on upgrades
and must never appear in a selector, since a Deployment's or StatefulSet's selector is immutable.
"""

from __future__ import annotations

import re

PART_OF = "vmstation-monitoring"
MANAGED_BY = "vmstation.monitoring"

NAME = "app.kubernetes.io/name"
INSTANCE = "app.kubernetes.io/instance"
COMPONENT = "app.kubernetes.io/component"
PART_OF_LABEL = "app.kubernetes.io/part-of"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
VERSION = "app.kubernetes.io/version"

REQUIRED_LABELS = (NAME, INSTANCE, COMPONENT, PART_OF_LABEL, MANAGED_BY_LABEL, VERSION)
STABLE_LABELS = (NAME, INSTANCE, COMPONENT, PART_OF_LABEL, MANAGED_BY_LABEL)

_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def label_value(value) -> str:
    """Return ``value`` as a valid, non-empty label value, or raise ValueError saying why it is not one."""
    text = str(value)
    if not text or len(text) > 63 or not _LABEL_VALUE.match(text):
        raise ValueError(
            "%r is not a valid label value: 1 to 63 characters, alphanumerics with '-', '_' or '.' "
            "inside, starting and ending with an alphanumeric" % text
        )
    return text


def version_label(image_tag: str) -> str:
    """The version label for an image tag: the tag without a digest suffix."""
    return label_value(str(image_tag).split("@", 1)[0])


def selector_labels(name: str, instance: str) -> dict:
    """Labels a selector may use: they stay true across upgrades and after Kustomize."""
    return {NAME: label_value(name), INSTANCE: label_value(instance)}


def standard_labels(name: str, instance: str, component: str, version: str) -> dict:
    """The full app.kubernetes.io label set of K015."""
    labels = selector_labels(name, instance)
    labels.update({
        COMPONENT: label_value(component),
        PART_OF_LABEL: PART_OF,
        MANAGED_BY_LABEL: MANAGED_BY,
        VERSION: version_label(version),
    })
    return labels
