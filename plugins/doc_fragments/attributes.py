# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""What every module of the collection supports; used with ansible.builtin.action_common_attributes,
which describes the attributes. A module that supports more (apply_stack's diff) says so itself."""

from __future__ import annotations


class ModuleDocFragment:
    """Check mode everywhere, no diff unless the module says otherwise, POSIX controllers and hosts."""

    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: posix
"""
