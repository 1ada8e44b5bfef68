# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters giving the stack's standard labels; thin wrappers over module_utils.labels."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import (
    selector_labels,
    standard_labels,
)


def k8s_labels(name, instance_name, component, version):
    try:
        return standard_labels(str(name), str(instance_name), str(component), str(version))
    except ValueError as e:
        raise AnsibleFilterError("k8s_labels: %s (name=%r, component=%r)" % (e, name, component)) from e


def k8s_selector(name, instance_name):
    try:
        return selector_labels(str(name), str(instance_name))
    except ValueError as e:
        raise AnsibleFilterError("k8s_selector: %s (name=%r)" % (e, name)) from e


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"k8s_labels": k8s_labels, "k8s_selector": k8s_selector}
