# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters reading durations, Kubernetes quantities and byte sizes; thin wrappers over module_utils/common/units.py."""

from __future__ import annotations

DOCUMENTATION = r"""
name: duration_seconds
short_description: The seconds of a Prometheus or Loki duration
description:
  - Returns the seconds of a duration such as C(1h30m), C(15s) or C(500ms) (units in descending order, each at
    most once), or C(none) when the value is not one, so that a role's preflight can both check and compare.
  - The companion filter C(quantity_value) returns the value of a Kubernetes quantity (C(20Gi), C(500m)) as a
    number, or C(none); C(byte_size) the bytes of a size such as C(15GB) or C(5MiB), or C(none) (with
    O(binary_kb) false, C(KB), C(MB)... count 1000s, as Loki reads them).
positional: _input
options:
  _input:
    description: The value to read.
    type: raw
    required: true
  binary_kb:
    description: Only for C(byte_size) - whether C(KB), C(MB)... count 1024s (Prometheus) rather than 1000s (Loki).
    type: bool
    default: true
  kind:
    description: Only for C(unit_hint) - the kind the value should be.
    type: str
    choices: [quantity, cpu, duration, go_duration, bytes]
"""

EXAMPLES = r"""
ok: "{{ (prometheus_scrape_interval | vmstation.monitoring.duration_seconds or 0) >= 15 }}"
storage: "{{ prometheus_storage_size | vmstation.monitoring.quantity_value }}"
retention: "{{ prometheus_retention_size | vmstation.monitoring.byte_size }}"
fix: "must be a Kubernetes quantity such as 20Gi{{ prometheus_storage_size | vmstation.monitoring.unit_hint('quantity') }}"
"""

RETURN = r"""
_value:
  description: A number, or C(none) when the value cannot be read.
  type: raw
"""

from decimal import Decimal

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import units
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters


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


class FilterModule:
    def filters(self):
        return native_filters({"duration_seconds": duration_seconds, "quantity_value": quantity_value,
                               "byte_size": byte_size, "unit_hint": unit_hint})
