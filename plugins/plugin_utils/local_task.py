# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Action plugins that run their module's work in the controller process on a local connection.

Validating and exporting the whole stack is work on the controller: shipping it as a module costs a
Python process and the rendered objects serialized into it and back, for every cluster. On a local
connection the action plugin checks the task's arguments against the module's own argument spec and
calls the same module_utils function in-process; on any other connection it runs the module."""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import plain

LOCAL_TRANSPORTS = ("local", "ansible.builtin.local")


class LocalTaskAction(ActionBase):
    """Subclasses set ARGUMENT_SPEC (and its constraints) and implement ``run_local(params, check_mode, diff)``,
    which returns the result dict (``failed``/``msg`` on failure)."""

    ARGUMENT_SPEC: dict = {}
    MUTUALLY_EXCLUSIVE: list = []
    REQUIRED_ONE_OF: list = []
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        if getattr(self._connection, "transport", "") not in LOCAL_TRANSPORTS:
            result.update(self._execute_module(task_vars=task_vars))
            return result
        validated = ArgumentSpecValidator(self.ARGUMENT_SPEC, mutually_exclusive=self.MUTUALLY_EXCLUSIVE,
                                          required_one_of=self.REQUIRED_ONE_OF).validate(plain(self._task.args))
        if validated.error_messages:
            result.update(failed=True, msg="; ".join(validated.error_messages))
            return result
        result.update(self.run_local(validated.validated_parameters, bool(self._play_context.check_mode),
                                     bool(self._task.diff)))
        return result

    def run_local(self, params, check_mode, diff):
        raise NotImplementedError
