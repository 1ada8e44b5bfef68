"""module_utils/render/alertmanager.py (the config built from inventory data), the filter over it, and
module_utils/validate/configs/alertmanager.py (the validate phase's AMTOOL check with the pinned amtool of
the Alertmanager version the config is for, scripts/tools.py)."""

from __future__ import annotations

import copy

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from real_tools import binary, role_tag

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.render import alertmanager as amc
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.alertmanager import NULL_RECEIVERS_ANNOTATION
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.alertmanager import alertmanager_violations, file_references
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.alertmanager_policy import credential_problems, routing_problems
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import validate_objects

FILTER = FilterModule().filters()["alertmanager_config"]
ROUTE = {"group_by": ["alertname"], "group_wait": "5s", "group_interval": "5m", "repeat_interval": "4h"}
RECEIVERS = [
    {"name": "team-slack", "slack_configs": [{"channel": "#alerts", "api_url": {"secret": "am-slack", "key": "url"}}]},
    {"name": "oncall", "pagerduty_configs": [{"routing_key": {"secret": "am-pd", "key": "routing-key"}}]},
    {"name": "mail", "email_configs": [{"to": "ops@example.org", "from": "am@example.org",
                                        "smarthost": "smtp.example.org:587", "auth_username": "am",
                                        "auth_password": {"secret": "am-smtp", "key": "password"}}]},
    {"name": "hook", "webhook_configs": [{"url": {"secret": "am-hook", "key": "url"},
                                          "http_config": {"authorization": {
                                              "credentials": {"secret": "am-hook", "key": "token"}}}}]},
    {"name": "heartbeat", "webhook_configs": [{"url": "https://hc-ping.example.org/abc"}]},
]


def _spec(**changes):
    spec = {"global": {"resolve_timeout": "5m"}, "route": dict(ROUTE), "default_receiver": "team-slack",
            "receivers": copy.deepcopy(RECEIVERS), "routes": [], "inhibit_rules": [], "time_intervals": [],
            "deadmansswitch": {"alertname": "Watchdog", "receiver": "heartbeat", "repeat_interval": "1m"},
            "templates": {}, "version": "v0.34.0"}
    spec.update(changes)
    return spec


def _problems(**changes):
    with pytest.raises(amc.AlertmanagerConfigError) as err:
        amc.build_config(_spec(**changes))
    return "\n".join(err.value.problems)


# --- building the config -----------------------------------------------------------------------------

def test_credentials_become_file_settings_under_the_mounted_secrets():
    built = amc.build_config(_spec())
    receivers = {r["name"]: r for r in built["config"]["receivers"]}
    assert receivers["team-slack"]["slack_configs"][0] == {
        "channel": "#alerts", "api_url_file": "/etc/alertmanager/secrets/am-slack/url"}
    assert receivers["oncall"]["pagerduty_configs"][0] == {
        "routing_key_file": "/etc/alertmanager/secrets/am-pd/routing-key"}
    assert receivers["mail"]["email_configs"][0]["auth_password_file"] == "/etc/alertmanager/secrets/am-smtp/password"
    hook = receivers["hook"]["webhook_configs"][0]
    assert hook["url_file"] == "/etc/alertmanager/secrets/am-hook/url"
    assert hook["http_config"]["authorization"] == {"credentials_file": "/etc/alertmanager/secrets/am-hook/token"}
    assert receivers["heartbeat"]["webhook_configs"][0]["url"] == "https://hc-ping.example.org/abc"
    dumped = yaml.safe_dump(built["config"])
    assert "secret:" not in dumped and "key:" not in dumped, "a Secret reference was left in the config"
    assert [(s["name"], s["keys"], s["mount_path"]) for s in built["secrets"]] == [
        ("am-hook", ["token", "url"], "/etc/alertmanager/secrets/am-hook"),
        ("am-pd", ["routing-key"], "/etc/alertmanager/secrets/am-pd"),
        ("am-slack", ["url"], "/etc/alertmanager/secrets/am-slack"),
        ("am-smtp", ["password"], "/etc/alertmanager/secrets/am-smtp"),
    ]
    assert built["secrets"][0]["used_by"] == [
        "alertmanager_receivers[3] (hook).webhook_configs[0].url",
        "alertmanager_receivers[3] (hook).webhook_configs[0].http_config.authorization.credentials"]


def test_the_route_tree_starts_with_the_dead_mans_switch_then_the_inventory_routes():
    routes = [{"matchers": ['severity="critical"'], "receiver": "oncall", "continue": True}]
    config = amc.build_config(_spec(routes=routes))["config"]
    assert config["route"]["receiver"] == "team-slack"
    assert config["route"]["group_wait"] == "5s"
    dms, user = config["route"]["routes"]
    assert dms["matchers"] == ['alertname="Watchdog"'] and dms["receiver"] == "heartbeat"
    assert dms["repeat_interval"] == "1m" and dms["continue"] is False and dms["group_wait"] == "0s"
    assert user == routes[0]


def test_without_receivers_alerts_go_to_the_declared_blackhole():
    built = amc.build_config(_spec(receivers=[], default_receiver="", deadmansswitch={}))
    assert built["config"]["route"]["receiver"] == amc.BLACKHOLE
    assert built["config"]["receivers"] == [{"name": amc.BLACKHOLE}]
    assert built["null_receivers"] == [amc.BLACKHOLE]
    assert built["annotations"] == {NULL_RECEIVERS_ANNOTATION: amc.BLACKHOLE}
    assert routing_problems(built["config"], built["null_receivers"]) == []


def test_a_config_that_routes_nothing_to_the_blackhole_declares_nothing():
    built = amc.build_config(_spec())
    assert built["null_receivers"] == [] and built["annotations"] == {}


def test_a_built_config_passes_the_routing_and_credential_rules():
    routes = [{"matchers": ['severity="critical"'], "receiver": "oncall", "routes": [{"receiver": "mail"}]}]
    built = amc.build_config(_spec(routes=routes, default_receiver=""))
    assert built["null_receivers"] == [amc.BLACKHOLE]
    assert routing_problems(built["config"], built["null_receivers"]) == []
    assert credential_problems(built["config"]) == []


def test_time_intervals_inhibit_rules_and_templates_are_carried():
    intervals = [{"name": "maintenance", "time_intervals": [{"weekdays": ["sunday"]}]}]
    inhibit = [{"source_matchers": ['severity="critical"'], "target_matchers": ['severity="warning"'],
                "equal": ["alertname"]}]
    routes = [{"matchers": ['team="a"'], "receiver": "mail", "mute_time_intervals": ["maintenance"]}]
    config = amc.build_config(_spec(time_intervals=intervals, inhibit_rules=inhibit, routes=routes,
                                    templates={"custom.tmpl": "{{ define \"x\" }}y{{ end }}"}))["config"]
    assert config["time_intervals"] == intervals
    assert config["inhibit_rules"] == inhibit
    assert config["templates"] == ["/etc/alertmanager/templates/*.tmpl"]


def test_secret_volume_names_are_dns_labels_even_for_long_secret_names():
    long_name = "a" * 70
    volume = amc.secret_volume_name(long_name)
    assert len(volume) <= 63 and volume != amc.secret_volume_name("a" * 71)
    assert amc.secret_volume_name("am-slack") == "secret-am-slack"


# --- refusing bad input, every problem at once -------------------------------------------------------

def test_a_literal_credential_is_refused_with_its_path():
    receivers = copy.deepcopy(RECEIVERS)
    receivers[0]["slack_configs"][0]["api_url"] = "https://hooks.slack.com/services/T/B/X"
    receivers[2]["email_configs"][0]["auth_password"] = "hunter2"
    text = _problems(receivers=receivers)
    assert "alertmanager_receivers[0] (team-slack).slack_configs[0].api_url: is a credential" in text
    assert "alertmanager_receivers[2] (mail).email_configs[0].auth_password: is a credential" in text
    assert "hunter2" not in text and "hooks.slack.com" not in text


def test_credentials_in_http_config_and_global_are_refused_too():
    receivers = copy.deepcopy(RECEIVERS)
    receivers[4]["webhook_configs"][0]["http_config"] = {"basic_auth": {"username": "u", "password": "p"}}
    text = _problems(receivers=receivers, **{"global": {"smtp_auth_password": "p", "smtp_from": "a@b.c"}})
    assert "webhook_configs[0].http_config.basic_auth.password: is a credential" in text
    assert "alertmanager_global.smtp_auth_password: is a credential" in text


def test_a_file_setting_written_by_hand_is_refused():
    receivers = copy.deepcopy(RECEIVERS)
    receivers[0]["slack_configs"][0] = {"channel": "#a", "api_url_file": "/etc/secret"}
    assert "file settings are written by the collection" in _problems(receivers=receivers)


def test_a_half_secret_reference_and_bad_names_are_refused():
    receivers = copy.deepcopy(RECEIVERS)
    receivers[0]["slack_configs"][0]["api_url"] = {"secret": "am-slack"}
    receivers[1]["pagerduty_configs"][0]["routing_key"] = {"secret": "Bad_Name", "key": "k/ey"}
    text = _problems(receivers=receivers)
    assert "needs both `secret` and `key`" in text
    assert "'Bad_Name' is not a valid Kubernetes name" in text and "'k/ey' may only hold" in text


def test_every_routing_problem_is_listed():
    routes = [{"matchers": ['severity="critical"'], "receiver": "nobody", "mute_time_intervals": ["never-defined"]},
              {"receiver": "mail"},
              {"matchers": ['a="b"'], "receiver": "mail", "routes": [{"receiver": "ghost"}], "group_wait": "soon"}]
    text = _problems(routes=routes, default_receiver="missing",
                     deadmansswitch={"receiver": "gone", "repeat_interval": "1m"})
    for expected in ("alertmanager_routes[0].receiver: 'nobody' is not a receiver",
                     "alertmanager_routes[0].mute_time_intervals: time interval 'never-defined' is not defined",
                     "alertmanager_routes[1]: has no matchers",
                     "alertmanager_routes[2].routes[0].receiver: 'ghost' is not a receiver",
                     "alertmanager_routes[2].group_wait: 'soon' is not a duration",
                     "alertmanager_default_receiver: 'missing' is not a receiver",
                     "alertmanager_deadmansswitch_receiver: 'gone' is not a receiver"):
        assert expected in text, text


def test_receivers_need_a_notifier_a_unique_name_and_not_the_reserved_one():
    receivers = [{"name": "empty"}, {"name": "dup", "webhook_configs": [{"url": "http://a"}]},
                 {"name": "dup", "webhook_configs": [{"url": "http://b"}]},
                 {"name": amc.BLACKHOLE, "webhook_configs": [{"url": "http://c"}]}, {"webhook_configs": []}]
    text = _problems(receivers=receivers, default_receiver="dup", deadmansswitch={})
    assert "(empty): has no notifier" in text
    assert "receiver 'dup' is defined 2 times" in text
    assert "'blackhole' is reserved" in text
    assert "alertmanager_receivers[4]: a receiver needs a `name`" in text


def test_the_root_route_settings_cannot_carry_routes_or_a_receiver():
    text = _problems(route=dict(ROUTE, receiver="mail", routes=[]))
    assert "alertmanager_route.receiver: set the catch-all receiver with alertmanager_default_receiver" in text
    assert "alertmanager_route.routes:" in text


def test_settings_newer_than_the_image_are_refused_for_that_image():
    receivers = copy.deepcopy(RECEIVERS)
    receivers[2]["email_configs"][0]["auth_secret"] = {"secret": "am-smtp", "key": "secret"}
    del receivers[2]["email_configs"][0]["auth_password"]
    assert amc.build_config(_spec(receivers=receivers, version="v0.34.0"))
    text = _problems(receivers=receivers, version="v0.26.0")
    assert "Alertmanager 0.26.0 cannot read auth_secret_file (added in 0.31.0)" in text
    text = _problems(version="v0.25.0")
    assert "Alertmanager 0.25.0 cannot read url_file (added in 0.26.0)" in text


def test_the_filter_reports_every_problem_and_rejects_non_dicts():
    with pytest.raises(AnsibleFilterError, match=r"alertmanager_config: the alerting settings have 2 problem"):
        FILTER(_spec(default_receiver="missing", deadmansswitch={"receiver": "gone"}))
    with pytest.raises(AnsibleFilterError, match="expects a dict"):
        FILTER(["not", "a", "dict"])
    built = FILTER(_spec(), secrets_root="/run/secrets")
    assert built["secrets"][0]["mount_path"] == "/run/secrets/am-hook"


def test_file_references_list_every_file_setting():
    config = amc.build_config(_spec())["config"]
    refs = dict(file_references(config))
    assert refs["receivers[0].slack_configs[0].api_url_file"] == "/etc/alertmanager/secrets/am-slack/url"
    assert len(refs) == 5


def test_parse_version_reads_tags_with_digests():
    assert amc.parse_version("v0.26.0@sha256:" + "a" * 64) == (0, 26, 0)
    assert amc.parse_version("0.34") == (0, 34, 0)
    assert amc.parse_version("latest") is None


# --- the validate phase's AMTOOL check ----------------------------------------------------------------

NS = "monitoring"
CURRENT = role_tag("alertmanager_image_tags", "current")
SEED = role_tag("alertmanager_image_tags", "seed")
IMAGE = "quay.io/prometheus/alertmanager:%s"


def _objects(config, secrets=("am-hook", "am-pd", "am-slack", "am-smtp"), image=IMAGE % CURRENT,
             templates=None, items=True):
    built_secrets = {s["name"]: s for s in amc.build_config(_spec())["secrets"]}
    volumes = [{"name": "config", "configMap": {"name": "alertmanager-config"}}]
    mounts = [{"name": "config", "mountPath": "/etc/alertmanager/config"}]
    for name in secrets:
        secret = {"secretName": name}
        if items:
            secret["items"] = [{"key": k, "path": k} for k in built_secrets[name]["keys"]]
        volumes.append({"name": "secret-" + name, "secret": secret})
        mounts.append({"name": "secret-" + name, "mountPath": "/etc/alertmanager/secrets/" + name})
    objects = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "alertmanager-config", "namespace": NS},
                "data": {"alertmanager.yml": yaml.safe_dump(config)}}]
    if templates is not None:
        objects.append({"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": "alertmanager-templates", "namespace": NS}, "data": templates})
        volumes.append({"name": "templates", "configMap": {"name": "alertmanager-templates"}})
        mounts.append({"name": "templates", "mountPath": "/etc/alertmanager/templates"})
    objects.append({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "alertmanager", "namespace": NS},
                    "spec": {"template": {"spec": {"containers": [{"name": "alertmanager", "image": image,
                                                                   "volumeMounts": mounts}],
                                                   "volumes": volumes}}}})
    return objects


@pytest.fixture
def amtool():
    """The pinned amtool of the current profile's Alertmanager (skips, or fails in CI, when it is not built)."""
    return binary("alertmanager", CURRENT, "amtool")


@pytest.mark.tools
def test_a_built_config_with_every_receiver_passes_amtool(amtool):
    config = amc.build_config(_spec(time_intervals=[{"name": "maintenance", "time_intervals": [{"weekdays": ["sunday"]}]}],
                                    routes=[{"matchers": ['severity="critical"'], "receiver": "oncall",
                                             "mute_time_intervals": ["maintenance"]}]))["config"]
    assert alertmanager_violations(_objects(config)) == []


@pytest.mark.tools
def test_amtool_errors_are_reported_against_the_configmap(amtool):
    config = amc.build_config(_spec())["config"]
    config["route"]["routes"].append({"matchers": ['severity=~"(unclosed"'], "receiver": "mail"})
    found = alertmanager_violations(_objects(config))
    assert [(v.rule, v.kind, v.name, v.path, v.blocking) for v in found] == [
        ("AMTOOL", "ConfigMap", "alertmanager-config", "data.alertmanager.yml", True)]
    assert "amtool check-config failed" in found[0].message and "(unclosed" in found[0].message


@pytest.mark.tools
def test_files_the_pod_does_not_mount_are_reported(amtool):
    config = amc.build_config(_spec())["config"]
    found = alertmanager_violations(_objects(config, secrets=("am-hook", "am-pd", "am-smtp")))
    assert [(v.rule, v.path) for v in found] == [
        ("AMTOOL", "data.alertmanager.yml:receivers[0].slack_configs[0].api_url_file")]
    assert "no volume of StatefulSet/alertmanager container alertmanager provides" in found[0].message


@pytest.mark.tools
def test_a_secret_key_the_volume_does_not_project_is_reported(amtool):
    config = amc.build_config(_spec())["config"]
    objects = _objects(config)
    volumes = objects[-1]["spec"]["template"]["spec"]["volumes"]
    hook = next(v for v in volumes if v["name"] == "secret-am-hook")
    hook["secret"]["items"] = [{"key": "url", "path": "url"}]
    found = alertmanager_violations(objects)
    assert [v.path for v in found] == ["data.alertmanager.yml:receivers[3].webhook_configs[0].http_config."
                                       "authorization.credentials_file"]
    assert "only projects url" in found[0].message


@pytest.mark.tools
def test_a_credential_file_from_a_configmap_is_reported(amtool):
    config = amc.build_config(_spec())["config"]
    objects = _objects(config, secrets=("am-hook", "am-pd", "am-smtp"))
    spec = objects[-1]["spec"]["template"]["spec"]
    spec["volumes"].append({"name": "plain", "configMap": {"name": "plain"}})
    spec["containers"][0]["volumeMounts"].append({"name": "plain", "mountPath": "/etc/alertmanager/secrets/am-slack"})
    found = alertmanager_violations(objects)
    assert len(found) == 1 and "from a ConfigMap volume" in found[0].message


@pytest.mark.tools
def test_templates_are_laid_out_from_their_configmap_and_checked(amtool):
    config = amc.build_config(_spec(templates={"custom.tmpl": "x"}))["config"]
    good = _objects(config, templates={"custom.tmpl": '{{ define "custom.title" }}[{{ .Status }}]{{ end }}'})
    assert alertmanager_violations(good) == []
    bad = _objects(config, templates={"custom.tmpl": '{{ define "custom.title" }}[{{ .Status }]{{ end }}'})
    found = alertmanager_violations(bad)
    assert len(found) == 1 and "custom.tmpl" in found[0].message


@pytest.mark.tools
def test_each_config_is_checked_by_the_amtool_of_its_alertmanager_version(amtool):
    seed = binary("alertmanager", SEED, "amtool")
    config = amc.build_config(_spec())["config"]
    # Microsoft Teams via Workflows (msteamsv2_configs) came with Alertmanager 0.28.
    config["receivers"].append({"name": "teams", "msteamsv2_configs": [{"webhook_url": "https://example.org/hook"}]})
    assert alertmanager_violations(_objects(config)) == []
    found = alertmanager_violations(_objects(config, image=IMAGE % SEED))
    assert [(v.severity, v.path) for v in found] == [("error", "data.alertmanager.yml")]
    assert "field msteamsv2_configs not found" in found[0].message
    assert "amtool %s, the pinned build at %s" % (SEED.lstrip("v"), seed) in found[0].message


def test_without_any_amtool_one_error_says_how_to_get_the_matching_one(monkeypatch, tmp_path):
    monkeypatch.setenv("VMSTATION_TOOLS_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    config = amc.build_config(_spec())["config"]
    found = alertmanager_violations(_objects(config))
    assert [(v.rule, v.blocking) for v in found] == [("AMTOOL", True)]
    assert "no amtool %s was found" % CURRENT.lstrip("v") in found[0].message
    assert "scripts/tools.py --only prometheus,alertmanager" in found[0].fix
    assert "put amtool %s on PATH" % CURRENT.lstrip("v") in found[0].fix


def test_configmaps_without_an_alertmanager_config_are_left_alone():
    objects = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": NS},
                "data": {"config.yml": "not: [an, alertmanager, config]", "other.yml": "route: 1"}}]
    assert alertmanager_violations(objects, amtool="/nonexistent/amtool") == []


@pytest.mark.tools
@pytest.mark.parametrize("text,expected", [
    ("receivers: [{name: x}]\n", "no routes provided"),
    ("route: {receiver: x\nreceivers: [", "yaml: line"),
])
def test_an_alertmanager_yml_that_is_no_valid_config_is_refused_by_amtool(amtool, text, expected):
    config = amc.build_config(_spec())["config"]
    objects = _objects(config)
    objects[0]["data"]["alertmanager.yml"] = text
    found = [v for v in alertmanager_violations(objects) if v.blocking]
    assert len(found) == 1 and "amtool check-config failed" in found[0].message and expected in found[0].message


@pytest.mark.tools
def test_the_validate_phase_runs_the_amtool_check(amtool):
    config = amc.build_config(_spec())["config"]
    config["route"]["routes"].append({"matchers": ['severity=~"(unclosed"'], "receiver": "mail"})
    found = validate_objects(_objects(config), "1.28", schema=False, policy=False)
    assert [v.rule for v in found if v.rule == "AMTOOL"] == ["AMTOOL"]


@pytest.mark.tools
def test_a_sidecar_mounting_the_config_is_not_taken_for_alertmanager(amtool):
    config = amc.build_config(_spec())["config"]
    objects = _objects(config)
    spec = objects[-1]["spec"]["template"]["spec"]
    spec["containers"].append({"name": "config-reloader",
                               "image": "quay.io/prometheus-operator/prometheus-config-reloader:v0.94.0",
                               "volumeMounts": [{"name": "config", "mountPath": "/etc/alertmanager/config"}]})
    assert alertmanager_violations(objects) == []


def test_the_problems_filter_lists_what_the_builder_would_raise_for_the_preflight():
    problems = FilterModule().filters()["alertmanager_config_problems"]
    assert problems(_spec()) == []
    found = problems(_spec(default_receiver="pager", routes=[{"matchers": ['team="a"'], "receiver": "team-a"}]))
    assert len(found) == 2 and all(isinstance(p, str) for p in found)
    assert found[0].startswith("alertmanager_routes[0].receiver: 'team-a' is not a receiver (known: blackhole,")
    assert found[1].startswith("alertmanager_default_receiver: 'pager' is not a receiver")
    with pytest.raises(AnsibleFilterError, match="expects a dict"):
        problems("not a spec")


# --- the Secret values given (alertmanager_secret_data, by names and keys) ------------------------------

def test_the_secrets_given_match_those_the_receivers_read():
    secrets = amc.build_config(_spec())["secrets"]
    given = {"am-hook": ["url", "token"], "am-pd": ["routing-key"]}
    assert amc.secret_data_problems(secrets, given) == []
    problems = FilterModule().filters()["alertmanager_config_problems"](_spec(), secret_data=given)
    assert problems == []


def test_a_secret_no_receiver_reads_and_a_missing_key_each_get_a_message():
    secrets = amc.build_config(_spec())["secrets"]
    problems = amc.secret_data_problems(secrets, {"am-unused": ["token"], "am-hook": ["url"]})
    assert problems == [
        'alertmanager_secret_data.am-hook is ["url"]: it must have the key token, which the receivers read (the '
        "Secret am-hook is read by alertmanager_receivers[3] (hook).webhook_configs[0].url, alertmanager_receivers[3] "
        "(hook).webhook_configs[0].http_config.authorization.credentials).",
        'alertmanager_secret_data.am-unused is ["token"]: it must be read by a receiver, but no receiver of '
        "alertmanager_receivers (or alertmanager_global) references the Secret am-unused: remove it, or reference it "
        "as {secret: am-unused, key: <key>} (referenced: am-hook, am-pd, am-slack, am-smtp)."]


def test_only_the_secrets_given_are_described_for_the_apply_phase_and_never_a_value():
    secrets = amc.build_config(_spec())["secrets"]
    describe = FilterModule().filters()["alertmanager_secret_descriptions"]
    described = describe(secrets, {"am-pd": ["routing-key"]}, "monitoring", {"app.kubernetes.io/name": "alertmanager"})
    assert described == [{"name": "am-pd", "namespace": "monitoring", "component": "alertmanager",
                          "labels": {"app.kubernetes.io/name": "alertmanager"},
                          "keys": [{"key": "routing-key", "variable": "alertmanager_secret_data",
                                    "path": ["am-pd", "routing-key"]}]}]
    with pytest.raises(AnsibleFilterError, match="secret_data must map each Secret name to the list of its keys"):
        describe(secrets, {"am-pd": "s3cr3t"}, "monitoring", {})
