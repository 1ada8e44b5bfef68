# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The batch size of playbooks/site.yml's play over the clusters."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def rollout_serial(applied):
    if not isinstance(applied, (list, tuple)):
        raise AnsibleFilterError("rollout_serial: expects the list of clusters the run applies, got %s"
                                 % type(applied).__name__)
    # One at a time as soon as one cluster is applied: the first failure stops the rollout before the next cluster.
    return 1 if applied else "100%"


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"rollout_serial": rollout_serial}
