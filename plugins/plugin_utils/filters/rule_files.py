# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filter choosing the shipped Prometheus rule files a cluster loads; a thin wrapper over module_utils."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.rule_files import RuleFilesError, select_rule_files


def _select(files, disabled=None, control_plane_alerts=True, runbook_base_url=""):
    if not isinstance(files, dict):
        raise AnsibleFilterError("select_rule_files: expects a dict of file name to text, got %s" % type(files).__name__)
    if disabled is not None and (isinstance(disabled, str) or not isinstance(disabled, (list, tuple))):
        raise AnsibleFilterError("select_rule_files: disabled must be a list of file names, got %r" % (disabled,))
    try:
        return select_rule_files(files, disabled or (), bool(control_plane_alerts), runbook_base_url or "")
    except RuleFilesError as e:
        raise AnsibleFilterError("select_rule_files: %s" % e) from e


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"select_rule_files": _select}
