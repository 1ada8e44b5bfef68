# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters building the Prometheus, Loki, Alloy and Promtail configs from their roles' settings; thin wrappers over
the builders of module_utils/render/."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import module_utils


# Filter name -> (module of module_utils/render/, its function); each filter takes the one settings dict.
_BUILDERS = {
    "prometheus_config": ("prometheus", "build_config"),
    "prometheus_scrape_problems": ("prometheus", "scrape_problems"),
    "loki_config": ("loki", "build_config"),
    "loki_s3_egress": ("loki", "s3_egress"),
    "alloy_config": ("alloy", "build_config"),
    "promtail_config": ("promtail", "build_config"),
}


def _builder(name, component, function):
    def build(spec):
        if not isinstance(spec, dict):
            raise AnsibleFilterError("%s: expects a dict of settings, got %s" % (name, type(spec).__name__))
        try:
            return getattr(module_utils("render." + component), function)(spec)
        except KeyError as e:
            raise AnsibleFilterError("%s: the settings lack the key %s" % (name, e)) from e

    build.__name__ = build.__qualname__ = name
    return build


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {name: _builder(name, *target) for name, target in _BUILDERS.items()}
