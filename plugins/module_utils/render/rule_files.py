# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Which of the shipped rule files (roles/prometheus/files/rules/) a cluster loads, and where their
runbook links point.

The control-plane alerts (control-plane.yml) watch the Kubernetes API servers. On managed clusters
(EKS, GKE, AKS...) the provider runs the control plane and pages for it, and on k3s it is embedded in
the k3s server with its own latency profile; there the inventory leaves the file out
(``control_plane_alerts=False``) or names any shipped file to leave out (``disabled``).

Every shipped alert has a ``runbook_url`` under ``RUNBOOK_BASE_URL`` (docs/runbooks/ of this
collection's documentation); ``runbook_base_url`` points them at a copy of the runbooks the operators
read (an internal wiki, a fork), without editing the files.
"""

from __future__ import annotations

import re

RUNBOOK_BASE_URL = "https://example.invalid/vmstation/monitoring/docs/runbooks/"
CONTROL_PLANE_FILE = "control-plane.yml"
_URL = re.compile(r"^https?://\S+$")


class RuleFilesError(Exception):
    """The selection names files that do not exist or a bad URL; the message says which and what exists."""


def select_rule_files(files, disabled=(), control_plane_alerts=True, runbook_base_url=""):
    """Return ``files`` (file name -> text) without the disabled ones, runbook links rebased.

    ``disabled`` lists file names to leave out; ``control_plane_alerts=False`` leaves out
    control-plane.yml; ``runbook_base_url`` (empty: keep) replaces RUNBOOK_BASE_URL in runbook_url
    annotations. Raises RuleFilesError for a name that is not a shipped file or a bad URL.
    """
    files = dict(files)
    drop = set(disabled or ())
    unknown = sorted(drop - set(files))
    if unknown:
        raise RuleFilesError("unknown rule file(s) %s; the shipped files are %s"
                             % (", ".join(unknown), ", ".join(sorted(files))))
    if not control_plane_alerts:
        drop.add(CONTROL_PLANE_FILE)
    base = str(runbook_base_url or "")
    if base and not _URL.match(base):
        raise RuleFilesError("runbook base URL %r is not an absolute http(s) URL" % base)
    base = base.rstrip("/") + "/" if base else ""
    selected = {}
    for name in sorted(files):
        if name in drop:
            continue
        text = files[name]
        if base:
            text = re.sub(r"(runbook_url:\s*['\"]?)" + re.escape(RUNBOOK_BASE_URL), lambda m: m.group(1) + base, text)
        selected[name] = text
    return selected
