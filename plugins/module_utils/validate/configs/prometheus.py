# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Check the Prometheus configs and rule files carried in ConfigMaps with ``promtool``.

``check_prometheus_configs(objects)`` looks through a list of rendered Kubernetes objects for
ConfigMaps that carry

- a Prometheus config: a data key named ``prometheus.yml``/``prometheus.yaml``, or any YAML mapping
  with ``scrape_configs``;
- rule files: YAML mappings with a top-level ``groups`` list, unless the ConfigMap is mounted only by
  pods that carry no Prometheus config (a Loki ruler's LogQL rules look the same).

Each is checked by the promtool of the Prometheus release that reads it (module_utils/binaries.py):
the image tag of the Prometheus container that mounts it, else the ConfigMap's version label; the
pinned build of that version (``scripts/tools.py``, built with Kubernetes service discovery), else a
promtool on PATH, whose version is reported when it is not the one the config is for.

Each config is written to a temporary directory laid out as the pod that mounts it sees its files:
every ConfigMap volume of the Prometheus container at its mount path, and placeholder service account
files (``/var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace}``) when the pod mounts
its token. The config is checked as rendered; only its absolute paths (``rule_files``,
``credentials_file``, ``ca_file``, ...) are pointed into that directory, so ``promtool check config``
checks the config the pod would load, with the rule files and credential files the pod would find.
Rule files are checked with ``promtool check rules``, one file at a time, so every finding names its
ConfigMap and key.

Findings are Violations with rule id ``PROMTOOL`` naming the ConfigMap, the data key, the promtool that
ran and its message (temporary paths replaced by the paths inside the pod). Without any promtool, one
error per ConfigMap says how to get the matching one.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import subprocess
import tempfile

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.objects import pod_spec as pod_spec_of
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import binaries
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.configs import classify
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, WARNING, for_object
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import safe_load as load_yaml

RULE = "PROMTOOL"
SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
SA_FILES = {"token": "placeholder-token\n", "ca.crt": "", "namespace": "default\n"}
CONFIG_KEYS = ("prometheus.yml", "prometheus.yaml")

PATH_KEYS = frozenset(("rule_files", "files", "credentials_file", "bearer_token_file", "password_file", "ca_file",
                       "cert_file", "key_file", "client_secret_file", "kubeconfig_file", "scrape_config_files"))
WORKLOAD_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")


# ---------------------------------------------------------------------------------------------------
# Finding configs, rule files and the pods that mount them


@functools.lru_cache(maxsize=32)
def _parse(text):
    """The parsed file, once per text for the whole run (classifying every ConfigMap value, then checking the
    configs, reads each again); callers must not change what it returns."""
    try:
        return load_yaml(text)
    except yaml.YAMLError:
        return None


def is_prometheus_config(key, text):
    if os.path.basename(str(key)) in CONFIG_KEYS:
        return True
    return classify(_parse(text)) == "prometheus"


def is_rule_file(text):
    return classify(_parse(text)) == "rules"


def _configmap_volumes(pod_spec):
    """Volume name -> list of (ConfigMap name, items or None) the volume projects."""
    found = {}
    for volume in pod_spec.get("volumes") or []:
        if (volume.get("configMap") or {}).get("name"):
            found[volume["name"]] = [(volume["configMap"]["name"], volume["configMap"].get("items"))]
        elif volume.get("projected"):
            sources = []
            for source in volume["projected"].get("sources") or []:
                if (source.get("configMap") or {}).get("name"):
                    sources.append((source["configMap"]["name"], source["configMap"].get("items")))
            if sources:
                found[volume["name"]] = sources
    return found


class Mount:
    """One ConfigMap as a container sees it: where each of its keys appears inside the container."""

    def __init__(self, workload, pod_spec, container, configmap, paths):
        self.workload = workload
        self.pod_spec = pod_spec
        self.container = container
        self.configmap = configmap  # (namespace, name)
        self.paths = paths  # data key -> absolute path in the container


def _key_paths(mount_path, sub_path, items, keys):
    if items:
        mapping = {item["key"]: item.get("path", item["key"]) for item in items if item.get("key")}
    else:
        mapping = {key: key for key in keys}
    if sub_path:
        return {key: mount_path for key, path in mapping.items() if path == sub_path}
    return {key: os.path.join(mount_path, path) for key, path in mapping.items()}


def find_mounts(objects):
    """Every (container, ConfigMap) mount in the pod templates of ``objects``, as Mount instances."""
    configmaps = {(_ns(o), _name(o)): o for o in objects if o.get("kind") == "ConfigMap"}
    mounts = []
    for obj in objects:
        if obj.get("kind") not in WORKLOAD_KINDS:
            continue
        pod_spec = pod_spec_of(obj)
        volumes = _configmap_volumes(pod_spec)
        for container in (pod_spec.get("containers") or []) + (pod_spec.get("initContainers") or []):
            for volume_mount in container.get("volumeMounts") or []:
                for cm_name, items in volumes.get(volume_mount.get("name"), []):
                    key = (_ns(obj), cm_name)
                    data = (configmaps.get(key) or {}).get("data") or {}
                    paths = _key_paths(volume_mount.get("mountPath", ""), volume_mount.get("subPath"), items, data)
                    mounts.append(Mount(obj, pod_spec, container, key, paths))
    return mounts


def _ns(obj):
    return str((obj.get("metadata") or {}).get("namespace") or "")


def _name(obj):
    return str((obj.get("metadata") or {}).get("name") or "")


def _path(key):
    return 'data["%s"]' % key


def _rebase_paths(node, root, key=None):
    """Point absolute file paths of a config into ``root``: the directory that stands for the pod's /."""
    if isinstance(node, dict):
        return {k: _rebase_paths(v, root, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_rebase_paths(v, root, key) for v in node]
    if key in PATH_KEYS and isinstance(node, str) and node.startswith("/"):
        return os.path.join(root, node.lstrip("/"))
    return node


# ---------------------------------------------------------------------------------------------------
# Running promtool


def _run(promtool, args, timeout):
    try:
        proc = subprocess.run([promtool] + list(args), capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return 124, "", "  FAILED: %s did not finish within %d seconds" % (os.path.basename(promtool), timeout)
    except OSError as e:
        return 126, "", "  FAILED: cannot run %s: %s" % (promtool, e)
    return proc.returncode, proc.stdout, proc.stderr


def _failures(stderr):
    """The FAILED blocks of promtool's error output, each as one string."""
    blocks = [b.strip() for b in re.split(r"^\s*FAILED:", stderr, flags=re.M) if b.strip()]
    return [" ".join(line.strip() for line in block.splitlines() if line.strip()) for block in blocks]


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def _automounts_token(pod_spec, objects, namespace):
    if "automountServiceAccountToken" in pod_spec:
        return bool(pod_spec["automountServiceAccountToken"])
    account = pod_spec.get("serviceAccountName") or "default"
    for obj in objects:
        if obj.get("kind") == "ServiceAccount" and _name(obj) == account and _ns(obj) == namespace:
            return obj.get("automountServiceAccountToken", True) is not False
    return True


def _reads_config(mount, key):
    """Whether the container of ``mount`` is the Prometheus that reads ``key``."""
    args = [str(a) for a in (mount.container.get("args") or []) + (mount.container.get("command") or [])]
    return "--config.file=" + mount.paths[key] in args or binaries.image_name(mount.container) == "prometheus"


class _Checker:
    def __init__(self, objects, promtool, timeout):
        self.objects = [o for o in objects if isinstance(o, dict)]
        self.given = promtool
        self.timeout = timeout
        self.configmaps = {(_ns(o), _name(o)): o for o in self.objects if o.get("kind") == "ConfigMap"}
        self.mounts = find_mounts(self.objects)
        self.prometheus_containers = set()
        self.found = []
        self.reported = set()  # ConfigMaps already told which promtool checks them

    def _add(self, cm, key, message, fix, severity=ERROR):
        self.found.append(for_object(cm, RULE, _path(key), message, fix, severity=severity))

    def entries(self):
        """(configs, rule files): lists of (ConfigMap, key, text)."""
        configs, rules = [], []
        for cm in self.configmaps.values():
            for key, text in sorted(((cm.get("data") or {})).items()):
                if not isinstance(text, str):
                    continue
                if is_prometheus_config(key, text):
                    configs.append((cm, key, text))
                elif is_rule_file(text):
                    rules.append((cm, key, text))
        config_ids = {(_ns(cm), _name(cm)) for cm, _key, _text in configs}
        self.prometheus_containers = {id(m.container) for m in self.mounts if m.configmap in config_ids}
        kept = []
        for cm, key, text in rules:
            users = [m for m in self.mounts if m.configmap == (_ns(cm), _name(cm))]
            if not users or any(id(m.container) in self.prometheus_containers for m in users):
                kept.append((cm, key, text))
        return configs, kept

    def promtool(self, cm, key, container):
        """The promtool for a file of ``cm`` read by ``container`` (None: unknown); None, reported, when none exists.

        The first file of each ConfigMap reports a missing promtool, or one of another version.
        """
        version = (binaries.image_tag(container) if container else None) or binaries.label_version(cm)
        program = binaries.find("prometheus", "promtool", version, self.given)
        first = (_ns(cm), _name(cm)) not in self.reported
        self.reported.add((_ns(cm), _name(cm)))
        wanted = binaries.bare_version(version)
        if program is None:
            if first:
                self._add(cm, key, "no promtool%s was found (%s), so the Prometheus files of this ConfigMap are not "
                          "checked" % (" " + wanted if wanted else "", "not at %s" % self.given if self.given
                                       else "neither a pinned build in the tools cache nor one on PATH"),
                          binaries.install_hint("promtool", wanted, "Prometheus"))
            return None
        problem = binaries.mismatch(program, version, "Prometheus")
        if problem and first:
            self._add(cm, key, problem[0], problem[1], severity=WARNING)
        return program

    def _rules_reader(self, cm):
        """The Prometheus container that loads the rule files of ``cm``, or None."""
        for mount in self.mounts:
            if mount.configmap == (_ns(cm), _name(cm)) and id(mount.container) in self.prometheus_containers:
                return mount.container
        return None

    def check_rules(self, tmp, cm, key, text):
        program = self.promtool(cm, key, self._rules_reader(cm))
        if program is None:
            return
        path = os.path.join(tmp, "rules", _ns(cm) or "_", _name(cm), key)
        _write(path, text)
        code, _out, err = _run(program.path, ["check", "rules", path], self.timeout)
        if code != 0:
            for failure in _failures(err) or [err.strip() or "promtool check rules exited with %d" % code]:
                self._add(cm, key, "promtool check rules (%s): %s" % (program.describe(), failure.replace(path, key)),
                          "correct the rule file (group names, rule names, PromQL expressions, durations, labels)")

    def check_config(self, tmp, cm, key, text, rule_entries):
        mount = self._config_mount(cm, key)
        program = self.promtool(cm, key, mount.container if mount and _reads_config(mount, key) else None)
        if program is None:
            return
        root = os.path.join(tmp, "root")
        pod_path = mount.paths[key] if mount else "/etc/prometheus/%s/%s" % (_name(cm), key)
        rule_files = self._lay_out(root, mount, rule_entries) if mount else {}
        if mount is None or _automounts_token(mount.pod_spec, self.objects, _ns(mount.workload)):
            for name, content in SA_FILES.items():
                _write(os.path.join(root, SA_DIR.lstrip("/"), name), content)
        config_path = os.path.join(root, pod_path.lstrip("/"))
        config = _parse(text)
        if isinstance(config, dict):
            config = _rebase_paths(config, root)
            _write(config_path, yaml.safe_dump(config, sort_keys=False, width=4096))
        else:
            _write(config_path, text)
        self._report(cm, key, root, program, self._promtool_config(program, config_path, rule_files))
        if mount and isinstance(config, dict):
            self._check_rule_coverage(cm, key, root, config_path, config, rule_files)

    def _config_mount(self, cm, key):
        """The mount through which Prometheus reads this config: that of the container whose --config.file
        names it or that runs a Prometheus image (a reloader sidecar mounts the same ConfigMap), else the first."""
        candidates = [m for m in self.mounts if m.configmap == (_ns(cm), _name(cm)) and key in m.paths]
        for mount in candidates:
            if _reads_config(mount, key):
                return mount
        return candidates[0] if candidates else None

    def _lay_out(self, root, mount, rule_entries):
        """Write every ConfigMap the config's container mounts at its path under ``root``.

        Returns {path under root: (ConfigMap, key)} for the rule files among them.
        """
        rule_ids = {(_ns(c), _name(c), k): c for c, k, _t in rule_entries}
        rule_files = {}
        for other in self.mounts:
            if other.container is not mount.container:
                continue
            data = (self.configmaps.get(other.configmap) or {}).get("data") or {}
            for data_key, in_pod in other.paths.items():
                if isinstance(data.get(data_key), str):
                    target = os.path.join(root, in_pod.lstrip("/"))
                    _write(target, data[data_key])
                    if other.configmap + (data_key,) in rule_ids:
                        rule_files[target] = (rule_ids[other.configmap + (data_key,)], data_key)
        return rule_files

    def _promtool_config(self, program, config_path, rule_files):
        """promtool check config's failures, without those about rule files (check rules reports them)."""
        code, _out, err = _run(program.path, ["check", "config", "--lint=none", config_path], self.timeout)
        failures = _failures(err)
        if code != 0 and not failures:
            failures = [err.strip() or "promtool check config exited with %d" % code]
        return [f for f in failures if not any(path in f for path in rule_files)]

    def _report(self, cm, key, root, program, failures):
        for failure in failures:
            message = failure.replace(root + "/", "/").replace(root, "")
            if re.search(r"\bline \d+", message):
                message += " (line numbers refer to the normalised copy promtool checked)"
            self._add(cm, key, "promtool check config (%s): %s" % (program.describe(), message),
                      "correct the Prometheus configuration (inventory overrides or the role's settings)")

    def _check_rule_coverage(self, cm, key, root, config_path, checked, rule_files):
        """Warn about rule_files patterns that match nothing, and mounted rule files no pattern loads."""
        config_dir = os.path.dirname(config_path)
        patterns = [p if os.path.isabs(p) else os.path.join(config_dir, p)
                    for p in (checked.get("rule_files") or []) if isinstance(p, str)]
        matched = set()
        for pattern in patterns:
            hits = [h for h in glob.glob(pattern) if os.path.isfile(h)]
            matched.update(hits)
            if not hits:
                self._add(cm, key, "rule_files pattern %s matches no file the pod mounts, so no rules load from it"
                          % pattern.replace(root, ""), "mount the rule files there or correct the pattern",
                          severity=WARNING)
        for path, (rules_cm, rules_key) in sorted(rule_files.items()):
            if path not in matched:
                self._add(rules_cm, rules_key, "the pod mounts this rule file at %s, but no rule_files pattern of "
                          "%s/%s loads it" % (path.replace(root, ""), _name(cm), key),
                          "add its directory to rule_files or stop mounting it", severity=WARNING)


def check_prometheus_configs(objects, promtool=None, timeout=120):
    """Every Violation (rule PROMTOOL) found in the Prometheus configs and rule files of ``objects``.

    ``promtool``: the binary to run for every file, instead of the one of each file's Prometheus version.
    """
    checker = _Checker(objects or [], promtool, timeout)
    configs, rules = checker.entries()
    with tempfile.TemporaryDirectory(prefix="vmstation-promtool-") as tmp:
        for cm, key, text in rules:
            checker.check_rules(tmp, cm, key, text)
        for index, (cm, key, text) in enumerate(configs):
            checker.check_config(os.path.join(tmp, "config-%d" % index), cm, key, text, rules)
    return checker.found
