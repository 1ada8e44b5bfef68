"""Durations, quantities and byte sizes (module_utils/common/units.py), parsed in one place."""

from __future__ import annotations

import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.units import (
    CPU_QUANTITY,
    MEMORY_QUANTITY,
    parse_bytes,
    parse_duration,
    parse_quantity,
)


def test_quantities():
    assert parse_quantity("1Gi") == parse_quantity("1024Mi") == 2 ** 30
    assert parse_quantity("500m") * 2 == parse_quantity("1")
    assert parse_quantity("1e3") == parse_quantity("1k")
    assert parse_quantity("fast") == "fast"


@pytest.mark.parametrize("text, seconds", [("1h30m", 5400), ("15s", 15), ("500ms", 0.5), ("0", 0), ("2w", 14 * 86400),
                                           (30, 30)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["30m1h", "1.5h", "", "h", "10 s", True])
def test_not_durations(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize("text, binary, loki", [("512MB", 512 * 2 ** 20, 512 * 10 ** 6), ("5MiB", 5 * 2 ** 20, 5 * 2 ** 20),
                                                ("100B", 100, 100), ("1GB", 2 ** 30, 10 ** 9)])
def test_byte_sizes(text, binary, loki):
    assert parse_bytes(text) == binary and parse_bytes(text, binary_kb=False) == loki


@pytest.mark.parametrize("text", ["5 megabytes", "MB", "-1MB", "1XB", True])
def test_not_byte_sizes(text):
    assert parse_bytes(text) is None


def test_container_resource_shapes():
    assert CPU_QUANTITY.match("500m") and CPU_QUANTITY.match("0.25") and not CPU_QUANTITY.match("0.2500")
    assert MEMORY_QUANTITY.match("256Mi") and MEMORY_QUANTITY.match("1G") and not MEMORY_QUANTITY.match("1GB")


def test_the_unit_filters_read_what_the_parsers_read():
    from ansible_collections.vmstation.monitoring.plugins.filter.units import FilterModule

    filters = FilterModule().filters()
    assert filters["duration_seconds"]("1h30m") == 5400 and filters["duration_seconds"]("5 s") is None
    assert filters["quantity_value"]("20Gi") == 20 * 2 ** 30 and filters["quantity_value"]("20 gigs") is None
    assert filters["quantity_value"](True) is None
    assert filters["byte_size"]("15GB") == 15 * 2 ** 30
    assert filters["byte_size"]("5MB", binary_kb=False) == 5 * 10 ** 6 and filters["byte_size"]("5 apples") is None
