# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters building the Prometheus and Loki configs from their roles' settings; thin wrappers over
module_utils/render/prometheus.py and module_utils/render/loki.py."""

from __future__ import annotations

DOCUMENTATION = r"""
name: prometheus_config
short_description: Build prometheus.yml from the prometheus role's settings
description:
  - The global settings, the rule files, the Alertmanager discovery and one scrape job per cluster source
    and stack component (plus the annotation jobs), each with the scrape limits and its per-job overrides,
    then the extra scrape configs; the overrides are merged over the whole config, key by key.
  - The companion filter C(prometheus_scrape_problems) returns the preflight messages of the per-job settings
    (overrides of jobs that are not rendered, extra jobs without limits or with a taken name, intervals
    below 15s); C(loki_config) builds loki.yaml from the loki role's settings (see
    plugins/module_utils/render/loki.py for its keys) and C(loki_s3_egress) the egress rules to its object store
    (C(rules), and C(problems) for the preflight); C(alloy_config) and C(promtail_config) build the log
    agents' configs (plugins/module_utils/render/alloy.py, render/promtail.py).
positional: _input
options:
  _input:
    description:
      - A dict with the keys C(scrape_interval), C(scrape_timeout), C(evaluation_interval), C(cluster),
        C(environment), C(external_labels), C(rules_dir), C(service_account_dir), C(instance), C(part_of),
        C(kubelet_insecure_skip_verify), C(component_jobs), C(alertmanager), C(annotated_targets),
        C(scrape_limits), C(job_overrides), C(extra_scrape_configs) and C(overrides).
    type: dict
    required: true
"""

EXAMPLES = r"""
config: "{{ _prometheus_config_spec | vmstation.monitoring.prometheus_config }}"
problems: "{{ _prometheus_config_spec | vmstation.monitoring.prometheus_scrape_problems }}"
loki: "{{ _loki_config_spec | vmstation.monitoring.loki_config }}"
"""

RETURN = r"""
_value:
  description: The prometheus.yml dict (C(prometheus_scrape_problems) - a list of messages; C(loki_config) - the
    loki.yaml dict).
  type: raw
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import module_utils, native_filters


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


class FilterModule:
    def filters(self):
        return native_filters({"prometheus_config": prometheus_config,
                               "prometheus_scrape_problems": prometheus_scrape_problems, "loki_config": loki_config,
                               "loki_s3_egress": loki_s3_egress,
                               "alloy_config": alloy_config, "promtail_config": promtail_config})
