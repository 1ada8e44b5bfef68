# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The validate phase's check of Alertmanager configs carried in ConfigMaps (ours or a user's): rule AMTOOL.

A ConfigMap value is an Alertmanager config when it is YAML with ``route`` and ``receivers`` (the same
recognition as the policy engine's, module_utils/validate/policy/configs.py), or whatever the key
``alertmanager.yml``/``alertmanager.yaml`` holds (a config without ``route`` or that does not parse is
still one, and amtool says what is wrong with it). For each:
  - every file the config reads (``*_file`` settings, templates) is mounted in the pods that mount the
    config, credentials from a Secret (and the key is projected when the volume lists ``items``);
  - ``amtool check-config`` accepts the config. amtool runs on a copy laid out in a temporary folder as
    the pod would see it: each ``*_file`` path holds a placeholder, each template folder holds the
    templates of the ConfigMap mounted there.
Rules M006 (routing) and K017 (credentials in clear) run in the policy engine, over the functions of
module_utils/validate/configs/alertmanager_policy.py.

amtool is that of the Alertmanager release that reads the config (module_utils/binaries.py):
the image tag of the Alertmanager container that mounts it, else the ConfigMap's version label; the
pinned build of that version (``scripts/tools.py``), else an amtool on PATH, whose version is reported
when it is not the one the config is for. Without any amtool, one error says how to get the matching one.
"""

from __future__ import annotations

import copy
import os
import posixpath
import re
import shutil
import subprocess
import tempfile

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.objects import pod_spec as pod_spec_of
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import binaries
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import WARNING, for_object
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import safe_load as load_yaml

RULE = "AMTOOL"
CONFIG_KEYS = ("alertmanager.yml", "alertmanager.yaml")
_PLACEHOLDER = "amtool-check-placeholder\n"


class _Mounts:
    """What one container sees: mount path -> (kind, source name, items {key: path} or None, subPath)."""

    def __init__(self, pod_spec, container):
        volumes = {v.get("name"): v for v in pod_spec.get("volumes") or []}
        self.entries = []
        for mount in container.get("volumeMounts") or []:
            volume = volumes.get(mount.get("name")) or {}
            if "secret" in volume:
                source = ("Secret", volume["secret"].get("secretName"), volume["secret"].get("items"))
            elif "configMap" in volume:
                source = ("ConfigMap", volume["configMap"].get("name"), volume["configMap"].get("items"))
            else:
                source = ("other", mount.get("name"), None)
            items = {i.get("key"): i.get("path") for i in source[2]} if source[2] else None
            self.entries.append((posixpath.normpath(mount.get("mountPath", "/")), source[0], source[1], items,
                                 mount.get("subPath")))
        self.entries.sort(key=lambda e: len(e[0]), reverse=True)

    def find(self, path):
        """(mount entry, path relative to the mount) for an absolute file path, or (None, None)."""
        path = posixpath.normpath(path)
        for entry in self.entries:
            mount_path = entry[0]
            if path == mount_path:
                return entry, ""
            if path.startswith(mount_path.rstrip("/") + "/"):
                return entry, path[len(mount_path.rstrip("/")) + 1:]
        return None, None

    def config_path(self, configmap, key):
        """Where ``key`` of ``configmap`` appears in the container, or None."""
        for mount_path, kind, name, items, sub_path in self.entries:
            if kind != "ConfigMap" or name != configmap:
                continue
            if sub_path:
                if sub_path == key:
                    return mount_path
                continue
            if items is None:
                return posixpath.join(mount_path, key)
            if key in items:
                return posixpath.join(mount_path, items[key])
        return None


def _consumers(objects, configmap, key):
    """(workload, pod spec, container, mounts, config path) for each container that mounts the config."""
    meta = configmap.get("metadata") or {}
    namespace = meta.get("namespace", "")
    found = []
    for obj in objects:
        spec = pod_spec_of(obj) if isinstance(obj, dict) else None
        if spec is None or ((obj.get("metadata") or {}).get("namespace", "")) != namespace:
            continue
        for container in (spec.get("containers") or []):
            mounts = _Mounts(spec, container)
            path = mounts.config_path(meta.get("name"), key)
            if path:
                found.append((obj, spec, container, mounts, path))
    # A sidecar (a config reloader) may mount the config too; the Alertmanager containers are the ones
    # whose files and version matter.
    alertmanagers = [c for c in found if "alertmanager" in _repository(c[2])]
    return alertmanagers or found


def _repository(container):
    """The image of a container without its tag and digest."""
    image = str(container.get("image", "")).split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    return image[:len(image) - len(last)] + last.split(":", 1)[0]


def _split(dotted):
    """`receivers[1].slack_configs[0].api_url_file` -> ['receivers', 1, 'slack_configs', 0, 'api_url_file']."""
    return [int(p[1:-1]) if p.startswith("[") else p for p in re.findall(r"[^.\[\]]+|\[\d+\]", dotted)]


def _set_path(config, dotted, value):
    parts = _split(dotted)
    node = config
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value


def _layout_and_run(amtool, config, refs, consumer, objects, configmap_key):
    """Lay out the config as the pod sees it in a temp folder and run amtool; returns (ok, output)."""
    root = tempfile.mkdtemp(prefix="vmstation-amtool-")
    try:
        def local(path):
            return os.path.join(root, posixpath.normpath(path).lstrip("/"))

        config_path = consumer[4] if consumer else "/etc/alertmanager/%s" % configmap_key
        config_dir = posixpath.dirname(config_path)
        for dotted, path in refs:
            absolute = path if posixpath.isabs(path) else posixpath.join(config_dir, path)
            os.makedirs(os.path.dirname(local(absolute)), exist_ok=True)
            with open(local(absolute), "w") as handle:
                handle.write(_PLACEHOLDER)
            _set_path(config, dotted, local(absolute))
        patterns = []
        for pattern in (config.get("templates") if isinstance(config, dict) else None) or []:
            absolute = pattern if posixpath.isabs(pattern) else posixpath.join(config_dir, pattern)
            patterns.append(local(absolute))
            if consumer:
                _copy_template_sources(consumer[3], objects, consumer[0], posixpath.dirname(absolute), local)
        if patterns:
            config["templates"] = patterns
        os.makedirs(os.path.dirname(local(config_path)), exist_ok=True)
        with open(local(config_path), "w") as handle:
            if isinstance(config, dict):
                yaml.safe_dump(config, handle, sort_keys=False)
            else:
                handle.write(config)
        proc = subprocess.run([amtool, "check-config", local(config_path)], capture_output=True, text=True,
                              timeout=60, check=False)
        output = (proc.stdout + proc.stderr).replace(root, "")
        return proc.returncode == 0, output
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _copy_template_sources(mounts, objects, workload, folder, local):
    entry, _rel = mounts.find(folder.rstrip("/") + "/x")
    if not entry or entry[1] != "ConfigMap":
        return
    namespace = (workload.get("metadata") or {}).get("namespace", "")
    for obj in objects:
        meta = obj.get("metadata") or {}
        if obj.get("kind") == "ConfigMap" and meta.get("name") == entry[2] and meta.get("namespace", "") == namespace:
            for key, text in (obj.get("data") or {}).items():
                name = entry[3].get(key) if entry[3] else key
                if name:
                    target = local(posixpath.join(entry[0], name))
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "w") as handle:
                        handle.write(text)


def _mount_violations(configmap, config, refs, consumers, key):
    found = []
    for workload, _spec, container, mounts, config_path in consumers:
        where = "%s/%s container %s" % (
            workload.get("kind"), (workload.get("metadata") or {}).get("name"), container.get("name"))
        config_dir = posixpath.dirname(config_path)
        for dotted, path in refs:
            absolute = path if posixpath.isabs(path) else posixpath.join(config_dir, path)
            entry, rel = mounts.find(absolute)
            problem = None
            if entry is None:
                problem = "%s reads %s, which no volume of %s provides" % (dotted, path, where)
            elif entry[1] != "Secret":
                problem = "%s reads %s from a %s volume of %s; credentials must come from a Secret" % (
                    dotted, path, entry[1], where)
            elif entry[3] is not None and rel not in entry[3].values():
                problem = "%s reads %s, but the Secret volume of %s only projects %s" % (
                    dotted, path, where, ", ".join(sorted(entry[3].values())))
            if problem:
                found.append(for_object(configmap, RULE, "data.%s:%s" % (key, dotted), problem,
                                        "mount the Secret holding this credential at %s in %s"
                                        % (posixpath.dirname(absolute), where)))
        for pattern in config.get("templates") or []:
            absolute = pattern if posixpath.isabs(pattern) else posixpath.join(config_dir, pattern)
            entry, _rel = mounts.find(posixpath.dirname(absolute).rstrip("/") + "/x")
            if entry is None:
                found.append(for_object(configmap, RULE, "data.%s:templates" % key,
                                        "template files %s are not mounted in %s" % (pattern, where),
                                        "mount the ConfigMap holding the templates at %s"
                                        % posixpath.dirname(absolute)))
    return found


def _parse(key, text):
    """The Alertmanager config under ``key``: a dict, or the text itself when a key named for one holds
    something else (amtool reports what); None when it is no Alertmanager config."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict) and "route" in data and "receivers" in data:
        return data
    if posixpath.basename(str(key)) in CONFIG_KEYS:
        return data if isinstance(data, dict) else text
    return None


def file_references(config):
    """Every `*_file` setting of the config: (path in the config, file path). Templates are laid out apart."""
    found = []

    def walk(value, path):
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, "%s[%d]" % (path, i))
        elif isinstance(value, dict):
            for setting, item in value.items():
                here = "%s.%s" % (path, setting) if path else str(setting)
                if str(setting).endswith("_file") and isinstance(item, str):
                    found.append((here, item))
                else:
                    walk(item, here)

    walk({k: v for k, v in config.items() if k != "templates"}, "")
    return found


def check_config(configmap, key, config, objects, amtool=None):
    """Every AMTOOL Violation of the Alertmanager config under ``data[key]`` of ``configmap`` (a dict, or
    the text of one that is not a YAML mapping)."""
    refs = file_references(config) if isinstance(config, dict) else []
    consumers = _consumers(objects, configmap, key)
    found = _mount_violations(configmap, config if isinstance(config, dict) else {}, refs, consumers, key)
    version = (binaries.image_tag(consumers[0][2]) if consumers else None) \
        or binaries.label_version(configmap)
    program = binaries.find("alertmanager", "amtool", version, amtool)
    wanted = binaries.bare_version(version)
    if program is None:
        found.append(for_object(configmap, RULE, "data.%s" % key, "no amtool%s was found (%s), so the Alertmanager "
                                "config was not checked by Alertmanager's own parser" % (
                                    " " + wanted if wanted else "", "not at %s" % amtool if amtool else
                                    "neither a pinned build in the tools cache nor one on PATH"),
                                binaries.install_hint("amtool", wanted, "Alertmanager")))
        return found
    problem = binaries.mismatch(program, version, "Alertmanager")
    if problem:
        found.append(for_object(configmap, RULE, "data.%s" % key, problem[0], problem[1], severity=WARNING))
    ok, output = _layout_and_run(program.path, copy.deepcopy(config), refs, consumers[0] if consumers else None,
                                 objects, key)
    if not ok:
        message = " ".join(line.strip() for line in output.splitlines()
                           if line.strip() and not line.startswith("amtool: error: failed to validate"))
        found.append(for_object(configmap, RULE, "data.%s" % key, "amtool check-config failed (%s): %s" % (
            program.describe(), message), "fix the Alertmanager settings (alertmanager_* variables of the "
            "inventory, or the config of this ConfigMap)"))
    return found


def alertmanager_violations(objects, amtool=None):
    """Every AMTOOL Violation of every Alertmanager config carried by a ConfigMap in ``objects``."""
    found = []
    for obj in objects:
        if not isinstance(obj, dict) or obj.get("kind") != "ConfigMap":
            continue
        for key, text in sorted((obj.get("data") or {}).items()):
            config = _parse(key, text) if isinstance(text, str) else None
            if config is not None:
                found.extend(check_config(obj, key, config, objects, amtool))
    return found
