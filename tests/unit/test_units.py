"""Durations, quantities and byte sizes (module_utils/common/units.py), parsed in one place."""

from __future__ import annotations

import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.units import (
    CPU_QUANTITY,
    MEMORY_QUANTITY,
    parse_bytes,
    parse_duration,
    parse_quantity,
    unit_hint,
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
    from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule

    filters = FilterModule().filters()
    assert filters["duration_seconds"]("1h30m") == 5400 and filters["duration_seconds"]("5 s") is None
    assert filters["quantity_value"]("20Gi") == 20 * 2 ** 30 and filters["quantity_value"]("20 gigs") is None
    assert filters["quantity_value"](True) is None
    assert filters["byte_size"]("15GB") == 15 * 2 ** 30
    assert filters["byte_size"]("5MB", binary_kb=False) == 5 * 10 ** 6 and filters["byte_size"]("5 apples") is None


@pytest.mark.parametrize("value, kind, suggestion, reason", [
    ("10 GB", "quantity", "write 10Gi or 10G", "because of the space between the number and the unit and because "
                                               "Kubernetes writes this unit Gi (powers of 1024) or G (powers of 1000), not GB"),
    ("10GB", "quantity", "write 10Gi or 10G", "not GB"),
    ("1 gig", "quantity", "write 1Gi or 1G", "not gig"),
    ("512m", "quantity", "write 512Mi or 512M", "not m"),
    ("0.5 cores", "cpu", "write 0.5 or 500m", "a number of cores without a unit word"),
    ("500 m", "cpu", "write 500m", "the space"),
    ("1 day", "duration", "write 1d", "without spaces"),
    ("1h 30m", "duration", "write 1h30m", "largest first"),
    ("1.5h", "duration", "write 1h30m", "whole numbers"),
    ("1 day", "go_duration", "write 24h", "the units ms, s, m and h"),
    ("10 GB", "bytes", "write 10GB", "the space"),
    ("10Gi", "bytes", "write 10GB", "Prometheus writes this unit GB (powers of 1024), not Gi"),
])
def test_a_hint_says_why_a_value_is_not_of_its_kind_and_what_it_likely_means(value, kind, suggestion, reason):
    hint = unit_hint(value, kind)
    assert hint.startswith('; "%s" is not one, because ' % value) and hint.endswith(suggestion) and reason in hint


@pytest.mark.parametrize("value, kind", [("10Gi", "quantity"), ("10G", "quantity"), ("500m", "cpu"), ("2", "cpu"),
                                         ("30s", "duration"), ("1h30m", "duration"), ("12h", "go_duration"),
                                         ("15GB", "bytes"), ("fast", "quantity"), ("soon", "duration"), (None, "bytes"),
                                         (30, "duration"), ("1.5GB", "bytes")])
def test_no_hint_for_a_valid_value_or_one_too_far_off_to_guess(value, kind):
    assert unit_hint(value, kind) == ""


def test_an_unknown_kind_is_a_bug_of_the_caller():
    with pytest.raises(ValueError, match="kind must be one of"):
        unit_hint("1", "size")


def test_a_suggested_duration_counts_days_at_most():
    assert unit_hint("2 weeks", "duration").endswith("write 14d")
    assert unit_hint("31 days", "duration").endswith("write 31d")
    assert unit_hint("1 day 12 hours", "duration").endswith("write 1d12h")
