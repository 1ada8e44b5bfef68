"""The pinned builds of the real programs (scripts/tools.py), for tests.

``binary(name, version, program)`` returns the path of a built program. Where it is missing the test
is skipped with the command that builds it (or, for the few that cannot be built here, with the
reason scripts/tools.yml gives), except in CI (``CI`` set), where scripts/test.sh has run
the tools step and a missing program is a failure, not a silent skip.
"""

from __future__ import annotations

import os

import pytest
import yaml
from conftest import ROOT

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import tool_cache

TOOLS_SPEC = yaml.safe_load((ROOT / "scripts" / "tools.yml").read_text())


def role_tag(variable, profile, role=None):
    """The image tag a role pins for a profile (``prometheus_image_tags``, ``current`` -> ``v3.13.3``); ``role``:
    the role whose defaults hold ``variable``, when it is not the variable's prefix."""
    role = role or variable.removesuffix("_image_tags")
    defaults = yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text())
    return str(defaults[variable][profile]).split("@", maxsplit=1)[0]


def pinned(name):
    """The versions scripts/tools.yml pins for a test-infrastructure tool (kubernetes, etcd, kwok, helm)."""
    return list(TOOLS_SPEC[name]["versions"])


def unavailable_reason(name, version=None):
    """Why scripts/tools.yml says a program cannot be built here, or None."""
    table = TOOLS_SPEC.get("unavailable", {})
    reason = table.get(name) or (version and table.get("%s %s" % (name, str(version).lstrip("v"))))
    return " ".join(reason.split()) if reason else None


def binary(name, version, program):
    reason = unavailable_reason(name, version)
    if reason:
        pytest.skip("%s %s cannot be built here: %s" % (program, version, reason))
    path = tool_cache.find_binary(name, version, program)
    if path:
        return path
    message = "%s %s is not built: run scripts/tools.py --only %s (expected at %s)" % (
        program, version, name, tool_cache.binary_path(name, version, program))
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
