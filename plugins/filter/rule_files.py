# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filter choosing the shipped Prometheus rule files a cluster loads; a thin wrapper over module_utils."""

from __future__ import annotations

DOCUMENTATION = r"""
name: select_rule_files
short_description: Leave shipped rule files out and point their runbook links elsewhere
description:
  - Takes the shipped rule files (file name to text) and returns those the cluster loads.
  - O(control_plane_alerts=false) leaves out C(control-plane.yml) (managed clusters, k3s); O(disabled) leaves out
    any file by name. An unknown name is an error that lists the shipped files.
  - O(runbook_base_url) replaces the collection's runbook address in every C(runbook_url) annotation.
positional: _input
options:
  _input:
    description: File name to file text, as read from roles/prometheus/files/rules/.
    type: dict
    required: true
  disabled:
    description: File names to leave out.
    type: list
    elements: str
    default: []
  control_plane_alerts:
    description: Keep the control-plane alerts (C(control-plane.yml)).
    type: bool
    default: true
  runbook_base_url:
    description: Base URL of the runbooks the operators read; empty keeps the collection's.
    type: str
    default: ""
"""

EXAMPLES = r"""
rule_files: "{{ shipped | vmstation.monitoring.select_rule_files(control_plane_alerts=false,
                runbook_base_url='https://wiki.example.org/runbooks/') }}"
"""

RETURN = r"""
_value:
  description: The selected files, file name to text.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.rule_files import RuleFilesError, select_rule_files
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters


def _select(files, disabled=None, control_plane_alerts=True, runbook_base_url=""):
    if not isinstance(files, dict):
        raise AnsibleFilterError("select_rule_files: expects a dict of file name to text, got %s" % type(files).__name__)
    if disabled is not None and (isinstance(disabled, str) or not isinstance(disabled, (list, tuple))):
        raise AnsibleFilterError("select_rule_files: disabled must be a list of file names, got %r" % (disabled,))
    try:
        return select_rule_files(files, disabled or (), bool(control_plane_alerts), runbook_base_url or "")
    except RuleFilesError as e:
        raise AnsibleFilterError("select_rule_files: %s" % e) from e


class FilterModule:
    def filters(self):
        return native_filters({"select_rule_files": _select})
