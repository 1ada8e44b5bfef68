# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filter writing the summary that ends a run for one cluster; a thin wrapper over module_utils/export/summary.py."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

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


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"stack_summary": stack_summary}
