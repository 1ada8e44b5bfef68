# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters of the log-agent base shared by the alloy and promtail roles; thin wrappers over
module_utils/common/log_agent.py (their config builders are in component_config.py)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: log_agent_problems
short_description: The preflight messages of the settings every log agent has
description:
  - Takes the settings of a log agent role (alloy, promtail) keyed by their public names without the role
    prefix (C(loki_url) for C(alloy_loki_url)), plus C(to_stack_loki), and returns one message per failed
    condition, each naming the role's variable, its value and the fix.
  - The companion filter C(log_agent_label_rules) turns a list of stream labels into the relabel rules that
    set them from the allow-list of rule M004, the same for both agents.
positional: _input, role
options:
  _input:
    description: The settings.
    type: dict
    required: true
  role:
    description: The role whose variables the messages name, C(alloy) or C(promtail).
    type: str
    required: true
"""

EXAMPLES = r"""
failed: "{{ _alloy_settings | vmstation.monitoring.log_agent_problems('alloy') }}"
rules: "{{ alloy_stream_labels | vmstation.monitoring.log_agent_label_rules }}"
"""

RETURN = r"""
_value:
  description: One message per failed condition (C(log_agent_label_rules) - a list of relabel rules).
  type: raw
"""

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import log_agent
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters


def log_agent_problems(settings, role):
    return log_agent.problems(str(role), settings)


def log_agent_label_rules(stream_labels):
    return log_agent.label_rules(stream_labels)


class FilterModule:
    def filters(self):
        return native_filters({"log_agent_problems": log_agent_problems,
                               "log_agent_label_rules": log_agent_label_rules})
