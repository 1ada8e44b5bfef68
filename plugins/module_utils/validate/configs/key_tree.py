# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The two ways a generated key tree (loki_keys_3.py, written by scripts/loki_keys.py) writes its blocks.

A key tree maps each option of a config to the kind of value it takes (``bool``, ``number``, ``scalar``,
``list``, ``open``) or to the block of options under it.
"""

from __future__ import annotations


def block(nested=None, **kinds):
    """A block of options: ``kinds`` maps a kind to the names of the options of that kind, separated by
    spaces; ``nested`` maps an option to its sub-block."""
    result = {name: kind for kind, names in kinds.items() for name in names.split()}
    result.update(nested or {})
    return result


def but(base, drop=(), add=None):
    """``base`` without the options ``drop``, with those of ``add``: a block that is another but for a few
    options."""
    result = {key: value for key, value in base.items() if key not in drop}
    result.update(add or {})
    return result
