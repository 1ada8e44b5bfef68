# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Check a Promtail configuration file without a Promtail binary.

Written from the Promtail configuration reference of the 2.9 line (Promtail 2.9.2, ``seed`` profile;
https://grafana.com/docs/loki/v2.9.x/send-data/promtail/configuration/) and of its last line, 3.6
(Promtail 3.6.11; Promtail reached end of life on 2026-03-02 and its code left the Loki repository with
Loki 3.7). The keys below exist in both lines. Promtail decodes its file strictly, so unknown keys stop
it at start-up; the checker reports them as errors in the blocks it knows completely (top level,
clients, positions, scrape configs, the journal block, pipeline stage names) and checks that every
scrape config has a job_name and a source, and that a client has a url.
"""

from __future__ import annotations

import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.violations import ERROR, WARNING, for_object
from ansible_collections.vmstation.monitoring.plugins.module_utils.manifests import safe_load as load_yaml

RULE = "PROMTAIL_CONFIG"
CONFIG_KEY = "promtail.yaml"
APP_LABEL = "app.kubernetes.io/name"

TOP_LEVEL = frozenset("server client clients positions scrape_configs limits_config target_config options "
                      "tracing global".split())
CLIENT = frozenset("url tenant_id batchwait batchsize external_labels timeout backoff_config basic_auth oauth2 "
                   "authorization bearer_token bearer_token_file proxy_url no_proxy proxy_from_environment "
                   "proxy_connect_header tls_config follow_redirects enable_http2 headers "
                   "drop_rate_limited_batches".split())
POSITIONS = frozenset("filename sync_period ignore_invalid_yaml".split())
SCRAPE_CONFIG = frozenset("job_name pipeline_stages loki_push_api journal syslog gcplog windows_events kafka gelf "
                          "cloudflare heroku_drain azure_event_hubs relabel_configs static_configs file_sd_configs "
                          "kubernetes_sd_configs consul_sd_configs consulagent_sd_configs docker_sd_configs "
                          "encoding decompression".split())
SOURCES = frozenset("loki_push_api journal syslog gcplog windows_events kafka gelf cloudflare heroku_drain "
                    "azure_event_hubs static_configs file_sd_configs kubernetes_sd_configs consul_sd_configs "
                    "consulagent_sd_configs docker_sd_configs".split())
JOURNAL = frozenset("json max_age path labels matches".split())
STAGES = frozenset("docker cri regex json template match timestamp output labels labelallow labeldrop "
                   "static_labels metrics tenant replace drop multiline pack limit decolorize logfmt geoip "
                   "eventlogmessage structured_metadata sampling luhn".split())
LIMITS = frozenset("readline_rate_enabled readline_rate readline_burst readline_rate_drop max_streams "
                   "max_line_size max_line_size_truncate".split())


class Finding:
    def __init__(self, path, message, fix, severity=ERROR):
        self.path, self.message, self.fix, self.severity = path, message, fix, severity

    def __repr__(self):
        return "Finding(%r, %r, %s)" % (self.path, self.message, self.severity)


def _keys(block, allowed, path, findings, what):
    if not isinstance(block, dict):
        findings.append(Finding(path, "must be a mapping", "write %s as a YAML mapping" % path))
        return False
    for key in block:
        if key not in allowed:
            findings.append(Finding("%s.%s" % (path, key) if path else str(key),
                                    "is not an option of %s; Promtail stops at start-up on unknown keys" % what,
                                    "check the spelling against the Promtail configuration reference; valid: %s"
                                    % ", ".join(sorted(allowed))))
    return True


def _stages(stages, path, findings):
    if not isinstance(stages, list):
        findings.append(Finding(path, "must be a list of stages", "write each stage as a list item"))
        return
    for index, stage in enumerate(stages):
        where = "%s[%d]" % (path, index)
        if not isinstance(stage, dict) or len(stage) != 1:
            findings.append(Finding(where, "must be a mapping with exactly one stage name",
                                    "write - <stage>: {...}"))
            continue
        name, body = next(iter(stage.items()))
        if name not in STAGES:
            findings.append(Finding("%s.%s" % (where, name), "is not a Promtail pipeline stage",
                                    "use one of: %s" % ", ".join(sorted(STAGES))))
        elif name == "match" and isinstance(body, dict):
            if "selector" not in body:
                findings.append(Finding(where + ".match.selector", "is missing", "give the match stage a selector"))
            if "stages" in body:
                _stages(body["stages"], where + ".match.stages", findings)


def check_config(config):
    findings = []
    if not isinstance(config, dict):
        return [Finding("", "the Promtail config is not a YAML mapping", "write the file as a mapping")]
    _keys(config, TOP_LEVEL, "", findings, "Promtail")
    if "client" in config:
        findings.append(Finding("client", "is the deprecated single-client form", "use clients: [ {url: ...} ]",
                                WARNING))
    clients = list(config.get("clients") or []) + ([config["client"]] if isinstance(config.get("client"), dict) else [])
    if not clients:
        findings.append(Finding("clients", "is empty; Promtail would ship nothing", "add a client with a url"))
    for index, client in enumerate(clients):
        where = "clients[%d]" % index
        if _keys(client, CLIENT, where, findings, "a Promtail client") and not client.get("url"):
            findings.append(Finding(where + ".url", "is missing", "set the Loki push URL (.../loki/api/v1/push)"))
    if "positions" in config:
        _keys(config["positions"], POSITIONS, "positions", findings, "positions")
    if "limits_config" in config:
        _keys(config["limits_config"], LIMITS, "limits_config", findings, "limits_config")
    names = set()
    for index, scrape in enumerate(config.get("scrape_configs") or []):
        where = "scrape_configs[%d]" % index
        if not _keys(scrape, SCRAPE_CONFIG, where, findings, "a scrape config"):
            continue
        name = scrape.get("job_name")
        if not name:
            findings.append(Finding(where + ".job_name", "is missing", "name the scrape config"))
        elif name in names:
            findings.append(Finding(where + ".job_name", "%r is used twice" % name,
                                    "give each scrape config its own name"))
        names.add(name)
        if not SOURCES & set(scrape):
            findings.append(Finding(where, "has no source (static_configs, kubernetes_sd_configs, journal, ...)",
                                    "add the source the job reads"))
        if "journal" in scrape:
            _keys(scrape["journal"] or {}, JOURNAL, where + ".journal", findings, "the journal source")
        if "pipeline_stages" in scrape:
            _stages(scrape["pipeline_stages"] or [], where + ".pipeline_stages", findings)
    return findings


def check_text(text):
    try:
        config = load_yaml(text)
    except yaml.YAMLError as e:
        return [Finding("", "is not valid YAML: %s" % str(e).replace("\n", " "), "fix the YAML syntax")]
    return check_config(config)


def is_promtail_config_map(obj):
    meta = (obj or {}).get("metadata") or {}
    return (obj or {}).get("kind") == "ConfigMap" and CONFIG_KEY in ((obj or {}).get("data") or {}) \
        and (meta.get("labels") or {}).get(APP_LABEL) == "promtail"


def validate_objects(objects):
    """Violations (rule PROMTAIL_CONFIG) for every Promtail config carried in ``objects``."""
    found = []
    for obj in objects:
        if not is_promtail_config_map(obj):
            continue
        for finding in check_text(obj["data"][CONFIG_KEY]):
            path = "data[%s]" % CONFIG_KEY + ("." + finding.path if finding.path else "")
            found.append(for_object(obj, RULE, path, "Promtail config: %s%s" % (
                finding.path + " " if finding.path else "", finding.message), finding.fix, severity=finding.severity))
    return found
