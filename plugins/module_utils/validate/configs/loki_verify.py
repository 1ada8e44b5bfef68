# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Check the Loki configs carried in ConfigMaps with Loki's own ``-verify-config``: rule LOKI_VERIFY.

A ConfigMap value is a Loki config when it is the ``loki.yaml`` of a ConfigMap labelled for Loki (the
recognition of module_utils/validate/configs/loki.py) or YAML with ``schema_config`` or ``limits_config`` (the
policy engine's, module_utils/validate/policy/configs.py). Each is checked by the ``loki`` of the
release that reads it (module_utils/validate/configs/binaries.py): the image tag of the Loki container that
mounts it, else the ConfigMap's version label; the pinned build of that version (``scripts/tools.py``
builds Loki 3), else a loki on PATH. The config is written as rendered and read the way the container
reads it: ``-config.expand-env`` when its arguments ask for it, with the container's environment
variables set (those from a Secret to a placeholder).

The collection's own checker (module_utils/validate/configs/loki.py, rule LOKI_CONFIG) runs as well: its findings
name the key and the fix in Loki's terms, and for releases no binary exists for here (Loki 2.9.4 is not
a Go module version) it is the only check; a missing loki is therefore a warning, not an error.

Promtail reads its file with the same loader of Loki's (pkg/util/cfg: ``-config.file``,
``-config.expand-env``); module_utils/validate/configs/promtail_verify.py uses the helpers below for promtail-check.
"""

from __future__ import annotations

import os
import subprocess
import tempfile

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import binaries as checker_binaries
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import loki as loki_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.prometheus import find_mounts
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import safe_load as load_yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.configs import classify
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, WARNING, for_object

RULE = "LOKI_VERIFY"
_SECRET_PLACEHOLDER = "loki-verify-placeholder"


def is_config_of(kind, config_key, is_config_map, configmap, key, text):
    """Whether ``key`` of ``configmap`` holds a ``kind`` config (classify's kinds): the role's own key and
    labels, else what the text looks like."""
    if key == config_key and is_config_map(configmap):
        return True
    try:
        return classify(load_yaml(text)) == kind
    except yaml.YAMLError:
        return False


def is_loki_config(configmap, key, text):
    return is_config_of("loki", loki_config.CONFIG_KEY, loki_config.is_loki_config_map, configmap, key, text)


# --- shared with promtail_verify: a program that reads a config file with Loki's pkg/util/cfg --------

def reader(mounts, configmap, key, image):
    """The container that reads ``key`` of ``configmap``: its -config.file names the key's path, or it runs
    ``image`` (the last part of the image repository, ``loki``, ``promtail``) with the key mounted."""
    meta = configmap.get("metadata") or {}
    ident = (str(meta.get("namespace") or ""), str(meta.get("name") or ""))
    for mount in mounts:
        if mount.configmap != ident or key not in mount.paths:
            continue
        args = [str(a) for a in (mount.container.get("args") or []) + (mount.container.get("command") or [])]
        if any(a.lstrip("-") == "config.file=" + mount.paths[key] for a in args) \
                or checker_binaries.image_name(mount.container) == image:
            return mount.container
    return None


def container_environment(container):
    """The container's environment variables (those from a Secret or a field set to a placeholder), and PATH."""
    env = {"PATH": os.environ.get("PATH", "")}
    for variable in (container or {}).get("env") or []:
        if variable.get("name"):
            env[variable["name"]] = str(variable.get("value", _SECRET_PLACEHOLDER if "valueFrom" in variable else ""))
    return env


def run_on_config(program, flags, key, text, container, timeout):
    """(ok, output) of ``program -config.file=FILE *flags``, FILE holding ``text`` as ``key``, read the way
    ``container`` reads it: ``-config.expand-env=true`` when its arguments ask for it, with its environment.
    The output is on one line, with FILE named ``key``."""
    with tempfile.TemporaryDirectory(prefix="vmstation-%s-" % program.binary) as tmp:
        config_path = os.path.join(tmp, key)
        with open(config_path, "w", encoding="utf-8") as handle:
            handle.write(text)
        args = [program.path, "-config.file=" + config_path] + list(flags)
        if any(str(a).lstrip("-").startswith("config.expand-env") for a in (container or {}).get("args") or []):
            args.append("-config.expand-env=true")
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False,
                                  env=container_environment(container))
        except subprocess.TimeoutExpired:
            return False, "did not finish within %d seconds" % timeout
        except OSError as e:
            return False, "cannot run %s: %s" % (program.path, e)
    output = " ".join(line.strip() for line in (proc.stdout + proc.stderr).splitlines() if line.strip())
    return proc.returncode == 0, output.replace(config_path, key)


def not_found(binary, wanted, given):
    """``no loki 3.7.8 was found (neither a pinned build in the tools cache nor one on PATH)``."""
    return "no %s%s was found (%s)" % (binary, " " + wanted if wanted else "", "not at %s" % given if given else
                                       "neither a pinned build in the tools cache nor one on PATH")


def configs_with_readers(objects, is_config, image):
    """(ConfigMap, key, text, the container that reads it or None) of every config ``is_config`` accepts."""
    objects = [o for o in objects or [] if isinstance(o, dict)]
    mounts = None
    for obj in objects:
        if obj.get("kind") != "ConfigMap":
            continue
        for key, text in sorted((obj.get("data") or {}).items()):
            if isinstance(text, str) and is_config(obj, key, text):
                mounts = find_mounts(objects) if mounts is None else mounts
                yield obj, key, text, reader(mounts, obj, key, image)


# --- LOKI_VERIFY -----------------------------------------------------------------------------------

def check_config(configmap, key, text, container, loki=None, timeout=60):
    """Every LOKI_VERIFY Violation of the Loki config under ``data[key]`` of ``configmap`` read by ``container``."""
    path = "data[%s]" % key
    version = checker_binaries.image_tag(container) or checker_binaries.label_version(configmap)
    wanted = checker_binaries.bare_version(version)
    program = checker_binaries.find("loki", "loki", version, loki)
    if program is None:
        return [for_object(configmap, RULE, path, "%s, so only the collection's own LOKI_CONFIG check read this "
                           "config, not Loki's -verify-config" % not_found("loki", wanted, loki),
                           checker_binaries.install_hint("loki", wanted, "Loki"), severity=WARNING)]
    found = []
    problem = checker_binaries.mismatch(program, version, "Loki")
    if problem:
        found.append(for_object(configmap, RULE, path, problem[0], problem[1], severity=WARNING))
    ok, output = run_on_config(program, ["-verify-config"], key, text, container, timeout)
    if not ok:
        found.append(for_object(configmap, RULE, path, "loki -verify-config (%s) refuses the config: %s" % (
            program.describe(), output),
            "correct the Loki settings (loki_* variables of the inventory, loki_config_overrides, or the config of "
            "this ConfigMap)", severity=ERROR))
    return found


def verify_objects(objects, loki=None, timeout=60):
    """Every LOKI_VERIFY Violation of every Loki config carried by a ConfigMap in ``objects``.

    ``loki``: the binary to run for every config, instead of the one of each config's Loki version.
    """
    found = []
    for obj, key, text, container in configs_with_readers(objects, is_loki_config, "loki"):
        found.extend(check_config(obj, key, text, container, loki, timeout))
    return found
