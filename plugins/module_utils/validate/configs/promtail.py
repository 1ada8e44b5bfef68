# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Check a Promtail configuration file without a Promtail binary: rule PROMTAIL_CONFIG.

Written from the Promtail configuration reference of the 2.9 line (Promtail 2.9.2, ``seed`` profile;
https://grafana.com/docs/loki/v2.9.x/send-data/promtail/configuration/) and of its last line, 3.6
(Promtail 3.6.11; Promtail reached end of life on 2026-03-02 and its code left the Loki repository with
Loki 3.7), and, for Promtail 3, checked against Promtail's own config code as Loki v3.7.8 still carries
it (``promtail-check``, module_utils/validate/configs/promtail_verify.py; tests/integration/test_config_differential.py
runs both over every rendered config and a corpus of mutations).

Promtail decodes its file strictly (gopkg.in/yaml.v2 ``UnmarshalStrict``): an unknown key or a value of
the wrong type stops it at start-up. Where a block's key list is known completely for the version, an
unknown key is an error. Values are checked by their Go type (strings, whole numbers, booleans,
durations such as ``10s``, byte sizes such as ``64KB``, URLs, label sets). Beyond the decoding, what
Promtail checks before it starts: unique job names, relabel configs (action, regex, modulus,
target_label), the Kubernetes service discovery settings, a source for every scrape config, at least
one client with a URL, and each pipeline stage (name, settings, regular expressions, the LogQL selector
of a match stage). Pipeline stage settings are decoded leniently by Promtail (mapstructure): an unknown
one there is ignored by Promtail, so it is a warning here.
"""

from __future__ import annotations

import re
import warnings
from urllib.parse import urlsplit

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import safe_load as load_yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, WARNING, for_object

RULE = "PROMTAIL_CONFIG"
CONFIG_KEY = "promtail.yaml"
APP_LABEL = "app.kubernetes.io/name"
VERSION_LABEL = "app.kubernetes.io/version"
REFERENCE = "the Promtail configuration reference"


def _words(text):
    return frozenset(text.split())


# --- key lists ----------------------------------------------------------------------------------------

# Top level. Promtail 3 has `wal` (and `options` lost its only setting, stream_lag_labels).
TOP_LEVEL = _words("server client clients positions scrape_configs limits_config target_config options tracing "
                   "global")
TOP_LEVEL_3 = TOP_LEVEL | {"wal"}
CLIENT = _words("url tenant_id batchwait batchsize external_labels timeout backoff_config basic_auth oauth2 "
                "authorization bearer_token bearer_token_file proxy_url no_proxy proxy_from_environment "
                "proxy_connect_header tls_config follow_redirects enable_http2 headers drop_rate_limited_batches")
CLIENT_3 = CLIENT | {"name", "http_headers"}
POSITIONS = _words("filename sync_period ignore_invalid_yaml")
SD_CONFIGS = _words("static_configs dns_sd_configs file_sd_configs consul_sd_configs consulagent_sd_configs "
                    "digitalocean_sd_configs dockerswarm_sd_configs serverset_sd_configs nerve_sd_configs "
                    "marathon_sd_configs kubernetes_sd_configs gce_sd_configs ec2_sd_configs openstack_sd_configs "
                    "azure_sd_configs triton_sd_configs")
TARGETS = _words("journal syslog gcplog loki_push_api windows_events kafka azure_event_hubs gelf cloudflare "
                 "heroku_drain")
SOURCES = SD_CONFIGS | TARGETS | {"docker_sd_configs"}
SCRAPE_CONFIG = SOURCES | _words("job_name pipeline_stages relabel_configs encoding decompression")
JOURNAL = _words("json max_age path labels matches")
LIMITS = _words("readline_rate_enabled readline_rate readline_burst readline_rate_drop max_streams "
                "max_line_size max_line_size_truncate")
TARGET_CONFIG = _words("sync_period stdin")
STAGES = _words("docker cri regex json template match timestamp output labels labelallow labeldrop "
                "static_labels metrics tenant replace drop multiline pack limit decolorize logfmt geoip "
                "eventlogmessage structured_metadata sampling luhn")
# The stages Promtail 3 creates (clients/pkg/logentry/stages of Loki v3.7.8): no luhn (an Alloy stage).
STAGES_3 = (STAGES - {"luhn"}) | {"non_indexed_labels"}
# The server block (dskit's server config and Promtail's own settings), as Promtail 3 reads it.
SERVER_3 = _words(
    "http_listen_network http_listen_address http_listen_port http_listen_conn_limit grpc_listen_network "
    "grpc_listen_address grpc_listen_port grpc_listen_conn_limit grpc_collect_max_streams_by_conn "
    "proxy_protocol_enabled tls_cipher_suites tls_min_version http_tls_config grpc_tls_config "
    "register_instrumentation report_grpc_codes_in_instrumentation_label_enabled graceful_shutdown_timeout "
    "http_server_read_timeout http_server_read_header_timeout http_server_write_timeout http_server_idle_timeout "
    "http_log_closed_connections_without_response_enabled grpc_server_max_recv_msg_size "
    "grpc_server_max_send_msg_size grpc_server_max_concurrent_streams grpc_server_max_connection_idle "
    "grpc_server_max_connection_age grpc_server_max_connection_age_grace grpc_server_keepalive_time "
    "grpc_server_keepalive_timeout grpc_server_min_time_between_pings grpc_server_ping_without_stream_allowed "
    "grpc_server_num_workers grpc_server_stats_tracking_enabled grpc_server_recv_buffer_pools_enabled log_format "
    "log_level log_source_ips_enabled log_source_ips_full log_source_ips_header log_source_ips_regex "
    "log_request_headers log_request_at_info_level_enabled log_request_exclude_headers_list trace_request_headers "
    "trace_request_exclude_headers_list http_path_prefix cluster_validation create_new_traces "
    "throughput_latency_cutoff throughput_unit external_url health_check_target disable profiling_enabled "
    "enable_runtime_reload")
# Promtail 2.9's server block: the server block of the Loki 2.9 release it belongs to (the Loki 2.9
# configuration reference, as module_utils/validate/configs/loki.py checks Loki 2.9's) and Promtail's own settings.
SERVER_2 = _words(
    "http_listen_network http_listen_address http_listen_port http_listen_conn_limit grpc_listen_network "
    "grpc_listen_address grpc_listen_port grpc_listen_conn_limit tls_cipher_suites tls_min_version http_tls_config "
    "grpc_tls_config register_instrumentation graceful_shutdown_timeout http_server_read_timeout "
    "http_server_write_timeout http_server_idle_timeout grpc_server_max_recv_msg_size grpc_server_max_send_msg_size "
    "grpc_server_max_concurrent_streams grpc_server_max_connection_idle grpc_server_max_connection_age "
    "grpc_server_max_connection_age_grace grpc_server_keepalive_time grpc_server_keepalive_timeout "
    "grpc_server_min_time_between_pings grpc_server_ping_without_stream_allowed log_format log_level "
    "log_source_ips_enabled log_source_ips_header log_source_ips_regex log_request_headers "
    "log_request_at_info_level_enabled log_request_exclude_headers_list http_path_prefix "
    "external_url health_check_target disable profiling_enabled enable_runtime_reload")
HTTP_CLIENT = _words("basic_auth authorization oauth2 bearer_token bearer_token_file tls_config follow_redirects "
                     "enable_http2 proxy_url no_proxy proxy_from_environment proxy_connect_header")
HTTP_CLIENT_3 = HTTP_CLIENT | {"http_headers"}
TLS = _words("ca cert key ca_file cert_file key_file server_name insecure_skip_verify min_version max_version")
TLS_3 = TLS | _words("ca_ref cert_ref key_ref")
KUBERNETES_SD = _words("api_server role kubeconfig_file namespaces selectors attach_metadata")
KUBERNETES_ROLES = ("pod", "service", "endpoints", "endpointslice", "node", "ingress")
RELABEL = _words("source_labels separator regex modulus target_label replacement action")
RELABEL_ACTIONS = ("replace", "keep", "drop", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase",
                   "uppercase", "keepequal", "dropequal")
LOG_LEVELS = ("debug", "info", "warn", "error")
LOG_FORMATS = ("logfmt", "json")

_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_GO_DURATION = re.compile(r"^[-+]?(0|([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+)$")
_BYTE_SIZE = re.compile(r"^[0-9]+\s*(b|byte|k|kb|kilo|kilobytes?|m|mb|mega|megabytes?|g|gb|giga|gigabytes?|t|tb|"
                        r"tera|terabytes?|p|pb|peta|petabytes?|e|eb|exa|exabytes?)?$", re.IGNORECASE)


class Finding:
    def __init__(self, path, message, fix, severity=ERROR):
        self.path, self.message, self.fix, self.severity = path, message, fix, severity

    def __repr__(self):
        return "Finding(%r, %r, %s)" % (self.path, self.message, self.severity)


def _major(version):
    match = re.match(r"^v?(\d+)\.", str(version or ""))
    return int(match.group(1)) if match else None


class _Check:
    """The findings of one config, for one Promtail version (None: not known, so what either line has)."""

    def __init__(self, version):
        major = _major(version)
        self.v3 = major is not None and major >= 3
        self.v2 = major is not None and major < 3
        self.findings = []

    def pick(self, two, three):
        """The keys of the config's line: Promtail 2's, Promtail 3's, or either when the version is unknown."""
        return three if self.v3 else two if self.v2 else two | three

    def add(self, path, message, fix, severity=ERROR):
        self.findings.append(Finding(path, message, fix, severity))

    # --- values, by the Go type Promtail decodes them into ---------------------------------------

    @staticmethod
    def _placeholder(value):
        """A value filled in by -config.expand-env at start-up (${VAR})."""
        return isinstance(value, str) and "${" in value

    def mapping(self, value, path, what="a mapping (a block of settings)"):
        if value is None or isinstance(value, dict):
            return value or {}
        self.add(path, "must be %s, not %s" % (what, _kind(value)), "write %s as a YAML mapping" % (path or "the file"))
        return None

    def sequence(self, value, path, what="a list"):
        if value is None or isinstance(value, list):
            return value or []
        self.add(path, "must be %s, not %s" % (what, _kind(value)), "write %s as a YAML list" % path)
        return None

    def string(self, value, path, strict=False):
        """A Go string: from the file any scalar does (yaml.v2); in a pipeline stage only a string."""
        if value is None or isinstance(value, str) or (not strict and not isinstance(value, (list, dict))):
            return True
        self.add(path, "must be a string, not %s" % _kind(value), "quote the value")
        return False

    def integer(self, value, path):
        if value is None or self._placeholder(value) or (isinstance(value, (int, float)) and not isinstance(value, bool)
                                                         and float(value).is_integer()):
            return True
        self.add(path, "must be a whole number, not %s" % _kind(value), "write a number without quotes or units")
        return False

    def number(self, value, path):
        if value is None or self._placeholder(value) or (
                isinstance(value, (int, float)) and not isinstance(value, bool)):
            return True
        self.add(path, "must be a number, not %s" % _kind(value), "write a number without quotes or units")
        return False

    def boolean(self, value, path):
        if value is None or isinstance(value, bool) or self._placeholder(value):
            return True
        self.add(path, "must be true or false, not %s" % _kind(value), "write true or false without quotes")
        return False

    def duration(self, value, path, text_only=False):
        """A Go time.Duration: ``10s``, ``1h30m`` (units ns, us, ms, s, m, h; no days); from the file a bare
        number is nanoseconds."""
        if value is None or self._placeholder(value):
            return True
        if isinstance(value, str) and _GO_DURATION.match(value.strip()):
            return True
        if not text_only and isinstance(value, int) and not isinstance(value, bool):
            return True
        self.add(path, "must be a duration such as 10s, 5m or 12h (units ns, us, ms, s, m, h), not %s" % _show(value),
                 "write the duration with a unit, for example 10s")
        return False

    def byte_size(self, value, path):
        if value is None or self._placeholder(value):
            return True
        if isinstance(value, (str, int)) and not isinstance(value, bool) and _BYTE_SIZE.match(str(value).strip()):
            return True
        self.add(path, "must be a byte size such as 256KB, 4MB or 1024 (units B, KB, MB, GB, TB; no KiB), not %s"
                 % _show(value), "write a whole number with an optional unit")
        return False

    def enum(self, value, path, allowed, lower=False):
        if value is None:
            return True
        if isinstance(value, (list, dict)):
            self.add(path, "must be one of %s, not %s" % (", ".join(allowed), _kind(value)), "pick one of them")
            return False
        text = str(value).lower() if lower else str(value)
        if text in allowed or self._placeholder(value):
            return True
        self.add(path, "%r is not one of %s" % (value, ", ".join(allowed)), "pick one of them")
        return False

    def url(self, value, path):
        if not self.string(value, path) or value is None:
            return False
        try:
            urlsplit(str(value))
        except ValueError as e:
            self.add(path, "%r is not a URL: %s" % (value, e), "write a URL such as http://loki:3100/loki/api/v1/push")
            return False
        return True

    def label_name(self, name, path, what="label name"):
        if isinstance(name, str) and _LABEL_NAME.match(name):
            return True
        self.add(path, "%r is not a valid %s ([a-zA-Z_][a-zA-Z0-9_]*, which LogQL and Loki's push API need)"
                 % (name, what), "rename it with letters, digits and underscores only")
        return False

    def labels(self, value, path):
        """A label set: names to scalar values."""
        block = self.mapping(value, path, "a mapping of label names to values")
        for name, label in (block or {}).items():
            where = "%s.%s" % (path, name)
            if self.label_name(name, where):
                self.string(label, where)
        return block

    def strings(self, value, path, strict=False):
        items = self.sequence(value, path, "a list of strings")
        for index, item in enumerate(items or []):
            self.string(item, "%s[%d]" % (path, index), strict)
        return items

    def regex(self, value, path):
        """A Go RE2 regular expression (Promtail compiles them with Go's regexp)."""
        if not self.string(value, path) or value is None:
            return False
        text = str(value)
        problem = re2_problem(text)
        if problem:
            self.add(path, "%r %s" % (text, problem), "correct the regular expression (RE2 syntax)")
            return False
        return True

    def keys(self, block, allowed, path, what):
        """Unknown keys of ``block`` (Promtail decodes its file strictly)."""
        for key in block:
            if key not in allowed:
                self.add("%s.%s" % (path, key) if path else str(key),
                         "is not an option of %s; Promtail stops at start-up on unknown keys" % what,
                         "check the spelling against %s; valid: %s" % (REFERENCE, ", ".join(sorted(allowed))))

    def block(self, value, allowed, path, what):
        block = self.mapping(value, path)
        if block is not None:
            self.keys(block, allowed, path, what)
        return block

    # --- blocks ------------------------------------------------------------------------------------

    def config(self, config):
        if not isinstance(config, dict):
            self.add("", "the Promtail config is not a YAML mapping", "write the file as a mapping")
            return
        self.keys(config, self.pick(TOP_LEVEL, TOP_LEVEL_3), "", "Promtail")
        self.server(config.get("server"))
        if "client" in config:
            self.add("client", "is the deprecated single-client form", "use clients: [ {url: ...} ]", WARNING)
        clients = self.sequence(config.get("clients"), "clients")
        if clients == [] and not isinstance(config.get("client"), dict):
            self.add("clients", "is empty; Promtail refuses to start without a client (at least one client config "
                     "must be provided)", "add a client with a url")
        for index, client in enumerate(clients or []):
            self.client(client, "clients[%d]" % index)
        if isinstance(config.get("client"), dict):
            self.client(config["client"], "client")
        positions = self.block(config.get("positions"), POSITIONS, "positions", "positions")
        if positions:
            self.string(positions.get("filename"), "positions.filename")
            self.duration(positions.get("sync_period"), "positions.sync_period")
            self.boolean(positions.get("ignore_invalid_yaml"), "positions.ignore_invalid_yaml")
        limits = self.block(config.get("limits_config"), LIMITS, "limits_config", "limits_config")
        for key in ("readline_rate_enabled", "readline_rate_drop", "max_line_size_truncate"):
            self.boolean((limits or {}).get(key), "limits_config." + key)
        self.number((limits or {}).get("readline_rate"), "limits_config.readline_rate")
        for key in ("readline_burst", "max_streams"):
            self.integer((limits or {}).get(key), "limits_config." + key)
        if (limits or {}).get("max_line_size") is not None:
            self.byte_size(limits["max_line_size"], "limits_config.max_line_size")
        target = self.block(config.get("target_config"), TARGET_CONFIG, "target_config", "target_config")
        self.duration((target or {}).get("sync_period"), "target_config.sync_period")
        self.boolean((target or {}).get("stdin"), "target_config.stdin")
        watch = self.block(config.get("global"), {"file_watch_config"}, "global", "global")
        watch = self.block((watch or {}).get("file_watch_config"), {"min_poll_frequency", "max_poll_frequency"},
                           "global.file_watch_config", "file_watch_config")
        for key in ("min_poll_frequency", "max_poll_frequency"):
            self.duration((watch or {}).get(key), "global.file_watch_config." + key)
        options = self.block(config.get("options"), set() if self.v3 else {"stream_lag_labels"}, "options",
                             "options" + (" (Promtail 3 has none: stream_lag_labels was removed)" if self.v3 else ""))
        if options and not self.v3:
            self.strings(options.get("stream_lag_labels"), "options.stream_lag_labels")
        tracing = self.mapping(config.get("tracing"), "tracing")
        self.boolean((tracing or {}).get("enabled"), "tracing.enabled")
        self.mapping(config.get("wal"), "wal")
        stdin = isinstance(target, dict) and target.get("stdin") is True
        jobs = self.sequence(config.get("scrape_configs"), "scrape_configs") or []
        names = set()
        for index, job in enumerate(jobs):
            self.scrape_config(job, "scrape_configs[%d]" % index, names, stdin)

    def server(self, value):
        server = self.block(value, self.pick(SERVER_2, SERVER_3), "server", "the server block")
        if not server:
            return
        for key, port in server.items():
            path = "server." + key
            if key.endswith(("_port", "_conn_limit", "_msg_size", "_concurrent_streams", "_num_workers")):
                self.integer(port, path)
            elif key.endswith(("_timeout", "_idle", "_age", "_age_grace", "_keepalive_time", "_pings")):
                self.duration(port, path)
            elif key.endswith(("_enabled", "_allowed", "_full", "_instrumentation")) or key in (
                    "disable", "log_request_headers", "health_check_target"):
                self.boolean(port, path)
            elif key in ("http_listen_address", "grpc_listen_address", "http_listen_network", "grpc_listen_network",
                         "http_path_prefix", "external_url", "log_source_ips_header", "log_source_ips_regex"):
                self.string(port, path)
        if "log_level" in server:
            self.enum(server["log_level"], "server.log_level", LOG_LEVELS)
        if "log_format" in server:
            self.enum(server["log_format"], "server.log_format", LOG_FORMATS)

    def http_client(self, block, path):
        """The HTTP client settings of Prometheus' common config (inline in a client and an SD config)."""
        if "tls_config" in block:
            tls = self.block(block.get("tls_config"), self.pick(TLS, TLS_3), path + ".tls_config", "tls_config")
            self.boolean((tls or {}).get("insecure_skip_verify"), path + ".tls_config.insecure_skip_verify")
        for key in ("follow_redirects", "enable_http2", "proxy_from_environment"):
            self.boolean(block.get(key), "%s.%s" % (path, key))
        for key in ("bearer_token", "bearer_token_file", "no_proxy"):
            self.string(block.get(key), "%s.%s" % (path, key))
        if block.get("proxy_url") is not None:
            self.url(block["proxy_url"], path + ".proxy_url")
        auth = [key for key in ("basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file")
                if block.get(key)]
        if len(auth) > 1:
            self.add(path, "sets %s together; Promtail accepts one way of authenticating an HTTP client"
                     % " and ".join(auth), "keep one of them")
        for key in ("basic_auth", "authorization", "oauth2"):
            self.mapping(block.get(key), "%s.%s" % (path, key))

    def client(self, value, path):
        client = self.block(value, self.pick(CLIENT, CLIENT_3), path, "a Promtail client")
        if client is None:
            return
        if client.get("url") in (None, ""):
            self.add(path + ".url", "is missing; Promtail refuses to start (client needs target URL)",
                     "set the Loki push URL (.../loki/api/v1/push)")
        else:
            self.url(client["url"], path + ".url")
        for key in ("tenant_id", "name"):
            self.string(client.get(key), "%s.%s" % (path, key))
        for key in ("batchwait", "timeout"):
            self.duration(client.get(key), "%s.%s" % (path, key))
        self.integer(client.get("batchsize"), path + ".batchsize")
        self.boolean(client.get("drop_rate_limited_batches"), path + ".drop_rate_limited_batches")
        if "external_labels" in client:
            self.labels(client["external_labels"], path + ".external_labels")
        headers = self.mapping(client.get("headers"), path + ".headers", "a mapping of header names to values")
        for name, header in (headers or {}).items():
            self.string(header, "%s.headers.%s" % (path, name))
        if "backoff_config" in client:
            backoff = self.block(client["backoff_config"], {"min_period", "max_period", "max_retries"},
                                 path + ".backoff_config", "backoff_config")
            for key in ("min_period", "max_period"):
                self.duration((backoff or {}).get(key), "%s.backoff_config.%s" % (path, key))
            self.integer((backoff or {}).get("max_retries"), path + ".backoff_config.max_retries")
        self.http_client(client, path)

    def scrape_config(self, value, path, names, stdin):
        job = self.block(value, SCRAPE_CONFIG, path, "a scrape config")
        if job is None:
            return
        name = job.get("job_name")
        if self.string(name, path + ".job_name"):
            if name in (None, ""):
                self.add(path + ".job_name", "is missing; Promtail refuses a scrape config without a name",
                         "name the scrape config")
            elif str(name) in names:
                self.add(path + ".job_name", "%r is used twice; Promtail refuses duplicate job names" % name,
                         "give each scrape config its own name")
            names.add(str(name))
        # What Promtail takes for a source: a target block that is not null, a discovery list that is there
        # (an empty one too: it then reads nothing).
        sources = [key for key in SOURCES if job.get(key) is not None]
        if not sources and not stdin:
            self.add(path, "has no source (static_configs, kubernetes_sd_configs, journal, ...); Promtail refuses to "
                     "start (no valid target scrape config)", "add the source the job reads")
        elif sources and all(job[key] in ([], {}) for key in sources):
            self.add(path, "has only empty sources (%s): the job reads nothing" % ", ".join(sorted(sources)),
                     "add targets or drop the job", WARNING)
        for key in SD_CONFIGS | {"docker_sd_configs"}:
            if key in job:
                entries = self.sequence(job[key], "%s.%s" % (path, key), "a list of %s entries" % key)
                for index, entry in enumerate(entries or []):
                    where = "%s.%s[%d]" % (path, key, index)
                    if key == "kubernetes_sd_configs":
                        self.kubernetes_sd(entry, where)
                    elif key == "static_configs":
                        self.static_config(entry, where)
                    else:
                        self.mapping(entry, where)
        for key in TARGETS - {"journal"}:
            if key in job:
                self.mapping(job[key], "%s.%s" % (path, key))
        if "journal" in job:
            self.journal(job["journal"], path + ".journal")
        relabels = self.sequence(job.get("relabel_configs"), path + ".relabel_configs", "a list of relabel configs")
        for index, relabel in enumerate(relabels or []):
            self.relabel(relabel, "%s.relabel_configs[%d]" % (path, index))
        self.string(job.get("encoding"), path + ".encoding")
        self.mapping(job.get("decompression"), path + ".decompression")
        if "pipeline_stages" in job:
            self.stages(job["pipeline_stages"], path + ".pipeline_stages")

    def kubernetes_sd(self, value, path):
        sd = self.block(value, KUBERNETES_SD | self.pick(HTTP_CLIENT, HTTP_CLIENT_3), path,
                        "kubernetes_sd_configs")
        if sd is None:
            return
        if sd.get("role") in (None, ""):
            self.add(path + ".role", "is missing; Promtail refuses the config (role missing, one of: %s)"
                     % ", ".join(KUBERNETES_ROLES), "set the role, for example pod")
        else:
            self.enum(sd["role"], path + ".role", KUBERNETES_ROLES)
        if sd.get("api_server") is not None:
            self.url(sd["api_server"], path + ".api_server")
        self.string(sd.get("kubeconfig_file"), path + ".kubeconfig_file")
        namespaces = self.block(sd.get("namespaces"), {"own_namespace", "names"}, path + ".namespaces", "namespaces")
        self.boolean((namespaces or {}).get("own_namespace"), path + ".namespaces.own_namespace")
        self.strings((namespaces or {}).get("names"), path + ".namespaces.names")
        attach = self.mapping(sd.get("attach_metadata"), path + ".attach_metadata")
        for key, flag in (attach or {}).items():
            self.boolean(flag, "%s.attach_metadata.%s" % (path, key))
        if sd.get("api_server") and sd.get("kubeconfig_file"):
            self.add(path, "sets api_server and kubeconfig_file; Promtail uses one of them", "keep one of them")
        if (namespaces or {}).get("own_namespace") and (sd.get("api_server") or sd.get("kubeconfig_file")):
            self.add(path + ".namespaces.own_namespace", "cannot be used with api_server or kubeconfig_file",
                     "drop own_namespace or the API server settings")
        custom = [key for key in HTTP_CLIENT_3 if key in sd and key not in ("follow_redirects", "enable_http2")]
        if custom and sd.get("kubeconfig_file"):
            self.add(path, "sets HTTP client settings (%s) with kubeconfig_file" % ", ".join(sorted(custom)),
                     "drop them or kubeconfig_file")
        elif custom and not sd.get("api_server"):
            self.add(path, "sets HTTP client settings (%s) without api_server" % ", ".join(sorted(custom)),
                     "set api_server explicitly")
        self.http_client(sd, path)
        selectors = self.sequence(sd.get("selectors"), path + ".selectors", "a list of selectors")
        roles = set()
        for index, selector in enumerate(selectors or []):
            where = "%s.selectors[%d]" % (path, index)
            selector = self.block(selector, {"role", "label", "field"}, where, "a selector")
            if selector is None:
                continue
            if self.enum(selector.get("role"), where + ".role", KUBERNETES_ROLES):
                if selector.get("role") in roles:
                    self.add(where + ".role", "%r is selected twice" % selector.get("role"), "merge the selectors")
                roles.add(selector.get("role"))
            for key in ("label", "field"):
                self.string(selector.get(key), "%s.%s" % (where, key))

    def static_config(self, value, path):
        static = self.block(value, {"targets", "labels"}, path, "a static config")
        if static is None:
            return
        self.strings(static.get("targets"), path + ".targets")
        if "labels" in static:
            self.labels(static["labels"], path + ".labels")

    def journal(self, value, path):
        journal = self.block(value, JOURNAL, path, "the journal source")
        if journal is None:
            return
        self.boolean(journal.get("json"), path + ".json")
        for key in ("path", "matches"):
            self.string(journal.get(key), "%s.%s" % (path, key))
        if journal.get("max_age") is not None and self.string(journal["max_age"], path + ".max_age"):
            self.duration(str(journal["max_age"]), path + ".max_age", text_only=True)
        if "labels" in journal:
            self.labels(journal["labels"], path + ".labels")

    def relabel(self, value, path):
        """A Prometheus relabel config, as Promtail decodes it and its Validate() checks it."""
        rule = self.block(value, RELABEL, path, "a relabel config")
        if rule is None:
            return
        sources = self.sequence(rule.get("source_labels"), path + ".source_labels", "a list of label names")
        for index, source in enumerate(sources or []):
            self.string(source, "%s.source_labels[%d]" % (path, index))
        for key in ("separator", "target_label", "replacement"):
            self.string(rule.get(key), "%s.%s" % (path, key))
        if "regex" in rule:
            self.regex(rule["regex"], path + ".regex")
        modulus = rule.get("modulus")
        if self.integer(modulus, path + ".modulus") and isinstance(modulus, (int, float)) and modulus < 0:
            self.add(path + ".modulus", "must not be negative", "use a positive modulus")
        action = rule.get("action", "replace")
        if not self.enum(action, path + ".action", RELABEL_ACTIONS, lower=True):
            return
        action = str(action or "replace").lower()
        target = rule.get("target_label")
        if action == "hashmod" and not rule.get("modulus"):
            self.add(path + ".modulus", "is required by the hashmod action (non-zero)", "set modulus")
        if action in ("replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal") and not target:
            self.add(path + ".target_label", "is required by the %s action" % action, "set target_label")
        if action in ("lowercase", "uppercase", "keepequal", "dropequal") and "replacement" in rule \
                and rule["replacement"] != "$1":
            self.add(path + ".replacement", "cannot be set for the %s action" % action, "drop replacement")
        if action in ("keepequal", "dropequal") and any(
                key in rule and rule[key] != default
                for key, default in (("regex", "(.*)"), ("modulus", 0), ("separator", ";"))):
            self.add(path, "the %s action takes only source_labels and target_label" % action, "drop the other keys")
        if action in ("labeldrop", "labelkeep") and any(
                key in rule and rule[key] != default
                for key, default in (("source_labels", None), ("target_label", ""), ("modulus", 0),
                                     ("separator", ";"), ("replacement", "$1"))):
            self.add(path, "the %s action takes only regex" % action, "drop the other keys")

    # --- pipeline stages ---------------------------------------------------------------------------

    def stages(self, value, path):
        stages = self.sequence(value, path, "a list of stages")
        for index, stage in enumerate(stages or []):
            where = "%s[%d]" % (path, index)
            if not isinstance(stage, dict):
                self.add(where, "must be a mapping with one stage name (- <stage>: {...}), not %s" % _kind(stage),
                         "write - <stage>: {...}")
                continue
            if len(stage) != 1:
                self.add(where, "must hold exactly one stage name, not %d (%s)" % (
                    len(stage), ", ".join(map(str, stage)) or "none"), "write one stage per list item",
                    ERROR if len(stage) > 1 else WARNING)
                continue
            name, body = next(iter(stage.items()))
            if name not in self.pick(STAGES, STAGES_3):
                self.add("%s.%s" % (where, name), "is not a Promtail pipeline stage",
                         "use one of: %s" % ", ".join(sorted(self.pick(STAGES, STAGES_3))))
                continue
            self.stage(str(name), body, "%s.%s" % (where, name))

    def _fields(self, body, path, name, fields):
        """A stage's settings: ``fields`` maps each to its kind; unknown ones are warnings (Promtail ignores
        them). Returns the mapping, or None when the stage is not one."""
        if body is None:
            self.add(path, "is empty; the %s stage needs its settings" % name, "give the stage its settings")
            return None
        block = self.mapping(body, path, "a mapping of the %s stage's settings" % name)
        if block is None:
            return None
        for key, value in block.items():
            kind = fields.get(key)
            where = "%s.%s" % (path, key)
            if kind is None:
                self.add(where, "is not a setting of the %s stage; Promtail ignores it" % name,
                         "check the spelling against %s" % REFERENCE, WARNING)
            elif kind == "str":
                self.string(value, where, strict=True)
            elif kind == "weakstr":
                self.string(value, where)
            elif kind == "bool":
                self.boolean(value, where)
            elif kind == "int":
                self.integer(value, where)
            elif kind == "number":
                self.number(value, where)
            elif kind == "strs":
                self.strings(value, where, strict=True)
            elif kind == "map":
                self.mapping(value, where)
        return block

    def stage(self, name, body, path):
        if name in ("labelallow", "labeldrop"):
            items = self.strings(body, path, strict=True)
            if items is not None and not items:
                self.add(path, "is empty; the %s stage needs label names" % name, "list the labels")
            return
        if name in ("labels", "static_labels", "structured_metadata", "non_indexed_labels"):
            block = self.mapping(body, path, "a mapping of label names")
            if block is None:
                return
            if not block and name in ("labels", "static_labels"):
                self.add(path, "is empty: the %s stage does nothing" % name, "list the labels or drop the stage",
                         WARNING)
            for label, source in block.items():
                where = "%s.%s" % (path, label)
                if name in ("labels", "static_labels"):
                    self.label_name(label, where)
                self.string(source, where, strict=True)
            return
        if name in ("cri", "docker", "decolorize", "metrics", "geoip", "eventlogmessage", "pack"):
            if name == "cri":
                block = self.mapping(body, path, "a mapping of the cri stage's settings")
                for key, value in (block or {}).items():
                    if key == "max_partial_line_size":
                        self.byte_size(value, "%s.%s" % (path, key))
            elif name in ("metrics", "geoip"):
                self.mapping(body, path)
            return
        if name == "sampling" and body is None:
            self.add(path, "is empty: a sampling rate of 0 drops every line", "set rate (0.0 to 1.0)", WARNING)
            return
        spec = _STAGE_FIELDS.get(name)
        block = self._fields(body, path, name, spec or {}) if spec is not None else self.mapping(body, path)
        if block is None:
            return
        if name == "match":
            self.match(block, path)
        elif name == "drop":
            self.drop(block, path)
        elif name in ("regex", "replace"):
            if not block.get("expression"):
                self.add(path + ".expression", "is required by the %s stage" % name, "set the regular expression")
            else:
                self.regex(block["expression"], path + ".expression")
            if "source" in block and block["source"] in ("", None):
                self.add(path + ".source", "is empty", "name an extracted value or drop source")
        elif name == "json":
            expressions = self.mapping(block.get("expressions"), path + ".expressions")
            if not expressions:
                self.add(path + ".expressions", "is required by the json stage (JMESPath expressions)",
                         "map each extracted name to an expression")
            for key, expression in (expressions or {}).items():
                if expression is not None and not isinstance(expression, str):
                    self.add("%s.expressions.%s" % (path, key), "must be a string", "quote the JMESPath expression")
                elif isinstance(expression, str) and not _jmespath_ok(expression):
                    self.add("%s.expressions.%s" % (path, key), "%r is not a valid JMESPath expression" % expression,
                             "correct the expression")
        elif name == "logfmt":
            if not self.mapping(block.get("mapping"), path + ".mapping"):
                self.add(path + ".mapping", "is required by the logfmt stage", "map each extracted name to a key")
        elif name in ("template", "output"):
            if not block.get("source"):
                self.add(path + ".source", "is required by the %s stage" % name, "name the extracted value")
            if name == "template" and isinstance(block.get("template"), str) \
                    and block["template"].count("{{") != block["template"].count("}}"):
                self.add(path + ".template", "has unbalanced {{ }}", "close every action of the Go template")
        elif name == "timestamp":
            for key in ("source", "format"):
                if not block.get(key):
                    self.add("%s.%s" % (path, key), "is required by the timestamp stage", "set it")
            if block.get("action_on_failure") not in (None, "fudge", "skip"):
                self.add(path + ".action_on_failure", "must be fudge or skip", "pick one of them")
        elif name == "tenant":
            given = [key for key in ("label", "source", "value") if block.get(key)]
            if len(given) != 1:
                self.add(path, "must set exactly one of label, source and value, not %d" % len(given),
                         "keep one of them")
        elif name == "multiline":
            if not block.get("firstline"):
                self.add(path + ".firstline", "is required by the multiline stage", "set the first-line regex")
            else:
                self.regex(block["firstline"], path + ".firstline")
            if block.get("max_wait_time") is not None:
                self.duration(block["max_wait_time"], path + ".max_wait_time", text_only=True)
        elif name == "limit":
            for key in ("rate", "burst"):
                value = block.get(key)
                if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0):
                    self.add("%s.%s" % (path, key), "must be set above 0; Promtail refuses the limit stage otherwise",
                             "set rate (lines per second) and burst")
            if block.get("by_label_name") and block.get("drop") is not True:
                self.add(path + ".drop", "must be true when the limit stage limits by_label_name", "set drop: true")
        elif name == "sampling":
            rate = block.get("rate")
            if isinstance(rate, (int, float)) and not isinstance(rate, bool) and not 0 <= rate <= 1:
                self.add(path + ".rate", "must be between 0.0 and 1.0", "give the share of lines kept")

    def match(self, block, path):
        if block.get("selector") in (None, ""):
            self.add(path + ".selector", "is missing; the match stage requires a selector",
                     'give the match stage a LogQL selector such as {app="api"}')
        elif isinstance(block["selector"], str):
            problem = logql_selector_problem(block["selector"])
            if problem:
                self.add(path + ".selector", "%r is not a valid LogQL selector: %s" % (block["selector"], problem),
                         'write {label="value", ...} optionally followed by |= "text" filters')
        if "pipeline_name" in block and block["pipeline_name"] == "":
            self.add(path + ".pipeline_name", "cannot be empty (omit it instead)", "drop pipeline_name or name it")
        action = block.get("action") or "keep"
        if action not in ("keep", "drop"):
            self.add(path + ".action", "%r is not keep or drop" % action, "use keep or drop")
            return
        stages = block.get("stages")
        if action == "keep" and not stages:
            self.add(path + ".stages", "is required: a match stage that keeps lines needs at least one stage",
                     "add stages, or set action: drop")
        if action == "drop" and stages:
            self.add(path + ".stages", "cannot be set on a match stage that drops lines", "drop the stages")
        if stages:
            self.stages(stages, path + ".stages")

    def drop(self, block, path):
        if all(block.get(key) is None for key in ("source", "expression", "older_than", "longer_than")):
            self.add(path, "needs at least one of source, expression, older_than or longer_than",
                     "say which lines the drop stage drops")
        source = block.get("source")
        if source is not None and not isinstance(source, str) and not (
                isinstance(source, list) and all(isinstance(item, str) for item in source)):
            self.add(path + ".source", "must be a string or a list of strings", "name the extracted values")
        if block.get("value") is not None and source is None:
            self.add(path + ".value", "needs source", "set source, or use expression")
        if block.get("value") is not None and block.get("expression") is not None:
            self.add(path, "sets value and expression together", "keep one of them")
        if block.get("expression") is not None:
            self.regex(block["expression"], path + ".expression")
        if block.get("older_than") is not None and self.string(block["older_than"], path + ".older_than"):
            self.duration(str(block["older_than"]), path + ".older_than", text_only=True)
        if block.get("longer_than") is not None and self.string(block["longer_than"], path + ".longer_than"):
            self.byte_size(str(block["longer_than"]), path + ".longer_than")


# The settings of the stages checked in detail, by their Go type (mapstructure; "weakstr": decoded leniently,
# so a number or a boolean does).
_STAGE_FIELDS = {
    "match": {"selector": "str", "stages": "list", "action": "str", "pipeline_name": "str",
              "drop_counter_reason": "str"},
    "drop": {"source": "any", "value": "weakstr", "separator": "weakstr", "expression": "weakstr",
             "older_than": "weakstr", "longer_than": "weakstr", "drop_counter_reason": "weakstr"},
    "regex": {"expression": "str", "source": "str"},
    "replace": {"expression": "str", "source": "str", "replace": "str"},
    "json": {"expressions": "map", "source": "str", "drop_malformed": "bool"},
    "logfmt": {"mapping": "map", "source": "str"},
    "template": {"source": "str", "template": "str"},
    "output": {"source": "str"},
    "timestamp": {"source": "str", "format": "str", "fallback_formats": "strs", "location": "str",
                  "action_on_failure": "str"},
    "tenant": {"label": "str", "source": "str", "value": "str"},
    "multiline": {"firstline": "weakstr", "max_lines": "int", "max_wait_time": "weakstr"},
    "limit": {"rate": "number", "burst": "int", "drop": "bool", "by_label_name": "weakstr",
              "max_distinct_labels": "int"},
    "sampling": {"rate": "number", "drop_counter_reason": "weakstr"},
}


def _kind(value):
    if isinstance(value, bool):
        return "a boolean (%s)" % str(value).lower()
    if isinstance(value, (int, float)):
        return "a number (%s)" % value
    if isinstance(value, str):
        return "a string (%r)" % value
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "null" if value is None else type(value).__name__


def _show(value):
    return repr(value) if isinstance(value, str) else _kind(value)


_RE2_FLAGS = re.compile(r"\(\?([a-zA-Z-]*)([:)])")
_RE2_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")


def re2_problem(text):
    """Why Go's regexp (RE2 syntax) refuses ``text``, or None.

    RE2 has no look-around, back-references, atomic groups, possessive quantifiers or comments, takes only
    the flags i, m, s and U and repeat counts up to 1000; the rest of its syntax is checked by compiling a
    Python equivalent (named groups (?<n>...), \\z, \\pL and flags anywhere are RE2's too)."""
    index, in_class, after_repeat = 0, False, False
    while index < len(text):
        char = text[index]
        if char == "\\":
            escaped = text[index + 1:index + 2]
            if not in_class and escaped in tuple("123456789"):
                return "uses a back-reference (\\%s), which RE2 does not support" % escaped
            if escaped == "Z":
                return "uses \\Z, which RE2 does not support (use \\z)"
            index, after_repeat = index + 2, False
            continue
        if in_class:
            in_class = char != "]"
            index += 1
            continue
        if char == "[":
            index += 3 if text.startswith("[^]", index) else 2 if text.startswith("[]", index) else 1
            in_class, after_repeat = True, False
            continue
        if text.startswith("(?", index):
            if text.startswith(("(?=", "(?!", "(?<=", "(?<!"), index):
                return "uses look-around, which RE2 does not support"
            for construct, what in (("(?>", "an atomic group"), ("(?#", "a comment"), ("(?P=", "a back-reference")):
                if text.startswith(construct, index):
                    return "uses %s (%s...), which RE2 does not support" % (what, construct)
            flags = _RE2_FLAGS.match(text, index)
            if flags and set(flags.group(1)) - set("imsU-"):
                return "uses the flag(s) %r; RE2 takes only i, m, s and U" % flags.group(1)
        repeat = _RE2_REPEAT.match(text, index) if char == "{" else None
        if char in "*+" or repeat or (char == "?" and not after_repeat):
            if after_repeat:
                return "repeats a repetition (%r), which RE2 refuses (no possessive quantifiers)" % text[
                    max(0, index - 1):index + 1]
            if repeat and max(int(repeat.group(1)), int(repeat.group(3) or 0)) > 1000:
                return "repeats more than 1000 times, which RE2 refuses"
            after_repeat = True
            index = repeat.end() if repeat else index + 1
            continue
        after_repeat = char == "?" and after_repeat  # a lazy ? after a repetition; anything else ends it
        index += 1
    python = re.sub(r"\(\?<(?![=!])", "(?P<", text)
    python = re.sub(r"(?<!\\)\\z", r"\\Z", python)
    python = re.sub(r"(?<!\\)\\[pP](\{\w+\}|\w)", r"\\w", python)
    python = re.sub(r"\(\?[imsU]+\)", "", python)
    python = re.sub(r"\(\?[imsU-]+:", "(?:", python)
    python = re.sub(r"(?<!\\)(\\[dDwWsS])-", r"\1\\-", python)
    python = re.sub(r"\\Q(.*?)(\\E|$)", lambda m: re.escape(m.group(1)), python)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Python's warnings about [[ and nested sets
            re.compile(python)
    except re.error as e:
        return "is not a valid regular expression: %s" % e
    return None


def _jmespath_ok(expression):
    """A rough JMESPath syntax check: balanced brackets and quotes, not empty."""
    depth = []
    pairs = {"]": "[", ")": "(", "}": "{"}
    quote = None
    for char in expression:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"`":
            quote = char
        elif char in "[({":
            depth.append(char)
        elif char in pairs:
            if not depth or depth.pop() != pairs[char]:
                return False
    return bool(expression.strip()) and not depth and quote is None


_LOGQL_TOKEN = re.compile(r'\s*(?:(?P<op>=~|!~|!=|\|=|\|~|[{},=])|(?P<ident>[^\W\d]\w*)|(?P<string>"(?:[^"\\\n]|\\.)*"|'
                          r'`[^`]*`))', re.UNICODE)


def logql_selector_problem(text):
    """Why ``text`` is not a selector of Promtail's match stage, or None.

    The grammar of Promtail's own LogQL (clients/pkg/logentry/logql): ``{name op "value", ...}`` with at
    least one matcher (ops =, !=, =~, !~), then any number of line filters ``|= "text"``, ``|~ "regex"``,
    ``!= "text"``, ``!~ "regex"``; regular expressions must compile."""
    tokens = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _LOGQL_TOKEN.match(text, position)
        if not match:
            return "unexpected %r" % text[position:].strip()[:20]
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()

    def unquote(token):
        try:
            return yaml.safe_load(token) if token.startswith('"') else token[1:-1]
        except yaml.YAMLError:
            return None

    def regex_problem(value):
        problem = re2_problem(value)
        return "%r: %s" % (value, problem) if problem else None

    if not tokens or tokens[0] != ("op", "{"):
        return "it must start with {"
    index = 1
    while True:
        if index + 2 >= len(tokens) or tokens[index][0] != "ident" or tokens[index + 1] not in (
                ("op", "="), ("op", "!="), ("op", "=~"), ("op", "!~")) or tokens[index + 2][0] != "string":
            return "expected a matcher such as app=\"api\" (at least one) where %s" % (
                "the text ends" if index >= len(tokens) else "%r is" % tokens[index][1])
        value = unquote(tokens[index + 2][1])
        if value is None:
            return "bad string %s" % tokens[index + 2][1]
        if tokens[index + 1][1] in ("=~", "!~") and regex_problem(value):
            return regex_problem(value)
        index += 3
        if index < len(tokens) and tokens[index] == ("op", ","):
            index += 1
            continue
        if index < len(tokens) and tokens[index] == ("op", "}"):
            index += 1
            break
        return "expected , or } after a matcher"
    while index < len(tokens):
        if tokens[index] not in (("op", "|="), ("op", "|~"), ("op", "!="), ("op", "!~")) \
                or index + 1 >= len(tokens) or tokens[index + 1][0] != "string":
            return "expected a line filter such as |= \"text\" after the selector"
        value = unquote(tokens[index + 1][1])
        if value is None:
            return "bad string %s" % tokens[index + 1][1]
        if tokens[index][1] in ("|~", "!~") and regex_problem(value):
            return regex_problem(value)
        index += 2
    return None


def check_config(config, version=None):
    """Every Finding of a parsed Promtail config, for Promtail ``version`` (``3.6.11``, ``2.9.2``; None:
    the checks both lines share)."""
    check = _Check(version)
    check.config(config)
    return check.findings


def check_text(text, version=None):
    try:
        config = load_yaml(text)
    except yaml.YAMLError as e:
        return [Finding("", "is not valid YAML: %s" % str(e).replace("\n", " "), "fix the YAML syntax")]
    return check_config(config, version)


def is_promtail_config_map(obj):
    meta = (obj or {}).get("metadata") or {}
    return (obj or {}).get("kind") == "ConfigMap" and CONFIG_KEY in ((obj or {}).get("data") or {}) \
        and (meta.get("labels") or {}).get(APP_LABEL) == "promtail"


def validate_objects(objects):
    """Violations (rule PROMTAIL_CONFIG) for every Promtail config carried in ``objects``, each checked for
    the Promtail version of its ConfigMap's version label."""
    found = []
    for obj in objects:
        if not is_promtail_config_map(obj):
            continue
        version = ((obj.get("metadata") or {}).get("labels") or {}).get(VERSION_LABEL)
        for finding in check_text(obj["data"][CONFIG_KEY], version):
            path = "data[%s]" % CONFIG_KEY + ("." + finding.path if finding.path else "")
            found.append(for_object(obj, RULE, path, "Promtail config: %s%s" % (
                finding.path + " " if finding.path else "", finding.message), finding.fix, severity=finding.severity))
    return found
