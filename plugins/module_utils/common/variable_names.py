# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Find inventory variables that look like a role's variable but are not one (likely typos)."""

from __future__ import annotations

import difflib
import os

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.arguments import argument_specs


def role_variables(roles_dir) -> dict:
    """Map the variable prefix of every role under ``roles_dir`` to the names its argument spec declares.

    The stack role's prefix is ``monitoring_``; every other role's is ``<role>_``.
    """
    found = {}
    for role in sorted(os.listdir(roles_dir)):
        specs = argument_specs(roles_dir, role)
        if not specs:
            continue
        names = set()
        for entry in specs.values():
            names.update((entry or {}).get("options") or {})
        found["monitoring_" if role == "stack" else role + "_"] = names
    return found


def likely_typos(names, known_by_prefix) -> list:
    """Return (name, suggestion or None) for each of ``names`` that looks like a variable of a role but is not one.

    A name is suspect when it carries a role's prefix but is unknown (``prometheus_scrape_intervall``), or when its
    prefix is a misspelled role prefix and the rest is close to one of that role's variables
    (``promethus_retention_time``): ``allow_list`` is left alone, however close ``allow_`` is to ``alloy_``.
    """
    known = set().union(*known_by_prefix.values()) if known_by_prefix else set()
    prefixes = sorted(known_by_prefix, key=len, reverse=True)
    typos = []
    for name in sorted(set(names)):
        if name in known:
            continue
        if any(name.startswith(prefix) for prefix in prefixes):
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            typos.append((name, close[0] if close else None))
            continue
        suggestion = _with_misspelled_prefix(name, known_by_prefix)
        if suggestion:
            typos.append((name, suggestion))
    return typos


def _with_misspelled_prefix(name, known_by_prefix):
    """The variable ``name`` means when its first words misspell a role prefix, or None."""
    words = name.split("_")
    for prefix, variables in sorted(known_by_prefix.items()):
        count = prefix.count("_")
        head = "_".join(words[:count]) + "_"
        if len(words) <= count or not _one_slip(head[:-1], prefix[:-1]):
            continue
        close = difflib.get_close_matches(prefix + name[len(head):], variables, n=1, cutoff=0.85)
        if close:
            return close[0]
    return None


def _one_slip(word, target) -> bool:
    """Whether ``word`` is ``target`` with one letter left out, added, changed or two neighbours swapped."""
    if word == target or abs(len(word) - len(target)) > 1 or not word:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target)) if a != b]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and word[diff[0]] == target[diff[1]] and word[diff[1]] == target[diff[0]])
    shorter, longer = sorted((word, target), key=len)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def describe_typos(typos) -> list:
    return ["%s is not a variable of this collection%s" % (
        name, "; did you mean %s?" % suggestion if suggestion else "; remove it or check the role's docs/roles page")
        for name, suggestion in typos]
