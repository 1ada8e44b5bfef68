# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters of the roles' preflight phase; thin wrappers over module_utils/common/preflight.py."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import preflight


def failed_checks(checks):
    try:
        return preflight.failed_checks(checks)
    except preflight.CheckError as e:
        raise AnsibleFilterError("failed_checks: %s" % e) from e


def resource_problems(resources, variable):
    return preflight.resource_problems(resources, str(variable))


def image_problems(role, tags, tag, repository, digest, profile, example=""):
    return preflight.image_problems(str(role), tags, tag, repository, digest, str(profile), str(example))


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"failed_checks": failed_checks, "resource_problems": resource_problems,
           "image_problems": image_problems}
