# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters reading durations, Kubernetes quantities and byte sizes; thin wrappers over module_utils/common/units.py."""

from __future__ import annotations

from decimal import Decimal

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import units


def duration_seconds(value):
    return units.parse_duration(value)


def quantity_value(value):
    if isinstance(value, bool):
        return None
    number = units.parse_quantity(value)
    return float(number) if isinstance(number, Decimal) else None


def byte_size(value, binary_kb=True):
    return units.parse_bytes(value, binary_kb=bool(binary_kb))


def unit_hint(value, kind):
    try:
        return units.unit_hint(value, str(kind))
    except ValueError as e:
        raise AnsibleFilterError(str(e)) from e


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"duration_seconds": duration_seconds, "quantity_value": quantity_value,
           "byte_size": byte_size, "unit_hint": unit_hint}
