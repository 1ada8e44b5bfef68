# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Which program checks a config: the release of the component that will read it.

The version is the image tag of the container that mounts the config (the rendered stack holds
both); without such a container, the ConfigMap's ``app.kubernetes.io/version`` label, which the
roles set to the pinned image tag of the inventory's version profile.

The program is looked up, in this order:

1. one given by the caller (``promtool=``, ``amtool=``, ``loki=``, ``promtail_check=``: tests and the CLI);
2. the pinned build of that version in the tools cache (``scripts/tools.py``, module_utils/common/tool_cache.py);
3. the program on PATH, for collection users without a checkout: put the program of the matching
   version there. Its version (``--version``) is reported; when it is not the version the config is
   for, a warning says so, since an older or newer release may accept or refuse other settings.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import tool_cache

VERSION_LABEL = "app.kubernetes.io/version"
_VERSION = re.compile(r"^v?(\d+\.\d+\.\d+)")
_REPORTED_VERSION = re.compile(r"version v?(\d+\.\d+\.\d+)")
_REPORTED = {}


def bare_version(text):
    """``v3.13.3`` / ``3.13.3@sha256:...`` -> ``3.13.3``; None when ``text`` is not a version."""
    match = _VERSION.match(str(text or "").split("@", 1)[0])
    return match.group(1) if match else None


def image_name(container):
    """The last part of a container's image repository: ``quay.io/prometheus/prometheus:v3`` -> ``prometheus``."""
    image = str((container or {}).get("image", "")).split("@", 1)[0]
    return image.rsplit("/", 1)[-1].split(":", 1)[0]


def image_tag(container):
    """The tag of a container's image, without digest, or None."""
    last = str((container or {}).get("image", "")).split("@", 1)[0].rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def label_version(obj):
    return ((obj or {}).get("metadata") or {}).get("labels", {}).get(VERSION_LABEL)


def reported_version(path):
    """The version a program prints with ``--version`` (``3.13.3``), or None."""
    if path not in _REPORTED:
        try:
            proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)
            match = _REPORTED_VERSION.search(proc.stdout + proc.stderr)
            _REPORTED[path] = match.group(1) if match else None
        except (OSError, subprocess.SubprocessError):
            _REPORTED[path] = None
    return _REPORTED[path]


class Program:
    """A program that checks configs: its path, the version it reports, where it was found."""

    def __init__(self, binary, path, version, source):
        self.binary, self.path, self.version, self.source = binary, path, version, source

    def describe(self):
        return "%s %s, %s %s" % (self.binary, self.version or "of unknown version", self.source, self.path)


def find(name, binary, version, given=None):
    """The Program that checks a config read by ``name`` ``version`` (None: unknown), or None.

    ``name`` is the component's entry of scripts/tools.yml (prometheus, alertmanager, loki).
    """
    if given:
        return Program(binary, given, reported_version(given), "given at") if os.path.isfile(given) else None
    target = bare_version(version)
    if target:
        path = tool_cache.find_binary(name, target, binary)
        if path:
            return Program(binary, path, target, "the pinned build at")
    path = shutil.which(binary)
    return Program(binary, path, reported_version(path), "on PATH at") if path else None


def mismatch(program, version, component):
    """(message, fix) when ``program`` is not of the version the config is for, else None."""
    target = bare_version(version)
    if target and program.version == target:
        return None
    if target:
        message = "checked by %s, but %s %s reads it; the two releases may accept different settings" % (
            program.describe(), component, target)
    else:
        message = ("checked by %s: no container image tag nor %s label says which %s release reads this config"
                   % (program.describe(), VERSION_LABEL, component))
    return message, install_hint(program.binary, target, component)


def install_hint(binary, version, component):
    """How to get the program of ``version``: the tools step of a checkout, or PATH.

    ``component`` names the program's entry of scripts/tools.yml (Prometheus, Alertmanager, Loki), or is
    ``Promtail``: its configs are checked by ``promtail-check`` of the Loki module version ``version``
    (module_utils/validate/configs/promtail_verify.py), an entry of its own.
    """
    name = component.lower()
    if name == "promtail":
        name = binary = "promtail-check"
    wanted = version or "<the %s version you run>" % component
    on_path = "put %s %s on PATH" % (binary, wanted)
    if name == "loki" and version and not version.startswith("3."):
        # Loki 2 was never published as a Go module version, so the tools step cannot build it.
        return on_path + " (scripts/tools.py builds Loki 3 only)"
    return "in a checkout of the collection run `scripts/tools.py --only %s` (it builds %s %s into %s); elsewhere %s" % (
        name if name in ("loki", "promtail-check") else "prometheus,alertmanager", binary, wanted,
        tool_cache.binary_path(name, wanted, binary), on_path)
