# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Argument specs shared by the modules that talk to an API server, like kubernetes.core's args_common.

Their documentation is the doc fragments ``kubernetes.core.k8s_auth_options`` (the connection options),
``vmstation.monitoring.stack_options`` (``instance``) and ``vmstation.monitoring.stack_options.field_manager``.
"""

from __future__ import annotations

import copy

from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC

FIELD_MANAGER = "vmstation-monitoring"

INSTANCE_ARG_SPEC = {"instance": {"type": "str", "required": True}}
FIELD_MANAGER_ARG_SPEC = {"field_manager": {"type": "str", "default": FIELD_MANAGER}}


def stack_argument_spec(options, field_manager=False):
    """kubernetes.core's authentication options, ``instance``, ``field_manager`` when the module writes,
    then the module's own ``options``; a new dict each time."""
    spec = copy.deepcopy(AUTH_ARG_SPEC)
    spec.update(copy.deepcopy(INSTANCE_ARG_SPEC))
    if field_manager:
        spec.update(copy.deepcopy(FIELD_MANAGER_ARG_SPEC))
    spec.update(options)
    return spec
