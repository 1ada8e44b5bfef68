# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters reading the presets (sizes, distributions, ingress controllers); thin wrappers over
module_utils/common/presets.py."""

from __future__ import annotations

DOCUMENTATION = r"""
name: size_preset
short_description: The value a size preset gives a role variable
description:
  - Returns the value of the role variable named by the input in the size O(preset) (C(monitoring_size) -
    C(small), C(medium) or C(large)); role defaults read their value through it, so a variable set in the
    inventory still wins (docs/sizing.md). An unknown preset gives C(none) (the stack role's argument spec
    reports it); an unknown variable is an error.
  - The companion filter C(distribution_preset) does the same for C(monitoring_distribution) (C(generic), C(k3s));
    C(ingress_controller) returns the C(namespace), C(pod_labels) and C(class_names) of a known ingress controller
    (empty ones for any other); C(ingress_problems) the preflight messages of a role's ingress settings whose
    NetworkPolicy would admit another controller than the one serving its Ingress.
positional: _input, preset
options:
  _input:
    description: The name of the role variable (for C(ingress_controller), the controller; for C(ingress_problems), the role).
    type: str
    required: true
  preset:
    description: The size (or the distribution).
    type: str
    required: true
"""

EXAMPLES = r"""
loki_resources: "{{ 'loki_resources' | vmstation.monitoring.size_preset(monitoring_size) }}"
monitoring_storage_class: "{{ 'monitoring_storage_class' | vmstation.monitoring.distribution_preset(monitoring_distribution) }}"
grafana_ingress_namespace: "{{ (grafana_ingress_controller | vmstation.monitoring.ingress_controller).namespace }}"
"""

RETURN = r"""
_value:
  description: The preset's value of the variable (any type); for C(ingress_problems), a list of messages.
  type: raw
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import presets
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters


# An unknown preset gives none rather than an error: the stack role's argument spec, which templates these
# defaults before it checks monitoring_size and monitoring_distribution against their choices, then reports it
# as "monitoring_size ... must be one of: small, medium, large". An unknown variable is a bug of the role.
def _preset(name, table, lookup, variable, preset):
    if str(preset) not in table:
        return None
    try:
        return lookup(str(variable), str(preset))
    except presets.PresetError as e:
        raise AnsibleFilterError("%s: %s" % (name, e)) from e


def size_preset(variable, preset):
    return _preset("size_preset", presets.SIZES, presets.size_preset, variable, preset)


def distribution_preset(variable, preset):
    return _preset("distribution_preset", presets.DISTRIBUTIONS, presets.distribution_preset, variable, preset)


def ingress_controller(name):
    return presets.ingress_controller(str(name))


def ingress_problems(role, enabled, controller, namespace, class_name):
    return presets.ingress_problems(str(role), bool(enabled), str(controller), str(namespace or ""),
                                    str(class_name or ""))


class FilterModule:
    def filters(self):
        return native_filters({"size_preset": size_preset, "distribution_preset": distribution_preset,
                               "ingress_controller": ingress_controller, "ingress_problems": ingress_problems})
