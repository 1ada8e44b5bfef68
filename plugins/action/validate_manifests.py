# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""validate_manifests in the controller process on a local connection (plugin_utils/local_task.py)."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import ManifestError
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import (
    TASK_ARGUMENT_SPEC,
    TASK_MUTUALLY_EXCLUSIVE,
    TASK_REQUIRED_ONE_OF,
    run_task,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import PolicyError
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.schema import SchemaSetupError
from ansible_collections.vmstation.monitoring.plugins.plugin_utils.local_task import LocalTaskAction


class ActionModule(LocalTaskAction):
    ARGUMENT_SPEC = TASK_ARGUMENT_SPEC
    MUTUALLY_EXCLUSIVE = TASK_MUTUALLY_EXCLUSIVE
    REQUIRED_ONE_OF = TASK_REQUIRED_ONE_OF

    def run_local(self, params, check_mode, diff):
        try:
            result, failure = run_task(params, verbosity=self._display.verbosity)
        except (SchemaSetupError, PolicyError, ManifestError) as e:
            return {"failed": True, "msg": "Cannot validate: %s" % e}
        return dict(result, failed=True, msg=failure) if failure else result
