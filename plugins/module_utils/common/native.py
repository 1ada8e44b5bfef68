# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Plain Python values out of what Ansible hands a filter.

ansible-core 2.19 passes a filter lazy containers and tagged strings. Every copy of them copies
their tags too: the dashboard builder, which deep-copies its defaults into each panel, spent 10 s of
a 12 s render copying tags. Filters take their arguments through ``native_args``, so the code behind
them works on dicts, lists and strings, as it does in its unit tests.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping

_MODULE_UTILS = "ansible_collections.vmstation.monitoring.plugins.module_utils."


def plain(value):
    """``value`` as built-in dicts, lists, strs, ints, floats, bools and None (tuples become lists)."""
    if isinstance(value, Mapping):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {plain(v) for v in value}
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str.__str__(value)  # an exact str, without the subclass that carries the tags
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def native_args(func):
    """``func`` with every argument made ``plain`` first."""

    @functools.wraps(func)
    def call(*args, **kwargs):
        return func(*(plain(a) for a in args), **{k: plain(v) for k, v in kwargs.items()})

    return call


def native_filters(filters):
    """A FilterModule's ``filters()`` mapping with each filter taking ``plain`` arguments."""
    return {name: native_args(func) for name, func in filters.items()}


def module_utils(name):
    """The collection's ``module_utils.<name>`` (``"render.loki"``), imported when a filter is called.

    Filters import the code they front this way, not at the top of their file: the collection's filter
    file imports every topic of filters (plugins/plugin_utils/filters/) in the worker process of each
    task that uses any one of them, and the builders and the validation front end take a quarter of a
    second to import.
    """
    return importlib.import_module(_MODULE_UTILS + name)
