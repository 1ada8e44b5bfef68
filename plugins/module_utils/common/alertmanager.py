# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""What an alertmanager.yml is made of, shared by the builder (render/alertmanager.py) and the checks
(validate/configs/alertmanager_policy.py): which settings carry a credential, the receiver sections,
the route tree, the annotation that declares receivers dropping alerts on purpose, and what each kind of
notifier requires (checked by the role's preflight)."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.preflight import missing

# Annotation on the ConfigMap carrying alertmanager.yml: comma-separated receivers that drop alerts on
# purpose. M006 refuses a route to a receiver without notifiers unless it is listed there.
NULL_RECEIVERS_ANNOTATION = "alertmanager.vmstation.io/null-receivers"

# Settings that carry a credential, wherever they appear (receivers, global, http_config).
# They may only be given as a Secret reference, which becomes the `<name>_file` setting.
CREDENTIAL_SETTINGS = frozenset({
    "api_url",  # Slack incoming-webhook URL (only under slack_configs, see _CREDENTIAL_ONLY_UNDER)
    "slack_api_url", "routing_key", "service_key", "auth_password", "auth_secret", "smtp_auth_password",
    "smtp_auth_secret", "password", "credentials", "bearer_token", "client_secret", "api_key",
    "opsgenie_api_key", "victorops_api_key", "bot_token", "token", "user_key", "api_secret",
    "wechat_api_secret", "webhook_url", "secret_key",
})
# `api_url` is a credential for Slack only (the URL embeds the token); elsewhere it is an endpoint.
_CREDENTIAL_ONLY_UNDER = {"api_url": ("slack_configs",)}

RECEIVER_SECTIONS = ("slack_configs", "pagerduty_configs", "email_configs", "webhook_configs",
                     "opsgenie_configs", "victorops_configs", "pushover_configs", "wechat_configs",
                     "telegram_configs", "sns_configs", "webex_configs", "msteams_configs",
                     "msteamsv2_configs", "discord_configs", "jira_configs", "rocketchat_configs",
                     "incidentio_configs", "mattermost_configs")


def is_credential(setting, section):
    """Whether ``setting`` under ``section`` (a receiver section, ``global`` or '') carries a credential."""
    if setting not in CREDENTIAL_SETTINGS:
        return False
    only_under = _CREDENTIAL_ONLY_UNDER.get(setting)
    return only_under is None or section in only_under


def has_notifier(receiver):
    """Whether a receiver sends anywhere (has a non-empty ``<type>_configs``); one without drops alerts."""
    return any(receiver.get(section) for section in receiver if str(section).endswith("_configs"))


def walk_routes(route, path):
    """(route, path) of ``route`` and of every route below it."""
    yield route, path
    for i, child in enumerate(route.get("routes") or []):
        if isinstance(child, dict):
            yield from walk_routes(child, "%s.routes[%d]" % (path, i))


# What each kind of notifier cannot do without, as Alertmanager's config loader requires it: receiver section ->
# requirements, each (settings of which one must be set, `global` settings that stand in for it, what it is).
# A credential is given as a Secret reference under its plain name (api_url: {secret, key}), which the builder
# turns into the `*_file` setting; the `*_file` names count too, so a file given by hand is reported once, by the
# builder, not twice.
REQUIRED_SETTINGS = {
    "slack_configs": ((("api_url",), ("slack_api_url",), "the Slack incoming-webhook URL, as {secret: <name>, key: <key>}"),),
    "webhook_configs": ((("url",), (), "the URL alerts are POSTed to (a Secret reference when it carries a token)"),),
    "email_configs": ((("to",), (), "the address alerts are mailed to"),
                      (("smarthost",), ("smtp_smarthost",), "the SMTP server as host:port"),
                      (("from",), ("smtp_from",), "the sender address")),
    "pagerduty_configs": ((("routing_key", "service_key"), (),
                           "the Events API v2 routing_key (or the v1 service_key), as {secret: <name>, key: <key>}"),),
    "opsgenie_configs": ((("api_key",), ("opsgenie_api_key",), "the Opsgenie API key, as {secret: <name>, key: <key>}"),),
    "victorops_configs": ((("api_key",), ("victorops_api_key",), "the VictorOps API key, as {secret: <name>, key: <key>}"),
                          (("routing_key",), (), "the VictorOps routing key")),
    "pushover_configs": ((("user_key",), (), "the Pushover user key, as {secret: <name>, key: <key>}"),
                         (("token",), (), "the Pushover application token, as {secret: <name>, key: <key>}")),
    "telegram_configs": ((("bot_token",), (), "the Telegram bot token, as {secret: <name>, key: <key>}"),
                         (("chat_id",), (), "the id of the chat alerts go to")),
    "discord_configs": ((("webhook_url",), (), "the Discord webhook URL, as {secret: <name>, key: <key>}"),),
    "msteams_configs": ((("webhook_url",), (), "the Microsoft Teams webhook URL, as {secret: <name>, key: <key>}"),),
    "msteamsv2_configs": ((("webhook_url",), (), "the Microsoft Teams (Workflows) webhook URL, as {secret: <name>, key: <key>}"),),
    "webex_configs": ((("room_id",), (), "the id of the Webex room alerts go to"),),
    "sns_configs": ((("topic_arn", "target_arn", "phone_number"), (), "where SNS delivers: a topic_arn, target_arn or phone_number"),),
    "wechat_configs": ((("api_secret",), ("wechat_api_secret",), "the WeChat API secret, as {secret: <name>, key: <key>}"),
                       (("corp_id",), ("wechat_api_corp_id",), "the WeChat corp id")),
}


def _is_set(config, setting):
    return any(config.get(name) not in (None, "", {}, []) for name in (setting, setting + "_file"))


def _requirement_text(receiver, settings, global_settings, what):
    text = "must be set for the receiver %s: %s is %s" % (receiver, " or ".join(settings), what)
    if global_settings:
        text += " (or set %s for every receiver)" % " or ".join("alertmanager_global." + g for g in global_settings)
    return text


def receiver_problems(receivers, global_config):
    """Every setting a receiver's notifiers need and do not have, each ``<path> is not set: it must be set ...``
    with the full path (``alertmanager_receivers[0].slack_configs[0].api_url``). What is not a receiver at all is
    left to the builder (render/alertmanager.py), which says so."""
    global_config = global_config if isinstance(global_config, dict) else {}
    problems = []
    for i, receiver in enumerate(receivers if isinstance(receivers, list) else []):
        if not isinstance(receiver, dict):
            continue
        for section, requirements in REQUIRED_SETTINGS.items():
            configs = receiver.get(section)
            for j, config in enumerate(configs if isinstance(configs, list) else []):
                if not isinstance(config, dict):
                    continue
                for settings, global_settings, what in requirements:
                    if any(_is_set(config, s) for s in settings) or any(_is_set(global_config, g) for g in global_settings):
                        continue
                    path = "alertmanager_receivers[%d].%s[%d].%s" % (i, section, j, settings[0])
                    problems.append(missing(path, _requirement_text(receiver.get("name", "?"), settings, global_settings, what)))
    return problems
