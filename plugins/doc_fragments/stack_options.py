# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Options shared by the modules that work on a deployed stack.

Their argument specs come from one place too: plugins/module_utils/cluster/args.py.
"""

from __future__ import annotations


class ModuleDocFragment:
    """The stack's instance (every such module), its field manager (the modules that write)."""

    DOCUMENTATION = r"""
options:
  instance:
    description:
      - Value of the C(app.kubernetes.io/instance) label that marks the stack's objects (with
        C(app.kubernetes.io/managed-by=vmstation.monitoring)); the stack's releases are named
        C(<instance>-release-v<N>).
    type: str
    required: true
requirements:
  - kubernetes >= 24.2.0
"""

    FIELD_MANAGER = r"""
options:
  field_manager:
    description: Field manager of the server-side applies and other writes.
    type: str
    default: vmstation-monitoring
"""
