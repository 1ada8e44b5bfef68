# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""fail_on_problems: fail with a one-line headline and the problems listed once (module_utils/common/problems.py)."""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import plain
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.problems import problem_result

ARGUMENT_SPEC = {
    "problems": {"type": "list", "elements": "raw", "required": True},
    "subject": {"type": "str", "required": True},
    "consequence": {"type": "str", "default": "nothing was written or applied"},
    "counts": {"type": "str", "default": ""},
}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        validated = ArgumentSpecValidator(ARGUMENT_SPEC).validate(plain(self._task.args))
        if validated.error_messages:
            result.update(failed=True, msg="fail_on_problems: %s" % "; ".join(validated.error_messages))
            return result
        params = validated.validated_parameters
        host = (task_vars or {}).get("inventory_hostname", "")
        result.update(problem_result(params["problems"], params["subject"], host, params["consequence"],
                                     params["counts"]))
        return result
