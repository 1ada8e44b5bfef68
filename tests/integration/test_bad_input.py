"""Catalogue of bad inputs across every role: each case is run through site.yml and must fail in the
expected phase with a message that names the variable (or object) and says how to fix it, leaving the
build folder exactly as it was (empty, or a good earlier export byte for byte). No case reaches a
cluster: the local inventory never applies.

Phases, told apart by the task that failed:
  spec       the role's argument spec (meta/argument_specs.yml), checked at role entry
  preflight  a role's own checks (assert tasks, and the filters that build configs from the variables)
  validate   the whole-stack validate phase (schema, policy, promtool/amtool, Loki/Alloy/dashboard checks)
  export     the export refusing a folder it does not own
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field

import pytest

from conftest import run_playbook

pytestmark = pytest.mark.render

CLUSTER = "local"
SECRET = "s3cr3t-never-printed-4711"
CURRENT_TAGS = {"prometheus": "v3.13.3", "grafana": "13.2.3"}
GOOD_CLIENT = [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus-backup"}}}]
GOOD_RULE = {"alert": "Probe", "expr": "up == 0", "for": "5m", "labels": {"severity": "warning"},
             "annotations": {"summary": "s", "description": "d"}}
OAUTH = {"grafana_oauth_enabled": True, "grafana_oauth_client_id": "grafana",
         "grafana_oauth_auth_url": "https://sso.example.org/authorize",
         "grafana_oauth_token_url": "https://sso.example.org/token",
         "grafana_oauth_api_url": "https://sso.example.org/userinfo"}
LDAP = {"grafana_ldap_enabled": True, "grafana_ldap_host": "ldap.example.org",
        "grafana_ldap_bind_dn": "cn=grafana,dc=example,dc=org",
        "grafana_ldap_search_base_dns": ["dc=example,dc=org"]}
BROKEN_DASHBOARD = {"title": "Broken board", "rows": [{"title": "R", "panels": [
    {"title": "Wrong", "type": "graph", "queries": ["up"]}]}]}
GHOST_DASHBOARD = {"title": "Ghost jobs", "panels": [{"title": "Ghost", "queries": ['up{job="ghost-exporter"}']}]}


@dataclass(frozen=True)
class Case:
    id: str
    extra: dict
    phase: str
    expect: tuple
    components: tuple = ()
    log_agent: str = "none"
    profile: str = "current"
    forbid: tuple = field(default=())


CASES = [
    # --- stack -------------------------------------------------------------------------------------------
    Case("stack-unknown-profile", {"monitoring_version_profile": "newest"}, "spec",
         ("monitoring_version_profile", "must be one of: current, seed", "got: newest"), ("prometheus",)),
    Case("stack-unknown-log-agent", {"monitoring_log_agent": "fluentbit"}, "spec",
         ("monitoring_log_agent", "must be one of: alloy, promtail, none"), ("prometheus",), log_agent="fluentbit"),
    Case("stack-kubernetes-version-out-of-range", {"monitoring_kubernetes_version": "1.20"}, "preflight",
         ('monitoring_kubernetes_version is "1.20": it must be MAJOR.MINOR between 1.25 and 1.37',), ("prometheus",)),
    Case("stack-unknown-component", {}, "preflight",
         ('monitoring_components is ["prometheus", "thanos"]: it may only list', "(not thanos)"), ("prometheus", "thanos")),
    Case("stack-same-namespaces", {"monitoring_agents_namespace": "monitoring", "monitoring_namespace": "monitoring"},
         "preflight", ('monitoring_agents_namespace is "monitoring": it must differ from monitoring_namespace',), ("prometheus",)),
    Case("stack-misspelled-variable", {"prometheus_scrape_intervall": "30s", "grafana_admin_pasword": SECRET},
         "preflight", ("prometheus_scrape_intervall", "did you mean prometheus_scrape_interval",
                       "grafana_admin_pasword", "did you mean grafana_admin_password"), ("prometheus",)),
    Case("stack-misspelled-role-prefix", {"promethus_retention_time": "7d"}, "preflight",
         ("promethus_retention_time is not a variable of this collection; did you mean prometheus_retention_time?",),
         ("prometheus",)),
    Case("stack-sops-without-recipients", {"monitoring_gitops_secrets": "sops"}, "preflight",
         ("monitoring_gitops_sops_age_recipients is []: it must list at least one age public key",), ("prometheus",)),
    Case("stack-sops-recipient-not-an-age-key", {"monitoring_gitops_secrets": "sops",
                                                 "monitoring_gitops_sops_age_recipients": ["ssh-ed25519 AAAAC3Nz"]},
         "preflight", ('monitoring_gitops_sops_age_recipients is ["ssh-ed25519 AAAAC3Nz"]: it must list',), ("prometheus",)),
    Case("stack-unknown-size", {"monitoring_size": "tiny"}, "spec",
         ("monitoring_size", "must be one of: small, medium, large", "got: tiny"), ("prometheus",)),
    Case("stack-unknown-distribution", {"monitoring_distribution": "k0s"}, "spec",
         ("monitoring_distribution", "must be one of: generic, k3s", "got: k0s"), ("prometheus",)),
    Case("stack-node-cidr-prefix-too-long", {"monitoring_node_cidrs": ["192.168.1.0/33"]}, "preflight",
         ('monitoring_node_cidrs[0] is "192.168.1.0/33": it must be an address range in CIDR notation',),
         ("prometheus",)),
    Case("stack-node-cidr-not-an-address", {"monitoring_node_cidrs": ["lab-network"]}, "preflight",
         ('monitoring_node_cidrs[0] is "lab-network": it must be an address range in CIDR notation',), ("prometheus",)),
    Case("stack-api-server-cidr-host-bits", {"monitoring_api_server_cidrs": ["10.0.0.1/8"]}, "preflight",
         ("monitoring_api_server_cidrs[0]", "has bits set after the prefix length", "10.0.0.0/8"), ("prometheus",)),
    Case("stack-api-server-cidrs-missing", {"monitoring_api_server_cidrs": []}, "preflight",
         ("monitoring_api_server_cidrs is []: it must list the address ranges of the Kubernetes API server, which "
          "prometheus, the API server proxy allow of prometheus need",), ("prometheus",)),
    Case("stack-node-cidrs-missing", {"monitoring_node_cidrs": []}, "preflight",
         ("monitoring_node_cidrs is []: it must list the address ranges of the nodes, which Prometheus scrapes",),
         ("prometheus",)),
    Case("stack-api-server-port-zero", {"monitoring_api_server_ports": [443, 0]}, "preflight",
         ("monitoring_api_server_ports[1] is 0: it must be a port number between 1 and 65535",), ("prometheus",)),
    Case("stack-api-server-port-too-large", {"monitoring_api_server_ports": [70000]}, "preflight",
         ("monitoring_api_server_ports[0] is 70000: it must be a port number between 1 and 65535",), ("prometheus",)),
    Case("stack-api-server-port-not-a-number", {"monitoring_api_server_ports": ["abc"]}, "spec",
         ("monitoring_api_server_ports",), ("prometheus",)),
    # --- prometheus ----------------------------------------------------------------------------------------
    Case("prometheus-latest-tag", {"prometheus_image_tags": {"current": "latest", "seed": "v2.48.0"}}, "preflight",
         ('prometheus_image_tag is "latest": it must be a pinned release', "set prometheus_image_tags.current"),
         ("prometheus",)),
    Case("prometheus-5s-scrape-interval", {"prometheus_scrape_interval": "5s", "prometheus_scrape_timeout": "5s"},
         "preflight", ('prometheus_scrape_interval is "5s"', "must be a Prometheus duration of 15s or more"), ("prometheus",)),
    Case("prometheus-retention-unset", {"prometheus_retention_time": ""}, "preflight",
         ('prometheus_retention_time is ""', "must be a non-zero Prometheus duration"), ("prometheus",)),
    Case("prometheus-retention-size-over-volume", {"prometheus_retention_size": "100GB"}, "preflight",
         ('prometheus_retention_size is "100GB"', "raise prometheus_storage_size or lower prometheus_retention_size"),
         ("prometheus",)),
    # The space makes it no Kubernetes quantity: said so, with the likely value, and no word about the retention.
    Case("prometheus-storage-size-with-space", {"prometheus_storage_size": "10 GB"}, "preflight",
         ('prometheus_storage_size is "10 GB": it must be a Kubernetes quantity such as 20Gi; "10 GB" is not one, because '
          "of the space between the number and the unit", "write 10Gi or 10G."), ("prometheus",),
         forbid=("raise prometheus_storage_size",)),
    Case("prometheus-sizes-and-durations-in-words",
         {"prometheus_retention_size": "15 GB", "prometheus_retention_time": "2 weeks",
          "prometheus_scrape_interval": "30 seconds", "prometheus_query_timeout": "2 min"}, "preflight",
         ('prometheus_retention_size is "15 GB"', "write 15GB.", 'prometheus_retention_time is "2 weeks"', "write 14d.",
          'prometheus_scrape_interval is "30 seconds"', "write 30s.", 'prometheus_query_timeout is "2 min"', "write 2m."),
         ("prometheus",)),
    Case("prometheus-replicas-wrong-type", {"prometheus_replicas": "two"}, "preflight",
         ("prometheus_replicas", "unable to convert to int"), ("prometheus",)),
    Case("prometheus-replicas-out-of-range", {"prometheus_replicas": 0}, "preflight",
         ("prometheus_replicas is 0", "must be at least 1"), ("prometheus",)),
    Case("prometheus-unknown-log-level", {"prometheus_log_level": "verbose"}, "preflight",
         ("prometheus_log_level", "must be one of: debug, info, warn, error", "got: verbose"), ("prometheus",)),
    Case("prometheus-timeout-over-interval", {"prometheus_scrape_timeout": "1m"}, "preflight",
         ('prometheus_scrape_timeout is "1m"', "must not be longer than prometheus_scrape_interval (30s)",
          "lower the timeout"),
         ("prometheus",)),
    Case("prometheus-no-sample-limit", {"prometheus_scrape_limits": {"sample_limit": 0, "label_limit": 64,
                                                                     "label_name_length_limit": 128,
                                                                     "label_value_length_limit": 1024}},
         "preflight", ("prometheus_scrape_limits.sample_limit is 0", "must be a positive integer"), ("prometheus",)),
    Case("prometheus-override-for-unknown-job", {"prometheus_scrape_job_overrides": {"kubelett": {"sample_limit": 5}}},
         "preflight", ('prometheus_scrape_job_overrides is ["kubelett"]', "may only name rendered jobs", "unknown: kubelett"),
         ("prometheus",)),
    Case("prometheus-extra-job-without-limits",
         {"prometheus_extra_scrape_configs": [{"job_name": "app", "static_configs": [{"targets": ["app:80"]}]}]},
         "preflight", ("prometheus_extra_scrape_configs[0] is", "must have a job_name, a sample_limit and a label_limit",
                       "it lacks sample_limit, label_limit"),
         ("prometheus",)),
    Case("prometheus-admin-api-without-clients", {"prometheus_enable_admin_api": True}, "preflight",
         ("prometheus_admin_api_clients is []", "must list, while prometheus_enable_admin_api is true, the NetworkPolicy peers"),
         ("prometheus",)),
    Case("prometheus-rule-group-without-rules", {"prometheus_rule_groups": [{"name": "extra"}]}, "preflight",
         ("missing required arguments: rules", "prometheus_rule_groups"), ("prometheus",)),
    Case("prometheus-rule-group-empty-name", {"prometheus_rule_groups": [{"name": "", "rules": []}]}, "preflight",
         ('prometheus_rule_groups is [""]', "a mapping with a non-empty `name` and a list of `rules`"), ("prometheus",)),
    Case("prometheus-rule-promtool-refuses",
         {"prometheus_rule_groups": [{"name": "extra", "rules": [{**GOOD_RULE, "expr": "up =="}]}]}, "validate",
         ("[PROMTOOL", "ConfigMap/", "promtool"), ("prometheus",)),
    Case("prometheus-rule-without-severity-policy",
         {"prometheus_rule_groups": [{"name": "extra", "rules": [{**GOOD_RULE, "labels": {}}]}]}, "validate",
         ("[M005", "Probe", "severity"), ("prometheus",)),
    Case("prometheus-annotated-target-port-out-of-range", {"prometheus_annotated_targets_ports": [8080, 70000, "Bad_Name"]},
         "preflight", ("prometheus_annotated_targets_ports[1] is 70000: it must be a port number between 1 and 65535",
                       'prometheus_annotated_targets_ports[2] is "Bad_Name"'), ("prometheus",)),
    # --- alertmanager --------------------------------------------------------------------------------------
    Case("alertmanager-unknown-default-receiver", {"alertmanager_default_receiver": "pager"}, "preflight",
         ("alertmanager_default_receiver: 'pager' is not a receiver",), ("alertmanager",)),
    Case("alertmanager-route-to-missing-receiver",
         {"alertmanager_routes": [{"matchers": ['team="a"'], "receiver": "team-a"}]}, "preflight",
         ("alertmanager_routes[0].receiver: 'team-a' is not a receiver",), ("alertmanager",)),
    Case("alertmanager-credential-in-clear",
         {"alertmanager_receivers": [{"name": "team", "slack_configs": [{"api_url": SECRET}]}],
          "alertmanager_default_receiver": "team"}, "preflight",
         ("alertmanager_receivers[0] (team).slack_configs[0].api_url: is a credential",), ("alertmanager",),
         forbid=(SECRET,)),
    Case("alertmanager-secret-data-for-no-receiver", {"alertmanager_secret_data": {"am-unused": {"token": SECRET}}},
         "preflight", ('alertmanager_secret_data.am-unused is ["token"]: it must be read by a receiver',),
         ("alertmanager",), forbid=(SECRET,)),
    Case("alertmanager-missing-secret-key",
         {"alertmanager_receivers": [{"name": "hook", "webhook_configs": [{"url": {"secret": "am-hook", "key": "url"}}]}],
          "alertmanager_default_receiver": "hook", "alertmanager_secret_data": {"am-hook": {"uri": SECRET}},
          "alertmanager_notification_cidrs": ["203.0.113.0/24"]},
         "preflight", ('alertmanager_secret_data.am-hook is ["uri"]: it must have the key url, which the receivers read',),
         ("alertmanager",), forbid=(SECRET,)),
    Case("alertmanager-misspelled-receiver-section",
         {"alertmanager_receivers": [{"name": "team", "slak_configs": [{"channel": "#alerts"}]}],
          "alertmanager_default_receiver": "team"}, "preflight",
         ("slak_configs", "alertmanager_receivers", "slack_configs"), ("alertmanager",)),
    Case("alertmanager-route-matchers-wrong-type",
         {"alertmanager_routes": [{"matchers": {"severity": "critical"}, "receiver": "blackhole"}]}, "preflight",
         ("matchers", "alertmanager_routes", "list"), ("alertmanager",)),
    Case("alertmanager-replicas-out-of-range", {"alertmanager_replicas": 0}, "preflight",
         ("alertmanager_replicas is 0: it must be at least 1",), ("alertmanager",)),
    Case("alertmanager-storage-not-a-quantity", {"alertmanager_storage_size": "1 gig"}, "preflight",
         ('alertmanager_storage_size is "1 gig": it must be a Kubernetes quantity such as 1Gi',), ("alertmanager",)),
    Case("alertmanager-resources-and-retention-in-words",
         {"alertmanager_resources": {"requests": {"cpu": "0.5 cores", "memory": "64Mi"},
                                     "limits": {"cpu": "1", "memory": "256 MB"}},
          "alertmanager_data_retention": "5 days"}, "preflight",
         ('alertmanager_resources.requests.cpu is "0.5 cores"', "write 0.5 or 500m",
          'alertmanager_resources.limits.memory is "256 MB"', "write 256Mi or 256M",
          'alertmanager_data_retention is "5 days"', "write 5d."), ("alertmanager",)),
    # Each notifier's required settings, by their full path, before the Secret mapping or amtool see them.
    Case("alertmanager-slack-without-api-url",
         {"alertmanager_receivers": [{"name": "team", "slack_configs": [{"channel": "#alerts"}]}],
          "alertmanager_default_receiver": "team", "alertmanager_secret_data": {"am-slack": {"url": SECRET}}}, "preflight",
         ("alertmanager_receivers[0].slack_configs[0].api_url is not set: it must be set for the receiver team: api_url "
          "is the Slack incoming-webhook URL", "alertmanager_global.slack_api_url"), ("alertmanager",),
         forbid=(SECRET, "alertmanager_secret_data must map")),
    Case("alertmanager-receivers-missing-required-fields",
         {"alertmanager_receivers": [
             {"name": "mail", "email_configs": [{"auth_username": "am"}]},
             {"name": "hook", "webhook_configs": [{"send_resolved": True}]},
             {"name": "pager", "pagerduty_configs": [{"severity": "critical"}]},
             {"name": "chat", "telegram_configs": [{"bot_token": {"secret": "am-telegram", "key": "token"}}]}],
          "alertmanager_default_receiver": "mail"}, "preflight",
         ("alertmanager_receivers[0].email_configs[0].to is not set",
          "alertmanager_receivers[0].email_configs[0].smarthost is not set",
          "alertmanager_receivers[0].email_configs[0].from is not set",
          "alertmanager_receivers[1].webhook_configs[0].url is not set",
          "alertmanager_receivers[2].pagerduty_configs[0].routing_key is not set: it must be set for the receiver pager: "
          "routing_key or service_key",
          "alertmanager_receivers[3].telegram_configs[0].chat_id is not set"), ("alertmanager",),
         forbid=("bot_token is not set",)),
    Case("alertmanager-amtool-refuses",
         {"alertmanager_routes": [{"matchers": ['severity=~"(unclosed"'], "receiver": "blackhole"}]}, "validate",
         ("[AMTOOL error] ConfigMap/", "alertmanager-config", "amtool check-config failed"), ("alertmanager",)),
    Case("alertmanager-setting-seed-cannot-read",
         {"alertmanager_receivers": [{"name": "mail", "email_configs": [
             {"to": "ops@example.org", "from": "am@example.org", "smarthost": "smtp.example.org:587",
              "auth_username": "am", "auth_secret": {"secret": "am-smtp", "key": "secret"}}]}],
          "alertmanager_default_receiver": "mail"}, "preflight",
         ("Alertmanager 0.26.0 cannot read auth_secret_file (added in 0.31.0)",), ("alertmanager",), profile="seed"),
    Case("alertmanager-webhook-url-without-scheme",
         {"alertmanager_receivers": [{"name": "hook", "webhook_configs": [{"url": "hooks.example.org/alerts"}]}],
          "alertmanager_default_receiver": "hook"}, "preflight",
         ('alertmanager_receivers[0].webhook_configs[0].url is "hooks.example.org/alerts": it must be an absolute URL '
          'with a scheme (http, https) and a host',), ("alertmanager",)),
    Case("alertmanager-webhook-url-without-host",
         {"alertmanager_receivers": [{"name": "hook", "webhook_configs": [{"url": "http:///alerts"}]}],
          "alertmanager_default_receiver": "hook"}, "preflight",
         ('alertmanager_receivers[0].webhook_configs[0].url is "http:///alerts": it must be an absolute URL',),
         ("alertmanager",)),
    Case("alertmanager-webhook-url-port-out-of-range",
         {"alertmanager_receivers": [{"name": "hook", "webhook_configs": [{"url": "http://10.0.0.5:70000/"}]}],
          "alertmanager_default_receiver": "hook"}, "preflight",
         ("alertmanager_receivers[0].webhook_configs[0].url", "its port must be a number between 1 and 65535"),
         ("alertmanager",)),
    Case("alertmanager-opsgenie-api-url-without-scheme",
         {"alertmanager_receivers": [{"name": "og", "opsgenie_configs": [
             {"api_key": {"secret": "am-og", "key": "key"}, "api_url": "api.eu.opsgenie.com"}]}],
          "alertmanager_default_receiver": "og"}, "preflight",
         ('alertmanager_receivers[0].opsgenie_configs[0].api_url is "api.eu.opsgenie.com": it must be an absolute URL',),
         ("alertmanager",)),
    Case("alertmanager-smarthost-without-port",
         {"alertmanager_global": {"smtp_smarthost": "smtp.example.org"},
          "alertmanager_receivers": [{"name": "mail", "email_configs": [{"to": "ops@example.org", "from": "am@example.org"}]}],
          "alertmanager_default_receiver": "mail"}, "preflight",
         ('alertmanager_global.smtp_smarthost is "smtp.example.org": it must be host:port, such as smtp.example.org:587',),
         ("alertmanager",)),
    Case("alertmanager-smarthost-port-zero",
         {"alertmanager_receivers": [{"name": "mail", "email_configs": [
             {"to": "ops@example.org", "from": "am@example.org", "smarthost": "smtp.example.org:0"}]}],
          "alertmanager_default_receiver": "mail"}, "preflight",
         ('alertmanager_receivers[0].email_configs[0].smarthost is "smtp.example.org:0": it must be host:port',),
         ("alertmanager",)),
    Case("alertmanager-receiver-by-name-without-cidrs",
         {"alertmanager_receivers": [{"name": "hook", "webhook_configs": [{"url": "https://hooks.example.org/a"}]}],
          "alertmanager_default_receiver": "hook"}, "preflight",
         ("alertmanager_notification_cidrs is []: it must list the address ranges of the notification endpoints",
          "alertmanager_receivers[0].webhook_configs[0].url (hooks.example.org, port 443)", "or 0.0.0.0/0"),
         ("alertmanager",)),
    Case("alertmanager-notification-cidrs-invalid",
         {"alertmanager_receivers": [{"name": "hook", "webhook_configs": [{"url": "https://hooks.example.org/a"}]}],
          "alertmanager_default_receiver": "hook", "alertmanager_notification_cidrs": ["lab-network", "10.0.0.0/33"]},
         "preflight", ('alertmanager_notification_cidrs[0] is "lab-network": it must be an address range',
                       'alertmanager_notification_cidrs[1] is "10.0.0.0/33": it must be an address range'),
         ("alertmanager",)),
    # --- grafana -------------------------------------------------------------------------------------------
    Case("grafana-latest-tag", {"grafana_image_tag": "latest"}, "preflight",
         ('grafana_image_tag is "latest": it must be a pinned release', "never empty or latest"), ("grafana",)),
    Case("grafana-short-admin-password", {"grafana_admin_password": "short-pw"}, "preflight",
         ('grafana_admin_password is "(hidden)": it must have at least 12 characters',), ("grafana",), forbid=("short-pw",)),
    Case("grafana-oauth-missing-client-secret", {**OAUTH, "grafana_oauth_use_pkce": False}, "preflight",
         ("a confidential OAuth client needs grafana_oauth_client_secret",), ("grafana",)),
    Case("grafana-ldap-missing-bind-password", LDAP, "preflight",
         ('grafana_ldap_bind_password is "(hidden)": it must be set', "ansible-vault encrypt_string"), ("grafana",)),
    Case("grafana-secret-in-ini", {"grafana_ini": {"security": {"admin_password": SECRET}}}, "preflight",
         ('grafana_ini is ["security.admin_password"]: it must map sections to mappings of keys', "from grafana_admin_password"), ("grafana",),
         forbid=(SECRET,)),
    Case("grafana-replicas-with-sqlite", {"grafana_replicas": 2}, "preflight",
         ("grafana_replicas is 2: it needs an external database",), ("grafana",)),
    Case("grafana-datasource-without-uid",
         {"grafana_extra_datasources": [{"name": "Tempo", "type": "tempo", "url": "http://tempo:3100"}]}, "preflight",
         ("missing required arguments: uid", "grafana_extra_datasources"), ("grafana",)),
    Case("grafana-datasource-reuses-stack-uid",
         {"grafana_extra_datasources": [{"name": "Mine", "type": "prometheus", "uid": "prometheus",
                                         "url": "http://mine:9090"}]}, "preflight",
         ('grafana_extra_datasources is ["prometheus"]: it must list datasources', "none reusing the name or uid",
          "the uids are prometheus, prometheus"), ("prometheus", "grafana")),
    Case("grafana-ldap-group-unknown-role",
         {**LDAP, "grafana_ldap_bind_password": SECRET,
          "grafana_ldap_group_mappings": [{"group_dn": "cn=ops,dc=example,dc=org", "org_role": "Owner"}]}, "preflight",
         ("org_role must be one of: Viewer, Editor, Admin, got: Owner", "grafana_ldap_group_mappings"), ("grafana",),
         forbid=(SECRET,)),
    Case("grafana-unknown-home-dashboard", {"grafana_home_dashboard_uid": "no-such-board"}, "preflight",
         ('grafana_home_dashboard_uid is "no-such-board": it must be the uid of a provisioned dashboard',), ("grafana",)),
    Case("grafana-invalid-dashboard-spec", {"grafana_dashboards": [{"spec": BROKEN_DASHBOARD, "name": "broken.yml"}]},
         "preflight", ("dashboard 'Broken board' (broken.yml), row 'R', panel 'Wrong': type 'graph' is not one of",),
         ("grafana",)),
    Case("grafana-dashboard-queries-unknown-job", {"grafana_dashboards": [{"spec": GHOST_DASHBOARD}]}, "validate",
         ("DASHBOARD_JOB", "Ghost jobs", "ghost-exporter"), ("prometheus", "grafana")),
    Case("grafana-log-level-unknown", {"grafana_log_level": "trace"}, "preflight",
         ("grafana_log_level", "must be one of: debug, info, warn, error, critical"), ("grafana",)),
    # k3s's Traefik serves the Ingress while the policy would admit ingress-nginx: refused, with the fix.
    Case("grafana-ingress-class-of-another-controller",
         {"grafana_ingress_enabled": True, "grafana_ingress_host": "grafana.lab.home.arpa",
          "grafana_ingress_class_name": "traefik"}, "preflight",
         ('grafana_ingress_class_name is "traefik": it must be a class of the controller the NetworkPolicy admits, '
          "grafana_ingress_controller ingress-nginx", "set grafana_ingress_controller to traefik-k3s or traefik"),
         ("grafana",)),
    Case("grafana-ingress-unknown-controller-and-sizes",
         {"grafana_ingress_enabled": True, "grafana_ingress_host": "grafana.example.org",
          "grafana_ingress_controller": "nginx", "grafana_storage_size": "5GB",
          "grafana_prometheus_time_interval": "30 s"}, "preflight",
         ('grafana_ingress_controller is "nginx": it must be one of ingress-nginx, traefik-k3s, traefik, '
          "rke2-ingress-nginx", "or custom with grafana_ingress_namespace and grafana_ingress_pod_labels",
          'grafana_storage_size is "5GB"', "write 5Gi or 5G.", 'grafana_prometheus_time_interval is "30 s"', "write 30s."),
         ("grafana",)),
    Case("grafana-custom-ingress-without-namespace",
         {"grafana_ingress_enabled": True, "grafana_ingress_host": "grafana.example.org",
          "grafana_ingress_controller": "custom"}, "preflight",
         ('grafana_ingress_namespace is "": it must name the namespace of the ingress controller',), ("grafana",)),
    Case("grafana-ldap-without-auth-cidrs", {**LDAP, "grafana_ldap_bind_dn": "cn=%s,dc=example,dc=org"}, "preflight",
         ("grafana_auth_egress_cidrs is []: it must list the address ranges of the LDAP servers Grafana calls",),
         ("grafana",)),
    Case("grafana-auth-cidr-invalid", {**OAUTH, "grafana_auth_egress_cidrs": ["sso-network"]}, "preflight",
         ('grafana_auth_egress_cidrs[0] is "sso-network": it must be an address range',), ("grafana",)),
    Case("grafana-datasource-by-name-without-cidrs",
         {"grafana_extra_datasources": [{"name": "PG", "type": "postgres", "uid": "pg", "url": "db.example.org"}]},
         "preflight", ("grafana_datasource_cidrs is []: it must list the address ranges of the datasource servers",
                       "grafana_extra_datasources[0].url (db.example.org, port 5432)", "grafana_extra_egress"),
         ("grafana",)),
    Case("grafana-datasource-url-without-scheme",
         {"grafana_extra_datasources": [{"name": "P", "type": "prometheus", "uid": "p", "url": "prom.lab:9090"}],
          "grafana_datasource_cidrs": ["10.0.0.0/8"]}, "preflight",
         ('grafana_extra_datasources[0].url is "prom.lab:9090": it must be an absolute URL',), ("grafana",)),
    Case("grafana-datasource-cidr-invalid",
         {"grafana_extra_datasources": [{"name": "P", "type": "prometheus", "uid": "p", "url": "https://p.lab"}],
          "grafana_datasource_cidrs": ["10.0.0.0/33"]}, "preflight",
         ('grafana_datasource_cidrs[0] is "10.0.0.0/33": it must be an address range',), ("grafana",)),
    # --- loki ----------------------------------------------------------------------------------------------
    Case("loki-retention-zero", {"loki_retention_period": "0s"}, "preflight",
         ('loki_retention_period is "0s"', "must be a non-zero duration such as 744h"), ("loki",)),
    Case("loki-sizes-and-durations-in-words",
         {"loki_storage_size": "50 GB", "loki_retention_period": "31 days", "loki_query_timeout": "2 minutes"},
         "preflight", ('loki_storage_size is "50 GB"', "write 50Gi or 50G.", 'loki_retention_period is "31 days"',
                       "write 31d.", 'loki_query_timeout is "2 minutes"', "write 2m."), ("loki",)),
    Case("loki-ingestion-below-target", {"loki_ingestion_rate_mb": 4}, "preflight",
         ("loki_ingestion_rate_mb is 4", "must be at least 10"), ("loki",)),
    Case("loki-s3-without-endpoint", {"loki_storage_type": "s3"}, "preflight",
         ('loki_s3_endpoint is ""', 'loki_s3_bucket is ""', "must be set with loki_storage_type s3"), ("loki",)),
    Case("loki-unknown-storage-type", {"loki_storage_type": "gcs"}, "preflight",
         ("loki_storage_type", "must be one of: filesystem, s3", "got: gcs"), ("loki",)),
    Case("loki-schema-period-unknown-store",
         {"loki_schema_configs": [{"from": "2024-01-01", "store": "bolt", "object_store": "filesystem",
                                   "schema": "v13", "index": {"prefix": "index_", "period": "24h"}}]}, "preflight",
         ("store must be one of: tsdb, boltdb-shipper, got: bolt", "loki_schema_configs"), ("loki",)),
    Case("loki-bad-tenant", {"loki_tenant": "fake"}, "preflight",
         ('loki_tenant is "fake"', "must be a Loki tenant ID", 'not "fake"'), ("loki",)),
    Case("loki-key-removed-in-3", {"loki_config_overrides": {"limits_config": {"enforce_metric_name": False}}},
         "validate", ("limits_config.enforce_metric_name", "Loki 3 has no metric names to enforce"), ("loki",)),
    Case("loki-s3-cidr-invalid", {"loki_storage_type": "s3", "loki_s3_bucket": "logs", "loki_s3_endpoint": "s3.example.org",
                                  "loki_s3_secret_name": "loki-s3", "loki_s3_egress_cidrs": ["192.168.1.0/33"],
                                  "loki_s3_egress_ports": [0]}, "preflight",
         ('loki_s3_egress_cidrs[0] is "192.168.1.0/33": it must be an address range',
          "loki_s3_egress_ports[0] is 0: it must be a port number between 1 and 65535"), ("loki",)),
    Case("loki-s3-without-cidrs", {"loki_storage_type": "s3", "loki_s3_bucket": "logs", "loki_s3_endpoint": "s3.example.org",
                                   "loki_s3_secret_name": "loki-s3"}, "preflight",
         ("loki_s3_egress_cidrs is []: it must list the address ranges of the object store",), ("loki",)),
    # --- alloy and promtail --------------------------------------------------------------------------------
    Case("alloy-unbounded-stream-label", {"alloy_stream_labels": ["namespace", "pod_uid"]}, "preflight",
         ('alloy_stream_labels is ["namespace", "pod_uid"]: it may only name namespace, pod', "not pod_uid",
          "the allow-list of rule M004"), ("loki",),
         log_agent="alloy"),
    Case("alloy-extra-file-outside-var-log", {"alloy_extra_files": [{"path": "/etc/passwd", "labels": {}}]},
         "preflight", ("alloy_extra_files[0]", "must be {path, labels}: path a file or glob under /var/log"), ("loki",),
         log_agent="alloy"),
    Case("alloy-drop-rule-bad-duration", {"alloy_drop_rules": [{"expression": "debug", "older_than": "1 day"}]},
         "preflight", ('alloy_drop_rules[0] is {"expression": "debug", "older_than": "1 day"}: it must be a drop rule',
                       "older_than (a duration like 24h)", "write 24h."), ("loki",), log_agent="alloy"),
    Case("alloy-several", {"alloy_journal_max_age": "1 day", "alloy_max_unavailable": "0"}, "preflight",
         ('alloy_max_unavailable is "0": it must be a count of nodes or a percentage such as 10%',
          'alloy_journal_max_age is "1 day": it must be a duration like 12h', "write 24h."), ("loki",), log_agent="alloy"),
    Case("promtail-latest-tag", {"promtail_image_tag": "latest"}, "preflight",
         ('promtail_image_tag is "latest": it must be a pinned release', "never empty or latest"), ("loki",),
         log_agent="promtail", profile="seed"),
    Case("promtail-extra-file-under-pods", {"promtail_extra_files": [{"path": "/var/log/pods/*.log", "labels": {}}]},
         "preflight", ("promtail_extra_files[0]", "not under /var/log/pods or /var/log/containers"), ("loki",),
         log_agent="promtail", profile="seed"),
    Case("alloy-loki-egress-cidr-and-port-invalid",
         {"alloy_loki_url": "https://logs.example.org/loki/api/v1/push", "alloy_loki_egress_cidrs": ["lab-network"],
          "alloy_loki_egress_ports": [70000]}, "preflight",
         ('alloy_loki_egress_cidrs[0] is "lab-network": it must be an address range',
          "alloy_loki_egress_ports[0] is 70000: it must be a port number between 1 and 65535"), ("prometheus",),
         log_agent="alloy"),
    # --- exporters: their preflights list every problem of the role at once -----------------------------------
    Case("node-exporter-several", {"node_exporter_image_tag": "latest", "node_exporter_port": 80}, "preflight",
         ('node_exporter_image_tag is "latest": it must be a pinned release tag',
          "node_exporter_port is 80: it must be between 1024 and 65535"), ("node_exporter",)),
    Case("kube-state-metrics-several",
         {"kube_state_metrics_replicas": 0, "kube_state_metrics_resources_enabled": ["pods", "podz"]}, "preflight",
         ("kube_state_metrics_replicas is 0: it must be at least 1",
          "unknown (kube-state-metrics would refuse to start): podz"), ("kube_state_metrics",)),
    Case("kube-state-metrics-replicas-wrong-type", {"kube_state_metrics_replicas": "many"}, "preflight",
         ("kube_state_metrics_replicas", "unable to convert to int"), ("kube_state_metrics",)),
]

_TASK = re.compile(r"^TASK \[(?P<name>.*)\] \**$", re.MULTILINE)
_FAILED = re.compile(r"^(fatal|failed): \[", re.MULTILINE)


def failed_task(output):
    """The name of the task whose failure ended the run."""
    failure = [m.start() for m in _FAILED.finditer(output)]
    assert failure, "no task failed:\n" + output[-3000:]
    names = [m for m in _TASK.finditer(output) if m.start() < failure[-1]]
    return names[-1].group("name")


def phase_of(task):
    if "Validating arguments against arg spec" in task:
        return "spec"
    if task.endswith(("Validate the whole stack", "Report what blocks the stack")):
        return "validate"
    if task.endswith("Export the stack as a Kustomize tree"):
        return "export"
    return "preflight"


def snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_case(case, build):
    variables = {"monitoring_components": list(case.components), "monitoring_log_agent": case.log_agent,
                 "monitoring_version_profile": case.profile, **case.extra}
    return run_playbook(build, "local", variables)


def check_failure(case, run):
    assert run.returncode != 0, "%s: the run should have failed\n%s" % (case.id, run.output[-3000:])
    task = failed_task(run.output)
    assert phase_of(task) == case.phase, "%s failed in %r, expected phase %s" % (case.id, task, case.phase)
    flat = " ".join(run.output.split())
    for text in case.expect:
        assert text in flat, "%s: %r not in the message\n%s" % (case.id, text, run.output[-3000:])
    for text in case.forbid:
        assert text not in run.output, "%s: %r was printed (a secret value, or a message that should not be)" % (case.id, text)
    if case.phase != "validate":
        assert "TASK [vmstation.monitoring.stack : Validate the whole stack]" not in run.output


def test_the_catalogue_is_large_and_covers_every_role():
    assert len(CASES) >= 40 and len({case.id for case in CASES}) == len(CASES)
    roles = {case.id.split("-")[0] for case in CASES}
    assert roles >= {"stack", "prometheus", "alertmanager", "grafana", "loki", "alloy", "promtail", "node",
                     "kube"}
    assert {case.phase for case in CASES} == {"spec", "preflight", "validate"}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_fails_early_with_a_clear_message_and_writes_nothing(tmp_path, case):
    build = tmp_path / "build"
    build.mkdir()
    run = run_case(case, build)
    check_failure(case, run)
    assert list(build.iterdir()) == [], "%s: the build folder was modified" % case.id


# What each failed check names is printed once: ansible-core shows a failed task's msg twice, so the problems go
# beside a one-line headline (fail_on_problems), and the validate report sums the waived findings up in one line.
ONCE = {
    "stack-misspelled-role-prefix": "did you mean prometheus_retention_time?",
    "prometheus-replicas-out-of-range": "prometheus_replicas is 0",
    "alertmanager-unknown-default-receiver": "alertmanager_default_receiver: 'pager' is not a receiver",
    "alertmanager-route-to-missing-receiver": "alertmanager_routes[0].receiver: 'team-a' is not a receiver",
    "loki-bad-tenant": 'loki_tenant is "fake"',
    "prometheus-rule-without-severity-policy": "[M005 error]",
    "prometheus-replicas-wrong-type": "argument 'prometheus_replicas' is of type str and we were unable to convert to int",
}


@pytest.mark.parametrize("case_id", sorted(ONCE))
def test_each_problem_is_printed_once_after_a_one_line_headline(tmp_path, case_id):
    case = next(case for case in CASES if case.id == case_id)
    run = run_case(case, tmp_path)
    check_failure(case, run)
    flat = " ".join(run.output.split())
    assert flat.count(ONCE[case_id]) == 1, run.output[-4000:]
    assert "<<< caused by >>>" not in run.output
    assert re.search(r"\[ERROR\]: Task failed: Action failed: (\d+ problems?|\d+ blocking violation\(s\)[^.]*) in ", run.output)
    assert "Waived:" not in run.output, "waived findings are summed up in one line"


def test_a_wrong_type_is_one_line_naming_the_role_docs_not_the_whole_spec(tmp_path):
    # ansible-core's own check of a role's variables prints the role's whole argument spec around the error; the
    # stack's preflight checks the same values first, so that check is never the one that fails.
    case = next(case for case in CASES if case.id == "kube-state-metrics-replicas-wrong-type")
    run = run_case(case, tmp_path)
    check_failure(case, run)
    assert "argument_spec_data" not in run.output and "Validating arguments" not in failed_task(run.output)
    assert "(the kube_state_metrics role's argument spec, docs/roles/kube_state_metrics.md)" in run.output
    assert len(run.output.splitlines()) < 40, run.output


@pytest.fixture(scope="module")
def good_export(tmp_path_factory):
    build = tmp_path_factory.mktemp("good-export")
    run = run_playbook(build, "local", {"monitoring_components": ["prometheus"], "monitoring_log_agent": "none"})
    assert run.returncode == 0, run.output[-3000:]
    return build


@pytest.mark.parametrize("case_id", ["prometheus-5s-scrape-interval", "prometheus-rule-promtool-refuses",
                                     "prometheus-replicas-wrong-type"])
def test_a_failing_run_leaves_an_earlier_export_byte_for_byte(tmp_path, good_export, case_id):
    case = next(case for case in CASES if case.id == case_id)
    build = tmp_path / "build"
    shutil.copytree(good_export, build)
    before = snapshot(build)
    assert before, "the good export wrote files"
    check_failure(case, run_case(case, build))
    assert snapshot(build) == before


def test_the_export_refuses_a_folder_it_does_not_own_and_leaves_it_alone(tmp_path):
    build = tmp_path / "build"
    foreign = build / CLUSTER
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("operator's own files\n")
    before = snapshot(build)
    run = run_playbook(build, "local", {"monitoring_components": ["prometheus"], "monitoring_log_agent": "none"})
    assert run.returncode != 0
    assert phase_of(failed_task(run.output)) == "export"
    flat = " ".join(run.output.split())
    assert "%s exists, is not empty and was not written by vmstation.monitoring" % foreign in flat
    assert "Move it away or set monitoring_build_dir to another folder" in flat
    assert snapshot(build) == before
