"""Rules M006 and K017 over any alertmanager.yml (module_utils/validate/configs/alertmanager_policy.py):
routes end at receivers that exist, dropping alerts is declared, no credential is written in clear."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.alertmanager_policy import credential_problems, routing_problems


def test_routing_problems_find_missing_and_undeclared_dropping_receivers():
    config = {"route": {"receiver": "drop", "routes": [{"receiver": "nobody"}, {"receiver": "ok"}]},
              "receivers": [{"name": "drop"}, {"name": "ok", "webhook_configs": [{"url": "http://x"}]}]}
    found = {path: message for path, message, _fix in routing_problems(config)}
    assert "has no notifier, so the catch-all route drops its alerts" in found["route.receiver"]
    assert "'nobody' does not exist" in found["route.routes[0].receiver"]
    declared = {path for path, _m, _f in routing_problems(config, ["drop"])}
    assert declared == {"route.routes[0].receiver"}
    stale = routing_problems({"route": {"receiver": "ok"}, "receivers": config["receivers"][1:]}, ["drop"])
    assert stale[0][0] == "metadata.annotations" and "does not exist" in stale[0][1]


def test_routing_problems_without_a_root_receiver_or_route():
    assert routing_problems({"receivers": []})[0][0] == "route"
    found = routing_problems({"route": {}, "receivers": []})
    assert found[0][0] == "route.receiver" and "no receiver" in found[0][1]


def test_credential_problems_find_clear_credentials_but_not_endpoints():
    config = {"global": {"slack_api_url": "https://hooks.slack.com/x"},
              "route": {"receiver": "r"},
              "receivers": [{"name": "r", "slack_configs": [{"api_url": "https://hooks.slack.com/y"}],
                             "opsgenie_configs": [{"api_url": "https://api.opsgenie.com/", "api_key": "k"}],
                             "webhook_configs": [{"url": "https://hook", "http_config": {"bearer_token": "t"}}]}]}
    paths = sorted(path for path, _m, _f in credential_problems(config))
    assert paths == ["global.slack_api_url", "receivers[0].opsgenie_configs[0].api_key",
                     "receivers[0].slack_configs[0].api_url", "receivers[0].webhook_configs[0].http_config.bearer_token"]
