"""What each kind of notifier requires (module_utils/common/alertmanager.py REQUIRED_SETTINGS), checked by the
alertmanager role's preflight with the full path of the missing setting, and held against the pinned amtool:
every setting the table requires is one amtool refuses a config without, and a complete receiver passes both."""

from __future__ import annotations

import subprocess

import pytest
import yaml
from real_tools import binary, role_tag

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.alertmanager import REQUIRED_SETTINGS, receiver_problems

PROBLEMS = FilterModule().filters()["alertmanager_receiver_problems"]
# A receiver of each kind with what it requires, as Alertmanager reads it (plain values, not Secret references).
COMPLETE = {
    "slack_configs": {"api_url": "https://hooks.slack.com/services/T0/B0/X", "channel": "#alerts"},
    "webhook_configs": {"url": "http://hook.example.org/"},
    "email_configs": {"to": "ops@example.org", "from": "am@example.org", "smarthost": "smtp.example.org:587"},
    "pagerduty_configs": {"routing_key": "abc"},
    "opsgenie_configs": {"api_key": "abc"},
    "victorops_configs": {"api_key": "abc", "routing_key": "team"},
    "pushover_configs": {"user_key": "u", "token": "t"},
    "telegram_configs": {"bot_token": "t", "chat_id": 123},
    "discord_configs": {"webhook_url": "https://discord.com/api/webhooks/1/x"},
    "msteams_configs": {"webhook_url": "https://example.webhook.office.com/x"},
    "msteamsv2_configs": {"webhook_url": "https://flows.example.org/x"},
    "webex_configs": {"room_id": "r", "http_config": {"authorization": {"credentials": "c"}}},
    "sns_configs": {"topic_arn": "arn:aws:sns:us-east-1:123456789012:alerts", "sigv4": {"region": "us-east-1"}},
    "wechat_configs": {"api_secret": "s", "corp_id": "c"},
}
GLOBAL_VALUES = {"slack_api_url": "https://hooks.slack.com/services/T0/B0/X", "smtp_smarthost": "smtp.example.org:587",
                 "smtp_from": "am@example.org", "opsgenie_api_key": "abc", "victorops_api_key": "abc",
                 "wechat_api_secret": "s", "wechat_api_corp_id": "c"}
CASES = [(section, settings, global_settings) for section, requirements in REQUIRED_SETTINGS.items()
         for settings, global_settings, _what in requirements]


def _without(section, settings):
    return {key: value for key, value in COMPLETE[section].items() if key not in settings}


@pytest.fixture
def amtool():
    return binary("alertmanager", role_tag("alertmanager_image_tags", "current"), "amtool")


def _amtool_accepts(amtool, tmp_path, section, config, global_config=None):
    text = {"route": {"receiver": "team"}, "receivers": [{"name": "team", section: [config]}]}
    if global_config:
        text["global"] = global_config
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump(text))
    return subprocess.run([amtool, "check-config", str(path)], capture_output=True, text=True, check=False).returncode == 0


def test_every_kind_with_a_requirement_has_a_complete_example():
    assert set(COMPLETE) == set(REQUIRED_SETTINGS)


@pytest.mark.parametrize("section, settings, global_settings", CASES, ids=["%s.%s" % (c[0], c[1][0]) for c in CASES])
def test_a_missing_required_setting_is_named_by_its_full_path(section, settings, global_settings):
    receivers = [{"name": "ok", "webhook_configs": [COMPLETE["webhook_configs"]]},
                 {"name": "team", section: [COMPLETE[section], _without(section, settings)]}]
    found = PROBLEMS(receivers, {})
    path = "alertmanager_receivers[1].%s[1].%s" % (section, settings[0])
    assert len(found) == 1 and found[0].startswith(path + " is not set: it must be set for the receiver team: ")
    assert " or ".join(settings) in found[0]
    for name in global_settings:
        assert "alertmanager_global.%s" % name in found[0]
        assert PROBLEMS(receivers, {name: GLOBAL_VALUES[name]}) == []


@pytest.mark.parametrize("section, settings, global_settings", CASES, ids=["%s.%s" % (c[0], c[1][0]) for c in CASES])
@pytest.mark.tools
def test_amtool_refuses_what_the_table_requires_and_takes_the_global_for_it(
        amtool, tmp_path, section, settings, global_settings):
    assert _amtool_accepts(amtool, tmp_path, section, COMPLETE[section])
    assert receiver_problems([{"name": "team", section: [COMPLETE[section]]}], {}) == []
    assert not _amtool_accepts(amtool, tmp_path, section, _without(section, settings))
    for name in global_settings:
        assert _amtool_accepts(amtool, tmp_path, section, _without(section, settings), {name: GLOBAL_VALUES[name]})


def test_a_secret_reference_or_a_file_setting_counts_as_set():
    slack = [{"name": "team", "slack_configs": [{"api_url": {"secret": "am-slack", "key": "url"}}]}]
    assert receiver_problems(slack, {}) == []
    assert receiver_problems([{"name": "team", "slack_configs": [{"api_url_file": "/x"}]}], {}) == []
    assert receiver_problems(slack, {}) == receiver_problems(slack, None)


def test_what_is_not_a_receiver_is_left_to_the_builder():
    assert receiver_problems(["team", {"name": "x", "slack_configs": "no"}, {"name": "y", "slack_configs": [1]}], {}) == []
    assert receiver_problems(None, None) == []
