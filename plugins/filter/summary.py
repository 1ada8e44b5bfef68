# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filter writing the summary that ends a run for one cluster; a thin wrapper over module_utils/export/summary.py."""

from __future__ import annotations

DOCUMENTATION = r"""
name: stack_summary
short_description: The summary of a run for one cluster, one line per fact
description:
  - >-
    Takes the result of C(vmstation.monitoring.export_manifests) and returns the summary that ends the run, one
    line per fact (a text, so that the callback shows it as a block, as written): what was rendered (objects,
    components) and where, what changed (files created, updated, unchanged, removed), the validation's warnings and
    waived findings, the warnings the roles noted, and what to do next:
    C(monitoring_apply) to deploy, or, for GitOps, the Secrets to create first (those C(SECRETS.md) describes).
positional: _input, cluster, dest
options:
  _input:
    description: The result of C(export_manifests).
    type: dict
    required: true
  cluster:
    description: The cluster's name.
    type: str
    required: true
  dest:
    description: The folder of the tree.
    type: str
    required: true
  components:
    description: The exported components, each C({name, objects}).
    type: list
    elements: dict
    default: []
  violations:
    description: The C(violations) of C(validate_manifests).
    type: list
    elements: dict
    default: []
  warnings:
    description: Warnings of the run to repeat, one text each.
    type: list
    elements: str
    default: []
  applied:
    description: Whether the run applies the stack (C(monitoring_apply)).
    type: bool
    default: false
  check_mode:
    description: Whether the run is in check mode (then nothing was written).
    type: bool
    default: false
"""

EXAMPLES = r"""
summary: "{{ __stack_export | vmstation.monitoring.stack_summary(monitoring_cluster_name, 'build/local') }}"
"""

RETURN = r"""
_value:
  description: The summary, one line per fact, each ending with a newline.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters
from ansible_collections.vmstation.monitoring.plugins.module_utils.export.summary import summary_lines


def stack_summary(export, cluster, dest, components=None, violations=None, warnings=None, applied=False,
                  check_mode=False):
    if not isinstance(export, dict):
        raise AnsibleFilterError("stack_summary: expects the result of export_manifests (a dict), got %s"
                                 % type(export).__name__)
    for name, value in (("components", components), ("violations", violations), ("warnings", warnings)):
        if value is not None and not isinstance(value, list):
            raise AnsibleFilterError("stack_summary: %s must be a list, got %s" % (name, type(value).__name__))
    return "".join(line + "\n" for line in summary_lines(str(cluster), str(dest), export, components or [],
                                                         violations or [], warnings or [], bool(applied),
                                                         bool(check_mode)))


class FilterModule:
    def filters(self):
        return native_filters({"stack_summary": stack_summary})
