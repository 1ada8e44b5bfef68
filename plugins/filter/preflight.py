# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters of the roles' preflight phase; thin wrappers over module_utils/common/preflight.py."""

from __future__ import annotations

DOCUMENTATION = r"""
name: failed_checks
short_description: The messages of a role's preflight checks that do not hold
description:
  - >-
    Takes a list of checks, each C({var: <variable>, value: <its value>, ok: <boolean>, fix: <text>}), and
    returns C(<var> is <value>: it <fix>.) for every check whose C(ok) is false, in order, so that one task
    reports every failed condition at once.
  - The companion filters C(resource_problems) (rule K001 for a container's resources) and
    C(image_problems) (rule K002 for a role's image settings) return such messages for the checks every
    component role shares.
positional: _input
options:
  _input:
    description: The checks.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
failed: >-
  {{ (_loki_checks | vmstation.monitoring.failed_checks)
     + (loki_resources | vmstation.monitoring.resource_problems('loki_resources')) }}
"""

RETURN = r"""
_value:
  description: One message per failed check, each naming the variable, its value and the fix.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import preflight
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters


def failed_checks(checks):
    try:
        return preflight.failed_checks(checks)
    except preflight.CheckError as e:
        raise AnsibleFilterError("failed_checks: %s" % e) from e


def resource_problems(resources, variable):
    return preflight.resource_problems(resources, str(variable))


def image_problems(role, tags, tag, repository, digest, profile, example=""):
    return preflight.image_problems(str(role), tags, tag, repository, digest, str(profile), str(example))


class FilterModule:
    def filters(self):
        return native_filters({"failed_checks": failed_checks, "resource_problems": resource_problems,
                               "image_problems": image_problems})
