# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters over the inventory's addresses; thin wrappers over module_utils/common/network.py."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import network

_KINDS = ("cidrs", "ports", "port", "host", "url")


def address_problems(value, variable, kind, required_by="", optional=False, named=False):
    variable, kind = str(variable), str(kind)
    if kind not in _KINDS:
        raise AnsibleFilterError("address_problems: kind must be one of %s, got %r" % (", ".join(_KINDS), kind))
    if kind == "cidrs":
        return network.cidr_problems(value, variable, str(required_by))
    if kind == "ports":
        return network.port_problems(value, variable, str(required_by), bool(named))
    if optional and value in (None, ""):
        return []
    if kind == "port":
        problem = network.port_problem(value, variable, bool(named))
    elif kind == "host":
        problem = network.host_problem(value, variable)
    else:
        problem = network.url_endpoint(value, variable)[2]
    return [problem] if problem else []


def any_address_waiver(named_values):
    if not isinstance(named_values, dict):
        raise AnsibleFilterError("any_address_waiver: expects a dict {variable: value}, got %s"
                                 % type(named_values).__name__)
    return network.any_address_waiver(named_values)


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"address_problems": address_problems, "any_address_waiver": any_address_waiver}
