# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Every filter of the collection, offered from one file; the filters themselves are in plugins/plugin_utils/filters/,
one file per topic, and each documented filter has its YAML docs beside this file (<name>.yml).

One file, because ansible-core resolves a collection's filter by loading every Python file of plugins/filter/ and
asking each for its filters, at every lookup of every task: with fifteen files that cost a render of the default
inventory about two seconds.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters

_PACKAGE = "ansible_collections.vmstation.monitoring.plugins.plugin_utils.filters"


@functools.cache
def _filters():
    filters = {}
    # Every file of the folder is a topic: a new one is offered without being listed here.
    topics = sorted(name for _finder, name, is_package in pkgutil.iter_modules(importlib.import_module(_PACKAGE).__path__)
                    if not is_package)
    for topic in topics:
        for name, func in importlib.import_module("%s.%s" % (_PACKAGE, topic)).FILTERS.items():
            if name in filters:
                raise RuntimeError("filter %s is offered by two topics" % name)
            filters[name] = func
    return native_filters(filters)


class FilterModule:
    def filters(self):
        return _filters()
