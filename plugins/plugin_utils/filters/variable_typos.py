# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filter reporting inventory variables that carry a role's prefix but that no role declares."""

from __future__ import annotations

import os

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.variable_names import (
    describe_typos,
    likely_typos,
    role_variables,
)


def variable_typos(names, roles_dir):
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise AnsibleFilterError("variable_typos: expected a list of variable names, got %s" % type(names).__name__)
    if not os.path.isdir(str(roles_dir)):
        raise AnsibleFilterError("variable_typos: roles_dir %r is not a folder" % (roles_dir,))
    return describe_typos(likely_typos([str(n) for n in names], role_variables(str(roles_dir))))


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"variable_typos": variable_typos}
