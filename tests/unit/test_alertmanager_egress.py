"""Alertmanager's egress from its receivers (module_utils/render/alertmanager_egress.py), through the config builder."""

from __future__ import annotations

import pytest

from ansible_collections.vmstation.monitoring.plugins.module_utils.render import alertmanager_egress as egress
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.alertmanager import (
    AlertmanagerConfigError,
    build_config,
)

SECRET = "https://hooks.slack.com/services/T0/B0/never-printed"


def _endpoints(receivers, global_config=None):
    found, problems = egress.notification_endpoints(receivers, global_config)
    return [(e["path"], e["host"], e["port"]) for e in found], problems


def test_each_notifier_gives_its_endpoint_or_alertmanagers_default():
    found, problems = _endpoints([
        {"name": "a", "webhook_configs": [{"url": "http://10.0.0.9:8080/x"}],
         "pagerduty_configs": [{"routing_key": {"secret": "pd", "key": "k"}}],
         "email_configs": [{"to": "x@example.org", "smarthost": "smtp.example.org:25"}, {"to": "y@example.org"}],
         "slack_configs": [{"api_url": {"secret": "slack", "key": "url"}}],
         "pushover_configs": [{"url": "https://status.example.org/"}]}],
        {"smtp_smarthost": "relay.example.org:587"})
    assert problems == []
    assert found == [
        ("alertmanager_receivers[0].slack_configs[0].api_url", None, 443),
        ("alertmanager_receivers[0].pagerduty_configs[0].url", "events.pagerduty.com", 443),
        ("alertmanager_receivers[0].webhook_configs[0].url", "10.0.0.9", 8080),
        ("alertmanager_receivers[0].email_configs[0].smarthost", "smtp.example.org", 25),
        ("alertmanager_global.smtp_smarthost", "relay.example.org", 587),
        ("alertmanager_receivers[0].pushover_configs[0].endpoint", "api.pushover.net", 443),
    ]


def test_a_proxy_replaces_the_endpoint():
    found, _problems = _endpoints([{"name": "a", "webhook_configs": [
        {"url": "https://hooks.example.org/", "http_config": {"proxy_url": "http://10.9.9.9:3128"}}]}])
    assert found == [("alertmanager_receivers[0].webhook_configs[0].http_config.proxy_url", "10.9.9.9", 3128)]
    found, _problems = _endpoints([{"name": "a", "webhook_configs": [{"url": "https://hooks.example.org/"}]}],
                                  {"http_config": {"proxy_url": "http://proxy.example.org:3128"}})
    assert found == [("alertmanager_global.http_config.proxy_url", "proxy.example.org", 3128)]


def test_addresses_are_allowed_as_they_are_and_names_need_the_ranges():
    found, _problems = egress.notification_endpoints([{"name": "a", "webhook_configs": [
        {"url": "http://10.0.0.9:8080/x"}, {"url": "http://[fd00::1]/x"}, {"url": "https://h.example.org/"}]}])
    rules, problems = egress.egress_rules(found, ["198.51.100.0/24"])
    assert problems == []
    assert rules == [
        {"to": [{"ipBlock": {"cidr": "10.0.0.9/32"}}], "ports": [{"protocol": "TCP", "port": 8080}]},
        {"to": [{"ipBlock": {"cidr": "fd00::1/128"}}], "ports": [{"protocol": "TCP", "port": 80}]},
        {"to": [{"ipBlock": {"cidr": "198.51.100.0/24"}}], "ports": [{"protocol": "TCP", "port": 443}]},
    ]
    rules, problems = egress.egress_rules(found, [])
    assert len(rules) == 2 and problems[0].startswith("alertmanager_notification_cidrs is []: it must list")
    assert "alertmanager_receivers[0].webhook_configs[2].url (h.example.org, port 443)" in problems[0]
    assert egress.egress_rules(found, [], own_rules=True)[1] == []
    assert egress.egress_rules(found, ["lab-network"])[1][0].startswith(
        'alertmanager_notification_cidrs[0] is "lab-network"')


def test_a_credential_written_in_clear_is_never_printed():
    spec = {"receivers": [{"name": "team", "slack_configs": [{"api_url": SECRET}]}], "default_receiver": "team"}
    with pytest.raises(AlertmanagerConfigError) as caught:
        build_config(spec)
    assert SECRET not in str(caught.value) and "is a credential" in str(caught.value)


def test_the_builder_returns_the_egress_and_lists_bad_urls_with_the_other_problems():
    built = build_config({"receivers": [{"name": "hook", "webhook_configs": [{"url": "http://10.0.0.9/x"}]}],
                          "default_receiver": "hook"})
    assert built["egress"] == [{"to": [{"ipBlock": {"cidr": "10.0.0.9/32"}}], "ports": [{"protocol": "TCP", "port": 80}]}]
    assert build_config({})["egress"] == []
    by_name = {"receivers": [{"name": "hook", "webhook_configs": [{"url": "https://h.example.org/a"}]}],
               "default_receiver": "hook"}
    assert build_config(by_name)["egress"] == [], "a caller other than the role gives no ranges and needs none"
    with pytest.raises(AlertmanagerConfigError, match="alertmanager_notification_cidrs is"):
        build_config(dict(by_name, notification_cidrs=[]))
    with pytest.raises(AlertmanagerConfigError) as caught:
        build_config({"receivers": [{"name": "hook", "webhook_configs": [{"url": "hooks.example.org/a"}]}],
                      "default_receiver": "nobody"})
    assert len(caught.value.problems) == 2
    assert any(p.startswith('alertmanager_receivers[0].webhook_configs[0].url is "hooks.example.org/a"')
               for p in caught.value.problems)


def test_an_in_cluster_webhook_is_allowed_by_its_namespace_without_the_ranges():
    found, _problems = egress.notification_endpoints([{"name": "a", "webhook_configs": [
        {"url": "http://bridge.chatops.svc.cluster.local:9094/alert"}, {"url": "http://relay:8080/"}]}])
    rules, problems = egress.egress_rules(found, [], namespace="ops")
    assert problems == []
    assert rules == [
        {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "chatops"}}}],
         "ports": [{"protocol": "TCP", "port": 9094}]},
        {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ops"}}}],
         "ports": [{"protocol": "TCP", "port": 8080}]},
    ]
