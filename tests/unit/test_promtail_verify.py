"""Promtail's own config code, built as promtail-check from Loki v3.7.8 (module_utils.promtail_verify,
rule PROMTAIL_VERIFY), on the configs the promtail role renders and on broken ones."""

from __future__ import annotations

import copy

import pytest
import yaml
from real_tools import TOOLS_SPEC, binary, role_tag

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import promtail as promtail_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import promtail_verify
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import CHECK_IDS, validate_objects

CURRENT = role_tag("promtail_image_tags", "current")  # 3.6.11
SEED = role_tag("promtail_image_tags", "seed")  # 2.9.2
# Every option of the role: drop rules (match and drop stages), an extra file, the journal, more labels.
OPTIONS = {
    "promtail_extra_labels": {"cluster": "c1", "region": "eu"},
    "promtail_drop_rules": [
        {"selector": '{namespace="kube-system"}'},
        {"expression": "GET /healthz", "reason": "health_checks"},
        {"selector": '{app="api"}', "expression": "level=debug", "longer_than": "64KB"},
    ],
    "promtail_extra_files": [{"path": "/var/log/syslog", "labels": {"job": "syslog"}}],
    "promtail_journal_enabled": True,
    "promtail_loki_tenant": "team-a",
}


@pytest.fixture(scope="module")
def promtail_check():
    return binary("promtail-check", promtail_verify.CODE_VERSION, "promtail-check")


@pytest.fixture(scope="module")
def rendered(render):
    """profile -> the objects of the local inventory with Promtail as the log agent."""
    runs = {profile: render("local", profile, monitoring_log_agent="promtail") for profile in ("current", "seed")}
    for run in runs.values():
        assert run.returncode == 0, run.output[-4000:]
    return {profile: run.objects("local") for profile, run in runs.items()}


def _configmap(objects):
    return next(o for o in objects if promtail_config.is_promtail_config_map(o))


def _config(objects):
    return yaml.safe_load(_configmap(objects)["data"][promtail_config.CONFIG_KEY])


def _with(objects, change=None, text=None, args=None, env=None):
    """``objects`` with the Promtail config changed (``change(config)`` or ``text``) and its container's
    arguments or environment replaced."""
    objects = copy.deepcopy(objects)
    configmap = _configmap(objects)
    if change is not None:
        config = yaml.safe_load(configmap["data"][promtail_config.CONFIG_KEY])
        change(config)
        text = yaml.safe_dump(config, sort_keys=False)
    if text is not None:
        configmap["data"][promtail_config.CONFIG_KEY] = text
    daemonset = next(o for o in objects if o["kind"] == "DaemonSet" and o["metadata"]["name"] == "promtail")
    container = daemonset["spec"]["template"]["spec"]["containers"][0]
    if args is not None:
        container["args"] = container["args"] + list(args)
    if env is not None:
        container["env"] = list(env)
    return objects


def _one(found):
    assert [(v.rule, v.kind, v.name, v.path) for v in found] == [
        ("PROMTAIL_VERIFY", "ConfigMap", "promtail", "data[promtail.yaml]")], [v.format() for v in found]
    return found[0]


def test_the_checker_version_is_the_one_the_tools_step_builds():
    assert TOOLS_SPEC["promtail-check"]["versions"] == ["v" + promtail_verify.CODE_VERSION]
    assert promtail_verify.RULE in CHECK_IDS


@pytest.mark.render
def test_without_promtail_check_the_config_gets_a_warning_with_the_command_that_builds_it(
        rendered, monkeypatch, tmp_path):
    monkeypatch.setenv("VMSTATION_TOOLS_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    for profile, tag in (("current", CURRENT), ("seed", SEED)):
        found = _one(promtail_verify.verify_objects(rendered[profile]))
        assert found.severity == "warning"
        assert "no promtail-check 3.7.8 was found" in found.message
        assert "Promtail's config code of Loki v3.7.8" in found.message and "Promtail %s reads" % tag in found.message
        assert "scripts/tools.py --only promtail-check" in found.fix
        assert "promtail-check-3.7.8/bin/promtail-check" in found.fix


@pytest.mark.render
@pytest.mark.tools
@pytest.mark.parametrize("profile", ["current", "seed"])
def test_the_rendered_configs_are_accepted(render, rendered, promtail_check, profile):
    assert promtail_verify.verify_objects(rendered[profile]) == []
    run = render("local", profile, monitoring_log_agent="promtail", **OPTIONS)
    assert run.returncode == 0, run.output[-4000:]
    objects = run.objects("local")
    assert {j["job_name"] for j in _config(objects)["scrape_configs"]} == {"kubernetes-pods", "node-files",
                                                                           "node-journal"}
    assert promtail_verify.verify_objects(objects) == []
    # In the validate phase too, next to the collection's own PROMTAIL_CONFIG.
    found = validate_objects(objects, "1.28", schema=False, policy=False,
                             rules=[promtail_verify.RULE, promtail_config.RULE])
    assert found == [], [v.format() for v in found]


REFUSALS = {
    # mutation: (change, Promtail's own words)
    "unknown key": (lambda c: c["positions"].__setitem__("sync_perod", "10s"),
                    "field sync_perod not found in type positions.Config"),
    "unknown scrape key": (lambda c: c["scrape_configs"][0].__setitem__("pipeline_stage", []),
                           "field pipeline_stage not found"),
    "bad type": (lambda c: c["server"].__setitem__("http_listen_port", "many"),
                 "cannot unmarshal !!str `many` into int"),
    "bad duration": (lambda c: c["positions"].__setitem__("sync_period", "often"),
                     "cannot unmarshal !!str `often` into time.Duration"),
    "bad relabel action": (lambda c: c["scrape_configs"][0]["relabel_configs"].insert(
        0, {"source_labels": ["__address__"], "action": "explode"}), 'unknown relabel action "explode"'),
    "hashmod without modulus": (lambda c: c["scrape_configs"][0]["relabel_configs"].insert(
        0, {"source_labels": ["__address__"], "action": "hashmod", "target_label": "x"}),
        "error validating config: ScrapeConfig[0].RelabelConfigs[0]: relabel configuration for hashmod requires "
        "non-zero modulus"),
    "unknown pipeline stage": (lambda c: c["scrape_configs"][0]["pipeline_stages"].insert(0, {"crio": {}}),
                               "invalid crio stage config: Unknown stage type: crio"),
    "duplicate job_name": (lambda c: c["scrape_configs"].append(copy.deepcopy(c["scrape_configs"][0])),
                           'found multiple scrape configs with job name "kubernetes-pods"'),
    "no client": (lambda c: c.__setitem__("clients", []), "at least one client config must be provided"),
}


@pytest.mark.render
@pytest.mark.tools
@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_broken_config_is_refused_with_promtails_message(rendered, promtail_check, name):
    change, words = REFUSALS[name]
    found = _one(promtail_verify.verify_objects(_with(rendered["current"], change)))
    assert found.severity == "error"
    assert words in found.message
    assert "checked by Promtail's config code of Loki v3.7.8" in found.message
    assert "Promtail %s reads this config" % CURRENT in found.message
    assert "the pinned build at" in found.message and "promtail-check-3.7.8" in found.message
    assert "/tmp/" not in found.message  # the file is named by its key, not by the temporary copy


@pytest.mark.render
@pytest.mark.tools
def test_a_refusal_of_a_promtail_2_config_is_a_warning_naming_both_versions(rendered, promtail_check):
    change, words = REFUSALS["unknown key"]
    found = _one(promtail_verify.verify_objects(_with(rendered["seed"], change)))
    assert found.severity == "warning"
    assert words in found.message
    assert "Promtail %s reads this config" % SEED in found.message and "3.7.8 parser" in found.message
    assert "Promtail %s configuration reference" % SEED in found.fix


@pytest.mark.render
@pytest.mark.tools
def test_environment_references_are_expanded_as_the_container_asks(rendered, promtail_check):
    def port(config):
        config["server"]["http_listen_port"] = "${PROMTAIL_PORT}"
    env = [{"name": "PROMTAIL_PORT", "value": "3101"}]
    assert promtail_verify.verify_objects(_with(rendered["current"], port, args=["-config.expand-env=true"],
                                                env=env)) == []
    found = _one(promtail_verify.verify_objects(_with(rendered["current"], port, env=env)))
    assert found.severity == "error" and "-config.expand-env=true" in found.message


@pytest.mark.tools
def test_a_config_that_is_not_yaml_is_refused(promtail_check):
    configmap = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
        "name": "promtail", "namespace": "monitoring-agents",
        "labels": {"app.kubernetes.io/name": "promtail", "app.kubernetes.io/version": CURRENT}},
        "data": {"promtail.yaml": "clients: [\n"}}
    found = _one(promtail_verify.verify_objects([configmap]))
    assert found.severity == "error" and "Unable to parse config" in found.message


def test_a_promtail_config_with_limits_is_not_taken_for_a_loki_config():
    from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.configs import classify

    promtail = {"clients": [{"url": "http://loki:3100/loki/api/v1/push"}], "limits_config": {"readline_rate": 100},
                "scrape_configs": [{"job_name": "pods"}]}
    assert classify(promtail) == "promtail"
    assert classify({"limits_config": {}, "schema_config": {"configs": []}}) == "loki"
