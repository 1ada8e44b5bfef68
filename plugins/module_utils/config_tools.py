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

Each config is written to a temporary directory laid out as the pod that mounts it sees its files:
every ConfigMap volume of the Prometheus container at its mount path, and placeholder service account
files (``/var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace}``) when the pod mounts
its token. Absolute paths in the config (``rule_files``, ``credentials_file``, ``ca_file``, ...) are
pointed into that directory, so ``promtool check config`` checks the config the pod would load, with
the rule files and credential files the pod would find. Rule files are checked with ``promtool check
rules``, one file at a time, so every finding names its ConfigMap and key.

Debian 12's ``promtool`` (2.42) was built without Kubernetes service discovery and rejects
``kubernetes_sd_configs``. The config is therefore checked through a copy in which every
``kubernetes_sd_configs`` block (in scrape configs and in ``alerting.alertmanagers``) is replaced by an
equivalent ``static_configs`` placeholder target, so promtool still checks everything else for real:
relabel and metric relabel configs, limits, intervals and timeouts, TLS and authorization settings,
``rule_files``, ``alerting``. The replaced blocks are checked here instead, as Prometheus' own loader
does: the role is one of node, service, pod, endpoints, endpointslice, ingress; ``namespaces`` holds
``names`` (strings) and ``own_namespace`` (bool); each selector names a role the SD role supports, at
most once, with a well-formed label and field selector; ``api_server`` and ``kubeconfig_file`` exclude
each other, and HTTP client settings need ``api_server``.

Keys newer than promtool 2.42 (``keep_dropped_targets``, ``scrape_protocols``, ...; the table
``NEWER_THAN_PROMTOOL``) are removed from the checked copy only when promtool reports them unknown,
and each removal is reported as a warning: their values are then not checked. The collection's own
roles keep their configs within keys every targeted version knows, so this only concerns user overrides.

Findings are Violations with rule id ``PROMTOOL`` naming the ConfigMap, the data key and the tool's
message (temporary paths replaced by the paths inside the pod). Without ``promtool`` one error says
how to install it.
"""

from __future__ import annotations

import copy
import glob
import os
import re
import shutil
import subprocess
import tempfile

import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.policy.configs import classify
from ansible_collections.vmstation.monitoring.plugins.module_utils.violations import ERROR, WARNING, for_object
from ansible_collections.vmstation.monitoring.plugins.module_utils.manifests import safe_load as load_yaml

RULE = "PROMTOOL"
SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
SA_FILES = {"token": "placeholder-token\n", "ca.crt": "", "namespace": "default\n"}
CONFIG_KEYS = ("prometheus.yml", "prometheus.yaml")
PLACEHOLDER_TARGET = "kubernetes-sd.placeholder.invalid:80"

KUBERNETES_SD_ROLES = ("node", "service", "pod", "endpoints", "endpointslice", "ingress")
SELECTOR_ROLES = {
    "node": ("node",),
    "service": ("service",),
    "pod": ("pod",),
    "endpoints": ("endpoints", "pod", "service"),
    "endpointslice": ("endpointslice", "pod", "service"),
    "ingress": ("ingress",),
}
HTTP_CLIENT_KEYS = frozenset((
    "basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file", "tls_config", "proxy_url",
    "no_proxy", "proxy_from_environment", "proxy_connect_header", "follow_redirects", "enable_http2",
    "http_headers",
))
KUBERNETES_SD_KEYS = frozenset(("role", "api_server", "kubeconfig_file", "namespaces", "selectors",
                                "attach_metadata")) | HTTP_CLIENT_KEYS

# Keys that Prometheus releases after 2.42 added, by where they appear. Removed from the checked copy
# only when promtool says it does not know them. Versions are given where release notes confirm them.
NEWER_THAN_PROMTOOL = {
    "top": {"scrape_config_files": "2.43+"},
    "global": {
        "scrape_protocols": "2.49", "always_scrape_classic_histograms": "3.5",
        "metric_name_validation_scheme": "3.x", "metric_name_escaping_scheme": "3.x",
        "scrape_failure_log_file": "3.x", "convert_classic_histograms_to_nhcb": "3.x",
    },
    "scrape": {
        "keep_dropped_targets": "2.47", "track_timestamps_staleness": "2.48", "scrape_protocols": "2.49",
        "enable_compression": "2.49", "native_histogram_min_bucket_factor": "2.50",
        "native_histogram_bucket_limit": "2.4x", "scrape_classic_histograms": "2.4x",
        "always_scrape_classic_histograms": "3.5", "fallback_scrape_protocol": "3.0",
        "convert_classic_histograms_to_nhcb": "3.x", "metric_name_validation_scheme": "3.x",
        "metric_name_escaping_scheme": "3.x", "scrape_failure_log_file": "3.x",
    },
    "storage.tsdb": {"retention": "3.x"},
}

# Config keys whose values are file paths (a string or a list of strings).
PATH_KEYS = frozenset(("rule_files", "files", "credentials_file", "bearer_token_file", "password_file", "ca_file",
                       "cert_file", "key_file", "client_secret_file", "kubeconfig_file", "scrape_config_files"))
WORKLOAD_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob")

_UNKNOWN_FIELD = re.compile(r"field (\S+) not found in type (\S+)")
_LABEL_KEY = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                        r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$")
_SET_REQUIREMENT = re.compile(r"^(\S+)\s+(in|notin)\s+\(([^()]*)\)$")
_EQUALITY_REQUIREMENT = re.compile(r"^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$")


class PromtoolMissing(Exception):
    """promtool is not installed."""


def find_promtool(promtool=None):
    """The path of promtool: ``promtool`` if given, else the one on PATH. Raises PromtoolMissing."""
    path = promtool or shutil.which("promtool")
    if not path or not os.path.isfile(path):
        raise PromtoolMissing(promtool or "promtool")
    return path


# ---------------------------------------------------------------------------------------------------
# Finding configs, rule files and the pods that mount them


def _parse(text):
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


def _pod_spec(obj):
    spec = obj.get("spec") or {}
    if obj.get("kind") == "Pod":
        return spec
    if obj.get("kind") == "CronJob":
        return (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec") or {}
    return (spec.get("template") or {}).get("spec") or {}


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
        pod_spec = _pod_spec(obj)
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


# ---------------------------------------------------------------------------------------------------
# Kubernetes service discovery, checked here because promtool 2.42 cannot


def _check_label_selector(text):
    problems = []
    for requirement in _split_selector(text):
        requirement = requirement.strip()
        match = _SET_REQUIREMENT.match(requirement)
        if match:
            key, values = match.group(1), [v.strip() for v in match.group(3).split(",")]
            bad = [v for v in values if not _LABEL_VALUE.match(v)]
            if not _LABEL_KEY.match(key) or bad or values == [""]:
                problems.append("bad set requirement %r" % requirement)
            continue
        match = _EQUALITY_REQUIREMENT.match(requirement)
        if match:
            if not _LABEL_KEY.match(match.group(1)) or not _LABEL_VALUE.match(match.group(3)):
                problems.append("bad requirement %r" % requirement)
            continue
        key = requirement[1:].strip() if requirement.startswith("!") else requirement
        if not _LABEL_KEY.match(key):
            problems.append("bad requirement %r" % requirement)
    return problems


def _check_field_selector(text):
    problems = []
    for requirement in _split_selector(text):
        match = _EQUALITY_REQUIREMENT.match(requirement.strip())
        if not match:
            problems.append("bad requirement %r (field selectors allow only =, == and !=)" % requirement.strip())
    return problems


def _split_selector(text):
    """Split a selector on the commas that are not inside parentheses."""
    parts, depth, current = [], 0, ""
    for char in str(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current)
    return parts


def check_kubernetes_sd(sd_config):
    """Problems (strings) of one kubernetes_sd_configs entry, as Prometheus' loader would find them."""
    if not isinstance(sd_config, dict):
        return ["must be a mapping, not %s" % type(sd_config).__name__]
    problems = ["unknown key %r" % key for key in sorted(set(sd_config) - KUBERNETES_SD_KEYS)]
    role = sd_config.get("role")
    if role not in KUBERNETES_SD_ROLES:
        problems.append("role %r is not one of %s" % (role, ", ".join(KUBERNETES_SD_ROLES)))
    namespaces = sd_config.get("namespaces")
    if namespaces is not None:
        if not isinstance(namespaces, dict):
            problems.append("namespaces must be a mapping with names and/or own_namespace")
        else:
            problems.extend("namespaces: unknown key %r" % k for k in sorted(set(namespaces) - {"names", "own_namespace"}))
            names = namespaces.get("names", [])
            if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                problems.append("namespaces.names must be a list of namespace names")
            if not isinstance(namespaces.get("own_namespace", False), bool):
                problems.append("namespaces.own_namespace must be true or false")
    selectors = sd_config.get("selectors")
    if selectors is not None:
        if not isinstance(selectors, list):
            problems.append("selectors must be a list")
            selectors = []
        seen = set()
        for index, selector in enumerate(selectors):
            where = "selectors[%d]" % index
            if not isinstance(selector, dict):
                problems.append("%s must be a mapping with role, label and/or field" % where)
                continue
            problems.extend("%s: unknown key %r" % (where, k) for k in sorted(set(selector) - {"role", "label", "field"}))
            sel_role = selector.get("role")
            if sel_role in seen:
                problems.append("%s: duplicated selector role %r" % (where, sel_role))
            seen.add(sel_role)
            if role in SELECTOR_ROLES and sel_role not in SELECTOR_ROLES[role]:
                problems.append("%s: role %s supports only %s selectors, not %r"
                                % (where, role, ", ".join(SELECTOR_ROLES[role]), sel_role))
            problems.extend("%s.label: %s" % (where, p) for p in _check_label_selector(selector.get("label") or ""))
            problems.extend("%s.field: %s" % (where, p) for p in _check_field_selector(selector.get("field") or ""))
    attach = sd_config.get("attach_metadata")
    if attach is not None and (not isinstance(attach, dict) or set(attach) - {"node"}
                               or not isinstance(attach.get("node", False), bool)):
        problems.append("attach_metadata must be a mapping with node: true or false")
    api_server = sd_config.get("api_server")
    if api_server is not None and not re.match(r"^https?://[^/\s]+", str(api_server)):
        problems.append("api_server %r is not an http(s) URL" % api_server)
    if api_server and sd_config.get("kubeconfig_file"):
        problems.append("cannot use 'kubeconfig_file' and 'api_server' simultaneously")
    custom_http = sorted(set(sd_config) & HTTP_CLIENT_KEYS)
    if custom_http and not api_server:
        problems.append("%s need api_server: to use custom HTTP client configuration, provide the 'api_server' URL "
                        "explicitly (in-cluster discovery uses the pod's service account)" % ", ".join(custom_http))
    return problems


def replace_kubernetes_sd(config):
    """Return (copy of ``config`` with every kubernetes_sd_configs replaced by static_configs, replaced blocks).

    The replaced blocks are (where, sd_config) pairs; everything else in the copy is unchanged.
    """
    checked = copy.deepcopy(config)
    replaced = []

    def _replace(section, where):
        if not isinstance(section, dict) or "kubernetes_sd_configs" not in section:
            return
        blocks = section.pop("kubernetes_sd_configs")
        blocks = blocks if isinstance(blocks, list) else [blocks]
        for index, block in enumerate(blocks):
            replaced.append(("%s.kubernetes_sd_configs[%d]" % (where, index), block))
        static = section.get("static_configs")
        static = list(static) if isinstance(static, list) else []
        static.append({"targets": [PLACEHOLDER_TARGET]})
        section["static_configs"] = static

    if isinstance(checked, dict):
        for index, scrape in enumerate(checked.get("scrape_configs") or []):
            name = scrape.get("job_name", index) if isinstance(scrape, dict) else index
            _replace(scrape, "scrape_configs[%s]" % name)
        for index, manager in enumerate(((checked.get("alerting") or {}).get("alertmanagers")) or []):
            _replace(manager, "alerting.alertmanagers[%d]" % index)
    return checked, replaced


def strip_newer_keys(config, unknown):
    """Remove keys of NEWER_THAN_PROMTOOL that promtool reported ``unknown`` from ``config``, in place.

    Returns the sorted list of "where.key (Prometheus version)" removed.
    """
    removed = set()

    def _strip(section, table, where):
        if not isinstance(section, dict):
            return
        for key in list(section):
            if key in unknown and key in table:
                del section[key]
                removed.add("%s%s (Prometheus %s)" % (where, key, table[key]))

    _strip(config, NEWER_THAN_PROMTOOL["top"], "")
    _strip(config.get("global"), NEWER_THAN_PROMTOOL["global"], "global.")
    _strip((config.get("storage") or {}).get("tsdb"), NEWER_THAN_PROMTOOL["storage.tsdb"], "storage.tsdb.")
    for index, scrape in enumerate(config.get("scrape_configs") or []):
        name = scrape.get("job_name", index) if isinstance(scrape, dict) else index
        _strip(scrape, NEWER_THAN_PROMTOOL["scrape"], "scrape_configs[%s]." % name)
    return sorted(removed)


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


class _Checker:
    def __init__(self, objects, promtool, timeout):
        self.objects = [o for o in objects if isinstance(o, dict)]
        self.promtool = promtool
        self.timeout = timeout
        self.configmaps = {(_ns(o), _name(o)): o for o in self.objects if o.get("kind") == "ConfigMap"}
        self.mounts = find_mounts(self.objects)
        self.found = []

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
        prometheus_containers = {id(m.container) for m in self.mounts if m.configmap in config_ids}
        kept = []
        for cm, key, text in rules:
            users = [m for m in self.mounts if m.configmap == (_ns(cm), _name(cm))]
            if not users or any(id(m.container) in prometheus_containers for m in users):
                kept.append((cm, key, text))
        return configs, kept

    def check_rules(self, tmp, cm, key, text):
        path = os.path.join(tmp, "rules", _ns(cm) or "_", _name(cm), key)
        _write(path, text)
        code, _out, err = _run(self.promtool, ["check", "rules", path], self.timeout)
        if code != 0:
            for failure in _failures(err) or [err.strip() or "promtool check rules exited with %d" % code]:
                self._add(cm, key, "promtool check rules: %s" % failure.replace(path, key),
                          "correct the rule file (group names, rule names, PromQL expressions, durations, labels)")

    def check_config(self, tmp, cm, key, text, rule_entries):
        mount = self._config_mount(cm, key)
        root = os.path.join(tmp, "root")
        pod_path = mount.paths[key] if mount else "/etc/prometheus/%s/%s" % (_name(cm), key)
        rule_files = self._lay_out(root, mount, rule_entries) if mount else {}
        if mount is None or _automounts_token(mount.pod_spec, self.objects, _ns(mount.workload)):
            for name, content in SA_FILES.items():
                _write(os.path.join(root, SA_DIR.lstrip("/"), name), content)
        config_path = os.path.join(root, pod_path.lstrip("/"))

        config = _parse(text)
        if not isinstance(config, dict):
            _write(config_path, text)
            self._report(cm, key, root, self._promtool_config(config_path, rule_files))
            return
        checked, replaced = replace_kubernetes_sd(config)
        for where, block in replaced:
            for problem in check_kubernetes_sd(block):
                self._add(cm, key, "%s: %s (checked by vmstation.monitoring: promtool 2.42 has no Kubernetes SD)"
                          % (where, problem), "correct the kubernetes_sd_configs entry")
        checked = _rebase_paths(checked, root)
        while True:
            _write(config_path, yaml.safe_dump(checked, sort_keys=False, width=4096))
            failures = self._promtool_config(config_path, rule_files)
            unknown = {m.group(1) for f in failures for m in _UNKNOWN_FIELD.finditer(f)}
            newer = strip_newer_keys(checked, unknown) if unknown else []
            if not newer:
                break
            for item in newer:
                self._add(cm, key, "%s is newer than the installed promtool, which does not know it; it was removed "
                          "from the copy promtool checked, so its value is unchecked" % item,
                          "check it against the documentation of the Prometheus version you run", severity=WARNING)
        self._report(cm, key, root, failures)
        if mount:
            self._check_rule_coverage(cm, key, root, config_path, checked, rule_files)

    def _config_mount(self, cm, key):
        """The mount through which Prometheus reads this config: preferably that of the container whose
        --config.file names it (a reloader sidecar mounts the same ConfigMap), else the first one."""
        candidates = [m for m in self.mounts if m.configmap == (_ns(cm), _name(cm)) and key in m.paths]
        for mount in candidates:
            args = [str(a) for a in (mount.container.get("args") or []) + (mount.container.get("command") or [])]
            if "--config.file=" + mount.paths[key] in args:
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

    def _promtool_config(self, config_path, rule_files):
        """promtool check config's failures, without those about rule files (check rules reports them)."""
        code, _out, err = _run(self.promtool, ["check", "config", "--lint=none", config_path], self.timeout)
        failures = _failures(err)
        if code != 0 and not failures:
            failures = [err.strip() or "promtool check config exited with %d" % code]
        return [f for f in failures if not any(path in f for path in rule_files)]

    def _report(self, cm, key, root, failures):
        for failure in failures:
            message = failure.replace(root + "/", "/").replace(root, "")
            if re.search(r"\bline \d+", message):
                message += " (line numbers refer to the normalised copy promtool checked)"
            self._add(cm, key, "promtool check config: %s" % message,
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
    """Every Violation (rule PROMTOOL) found in the Prometheus configs and rule files of ``objects``."""
    checker = _Checker(objects or [], promtool, timeout)
    configs, rules = checker.entries()
    if not configs and not rules:
        return []
    try:
        checker.promtool = find_promtool(promtool)
    except PromtoolMissing as e:
        cm, key, _text = (configs or rules)[0]
        return [for_object(cm, RULE, _path(key),
                           "%s is not installed, so the Prometheus configs and rule files of this stack cannot be "
                           "checked" % e,
                           "install Debian's `prometheus` package (apt-get install prometheus; scripts/setup.sh does "
                           "it), which provides promtool")]
    with tempfile.TemporaryDirectory(prefix="vmstation-promtool-") as tmp:
        for cm, key, text in rules:
            checker.check_rules(tmp, cm, key, text)
        for index, (cm, key, text) in enumerate(configs):
            checker.check_config(os.path.join(tmp, "config-%d" % index), cm, key, text, rules)
    return checker.found
