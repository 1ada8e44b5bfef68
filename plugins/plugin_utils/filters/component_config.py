# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters building the Prometheus and Loki configs from their roles' settings; thin wrappers over
module_utils/render/prometheus.py and module_utils/render/loki.py."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import module_utils


def _call(name, component, builder, spec):
    if not isinstance(spec, dict):
        raise AnsibleFilterError("%s: expects a dict of settings, got %s" % (name, type(spec).__name__))
    try:
        return getattr(module_utils("render." + component), builder)(spec)
    except KeyError as e:
        raise AnsibleFilterError("%s: the settings lack the key %s" % (name, e)) from e


def prometheus_config(spec):
    return _call("prometheus_config", "prometheus", "build_config", spec)


def prometheus_scrape_problems(spec):
    return _call("prometheus_scrape_problems", "prometheus", "scrape_problems", spec)


def loki_config(spec):
    return _call("loki_config", "loki", "build_config", spec)


def loki_s3_egress(spec):
    return _call("loki_s3_egress", "loki", "s3_egress", spec)


def alloy_config(spec):
    return _call("alloy_config", "alloy", "build_config", spec)


def promtail_config(spec):
    return _call("promtail_config", "promtail", "build_config", spec)


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"prometheus_config": prometheus_config,
           "prometheus_scrape_problems": prometheus_scrape_problems, "loki_config": loki_config,
           "loki_s3_egress": loki_s3_egress,
           "alloy_config": alloy_config, "promtail_config": promtail_config}
