# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""export_manifests in the controller process on a local connection (plugin_utils/local_task.py)."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.export.kustomize import (
    TASK_ARGUMENT_SPEC,
    TreeError,
    run_task,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.export.secrets import SecretsError
from ansible_collections.vmstation.monitoring.plugins.plugin_utils.local_task import LocalTaskAction


class ActionModule(LocalTaskAction):
    ARGUMENT_SPEC = TASK_ARGUMENT_SPEC

    def run_local(self, params, check_mode, diff):
        try:
            return run_task(params, check_mode=check_mode, diff=diff)
        except (TreeError, SecretsError, OSError) as e:
            return {"failed": True, "msg": "Cannot export the stack to %s: %s" % (params["dest"], e)}
