# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters of the log-agent base shared by the alloy and promtail roles; thin wrappers over
module_utils/common/log_agent.py (their config builders are in component_config.py)."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import log_agent


def log_agent_problems(settings, role):
    return log_agent.problems(str(role), settings)


def log_agent_label_rules(stream_labels):
    return log_agent.label_rules(stream_labels)


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"log_agent_problems": log_agent_problems,
           "log_agent_label_rules": log_agent_label_rules}
