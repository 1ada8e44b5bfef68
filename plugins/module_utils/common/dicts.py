# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Dict algebra shared by the config builders and checkers."""

from __future__ import annotations

import copy


def merge(base, *overrides):
    """``base`` with each of ``overrides`` merged in turn, recursively, as Ansible's ``combine(recursive=true)``
    does: mappings are merged key by key, anything else (lists included) is replaced; a key keeps its place and
    new keys come last. The result shares no container with the inputs (a YAML dump would
    write a shared one as an anchor and aliases)."""
    result = copy.deepcopy(base)
    for override in overrides:
        for key, value in (override or {}).items():
            if isinstance(result.get(key), dict) and isinstance(value, dict):
                result[key] = merge(result[key], value)
            else:
                result[key] = copy.deepcopy(value)
    return result


def dotted(tree, path, default=None):
    """The value at ``path`` ("a.b.c") of nested mappings, or ``default`` where any part is missing."""
    node = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node
