# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Where the pinned builds of the components' own programs live.

``scripts/tools.py`` builds each program at the version of the image the roles pin and puts it at
``<cache>/<name>-<version>/bin/<binary>``; the cache is ``$VMSTATION_TOOLS_CACHE`` or
``~/.cache/vmstation-tools``. The validate phase and the tests look binaries up here, so a config is
checked by the same release that will run it.
"""

from __future__ import annotations

import os


def cache_root():
    return os.environ.get("VMSTATION_TOOLS_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "vmstation-tools")


def build_key(name, version):
    """``prometheus``, ``v3.13.3`` -> ``prometheus-3.13.3``."""
    return "%s-%s" % (name, str(version).split("@", maxsplit=1)[0].lstrip("v"))


def binary_path(name, version, binary):
    return os.path.join(cache_root(), build_key(name, version), "bin", binary)


def find_binary(name, version, binary):
    """The pinned build's path, or None when scripts/tools.py has not built it."""
    path = binary_path(name, version, binary)
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
