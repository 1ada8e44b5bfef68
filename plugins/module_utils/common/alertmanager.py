# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""What an alertmanager.yml is made of, shared by the builder (render/alertmanager.py) and the checks
(validate/configs/alertmanager_policy.py): which settings carry a credential, the receiver sections,
the route tree, and the annotation that declares receivers dropping alerts on purpose."""

from __future__ import annotations

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
