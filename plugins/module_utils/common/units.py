# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Durations, Kubernetes quantities and byte sizes: parsed here once, for every phase.

- ``parse_duration``: a Prometheus duration (``model.Duration``: ``1h30m``, ``15s``, ``500ms``, ``0``;
  units in descending order, each at most once), also what Loki and Alertmanager read.
- ``parse_quantity``: a Kubernetes resource quantity (``500m``, ``2Gi``, ``1e3``) as a Decimal.
- ``parse_bytes``: a byte size in the units Prometheus's ``retention.size`` and Loki's limits read
  (``512MB``, ``5MiB``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_DURATION = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")
_DURATION_UNITS = (365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001)


def parse_duration(value):
    """Seconds of a Prometheus/Loki duration (``1h30m``, ``15s``, ``500ms``, ``0``), or None if invalid."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if text == "0":
        return 0.0
    match = _DURATION.match(text)
    if not text or not match:
        return None
    return float(sum(int(n) * unit for n, unit in zip(match.groups(), _DURATION_UNITS) if n))


_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")
_SUFFIX = {
    None: Decimal(1), "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6, "G": Decimal(10) ** 9, "T": Decimal(10) ** 12, "P": Decimal(10) ** 15,
    "E": Decimal(10) ** 18, "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40, "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}
# CPU and memory of a container's requests and limits (rule K001): what the roles accept.
CPU_QUANTITY = re.compile(r"^([0-9]+m|[0-9]+(\.[0-9]{1,3})?)$")
MEMORY_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
# What the log agents (Alloy, Promtail) read for the journal's max_age and a drop rule's older_than (Go's
# time.ParseDuration, in whole ms, s, m and h) and for a drop rule's longer_than (a byte size).
AGENT_DURATION = re.compile(r"^([0-9]+(ms|s|m|h))+$")
AGENT_LINE_SIZE = re.compile(r"^[0-9]+(B|KB|MB|KiB|MiB)?$")


def parse_quantity(value):
    """A Kubernetes quantity ("10Gi", "1500m", "1e3") as a Decimal; the text itself when it is not one."""
    match = _QUANTITY.match(str(value).strip())
    if not match:
        return value
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        return value
    suffix = match.group(2)
    if suffix and suffix[0] in "eE":
        return number * (Decimal(10) ** int(suffix[1:]))
    return number * _SUFFIX[suffix]


_BYTES = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*([KMGTPE]?i?B?)$")


def parse_bytes(value, binary_kb=True):
    """Bytes of a size such as ``512MB`` or ``5MiB``, or None if it is not one.

    ``binary_kb``: ``KB``/``MB``... count 1024s, as Prometheus's ``retention.size`` reads them; else they
    count 1000s, as Loki's byte sizes do (``KiB``/``MiB``... are 1024s either way)."""
    match = _BYTES.match(str(value).strip())
    if isinstance(value, bool) or not match:
        return None
    number, unit = Decimal(match.group(1)), match.group(2)
    if not unit or unit == "B":
        return int(number)
    prefix = unit[0]
    if prefix not in "KMGTPE" or unit not in (prefix + "B", prefix + "iB", prefix):
        return None
    power = "KMGTPE".index(prefix) + 1
    base = 1024 if ("i" in unit or binary_kb) else 1000
    return int(number * base ** power)
