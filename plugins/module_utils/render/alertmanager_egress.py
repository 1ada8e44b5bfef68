# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Where Alertmanager sends notifications, read from the receivers, and the egress rules that let it.

Each notifier of ``alertmanager_receivers`` calls one endpoint: the URL it is given (``webhook_configs[].url``,
``api_url``, ...), else the one of ``alertmanager_global``, else Alertmanager's default (PagerDuty's
``events.pagerduty.com``...); e-mail goes to ``smarthost`` (or ``smtp_smarthost``) as ``host:port``, any port,
25 included. An ``http_config.proxy_url`` replaces the endpoint with the proxy's. A URL read from a Secret
(``{secret, key}``) is not known here: it is taken to be HTTPS on port 443.

The egress rules (common/network.py ``endpoint_egress``): an endpoint whose host is an IP address is allowed to
that address on its port, an in-cluster Service (``<service>.<namespace>.svc``, or a single label for one in
Alertmanager's namespace) to its namespace on its port; every other endpoint (a host name, or a URL in a Secret)
to ``alertmanager_notification_cidrs`` on the ports of those endpoints. NetworkPolicies cannot name hosts, so
that variable is required as soon as one such endpoint exists, unless the inventory gives its own rules
(``alertmanager_notification_egress``).
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.alertmanager import is_credential
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.network import (
    by_name_problem,
    cidr_problems,
    endpoint_egress,
    host_port_endpoint,
    url_endpoint,
)

CIDRS_VARIABLE = "alertmanager_notification_cidrs"
SECRET_URL_PORT = 443
# receiver section -> (its endpoint setting, the setting of `global` it falls back to, Alertmanager's default URL).
# Pushover's `url` is a link shown in the message, not where it is sent: its endpoint is fixed.
ENDPOINTS = {
    "slack_configs": ("api_url", "slack_api_url", None),
    "pagerduty_configs": ("url", "pagerduty_url", "https://events.pagerduty.com/v2/enqueue"),
    "webhook_configs": ("url", None, None),
    "email_configs": ("smarthost", "smtp_smarthost", None),  # host:port, read by _Endpoints.smarthost
    "opsgenie_configs": ("api_url", "opsgenie_api_url", "https://api.opsgenie.com/"),
    "victorops_configs": ("api_url", "victorops_api_url",
                          "https://alert.victorops.com/integrations/generic/20131114/alert/"),
    "pushover_configs": (None, None, "https://api.pushover.net/1/messages.json"),
    "wechat_configs": ("api_url", "wechat_api_url", "https://qyapi.weixin.qq.com/cgi-bin/"),
    "telegram_configs": ("api_url", "telegram_api_url", "https://api.telegram.org"),
    "sns_configs": ("api_url", None, "https://sns.amazonaws.com"),
    "webex_configs": ("api_url", "webex_api_url", "https://webexapis.com/v1/messages"),
    "msteams_configs": ("webhook_url", None, None),
    "msteamsv2_configs": ("webhook_url", None, None),
    "discord_configs": ("webhook_url", None, None),
    "jira_configs": ("api_url", "jira_api_url", None),
    "rocketchat_configs": ("api_url", "rocketchat_api_url", "https://open.rocket.chat/"),
    "incidentio_configs": ("url", None, None),
    "mattermost_configs": ("webhook_url", None, None),
}
SMTP_EXAMPLE = "smtp.example.org:587"


def _is_secret_ref(value):
    return isinstance(value, dict) and set(value) == {"secret", "key"}


class _Endpoints:
    def __init__(self, global_config):
        self.global_config = global_config if isinstance(global_config, dict) else {}
        self.found = []  # {"path", "host" (None: a URL in a Secret), "port"}
        self.problems = []

    def url(self, value, path, default=False, credential=False):
        if credential and not _is_secret_ref(value):
            return  # a credential written in clear: the builder refuses it without printing it
        if _is_secret_ref(value):
            self.found.append({"path": path, "host": None, "port": SECRET_URL_PORT,
                               "secret": "%s/%s" % (value["secret"], value["key"])})
            return
        host, port, problem = url_endpoint(value, path)
        if problem:
            self.problems.append(problem)
        else:
            self.found.append({"path": path, "host": host, "port": port, "default": default})

    def smarthost(self, value, path):
        host, port, problem = host_port_endpoint(value, path, SMTP_EXAMPLE)
        if problem:
            self.problems.append(problem)
        else:
            self.found.append({"path": path, "host": host, "port": port})

    def notifier(self, section, config, path):
        proxy = (config.get("http_config") or {}).get("proxy_url") if isinstance(config.get("http_config"), dict) \
            else None
        global_proxy = (self.global_config.get("http_config") or {}).get("proxy_url") \
            if isinstance(self.global_config.get("http_config"), dict) else None
        if section == "email_configs":
            if config.get("smarthost") not in (None, ""):
                self.smarthost(config["smarthost"], path + ".smarthost")
            elif self.global_config.get("smtp_smarthost") not in (None, ""):
                self.smarthost(self.global_config["smtp_smarthost"], "alertmanager_global.smtp_smarthost")
            return
        if proxy not in (None, ""):
            self.url(proxy, path + ".http_config.proxy_url")
            return
        if global_proxy not in (None, ""):
            self.url(global_proxy, "alertmanager_global.http_config.proxy_url")
            return
        setting, global_setting, default = ENDPOINTS[section]
        if setting and config.get(setting) not in (None, ""):
            self.url(config[setting], "%s.%s" % (path, setting), credential=is_credential(setting, section))
        elif global_setting and self.global_config.get(global_setting) not in (None, ""):
            self.url(self.global_config[global_setting], "alertmanager_global.%s" % global_setting,
                     credential=is_credential(global_setting, "global"))
        elif default:
            self.url(default, "%s.%s" % (path, setting or "endpoint"), default=True)


def notification_endpoints(receivers, global_config=None):
    """``(endpoints, problems)``: where the notifiers of ``receivers`` send, each endpoint ``{path, host, port}``
    (``host`` None for a URL read from a Secret), and one message per URL or smarthost that is not one."""
    endpoints = _Endpoints(global_config)
    for i, receiver in enumerate(receivers if isinstance(receivers, list) else []):
        if not isinstance(receiver, dict):
            continue
        for section in sorted(set(receiver) & set(ENDPOINTS), key=list(ENDPOINTS).index):
            configs = receiver[section]
            for j, config in enumerate(configs if isinstance(configs, list) else []):
                if isinstance(config, dict):
                    endpoints.notifier(section, config, "alertmanager_receivers[%d].%s[%d]" % (i, section, j))
    return endpoints.found, endpoints.problems


def _describe(endpoint):
    if endpoint["host"] is None:
        where = "a URL in Secret %s" % endpoint["secret"]
    else:
        where = ("unset, Alertmanager's default " if endpoint.get("default") else "") + endpoint["host"]
    return "%s (%s, port %d)" % (endpoint["path"], where, endpoint["port"])


def egress_rules(endpoints, cidrs, own_rules=False, namespace="monitoring", cluster_domain="cluster.local"):
    """``(rules, problems)``: the NetworkPolicy egress rules that let Alertmanager, in ``namespace``, reach
    ``endpoints`` (common/network.py ``endpoint_egress``). Endpoints by host name (or in a Secret) that are not
    in-cluster Services need ``cidrs`` (``alertmanager_notification_cidrs``) unless ``own_rules``: the inventory
    gives rules of its own."""
    problems = cidr_problems(cidrs, CIDRS_VARIABLE)
    rules, by_name = endpoint_egress(endpoints, cidrs if isinstance(cidrs, list) else [], namespace, cluster_domain)
    if by_name and not own_rules and isinstance(cidrs, list):
        problems.append(by_name_problem(
            CIDRS_VARIABLE, cidrs, "the notification endpoints the receivers call", [_describe(e) for e in by_name],
            "alertmanager_notification_egress",
            ranges_of="those services (or of an egress proxy, set as http_config.proxy_url)"))
    return rules, problems
