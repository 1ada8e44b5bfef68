# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lookup checking the variables the inventory sets against the argument specs of the roles a run will use."""

from __future__ import annotations

DOCUMENTATION = r"""
name: argument_problems
short_description: Check the inventory's variables against the roles' argument specs, one message per error
description:
  - For each role named in the terms, reads the options of its entry point O(entry_point) from the role's
    C(meta/argument_specs.yml) and checks the value of every one of those variables that is set (in the
    inventory, the play, extra vars) as ansible-core does when the role starts - type, choices, elements,
    sub-options - but reports each failed argument as one line naming the variable, the role and its
    documentation, for the stack's preflight, before anything renders.
  - Values that only the role's defaults give are not checked (they are the role's own), nor required arguments.
    A term that names no role is skipped (the stack's checks report an unknown component).
  - The secret variables of the roles (their C(secrets) entry point) are not read, so a render-only run needs no
    vault password.
extends_documentation_fragment: [vmstation.monitoring.roles_dir]
options:
  _terms:
    description: The roles to check (C(stack), C(prometheus), ...).
    type: list
    elements: str
    required: true
  entry_point:
    description: The entry point whose options are checked for the roles other than C(stack) (C(stack) is checked
      against its C(main)).
    type: str
    default: component
"""

EXAMPLES = r"""
problems: "{{ lookup('vmstation.monitoring.argument_problems', *monitoring_enabled_components, roles_dir=role_path ~ '/..') }}"
"""

RETURN = r"""
_raw:
  description: One message per variable the argument specs refuse; empty when there is none.
  type: list
  elements: str
"""

import os

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.arguments import argument_problems, entry_options
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import plain


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        roles_dir, entry = self.get_option("roles_dir"), self.get_option("entry_point")
        variables = variables or {}
        problems = []
        if not os.path.isdir(str(roles_dir)):
            raise AnsibleLookupError("argument_problems: roles_dir %r is not a folder" % (roles_dir,))
        for role in [str(t) for t in terms]:
            # A name that is no role (an unknown entry of monitoring_components) is the stack's checks' to report.
            options = entry_options(roles_dir, role, "main" if role == "stack" else entry)
            given = {name: variables[name] for name in options if name in variables}
            problems += argument_problems(role, options, plain(self._templar.template(given)))
        return [problems]
