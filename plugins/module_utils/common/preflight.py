# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The checks of a role's preflight phase, one message per failed condition.

A role lists its cross-field rules as data (``_<role>_checks`` in its vars: each ``{var: <variable>,
value: <its value>, ok: <condition>, fix: <what it must be>}``) and its preflight is one task that fails
with the message of every condition that does not hold, all at once. The checks every component shares (the
image reference, the container resources) are written once here.
"""

from __future__ import annotations

import json
import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.units import CPU_QUANTITY, MEMORY_QUANTITY, unit_hint

_REPOSITORY = re.compile(r"^[a-z0-9]+([._/:-][a-z0-9]+)*$")
_TAG = re.compile(r"^v?[0-9]+\.[0-9]+\.[0-9]+([-+.][0-9A-Za-z_.-]+)?$")
_DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")
_EXAMPLES = {"cpu": "500m or 0.5", "memory": "256Mi or 2Gi"}


class CheckError(ValueError):
    """A role's check list is malformed (a bug of the role, not of the inventory)."""


def failed_checks(checks):
    """The message of every check whose ``ok`` is false, in order: ``<var> is <value>: it <fix>.``"""
    failed = []
    for index, check in enumerate(checks or []):
        if not isinstance(check, dict) or set(check) != {"var", "value", "ok", "fix"}:
            raise CheckError("check %d must be a mapping with exactly the keys var, value, ok and fix, got %r"
                             % (index, check))
        if not isinstance(check["ok"], bool):
            raise CheckError("check %d (%s): ok must be a boolean, got %r" % (index, check["var"], check["ok"]))
        if not check["ok"]:
            failed.append(message(check["var"], check["value"], check["fix"]))
    return failed


def missing(variable, fix):
    """``<variable> is not set: it <fix>.``: a setting that must be there and is not."""
    return "%s is not set: it %s." % (variable, " ".join(str(fix).split()).rstrip("."))


def message(variable, value, fix):
    """``<variable> is <value as JSON>: it <fix>.``: how every preflight failure reads."""
    return "%s is %s: it %s." % (variable, json.dumps(value, sort_keys=True), " ".join(str(fix).split()).rstrip("."))


def resource_problems(resources, variable):
    """Rule K001 for one container's ``resources`` given by ``variable``: requests and limits, each with a
    CPU and a memory quantity."""
    problems = []
    if not isinstance(resources, dict):
        return [message(variable, resources, "must be a mapping with requests and limits, each with cpu and memory "
                                             "(rule K001)")]
    for section in ("requests", "limits"):
        values = resources.get(section)
        values = values if isinstance(values, dict) else {}
        for resource, shape, kind in (("cpu", CPU_QUANTITY, "cpu"), ("memory", MEMORY_QUANTITY, "quantity")):
            value = values.get(resource)
            if value is None or isinstance(value, bool) or not shape.match(str(value)):
                problems.append(message("%s.%s.%s" % (variable, section, resource), value,
                                        "must be a Kubernetes quantity such as %s%s; requests and limits both need "
                                        "cpu and memory (rule K001)" % (_EXAMPLES[resource], unit_hint(value, kind))))
    return problems


def image_problems(role, tags, tag, repository, digest, profile, example=""):
    """The image of ``role``: ``<role>_image_repository`` without a tag or digest, a pinned release tag for
    ``profile`` (``<role>_image_tags.<profile>``, or ``<role>_image_tag`` over it), ``<role>_image_digest``
    empty or a sha256 digest (rule K002)."""
    problems = []
    repository = "" if repository is None else str(repository)
    if not _REPOSITORY.match(repository) or "@" in repository or ":" in repository.rsplit("/", 1)[-1]:
        problems.append(message(role + "_image_repository", repository, "must be a repository without a tag or "
                                "digest%s" % (", such as %s" % example if example else "")))
    if tag in (None, "") and profile not in (tags or {}):
        problems.append(message(role + "_image_tags", tags, "has no tag for the version profile %s "
                                "(monitoring_version_profile): add one, or set %s_image_tag" % (profile, role)))
    elif not _TAG.match(str(tag or "")):
        problems.append(message(role + "_image_tag", tag, "must be a pinned release tag such as v1.2.3, never empty or "
                                "latest (set %s_image_tags.%s or %s_image_tag; rule K002)" % (role, profile, role)))
    if digest not in (None, "") and not _DIGEST.match(str(digest)):
        problems.append(message(role + "_image_digest", digest, "must be empty or sha256:<64 hex digits>"))
    return problems
