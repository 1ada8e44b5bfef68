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

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters

_TOPICS = ("alertmanager", "component_config", "contract", "grafana_dashboard", "labels", "log_agent",
           "network", "policy_violations", "preflight", "presets", "rollout", "rule_files", "summary", "units",
           "variable_typos")


@functools.cache
def _filters():
    filters = {}
    for topic in _TOPICS:
        for name, func in importlib.import_module(
                "ansible_collections.vmstation.monitoring.plugins.plugin_utils.filters." + topic).FILTERS.items():
            if name in filters:
                raise RuntimeError("filter %s is offered by two topics" % name)
            filters[name] = func
    return native_filters(filters)


class FilterModule:
    def filters(self):
        return _filters()
