# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Find inventory variables that look like a role's variable but are not one (likely typos)."""

from __future__ import annotations

import difflib
import os

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import SafeLoader, yaml


def role_variables(roles_dir) -> dict:
    """Map the variable prefix of every role under ``roles_dir`` to the names its argument spec declares.

    The stack role's prefix is ``monitoring_``; every other role's is ``<role>_``.
    """
    found = {}
    for role in sorted(os.listdir(roles_dir)):
        spec_file = os.path.join(roles_dir, role, "meta", "argument_specs.yml")
        if not os.path.isfile(spec_file):
            continue
        with open(spec_file, encoding="utf-8") as handle:
            specs = (yaml.load(handle, Loader=SafeLoader) or {}).get("argument_specs") or {}  # libyaml's parser
        names = set()
        for entry in specs.values():
            names.update((entry or {}).get("options") or {})
        found["monitoring_" if role == "stack" else role + "_"] = names
    return found


def likely_typos(names, known_by_prefix) -> list:
    """Return (name, suggestion or None) for each of ``names`` that carries a role prefix but is unknown."""
    known = set().union(*known_by_prefix.values()) if known_by_prefix else set()
    prefixes = sorted(known_by_prefix, key=len, reverse=True)
    typos = []
    for name in sorted(set(names)):
        if name in known or not any(name.startswith(prefix) for prefix in prefixes):
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        typos.append((name, close[0] if close else None))
    return typos


def describe_typos(typos) -> list:
    return ["%s is not a variable of this collection%s" % (
        name, "; did you mean %s?" % suggestion if suggestion else "; remove it or check the role's docs/roles page")
        for name, suggestion in typos]
