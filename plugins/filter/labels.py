# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters giving the stack's standard labels; thin wrappers over module_utils.labels."""

from __future__ import annotations

DOCUMENTATION = r"""
name: k8s_labels
short_description: The app.kubernetes.io label set of an object of the stack
description:
  - Returns the name, instance, component, part-of, managed-by and version labels (rule K015).
  - The companion filter C(k8s_selector) returns only the stable name and instance labels, for selectors.
positional: _input
options:
  _input:
    description: The app.kubernetes.io/name of the object, for example C(prometheus).
    type: str
    required: true
  instance_name:
    description:
      - The app.kubernetes.io/instance value (the stack's C(monitoring_instance)).
      - Not called C(instance), a name Ansible's filter dispatch reserves.
    type: str
    required: true
  component:
    description: The app.kubernetes.io/component value. Only for C(k8s_labels).
    type: str
  version:
    description: The image tag; its digest part is dropped. Only for C(k8s_labels).
    type: str
"""

EXAMPLES = r"""
labels: "{{ 'prometheus' | vmstation.monitoring.k8s_labels(instance_name='vmstation-monitoring', component='server', version='v3.5.0') }}"
selector: "{{ 'prometheus' | vmstation.monitoring.k8s_selector(instance_name='vmstation-monitoring') }}"
"""

RETURN = r"""
_value:
  description: A dict of label names to values.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import (
    selector_labels,
    standard_labels,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters


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


class FilterModule:
    def filters(self):
        return native_filters({"k8s_labels": k8s_labels, "k8s_selector": k8s_selector})
