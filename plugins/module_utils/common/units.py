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


# What a preflight adds about a value that is not of its kind: why, and the value it most likely means.
# Units as people write them (lower-cased) -> the Kubernetes binary and decimal suffixes.
_QUANTITY_UNITS = {"k": ("Ki", "k"), "m": ("Mi", "M"), "g": ("Gi", "G"), "t": ("Ti", "T"), "p": ("Pi", "P"),
                   "e": ("Ei", "E")}
_UNIT_WORDS = {"kilobyte": "k", "kilobytes": "k", "meg": "m", "megs": "m", "megabyte": "m", "megabytes": "m",
               "gig": "g", "gigs": "g", "gigabyte": "g", "gigabytes": "g", "terabyte": "t", "terabytes": "t"}
_DURATION_WORDS = {"ms": "ms", "msec": "ms", "millisecond": "ms", "milliseconds": "ms",
                   "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
                   "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
                   "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
                   "d": "d", "day": "d", "days": "d", "w": "w", "week": "w", "weeks": "w",
                   "y": "y", "year": "y", "years": "y"}
_DURATION_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
_PARTS = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)")
_NUMBER_UNIT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$")
_SPACE = "of the space between the number and the unit"
UNIT_KINDS = ("quantity", "cpu", "duration", "go_duration", "bytes")


def _number(text):
    return text.rstrip("0").rstrip(".") if "." in text else text


def _hint(text, reasons, suggestion):
    """``; "<text>" is not one, because <reason> and because <reason>: write <suggestion>``."""
    return '; "%s" is not one, because %s: write %s' % (text, " and because ".join(reasons), suggestion)


def _quantity_hint(text):
    match = _NUMBER_UNIT.match(text)
    if not match:
        return ""
    number, unit = _number(match.group(1)), match.group(2)
    key = _UNIT_WORDS.get(unit.lower(), unit.lower().rstrip("b").rstrip("i"))
    if unit and key not in _QUANTITY_UNITS:
        return ""
    reasons = [_SPACE] if " " in text.strip() else []
    if not unit:
        return _hint(text, reasons, number) if reasons else ""
    binary, decimal = _QUANTITY_UNITS[key]
    if unit not in (binary, decimal):
        reasons.append("Kubernetes writes this unit %s (powers of 1024) or %s (powers of 1000), not %s"
                       % (binary, decimal, unit))
    return _hint(text, reasons, "%s%s or %s%s" % (number, binary, number, decimal)) if reasons else ""


def _cpu_hint(text):
    match = _NUMBER_UNIT.match(text)
    if not match:
        return ""
    number, unit = match.group(1), match.group(2).lower()
    spaced = " " in text.strip()
    if unit in ("core", "cores", "cpu", "cpus", "vcpu", "vcpus") or (not unit and spaced):
        millis = Decimal(number) * 1000
        if millis != millis.to_integral_value():
            return ""
        return _hint(text, ["a CPU quantity is a number of cores without a unit word"],
                     "%s or %dm" % (_number(number), millis))
    if unit == "m" and spaced and "." not in number:
        return _hint(text, [_SPACE], number + "m")
    return ""


def _duration_hint(text, go_units):
    parts = _PARTS.findall(text)
    if not parts or _PARTS.sub("", text).strip(" ,") not in ("", "and"):
        return ""
    seconds = 0.0
    for number, word in parts:
        unit = _DURATION_WORDS.get(word.lower()) if word != "M" else None
        if unit is None:
            return ""
        seconds += float(number) * _DURATION_SECONDS[unit]
    written = format_duration(seconds, go_units)
    if not written or written == text:
        return ""
    units = "ms, s, m and h" if go_units else "ms, s, m, h, d, w and y"
    return _hint(text, ["a duration is whole numbers with the units %s, largest first, without spaces" % units],
                 written)


def _bytes_hint(text):
    match = _NUMBER_UNIT.match(text)
    if not match:
        return ""
    number, unit = match.group(1), match.group(2)
    prefix = unit[:1].upper()
    if unit and unit != "B" and (prefix not in "KMGTPE" or unit.lower().rstrip("b").rstrip("i") != prefix.lower()):
        return ""
    written = number + ((prefix + "B") if unit and unit != "B" else "B")
    if "." in number or written == text:
        return ""
    reasons = [_SPACE] if " " in text.strip() else []
    if unit not in ("B", prefix + "B"):
        reasons.append("Prometheus writes this unit %s (powers of 1024), not %s" % (prefix + "B", unit))
    return _hint(text, reasons, written)


def format_duration(seconds, go_units=False):
    """``seconds`` as a duration in whole units up to days, largest first (5400 -> ``1h30m``, two weeks ->
    ``14d``); Go's units with ``go_units`` (up to hours). Empty when it is not a positive whole number of milliseconds."""
    millis = round(seconds * 1000)
    if abs(seconds * 1000 - millis) > 1e-6 or millis <= 0:
        return ""
    units = (("h", 3600000), ("m", 60000), ("s", 1000), ("ms", 1)) if go_units else \
        (("d", 86400000), ("h", 3600000), ("m", 60000), ("s", 1000), ("ms", 1))
    out = []
    for name, size in units:
        count, millis = divmod(millis, size)
        if count:
            out.append("%d%s" % (count, name))
    return "".join(out)


def unit_hint(value, kind):
    """What to add to a preflight message about ``value``, which is not of ``kind``: why, and the value it
    most likely means; "" when there is nothing to add (a valid value, or one too far off to guess).

    ``kind``: ``quantity`` (a Kubernetes quantity of bytes: storage, memory), ``cpu``, ``duration``
    (Prometheus, Loki and Alertmanager durations), ``go_duration`` (the log agents': ms, s, m, h) or
    ``bytes`` (Prometheus's retention size: B, KB, MB, ...). ``10 GB`` as a quantity gives
    ``; "10 GB" is not one, because of the space between the number and the unit and because Kubernetes
    writes this unit Gi (powers of 1024) or G (powers of 1000), not GB: write 10Gi or 10G``."""
    if kind not in UNIT_KINDS:
        raise ValueError("unit_hint: kind must be one of %s, got %r" % (", ".join(UNIT_KINDS), kind))
    if value is None or isinstance(value, (bool, int, float, dict, list)):
        return ""
    text = str(value)
    if kind == "quantity":
        return _quantity_hint(text)
    if kind == "cpu":
        return _cpu_hint(text)
    if kind == "bytes":
        return _bytes_hint(text)
    return _duration_hint(text, kind == "go_duration")
