"""Differential check: the collection's verdict on a config against the real program's.

Every config the example inventories render (inventory/local, dev, staging, prod; both version
profiles; the Loki tenancy and object-storage variants of tests/integration/test_logs.py), and a corpus
of mutations of them, go through

- our side: for Prometheus and Alertmanager the validate phase's verdict on the ConfigMap
  (``validate_objects``: the config laid out as its pod sees it, checked by the pinned promtool/amtool
  picked for its version, plus the policy rules); for Loki the collection's own Python checker
  (module_utils/validate/configs/loki.py), the only check where no loki binary exists (Loki 2.9.4, ``seed``);
- the real program, run directly on the config text: ``promtool check config --syntax-only`` /
  ``promtool check rules``, ``amtool check-config``, ``loki -verify-config``, of the pinned version.

The property: where our side says OK, the real program says OK too. A disagreement (our side accepts
what the program refuses) fails the test, listed with the mutation, our findings and the program's
message. The opposite (our side stricter) is reported, not failed: the policy rules refuse valid
configs on purpose (M001, M004...).
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from dataclasses import dataclass

import pytest
import yaml
from real_tools import binary, role_tag
from test_logs import S3, TENANT

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import loki as loki_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import loki_verify
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import validate_objects

from conftest import INVENTORIES, PROFILES

pytestmark = [pytest.mark.render, pytest.mark.tools]

KUBERNETES = "1.28"
# The renders other tests make (test_render.py, test_logs.py), so the session renders each once.
RENDERS = [(inventory, {}) for inventory in INVENTORIES] + [
    ("local", TENANT), ("local", {"monitoring_log_agent": "alloy", **S3})]


# --- the corpus ---------------------------------------------------------------------------------------

@dataclass
class Case:
    name: str  # where the config comes from, and the mutation applied to it
    text: str  # the config as the ConfigMap carries it


def _dump(config):
    return yaml.safe_dump(config, sort_keys=False, width=4096)


def _leaves(node, path=()):
    """(path, value) of every key of a parsed config, lists by their first item only (one per generic path)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + (key,), value
            yield from _leaves(value, path + (key,))
    elif isinstance(node, list) and node:
        yield from _leaves(node[0], path + (0,))


def _at(config, path):
    for part in path[:-1]:
        config = config[part]
    return config


def _wrong_type(value):
    if isinstance(value, bool):
        return "maybe"
    if isinstance(value, (int, float)):
        return "many"
    if isinstance(value, str):
        return ["a", "list"]
    if isinstance(value, list):
        return "not-a-list"
    return "not-a-mapping"


def generic_mutations(config, select):
    """Drop each key ``select(path)`` accepts, give it a value of another type, add an unknown key in it."""
    for path, value in _leaves(config):
        if not select(path):
            continue
        where = ".".join(str(p) for p in path)
        for name, change in (("drop", None), ("wrong type", _wrong_type(value))):
            mutated = copy.deepcopy(config)
            parent = _at(mutated, path)
            if change is None:
                del parent[path[-1]]
            else:
                parent[path[-1]] = change
            yield "%s %s" % (name, where), mutated
        if isinstance(value, dict):
            mutated = copy.deepcopy(config)
            _at(mutated, path + ("x",))["unknown_setting_x"] = 1
            yield "unknown key in %s" % where, mutated


def _set(path, value):
    def change(config):
        node = config
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return change


def _scrape(index, key, value):
    return lambda config: config["scrape_configs"][index].__setitem__(key, value)


def _relabel(index, **values):
    return lambda config: config["scrape_configs"][index].setdefault("relabel_configs", []).insert(0, values)


def _sd(index, **values):
    def change(config):
        job = next(j for j in config["scrape_configs"] if j.get("kubernetes_sd_configs"))
        job["kubernetes_sd_configs"][index].update(values)
    return change


PROMETHEUS_MUTATIONS = {
    "bad duration global.scrape_interval": _set(("global", "scrape_interval"), "often"),
    "unitless duration global.evaluation_interval": _set(("global", "evaluation_interval"), "30"),
    "scrape timeout longer than interval": _scrape(0, "scrape_timeout", "10m"),
    "bad label name in external_labels": _set(("global", "external_labels", "bad-label"), "x"),
    "bad relabel regex": _relabel(0, source_labels=["__address__"], regex="([", target_label="x"),
    "unknown relabel action": _relabel(0, source_labels=["__address__"], action="explode"),
    "replace relabel without target_label": _relabel(0, source_labels=["__address__"], action="replace",
                                                     target_label=""),
    "hashmod without modulus": _relabel(0, source_labels=["__address__"], action="hashmod", target_label="x"),
    "labelmap with bad regex": _relabel(0, action="labelmap", regex="(?P<"),
    "duplicate job_name": lambda c: c["scrape_configs"].append(copy.deepcopy(c["scrape_configs"][0])),
    "negative sample_limit": _scrape(0, "sample_limit", -1),
    "string label_limit": _scrape(0, "label_limit", "thirty"),
    "honor_labels not a bool": _scrape(0, "honor_labels", "yes please"),
    "bad scheme": _scrape(0, "scheme", "gopher"),
    "bad metrics_path type": _scrape(0, "metrics_path", {"path": "/metrics"}),
    "unknown scrape key": _scrape(0, "sample_limt", 10),
    "unknown top-level key": _set(("storage_retention",), "15d"),
    "bad SD role": _sd(0, role="pods"),
    "SD role missing": _sd(0, role=None),
    "SD selector of an unsupported role": _sd(0, selectors=[{"role": "ingress", "label": "a=b"}]),
    "SD duplicated selector role": _sd(0, selectors=[{"role": "pod"}, {"role": "pod"}]),
    "SD bad label selector": _sd(0, selectors=[{"role": "pod", "label": "a=b=c"}]),
    "SD bad field selector": _sd(0, selectors=[{"role": "pod", "field": "spec.nodeName in (a)"}]),
    "SD namespaces.names not a list": _sd(0, namespaces={"names": "default"}),
    "SD api_server with kubeconfig_file": _sd(0, api_server="https://k8s:6443", kubeconfig_file="/k"),
    "SD unknown key": _sd(0, namespace=["default"]),
    "static target with a path": lambda c: c["scrape_configs"][0].__setitem__(
        "static_configs", [{"targets": ["http://host:80/metrics"]}]),
    "bad alertmanager timeout": lambda c: c.setdefault("alerting", {"alertmanagers": [{}]})[
        "alertmanagers"][0].__setitem__("timeout", "soon"),
    "bad YAML": "global: {scrape_interval: 30s\nscrape_configs: [",
    "a Prometheus 3 key (fallback_scrape_protocol)": _scrape(0, "fallback_scrape_protocol", "PrometheusText0.0.4"),
    "a Prometheus 2 only key (global.query_log_file type)": _set(("global", "query_log_file"), ["a"]),
}

RULE_MUTATIONS = {
    "bad expression": _set(("groups", 0, "rules", 0, "expr"), "up =="),
    "bad for duration": _set(("groups", 0, "rules", 0, "for"), "5 minutes"),
    "neither alert nor record": lambda c: [c["groups"][0]["rules"][0].pop(k, None) for k in ("alert", "record")],
    "both alert and record": _set(("groups", 0, "rules", 0, "record"), "job:up:sum"),
    "bad record name": lambda c: c["groups"][0]["rules"].append({"record": "bad name", "expr": "up"}),
    "duplicate group name": lambda c: c["groups"].append(copy.deepcopy(c["groups"][0])),
    "bad label name": _set(("groups", 0, "rules", 0, "labels", "bad-label"), "x"),
    "bad group interval": _set(("groups", 0, "interval"), "often"),
    "unknown rule key": _set(("groups", 0, "rules", 0, "severity"), "warning"),
    "bad template in annotation": _set(("groups", 0, "rules", 0, "annotations", "summary"), "{{ .Labels.job "),
}

ALERTMANAGER_MUTATIONS = {
    "route to an unknown receiver": _set(("route", "receiver"), "nobody"),
    "route without receiver": lambda c: c["route"].pop("receiver"),
    "duplicate receiver": lambda c: c["receivers"].append(copy.deepcopy(c["receivers"][0])),
    "receiver without name": lambda c: c["receivers"][0].pop("name"),
    "bad matcher": lambda c: c["route"].setdefault("routes", []).insert(0, {
        "matchers": ['severity=~"(unclosed"'], "receiver": c["route"]["receiver"]}),
    "bad group_wait": _set(("route", "group_wait"), "soon"),
    "zero repeat_interval": _set(("route", "repeat_interval"), "0s"),
    "group_by not a list": _set(("route", "group_by"), "alertname"),
    "unknown route key": _set(("route", "recevier"), "x"),
    "unknown receiver section": lambda c: c["receivers"][0].__setitem__("slak_configs", [{"channel": "#a"}]),
    "webhook with a bad URL": lambda c: c["receivers"].append({"name": "hook", "webhook_configs": [
        {"url": "not a url"}]}),
    "email without to": lambda c: c["receivers"].append({"name": "mail", "email_configs": [
        {"from": "a@example.org", "smarthost": "smtp.example.org:25"}]}),
    "mute interval that does not exist": lambda c: c["route"].setdefault("routes", []).insert(0, {
        "matchers": ['team="a"'], "receiver": c["route"]["receiver"], "mute_time_intervals": ["never-defined"]}),
    "bad inhibit matcher": lambda c: c.setdefault("inhibit_rules", []).append({
        "source_matchers": ["severity=="], "target_matchers": ['severity="warning"'], "equal": ["alertname"]}),
    "bad global resolve_timeout": _set(("global", "resolve_timeout"), "later"),
    "bad YAML": "route: {receiver: x\nreceivers: [",
    "an Alertmanager 0.28 receiver (msteamsv2)": lambda c: c["receivers"].append(
        {"name": "teams", "msteamsv2_configs": [{"webhook_url": "https://example.org/hook"}]}),
}

LOKI_MUTATIONS = {
    "no schema_config": lambda c: c.pop("schema_config"),
    "schema period with a bad date": _set(("schema_config", "configs", 0, "from"), "2024-13-45"),
    "schema period with an unknown store": _set(("schema_config", "configs", 0, "store"), "bolt"),
    "schema period with an unknown schema": _set(("schema_config", "configs", 0, "schema"), "v14"),
    "tsdb period of 12h": _set(("schema_config", "configs", 0, "index", "period"), "12h"),
    "period on an unconfigured object store": _set(("schema_config", "configs", 0, "object_store"), "gcs"),
    "v12 period while structured metadata is on": _set(("schema_config", "configs", 0, "schema"), "v12"),
    "retention without delete_request_store": lambda c: c["compactor"].pop("delete_request_store", None),
    "bad retention_period": _set(("limits_config", "retention_period"), "forever"),
    "bad max_query_length": _set(("limits_config", "max_query_length"), "1 month"),
    "max_query_series not a number": _set(("limits_config", "max_query_series"), "many"),
    "ingestion_rate_mb not a number": _set(("limits_config", "ingestion_rate_mb"), "fast"),
    "bad per_stream_rate_limit": _set(("limits_config", "per_stream_rate_limit"), "5 megabytes"),
    "unknown limits key": _set(("limits_config", "max_query_seriez"), 500),
    "unknown top-level key": _set(("storage",), {"type": "filesystem"}),
    "auth_enabled not a bool": _set(("auth_enabled",), "yes please"),
    "http port not a number": _set(("server", "http_listen_port"), "http"),
    "bad log level": _set(("server", "log_level"), "loud"),
    "a Loki 2 key removed in 3 (compactor.shared_store)": _set(("compactor", "shared_store"), "filesystem"),
    "bad YAML": "auth_enabled: false\nschema_config: {configs: [\n",
}


def mutate(name, config, mutations, generic=None):
    """Cases: the config as rendered, then each mutation that applies to it, then the generic ones
    (generic_mutations) over the paths ``generic`` selects."""
    yield Case(name, _dump(config))
    if not mutations:
        return
    for label, change in mutations.items():
        if isinstance(change, str):
            yield Case("%s, %s" % (name, label), change)
            continue
        mutated = copy.deepcopy(config)
        try:
            change(mutated)
        except (KeyError, IndexError, StopIteration, TypeError, AttributeError):
            continue  # the config has no such part
        yield Case("%s, %s" % (name, label), _dump(mutated))
    if generic:
        for label, mutated in generic_mutations(config, generic):
            yield Case("%s, %s" % (name, label), _dump(mutated))


# --- the two sides ------------------------------------------------------------------------------------

def _run(args, timeout=120, **kwargs):
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)
    return proc.returncode == 0, " ".join((proc.stdout + proc.stderr).split())


def _with_data(obj, key, text):
    changed = copy.deepcopy(obj)
    changed["data"] = {key: text}
    return changed


def _our_errors(objects, configmap):
    """The validate phase's blocking findings about ``configmap`` (schema aside) within ``objects``."""
    ref = ("ConfigMap", configmap["metadata"].get("namespace", ""), configmap["metadata"]["name"])
    return [v.format() for v in validate_objects(objects, KUBERNETES, schema=False)
            if v.blocking and (v.kind, v.namespace, v.name) == ref]


def _find(objects, kind, name):
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def _workload_of(objects, configmap_name):
    """The workload whose pods mount the ConfigMap, and the ServiceAccounts it may use."""
    for obj in objects:
        volumes = (((obj.get("spec") or {}).get("template") or {}).get("spec") or {}).get("volumes") or []
        if any((v.get("configMap") or {}).get("name") == configmap_name for v in volumes):
            return [obj] + [o for o in objects if o["kind"] == "ServiceAccount"]
    return []


class Differential:
    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.checked = 0
        self.disagreements = []
        self.stricter = []

    def compare(self, case, ours, theirs):
        """``ours``: our blocking findings; ``theirs``: (ok, output) of the real program."""
        self.checked += 1
        ok, output = theirs
        if not ours and not ok:
            self.disagreements.append("%s\n    our side: OK\n    the program refuses: %s" % (case.name, output[:600]))
        elif ours and ok:
            self.stricter.append("%s: %s" % (case.name, ours[0][:300]))

    def file(self, name, text):
        path = self.tmp / ("case-%d-%s" % (self.checked, name))
        path.write_text(text)
        return str(path)

    def report(self, what):
        print("\n%s: %d configs checked, %d disagreements, %d where our side is stricter" % (
            what, self.checked, len(self.disagreements), len(self.stricter)))
        for line in self.stricter:
            print("  stricter: " + line)
        assert not self.disagreements, "%s: our side accepts what the real program refuses:\n%s" % (
            what, "\n".join(self.disagreements))


def _renders(render, profile):
    """(label, objects) of every cluster of every render of ``profile``."""
    for inventory, extra in RENDERS:
        run = render(inventory, profile, **extra)
        assert run.returncode == 0, run.output[-4000:]
        for cluster in run.clusters():
            yield "%s/%s %s%s" % (inventory, cluster, profile, " " + ",".join(sorted(extra)) if extra else ""), \
                run.objects(cluster)


def _distinct(render, profile, pick):
    """Each distinct config ``pick(objects)`` returns over the renders, with the first place it came from."""
    seen = {}
    for label, objects in _renders(render, profile):
        found = pick(objects)
        if found is not None:
            seen.setdefault(_dump(found[0]), (label, objects, found))
    return list(seen.values())


# --- the tests ----------------------------------------------------------------------------------------

def _prometheus_paths(path):
    """The generic mutations of a Prometheus config: its top two levels and its first scrape job."""
    return len(path) <= 2 or (path[:2] == ("scrape_configs", 0) and len(path) <= 5)


def _prometheus(objects):
    configmap = _find(objects, "ConfigMap", "prometheus-config")
    [key] = list(configmap["data"])
    return yaml.safe_load(configmap["data"][key]), configmap, key


@pytest.mark.parametrize("profile", PROFILES)
def test_prometheus_configs_and_rules(render, profile, tmp_path):
    promtool = binary("prometheus", role_tag("prometheus_image_tags", profile), "promtool")
    diff = Differential(tmp_path)
    for number, (label, objects, (config, configmap, key)) in enumerate(_distinct(render, profile, _prometheus)):
        context = _workload_of(objects, configmap["metadata"]["name"])
        mutations = PROMETHEUS_MUTATIONS if number == 0 else {}
        for case in mutate("%s prometheus.yml" % label, config, mutations, _prometheus_paths):
            ours = _our_errors([_with_data(configmap, key, case.text)] + context, configmap)
            diff.compare(case, ours, _run([promtool, "check", "config", "--syntax-only", "--lint=none",
                                          diff.file(key, case.text)]))
        if number:
            continue
        rules = _find(objects, "ConfigMap", "prometheus-rules")
        for rule_key, text in sorted(rules["data"].items()):
            groups = yaml.safe_load(text)
            for case in mutate("%s %s" % (label, rule_key), groups, RULE_MUTATIONS if rule_key == "stack.yml" else {}):
                ours = _our_errors([_with_data(rules, rule_key, case.text), configmap] + context, rules)
                diff.compare(case, ours, _run([promtool, "check", "rules", "--lint=none",
                                              diff.file(rule_key, case.text)]))
    diff.report("Prometheus %s" % profile)


def _alertmanager(objects):
    configmap = next((o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] ==
                      "alertmanager-config"), None)
    if configmap is None:
        return None
    [key] = list(configmap["data"])
    return yaml.safe_load(configmap["data"][key]), configmap, key


@pytest.mark.parametrize("profile", PROFILES)
def test_alertmanager_configs(render, profile, tmp_path):
    amtool = binary("alertmanager", role_tag("alertmanager_image_tags", profile), "amtool")
    diff = Differential(tmp_path)
    for number, (label, objects, (config, configmap, key)) in enumerate(_distinct(render, profile, _alertmanager)):
        context = _workload_of(objects, configmap["metadata"]["name"]) + [
            o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] != configmap["metadata"]["name"]]
        for case in mutate("%s %s" % (label, key), config, ALERTMANAGER_MUTATIONS if number == 0 else {},
                           lambda path: True):
            ours = _our_errors([_with_data(configmap, key, case.text)] + context, configmap)
            diff.compare(case, ours, _run([amtool, "check-config", diff.file(key, case.text)]))
    diff.report("Alertmanager %s" % profile)


def _loki(objects):
    configmap = next((o for o in objects if loki_config.is_loki_config_map(o)), None)
    if configmap is None:
        return None
    return yaml.safe_load(configmap["data"][loki_config.CONFIG_KEY]), configmap


def _loki_container(objects):
    sts = _find(objects, "StatefulSet", "loki")
    return sts["spec"]["template"]["spec"]["containers"][0]


@pytest.mark.parametrize("profile", PROFILES)
def test_loki_configs(render, profile, tmp_path):
    version = role_tag("loki_image_tags", profile)
    loki = binary("loki", version, "loki")
    diff = Differential(tmp_path)
    for label, objects, (config, configmap) in _distinct(render, profile, _loki):
        container = _loki_container(objects)
        for case in mutate("%s loki.yaml" % label, config, LOKI_MUTATIONS, lambda path: True):
            ours = [f.path + " " + f.message for f in loki_config.check_text(case.text, version)
                    if f.severity == "error"]
            theirs = loki_verify.check_config(configmap, loki_config.CONFIG_KEY, case.text, container, loki=loki)
            refused = [v for v in theirs if v.blocking]
            diff.compare(case, ours, (not refused, refused[0].message if refused else ""))
    diff.report("Loki %s" % profile)


def test_the_loki_of_seed_cannot_be_built_and_the_python_checker_is_its_only_check():
    """Loki 2.9.4 (seed) has no binary here: test_loki_configs[seed] skips with the reason, and the
    validate phase reports the missing loki as a warning while LOKI_CONFIG still checks the config."""
    version = role_tag("loki_image_tags", "seed")
    with pytest.raises(pytest.skip.Exception, match="cannot be built here"):
        binary("loki", version, "loki")
    labels = {"app.kubernetes.io/name": "loki", "app.kubernetes.io/version": version}
    configmap = {"apiVersion": "v1", "kind": "ConfigMap",
                 "metadata": {"name": "loki", "namespace": "monitoring", "labels": labels},
                 "data": {"loki.yaml": "auth_enabled: maybe\n"}}
    found = validate_objects([configmap], KUBERNETES, schema=False, policy=False,
                             rules=[loki_config.RULE, loki_verify.RULE])
    verify = [v for v in found if v.rule == loki_verify.RULE]
    if not shutil.which("loki"):
        assert [v.severity for v in verify] == ["warning"], [v.format() for v in verify]
        assert "no loki %s was found" % version in verify[0].message
        assert "scripts/tools.py builds Loki 3 only" in verify[0].fix
    assert any(v.rule == loki_config.RULE and v.blocking and "auth_enabled" in v.message for v in found)


# --- Promtail: our checker against Promtail's own config code (promtail-check, Loki v3.7.8) -------------

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import promtail as promtail_config  # noqa: E402
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import promtail_verify


def _stage(index, stage):
    return lambda config: config["scrape_configs"][index].setdefault("pipeline_stages", []).insert(0, stage)


def _client(key, value):
    return lambda config: config["clients"][0].__setitem__(key, value)


PROMTAIL_MUTATIONS = {
    "unknown top-level key": _set(("promtail_server",), {"port": 1}),
    "unknown server key": _set(("server", "http_port"), 3101),
    "http port not a number": _set(("server", "http_listen_port"), "http"),
    "bad log level": _set(("server", "log_level"), "loud"),
    "bad server timeout": _set(("server", "http_server_read_timeout"), "soon"),
    "unknown positions key": _set(("positions", "sync_perod"), "10s"),
    "bad positions sync_period": _set(("positions", "sync_period"), "often"),
    "ignore_invalid_yaml not a bool": _set(("positions", "ignore_invalid_yaml"), "maybe"),
    "no clients": _set(("clients",), []),
    "client without url": lambda c: c["clients"][0].pop("url"),
    "client url not a URL": _client("url", "http://[::1"),
    "unknown client key": _client("tenant", "a"),
    "bad client batchwait": _client("batchwait", "soon"),
    "client batchsize not a number": _client("batchsize", "big"),
    "bad client timeout": _client("timeout", "10 seconds"),
    "bad external label name": lambda c: c["clients"][0].setdefault("external_labels", {}).__setitem__(
        "bad-label", "x"),
    "external_labels not a mapping": _client("external_labels", ["cluster"]),
    "bearer_token and basic_auth together": lambda c: c["clients"][0].update(
        {"bearer_token": "t", "basic_auth": {"username": "u", "password": "p"}}),
    "unknown backoff key": _client("backoff_config", {"max_retry": 3}),
    "unknown tls key": _client("tls_config", {"ca": "x", "insecure": True}),
    "duplicate job_name": lambda c: c["scrape_configs"].append(copy.deepcopy(c["scrape_configs"][0])),
    "job without a source": lambda c: c["scrape_configs"][0].pop("kubernetes_sd_configs"),
    "unknown scrape key": _scrape(0, "pipeline_stage", []),
    "job_name not a string": _scrape(0, "job_name", ["pods"]),
    "bad SD role": _sd(0, role="pods"),
    "unknown SD key": _sd(0, namespace=["default"]),
    "SD namespaces.names not a list": _sd(0, namespaces={"names": "default"}),
    "bad static target type": lambda c: c["scrape_configs"][0].__setitem__("static_configs", [{"targets": "x"}]),
    "unknown relabel action": _relabel(0, source_labels=["__address__"], action="explode"),
    "bad relabel regex": _relabel(0, source_labels=["__address__"], regex="([", target_label="x"),
    "hashmod without modulus": _relabel(0, source_labels=["__address__"], action="hashmod", target_label="x"),
    "replace relabel without target_label": _relabel(0, source_labels=["__address__"], action="replace",
                                                     target_label=""),
    "labelmap with bad regex": _relabel(0, action="labelmap", regex="(?P<"),
    "unknown relabel key": _relabel(0, source_label=["__address__"], target_label="x"),
    "source_labels not a list": _relabel(0, source_labels="__address__", target_label="x"),
    "unknown pipeline stage": _stage(0, {"crio": {}}),
    "stage with two names": _stage(0, {"cri": {}, "docker": {}}),
    "stage not a mapping": _stage(0, "cri"),
    "bad regex stage": _stage(0, {"regex": {"expression": "(["}}),
    "regex stage without expression": _stage(0, {"regex": {"source": "x"}}),
    "unknown regex stage key": _stage(0, {"regex": {"expression": "(?P<a>.)", "sourc": "x"}}),
    "bad json expression": _stage(0, {"json": {"expressions": {"a": "[["}}}),
    "match without selector": _stage(0, {"match": {"stages": [{"cri": {}}]}}),
    "match with a bad selector": _stage(0, {"match": {"selector": "{app=", "stages": [{"cri": {}}]}}),
    "match with an unknown action": _stage(0, {"match": {"selector": '{app="a"}', "action": "explode"}}),
    "match keep without stages": _stage(0, {"match": {"selector": '{app="a"}'}}),
    "unknown stage inside match": _stage(0, {"match": {"selector": '{app="a"}', "stages": [{"crio": {}}]}}),
    "drop with a bad older_than": _stage(0, {"drop": {"older_than": "old"}}),
    "drop with a bad longer_than": _stage(0, {"drop": {"longer_than": "long"}}),
    "drop with a bad expression": _stage(0, {"drop": {"expression": "(["}}),
    "unknown drop key": _stage(0, {"drop": {"expresion": "x"}}),
    "labelallow not a list": _stage(0, {"labelallow": "namespace"}),
    "bad static_labels name": _stage(0, {"static_labels": {"bad-label": "x"}}),
    "bad template": _stage(0, {"template": {"source": "x", "template": "{{ .Value "}}),
    "bad timestamp format type": _stage(0, {"timestamp": {"source": "t", "format": ["RFC3339"]}}),
    "timestamp without source": _stage(0, {"timestamp": {"format": "RFC3339"}}),
    "bad limit stage": _stage(0, {"limit": {"rate": "fast"}}),
    "bad multiline regex": _stage(0, {"multiline": {"firstline": "(["}}),
    "multiline without firstline": _stage(0, {"multiline": {"max_wait_time": "3s"}}),
    "labels stage with a bad name": _stage(0, {"labels": {"bad-label": ""}}),
    "unknown journal key": lambda c: next(j for j in c["scrape_configs"] if "journal" in j)["journal"].__setitem__(
        "max_ages", "12h"),
    "bad journal max_age": lambda c: next(j for j in c["scrape_configs"] if "journal" in j)["journal"].__setitem__(
        "max_age", "half a day"),
    "journal json not a bool": lambda c: next(j for j in c["scrape_configs"] if "journal" in j)[
        "journal"].__setitem__("json", "yes please"),
    "unknown limits key": _set(("limits_config", "max_stream"), 10),
    "readline_rate not a number": _set(("limits_config", "readline_rate"), "fast"),
    "bad target_config sync_period": _set(("target_config", "sync_period"), "often"),
    "unknown global key": _set(("global", "file_watch"), {"min_poll_frequency": "1s"}),
    "tracing enabled not a bool": _set(("tracing", "enabled"), "yes please"),
    "a Promtail 2 only option (options.stream_lag_labels)": _set(("options",), {"stream_lag_labels": ["filename"]}),
    "a Promtail 3 key (wal)": _set(("wal",), {"enabled": False}),
    "job_name a number": _scrape(0, "job_name", 42),
    "tenant_id a number": _client("tenant_id", 7),
    "port a quoted number": _set(("server", "http_listen_port"), "3101"),
    "duration without a unit": _set(("positions", "sync_period"), "10"),
    "duration in days": _set(("positions", "sync_period"), "1d"),
    "duration as a bare number": _set(("positions", "sync_period"), 10),
    "relabel regex with RE2-only syntax": _relabel(0, source_labels=["__address__"], regex=r"(?<host>\pL+)(?i)x\z",
                                                   target_label="x"),
    "relabel regex with a look-ahead": _relabel(0, source_labels=["__address__"], regex="a(?=b)", target_label="x"),
    "relabel regex with a possessive quantifier": _relabel(0, source_labels=["__address__"], regex="a++",
                                                           target_label="x"),
    "relabel regex with a back-reference": _relabel(0, source_labels=["__address__"], regex=r"(a)\1",
                                                    target_label="x"),
    "relabel action in capitals": _relabel(0, source_labels=["__address__"], action="Replace", target_label="x"),
    "labeldrop with a target_label": _relabel(0, action="labeldrop", regex="x", target_label="y"),
    "keepequal with a regex": _relabel(0, source_labels=["__address__"], action="keepequal", target_label="x",
                                       regex="a"),
    "match selector with a line filter": _stage(0, {"match": {"selector": '{app="a"} |= "error"',
                                                              "action": "drop"}}),
    "match selector with an empty matcher list": _stage(0, {"match": {"selector": "{}", "action": "drop"}}),
    "match selector with a bad regex matcher": _stage(0, {"match": {"selector": '{app=~"(["}', "action": "drop"}}),
    "match selector with a bad line filter regex": _stage(0, {"match": {"selector": '{app="a"} |~ "(["',
                                                                        "action": "drop"}}),
    "match drop with stages": _stage(0, {"match": {"selector": '{app="a"}', "action": "drop",
                                                   "stages": [{"cri": {}}]}}),
    "drop with value but no source": _stage(0, {"drop": {"value": "x"}}),
    "drop longer_than in KiB": _stage(0, {"drop": {"longer_than": "64KiB"}}),
    "drop older_than in days": _stage(0, {"drop": {"older_than": "1d"}}),
    "empty labelallow": _stage(0, {"labelallow": []}),
    "labels stage without labels": _stage(0, {"labels": {}}),
    "tenant with label and value": _stage(0, {"tenant": {"label": "a", "value": "b"}}),
    "timestamp with a bad action_on_failure": _stage(0, {"timestamp": {"source": "t", "format": "RFC3339",
                                                                       "action_on_failure": "explode"}}),
    "sampling rate above 1": _stage(0, {"sampling": {"rate": 2}}),
    "limit by label without drop": _stage(0, {"limit": {"rate": 10, "burst": 10, "by_label_name": "app"}}),
    "limit without burst": _stage(0, {"limit": {"rate": 10}}),
    "limit with a rate of 0": _stage(0, {"limit": {"rate": 0, "burst": 10}}),
    "sampling without settings": _stage(0, {"sampling": None}),
    "labels stage without settings": _stage(0, {"labels": None}),
    "drop without settings": _stage(0, {"drop": None}),
    "cri max_partial_line_size not a size": _stage(0, {"cri": {"max_partial_line_size": "big"}}),
    "output without source": _stage(0, {"output": {}}),
    "SD api_server with kubeconfig_file": _sd(0, api_server="https://k8s:6443", kubeconfig_file="/k"),
    "SD duplicated selector role": _sd(0, selectors=[{"role": "pod"}, {"role": "pod"}]),
    "SD own_namespace with api_server": _sd(0, api_server="https://k8s:6443", namespaces={"own_namespace": True}),
    "SD bearer_token without api_server": _sd(0, bearer_token="t"),
    "static_configs empty": lambda c: c["scrape_configs"][0].update(
        {"static_configs": [], "kubernetes_sd_configs": []}),
    "journal null": lambda c: next(j for j in c["scrape_configs"] if "journal" in j).__setitem__("journal", None),
    "bad YAML": "clients: [{url: http://loki:3100/loki/api/v1/push}\nscrape_configs: [\n",
}


def _promtail(objects):
    configmap = next((o for o in objects if promtail_config.is_promtail_config_map(o)), None)
    if configmap is None:
        return None
    return yaml.safe_load(configmap["data"][promtail_config.CONFIG_KEY]), configmap


def _promtail_container(objects):
    daemonset = _find(objects, "DaemonSet", "promtail")
    return daemonset["spec"]["template"]["spec"]["containers"][0]


# Every option of the promtail role (drop rules, an extra file, the journal, a tenant) first, then the
# inventories: the agent of `seed`, chosen for `current`.
PROMTAIL_OPTIONS = {
    "promtail_extra_labels": {"cluster": "c1", "region": "eu"},
    "promtail_drop_rules": [{"selector": '{namespace="kube-system"}'},
                            {"expression": "GET /healthz", "reason": "health_checks"},
                            {"selector": '{app="api"}', "expression": "level=debug", "longer_than": "64KB"}],
    "promtail_extra_files": [{"path": "/var/log/syslog", "labels": {"job": "syslog"}}],
    "promtail_journal_enabled": True,
}
PROMTAIL_RENDERS = [("local", PROMTAIL_OPTIONS), ("local", TENANT)] + [(inventory, {}) for inventory in INVENTORIES]


def _promtail_distinct(render, profile):
    """Each distinct (label, objects, (config, configmap)) of the renders with Promtail as the log agent."""
    seen = {}
    agent = {"monitoring_log_agent": "promtail"} if profile == "current" else {}  # seed's default agent
    for inventory, extra in PROMTAIL_RENDERS:
        run = render(inventory, profile, **agent, **extra)
        assert run.returncode == 0, run.output[-4000:]
        for cluster in run.clusters():
            found = _promtail(run.objects(cluster))
            if found is not None:
                label = "%s/%s %s%s" % (inventory, cluster, profile, " " + ",".join(sorted(extra)) if extra else "")
                seen.setdefault(_dump(found[0]), (label, run.objects(cluster), found))
    return list(seen.values())


@pytest.mark.parametrize("profile", PROFILES)
def test_promtail_configs(render, profile, tmp_path):
    """Our PROMTAIL_CONFIG checker against Promtail's own config code of Loki v3.7.8 (promtail-check). For
    Promtail 3 (current) it must refuse everything promtail-check refuses; for Promtail 2.9.2 (seed) the
    3.7 parser may refuse 2.x-only settings, so what it alone refuses there is listed, not failed."""
    checker = binary("promtail-check", promtail_verify.CODE_VERSION, "promtail-check")
    version = role_tag("promtail_image_tags", profile)
    diff = Differential(tmp_path)
    for label, objects, (config, configmap) in _promtail_distinct(render, profile):
        container = _promtail_container(objects)
        for case in mutate("%s promtail.yaml" % label, config, PROMTAIL_MUTATIONS, lambda path: True):
            ours = [f.path + " " + f.message for f in promtail_config.check_text(case.text, version)
                    if f.severity == "error"]
            theirs = promtail_verify.check_config(configmap, promtail_config.CONFIG_KEY, case.text, container,
                                                  promtail_check=checker)
            refused = [v for v in theirs if "refuses the config" in v.message]
            diff.compare(case, ours, (not refused, refused[0].message if refused else ""))
    if version.startswith("3."):
        diff.report("Promtail %s" % version)
        return
    print("\nPromtail %s: %d configs checked; refused by the 3.7.8 code only (not failed: 2.x may have them): %d"
          % (version, diff.checked, len(diff.disagreements)))
    for line in diff.disagreements:
        print("  " + line.replace("\n", " "))
