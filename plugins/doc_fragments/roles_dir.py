# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The option of the plugins that read the roles' argument specs (lookup argument_problems, filter
variable_typos)."""

from __future__ import annotations


class ModuleDocFragment:
    """The collection's roles folder."""

    DOCUMENTATION = r"""
options:
  roles_dir:
    description: The collection's C(roles) folder, whose C(<role>/meta/argument_specs.yml) are read.
    type: path
    required: true
"""
