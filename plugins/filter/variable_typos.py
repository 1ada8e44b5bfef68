# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filter reporting inventory variables that carry a role's prefix but that no role declares."""

from __future__ import annotations

DOCUMENTATION = r"""
name: variable_typos
short_description: Likely misspelled role variables, with the closest valid name
description:
  - Takes variable names (for example C(hostvars[inventory_hostname].keys())) and returns one message for
    each name that starts with a role's prefix (C(monitoring_), C(prometheus_), C(node_exporter_), ...)
    but is declared by no role's C(meta/argument_specs.yml), naming the closest valid variable.
positional: _input, roles_dir
options:
  _input:
    description: Variable names to check.
    type: list
    elements: str
    required: true
extends_documentation_fragment: [vmstation.monitoring.roles_dir]
"""

EXAMPLES = r"""
typos: "{{ hostvars[inventory_hostname].keys() | vmstation.monitoring.variable_typos(role_path ~ '/..') }}"
"""

RETURN = r"""
_value:
  description: One message per likely typo; empty when there is none.
  type: list
  elements: str
"""

import os

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.variable_names import (
    describe_typos,
    likely_typos,
    role_variables,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters


def variable_typos(names, roles_dir):
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise AnsibleFilterError("variable_typos: expected a list of variable names, got %s" % type(names).__name__)
    if not os.path.isdir(str(roles_dir)):
        raise AnsibleFilterError("variable_typos: roles_dir %r is not a folder" % (roles_dir,))
    return describe_typos(likely_typos([str(n) for n in names], role_variables(str(roles_dir))))


class FilterModule:
    def filters(self):
        return native_filters({"variable_typos": variable_typos})
