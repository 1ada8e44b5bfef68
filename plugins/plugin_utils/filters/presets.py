# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters reading the presets (sizes, distributions, ingress controllers); thin wrappers over
module_utils/common/presets.py."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import presets


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


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"size_preset": size_preset, "distribution_preset": distribution_preset,
           "ingress_controller": ingress_controller, "ingress_problems": ingress_problems}
