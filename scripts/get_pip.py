#!/usr/bin/env python
# Copyright: vmstation.monitoring developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Offline stand-in for get-pip.py, used by ansible-test to bootstrap pip in its virtual environments.

ansible-test downloads get-pip.py from ci-files.testing.ansible.com unless a copy is cached in
~/.ansible/test/cache/get_pip_<version>.py; scripts/sanity.sh puts this file there. It installs the
pip wheel that ships with Python (ensurepip, no network), then lets that pip install the pinned
packages ansible-test asks for (``pip==X``), from the configured index or find-links.
"""

from __future__ import annotations

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main() -> int:
    """Bootstrap pip, then install the requested packages with it."""
    subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    packages = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    if not packages:
        return 0
    return subprocess.run([sys.executable, "-m", "pip", "install", "--upgrade", *packages], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
