# -*- coding: utf-8 -*-
"""Callback used by bench/render_bench.py: wall time per phase, from the tags of each task."""

from __future__ import annotations

DOCUMENTATION = r"""
name: phase_timer
type: aggregate
short_description: Time spent per phase (preflight, render, validate, export, ...) of a run
description:
  - Adds up task durations by phase, the phase being the suffix of the task's C(<role>_<phase>) tag,
    and writes them as JSON to the file named by the environment variable C(PHASE_TIMER_OUT).
requirements:
  - enable in configuration
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

PHASES = ("preflight", "render", "validate", "export", "apply", "verify")


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "phase_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._current = None
        self._started = None
        self.totals = {}

    def _close(self):
        if self._current is not None:
            self.totals[self._current] = self.totals.get(self._current, 0.0) + time.monotonic() - self._started
            self._current = None

    def _phase(self, task):
        for tag in task.tags or []:
            for phase in PHASES:
                if str(tag).endswith("_" + phase):
                    return phase
        return "other"

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self._current = self._phase(task)
        self._started = time.monotonic()

    def v2_playbook_on_stats(self, stats):
        self._close()
        out = os.environ.get("PHASE_TIMER_OUT")
        if out:
            with open(out, "w", encoding="utf-8") as handle:
                json.dump(self.totals, handle)
