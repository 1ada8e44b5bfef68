# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The roles' argument specs (``meta/argument_specs.yml``), read once, and the check of the values an inventory
sets against them, one message per failed argument.

ansible-core checks a role's variables against its spec when the role starts, and a failure there prints the
whole spec (hundreds of lines) around the one error. The stack's preflight runs this check first, over every role
it will run, so a wrong type or choice is reported at once, before anything renders, as a line naming the variable
and where it is documented; the roles' own checks then pass.
"""

from __future__ import annotations

import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import SafeLoader, yaml

_CACHE = {}


def argument_specs(roles_dir, role) -> dict:
    """``{entry point: spec}`` of ``role`` under ``roles_dir`` (empty when it has no spec file)."""
    path = os.path.join(str(roles_dir), str(role), "meta", "argument_specs.yml")
    stamp = os.stat(path).st_mtime_ns if os.path.isfile(path) else None
    if path not in _CACHE or _CACHE[path][0] != stamp:
        specs = {}
        if stamp is not None:
            with open(path, encoding="utf-8") as handle:
                specs = (yaml.load(handle, Loader=SafeLoader) or {}).get("argument_specs") or {}  # libyaml's parser
        _CACHE[path] = (stamp, specs)
    return _CACHE[path][1]


def entry_options(roles_dir, role, entry) -> dict:
    """The options of ``role``'s entry point ``entry`` (``{}`` when there is no such entry point)."""
    return (argument_specs(roles_dir, role).get(entry) or {}).get("options") or {}


def _messages(name, option, value):
    """The messages of one variable: each once (ansible-core may add the bare reason beside the sentence holding
    it), each naming the variable."""
    errors = ArgumentSpecValidator({name: option}).validate({name: value}).errors.errors
    raw = [str(error.args[0] if error.args else error).strip().rstrip(".") for error in errors]
    texts = []
    for error, text in zip(errors, raw):
        if any(text != other and text in other for other in raw):
            continue  # the bare reason of another message
        if type(error).__name__ == "UnsupportedError":
            key, _dot, supported = text.partition(". ")
            text = "%s is not an option of %s (%s)" % (key, name, supported or "no sub-options")
        elif "'%s'" % name not in text and not text.startswith(name):
            text = "%s: %s" % (name, text)
        texts.append(text)
    return texts


def argument_problems(role, options, values) -> list:
    """One message per value of ``values`` (``{variable: value}``, the ones the inventory sets) that ``options``
    (an entry point's options) refuses: a wrong type, a value outside the choices, a wrong element or sub-option.
    Defaults and required arguments are the role's own business: only the given values are checked."""
    where = "(the %s role's argument spec, docs/roles/%s.md)" % (role, role)
    problems = []
    for name, value in values.items():
        if name in options:
            option = {k: v for k, v in (options[name] or {}).items() if k not in ("default", "required")}
            problems += ["%s %s" % (text, where) for text in _messages(name, option, value)]
    return problems
