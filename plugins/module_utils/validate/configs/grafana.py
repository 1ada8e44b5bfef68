# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Checks of Grafana's own configuration as rendered into ConfigMaps: grafana.ini, the LDAP
ldap.toml, datasource and dashboard provisioning files, and how the Grafana pod mounts them.

No Grafana binary is needed. The rules come from Grafana's documentation of the releases this
collection pins (10.0.0 for the `seed` profile, 13.2 for `current`):

- grafana.ini is read the way Grafana's ini library reads it: ``[section]`` headers, ``key = value``,
  ``#``/``;`` comments, a ``#`` or ``;`` anywhere in an unquoted value starts a comment (so such values
  are wrapped in triple quotes), ``$__env{NAME}`` / ``$__file{path}`` expansion.
- Known sections and the keys of the sections this collection writes are the union of the 10.0 and
  13.x configuration references; an unknown section or key is a warning (Grafana ignores it silently,
  so it is most likely a typo).
- ldap.toml follows the LDAP guide: ``[[servers]]`` with host, port, TLS settings, bind DN and password,
  search filter and base DNs, ``[servers.attributes]`` and ``[[servers.group_mappings]]``.
- Provisioning files (``apiVersion: 1``) follow the provisioning guide; ``$NAME`` / ``${NAME}`` in them
  expand from the environment.

Credentials never appear as literals: grafana.ini secrets come from ``GF_<SECTION>_<KEY>`` environment
variables or ``$__env{}`` / ``$__file{}``, the LDAP bind password from ``$__env{}``, ``secureJsonData``
from ``$NAME`` environment references; every referenced variable must be set on the Grafana container.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from urllib.parse import urlsplit

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, WARNING, for_object
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import safe_load as load_yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import UID_PATTERN

RULE = "GRAFANA_CONFIG"
DEFAULT_PROVISIONING = "/etc/grafana/provisioning"
DEFAULT_CONFIG = "/etc/grafana/grafana.ini"

# Sections of grafana.ini (10.0 and 13.x configuration references, plus the OAuth providers).
KNOWN_SECTIONS = frozenset((
    "", "paths", "server", "server.custom_response_headers", "grpc_server", "database", "datasources",
    "remote_cache", "dataproxy", "analytics", "security", "security.encryption", "secrets", "snapshots",
    "dashboards", "sql_datasources", "users", "auth", "auth.anonymous", "auth.basic", "auth.proxy", "auth.jwt",
    "auth.ldap", "auth.generic_oauth", "auth.github", "auth.gitlab", "auth.google", "auth.grafana_com",
    "auth.grafananet", "auth.azuread", "auth.okta", "auth.extended_jwt", "auth.grafana_com", "aws", "azure",
    "rbac", "smtp", "smtp.static_headers", "emails", "log", "log.console", "log.file", "log.syslog",
    "log.frontend", "quota", "unified_alerting", "unified_alerting.screenshots",
    "unified_alerting.reserved_labels", "unified_alerting.state_history", "unified_alerting.state_history.annotations",
    "unified_alerting.upgrade", "alerting", "annotations", "annotations.dashboard", "annotations.api", "explore",
    "help", "profile", "news", "query", "query_history", "short_links", "metrics", "metrics.environment_info",
    "metrics.graphite", "grafana_net", "grafana_com", "tracing.jaeger", "tracing.opentelemetry",
    "tracing.opentelemetry.jaeger", "tracing.opentelemetry.otlp", "external_image_storage",
    "external_image_storage.s3", "external_image_storage.webdav", "external_image_storage.gcs",
    "external_image_storage.azure_blob", "external_image_storage.local", "rendering", "panels", "plugins",
    "plugin.grafana-image-renderer", "live", "enterprise", "feature_toggles", "feature_management",
    "date_formats", "expressions", "geomap", "navigation.app_sections", "navigation.app_standalone_pages",
    "public_dashboards", "search", "cloud_migration", "caching", "recording_rules",
))

# Keys of the sections this collection writes; every other known section is not key-checked.
KNOWN_KEYS = {
    "": {"app_mode", "instance_name", "force_migration"},
    "paths": {"data", "temp_data_lifetime", "logs", "plugins", "provisioning"},
    "server": {"protocol", "min_tls_version", "http_addr", "http_port", "domain", "enforce_domain", "root_url",
               "serve_from_sub_path", "router_logging", "static_root_path", "enable_gzip", "cert_file", "cert_key",
               "cert_pass", "certs_watch_interval", "socket", "socket_gid", "socket_mode", "cdn_url", "read_timeout"},
    "database": {"type", "host", "name", "user", "password", "url", "max_idle_conn", "max_open_conn",
                 "conn_max_lifetime", "log_queries", "ssl_mode", "isolation_level", "ca_cert_path", "client_key_path",
                 "client_cert_path", "server_cert_name", "path", "cache_mode", "wal", "query_retries",
                 "transaction_retries", "locking_attempt_timeout_sec", "migration_locking", "skip_migrations",
                 "instrument_queries", "ssl_sni"},
    "analytics": {"enabled", "reporting_enabled", "reporting_distributor", "check_for_updates",
                  "check_for_plugin_updates", "google_analytics_ua_id", "google_analytics_4_id",
                  "google_analytics_4_send_manual_page_views", "google_tag_manager_id", "rudderstack_write_key",
                  "rudderstack_data_plane_url", "rudderstack_sdk_url", "rudderstack_config_url",
                  "rudderstack_integrations_url", "intercom_secret", "application_insights_connection_string",
                  "application_insights_endpoint_url", "feedback_links_enabled", "reporting_static_context"},
    "security": {"disable_initial_admin_creation", "admin_user", "admin_password", "admin_email", "secret_key",
                 "encryption_provider", "available_encryption_providers", "disable_gravatar",
                 "data_source_proxy_whitelist", "disable_brute_force_login_protection",
                 "brute_force_login_protection_max_attempts",
                 "disable_username_login_protection", "disable_ip_address_login_protection", "cookie_secure",
                 "cookie_samesite", "allow_embedding", "strict_transport_security",
                 "strict_transport_security_max_age_seconds", "strict_transport_security_preload",
                 "strict_transport_security_subdomains", "x_content_type_options", "x_xss_protection",
                 "content_security_policy", "content_security_policy_template", "content_security_policy_report_only",
                 "content_security_policy_report_only_template", "angular_support_enabled", "csrf_trusted_origins",
                 "csrf_additional_headers", "csrf_always_check", "disable_frontend_sandbox_for_plugins",
                 "actions_allow_post_url", "enable_frontend_sandbox_for_plugins"},
    "users": {"allow_sign_up", "allow_org_create", "auto_assign_org", "auto_assign_org_id", "auto_assign_org_role",
              "verify_email_enabled", "login_default_org_id", "login_hint", "password_hint", "default_theme",
              "default_language", "default_locale", "home_page", "external_manage_link_url",
              "external_manage_link_name", "external_manage_info", "viewers_can_edit", "editors_can_admin",
              "user_invite_max_lifetime_duration", "verification_email_max_lifetime_duration",
              "last_seen_update_interval", "hidden_users", "case_insensitive_login"},
    "auth": {"login_cookie_name", "disable_login", "login_maximum_inactive_lifetime_duration",
             "login_maximum_lifetime_duration", "token_rotation_interval_minutes", "disable_login_form",
             "disable_signout_menu", "signout_redirect_url", "oauth_auto_login", "oauth_state_cookie_max_age",
             "oauth_login_error_message", "oauth_skip_org_role_update_sync", "oauth_allow_insecure_email_lookup",
             "oauth_refresh_token_server_lock_min_wait_ms", "api_key_max_seconds_to_live", "sigv4_auth_enabled",
             "sigv4_verbose_logging", "azure_auth_enabled", "id_response_header_enabled",
             "id_response_header_prefix", "id_response_header_namespaces", "managed_service_accounts_enabled",
             "basic_auth_strong_password_policy", "password_policy"},
    "auth.anonymous": {"enabled", "org_name", "org_role", "hide_version", "device_limit"},
    "auth.basic": {"enabled", "password_policy"},
    "auth.ldap": {"enabled", "config_file", "allow_sign_up", "skip_org_role_sync", "sync_cron",
                  "active_sync_enabled"},
    "auth.generic_oauth": {
        "name", "icon", "enabled", "allow_sign_up", "auto_login", "client_id", "client_secret", "scopes",
        "empty_scopes", "email_attribute_name", "email_attribute_path", "login_attribute_path", "name_attribute_path",
        "role_attribute_path", "role_attribute_strict", "groups_attribute_path", "id_token_attribute_name",
        "team_ids_attribute_path", "auth_url", "token_url", "api_url", "teams_url", "allowed_domains",
        "allowed_groups", "team_ids", "allowed_organizations", "tls_skip_verify_insecure", "tls_client_cert",
        "tls_client_key", "tls_client_ca", "use_pkce", "use_refresh_token", "auth_style",
        "allow_assign_grafana_admin", "skip_org_role_sync", "signout_redirect_url", "org_attribute_path",
        "org_mapping", "login_prompt", "client_authentication", "workload_identity_token_file",
        "federated_credential_audience", "managed_identity_client_id", "validate_id_token", "jwk_set_url",
    },
    "log": {"mode", "level", "filters", "user_facing_default_error"},
    "log.console": {"level", "format"},
    "metrics": {"enabled", "interval_seconds", "disable_total_stats", "total_stats_collector_interval_seconds",
                "basic_auth_username", "basic_auth_password"},
    "snapshots": {"enabled", "external_enabled", "external_snapshot_url", "external_snapshot_name", "public_mode",
                  "snapshot_remove_expired"},
    "news": {"news_feed_enabled", "news_feed_url"},
    "plugins": {"enable_alpha", "app_tls_skip_verify_insecure", "allow_loading_unsigned_plugins",
                "plugin_admin_enabled", "plugin_admin_external_manage_enabled", "plugin_catalog_url",
                "plugin_catalog_hidden_plugins", "public_key_retrieval_disabled", "public_key_retrieval_on_startup",
                "disable_plugins", "preinstall", "preinstall_async", "preinstall_disabled", "install_token",
                "forward_host_env_vars", "cdn_base_url"},
    "dashboards": {"versions_to_keep", "min_refresh_interval", "default_home_dashboard_path"},
}

BOOLEAN_KEYS = {
    "server": {"enforce_domain", "serve_from_sub_path", "router_logging", "enable_gzip"},
    "analytics": {"enabled", "reporting_enabled", "check_for_updates", "check_for_plugin_updates",
                  "feedback_links_enabled"},
    "security": {"disable_initial_admin_creation", "disable_gravatar", "disable_brute_force_login_protection",
                 "cookie_secure", "allow_embedding", "strict_transport_security", "x_content_type_options",
                 "x_xss_protection", "content_security_policy", "angular_support_enabled"},
    "users": {"allow_sign_up", "allow_org_create", "auto_assign_org", "verify_email_enabled", "viewers_can_edit",
              "editors_can_admin"},
    "auth": {"disable_login_form", "disable_signout_menu", "oauth_auto_login"},
    "auth.anonymous": {"enabled", "hide_version"},
    "auth.basic": {"enabled"},
    "auth.ldap": {"enabled", "allow_sign_up", "skip_org_role_sync", "active_sync_enabled"},
    "auth.generic_oauth": {"enabled", "allow_sign_up", "auto_login", "empty_scopes", "role_attribute_strict",
                           "tls_skip_verify_insecure", "use_pkce", "use_refresh_token", "allow_assign_grafana_admin",
                           "skip_org_role_sync"},
    "metrics": {"enabled", "disable_total_stats"},
    "snapshots": {"enabled", "external_enabled", "public_mode", "snapshot_remove_expired"},
    "news": {"news_feed_enabled"},
    "plugins": {"enable_alpha", "plugin_admin_enabled"},
}
# Keys holding credentials: literal values are refused (they would sit in a ConfigMap).
SECRET_KEYS = {
    "security": {"admin_password", "secret_key"},
    "database": {"password", "url"},
    "auth.generic_oauth": {"client_secret"},
    "metrics": {"basic_auth_password"},
    "smtp": {"password"},
    "auth.github": {"client_secret"}, "auth.gitlab": {"client_secret"}, "auth.google": {"client_secret"},
    "auth.azuread": {"client_secret"}, "auth.okta": {"client_secret"}, "auth.grafana_com": {"client_secret"},
    "external_image_storage.s3": {"secret_key"}, "external_image_storage.webdav": {"password"},
    "external_image_storage.azure_blob": {"account_key"},
}
ORG_ROLES = ("Viewer", "Editor", "Admin")
# `None` (no basic role) is a valid mapped role in the 13.x docs, not in 10.0's.
ORG_ROLES_NONE_SINCE = (10, 2)
OAUTH_ROLES = ("Viewer", "Editor", "Admin", "GrafanaAdmin")
LOG_LEVELS = ("debug", "info", "warn", "error", "critical")
ENV_REFERENCE = re.compile(r"\$__env\{([^}]*)\}")
FILE_REFERENCE = re.compile(r"\$__file\{([^}]*)\}")
PROVISIONING_ENV = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")

LDAP_SERVER_KEYS = frozenset((
    "host", "port", "use_ssl", "start_tls", "ssl_skip_verify", "tls_ciphers", "min_tls_version", "root_ca_cert",
    "client_cert", "client_key", "bind_dn", "bind_password", "timeout", "search_filter", "search_base_dns",
    "group_search_filter", "group_search_base_dns", "group_search_filter_user_attribute", "attributes",
    "group_mappings",
))
LDAP_ATTRIBUTE_KEYS = frozenset(("name", "surname", "username", "member_of", "email"))
LDAP_MAPPING_KEYS = frozenset(("group_dn", "org_role", "org_id", "grafana_admin"))
LDAP_TLS_VERSIONS = ("TLS1.1", "TLS1.2", "TLS1.3")

DATASOURCE_KEYS = frozenset((
    "name", "type", "uid", "access", "orgId", "url", "user", "database", "basicAuth", "basicAuthUser",
    "withCredentials", "isDefault", "jsonData", "secureJsonData", "version", "editable", "readOnly",
    "apiVersion",
))
PROVIDER_KEYS = frozenset(("name", "orgId", "folder", "folderUid", "type", "disableDeletion",
                           "updateIntervalSeconds", "allowUiUpdates", "options"))


# --- grafana.ini ---------------------------------------------------------------------------------

def parse_ini(text):
    """Read grafana.ini as Grafana's ini library does: {section: {key: value}}, plus a list of
    (line number, problem) for lines it cannot read. Keys before any section go to section ''."""
    sections = {"": {}}
    problems = []
    current = ""
    lines = str(text).split("\n")
    number = 0
    while number < len(lines):
        line = lines[number].strip()
        number += 1
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            if not line.endswith("]") or len(line) < 3:
                problems.append((number, "malformed section header %r" % line))
                continue
            current = line[1:-1].strip()
            if current in sections:
                problems.append((number, "section [%s] appears twice; Grafana merges them, keep one" % current))
            sections.setdefault(current, {})
            continue
        if "=" not in line:
            problems.append((number, "line %r is neither a section header nor key = value" % line))
            continue
        key, value = line.split("=", 1)
        key, value = key.strip(), value.strip()
        if not key:
            problems.append((number, "line %r has no key" % line))
            continue
        if value.startswith('"""'):
            body = value[3:]
            while '"""' not in body and number < len(lines):
                body += "\n" + lines[number]
                number += 1
            if '"""' not in body:
                problems.append((number, "key %s opens a triple-quoted value that never closes" % key))
                continue
            value = body[:body.index('"""')]
        elif len(value) >= 2 and value[0] in "\"`" and value[-1] == value[0]:
            value = value[1:-1]
        else:
            cut = min([i for i in (value.find("#"), value.find(";")) if i >= 0], default=-1)
            if cut >= 0:
                value = value[:cut].strip()
        if key in sections[current]:
            problems.append((number, "key %s is set twice in [%s]; the last one wins" % (key, current)))
        sections[current][key] = value
    return sections, problems


def _is_reference(value):
    value = str(value)
    return bool(ENV_REFERENCE.fullmatch(value) or FILE_REFERENCE.fullmatch(value))


def _bool(value):
    return str(value).strip().lower() in ("true", "1", "yes", "on")


def check_ini(text, version=(13, 2), env=None):
    """Problems of a grafana.ini text: (severity, 'section.key' or 'line N', message, fix).

    ``env`` is the set of environment variable names of the Grafana container (None: not checked). A key
    also set by a ``GF_<SECTION>_<KEY>`` variable counts as set."""
    sections, problems = parse_ini(text)
    found = [(ERROR, "line %d" % number, message, "fix the line (grafana.ini syntax: [section], key = value)")
             for number, message in problems]
    env = None if env is None else set(env)
    overridden = {name for name in (env or ()) if name.startswith("GF_")}

    def setting(section, key):
        return sections.get(section, {}).get(key)

    def from_env(section, key):
        name = "GF_%s_%s" % (section.upper().replace(".", "_").replace("-", "_"), key.upper())
        return name in overridden or (name + "__FILE") in overridden

    for section, keys in sections.items():
        if section not in KNOWN_SECTIONS:
            found.append((WARNING, "[%s]" % section, "unknown section [%s]; Grafana ignores it" % section,
                          "check the section name against Grafana's configuration reference"))
            continue
        known = KNOWN_KEYS.get(section)
        for key, value in keys.items():
            where = "%s.%s" % (section, key) if section else key
            if known is not None and key not in known:
                found.append((WARNING, where, "unknown key %s in [%s]; Grafana ignores it" % (key, section),
                              "check the key against Grafana's configuration reference"))
            if key in BOOLEAN_KEYS.get(section, ()) and value.lower() not in ("true", "false", ""):
                found.append((ERROR, where, "%s must be true or false, got %r" % (where, value),
                              "write true or false"))
            if key in SECRET_KEYS.get(section, ()) and value and not _is_reference(value):
                found.append((ERROR, where, "%s holds a literal credential, which would sit in a ConfigMap" % where,
                              "leave it out and set GF_%s_%s from a Secret (env valueFrom secretKeyRef), or use "
                              "$__file{<mounted secret file>}" % (section.upper().replace(".", "_"), key.upper())))
            if env is not None:
                for name in ENV_REFERENCE.findall(value):
                    if name not in env:
                        found.append((ERROR, where, "%s reads $__env{%s}, which the Grafana container does not set"
                                      % (where, name), "add %s to the container's env (from a Secret)" % name))
    found.extend(_check_ini_semantics(setting, from_env, version))
    return found


def _check_ini_semantics(setting, from_env, version):
    found = []
    port = setting("server", "http_port")
    if port is not None and not (port.isdigit() and 1 <= int(port) <= 65535):
        found.append((ERROR, "server.http_port", "http_port %r is not a TCP port" % port, "use a port number"))
    root_url = setting("server", "root_url")
    if root_url and "%(" not in root_url:
        parts = urlsplit(root_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            found.append((ERROR, "server.root_url", "root_url %r is not an http(s) URL" % root_url,
                          "set the full public URL, e.g. https://grafana.example.com/"))
        elif parts.scheme == "https" and not _bool(setting("security", "cookie_secure") or "false"):
            found.append((WARNING, "security.cookie_secure", "Grafana is served over https but cookie_secure is off",
                          "set [security] cookie_secure = true"))
    level = setting("log", "level")
    if level and level not in LOG_LEVELS:
        found.append((ERROR, "log.level", "log level %r is not one of %s" % (level, ", ".join(LOG_LEVELS)),
                      "pick one of them"))
    if _bool(setting("auth.anonymous", "enabled") or "false"):
        role = setting("auth.anonymous", "org_role") or "Viewer"
        if role not in ORG_ROLES:
            found.append((ERROR, "auth.anonymous.org_role", "anonymous org_role %r is not one of %s"
                          % (role, ", ".join(ORG_ROLES)), "use Viewer"))
        if role != "Viewer":
            found.append((WARNING, "auth.anonymous.org_role", "anonymous users get the %s role" % role,
                          "give anonymous users the Viewer role at most"))
    role = setting("users", "auto_assign_org_role")
    if role and role not in ORG_ROLES + (("None",) if version >= ORG_ROLES_NONE_SINCE else ()):
        found.append((ERROR, "users.auto_assign_org_role", "auto_assign_org_role %r is not a Grafana role" % role,
                      "use Viewer, Editor or Admin"))
    if _bool(setting("auth.generic_oauth", "enabled") or "false"):
        found.extend(_check_oauth(setting, from_env, version))
    if not _bool(setting("auth.basic", "enabled") or "true") and not _bool(setting("auth.ldap", "enabled") or "false") \
            and not _bool(setting("auth.generic_oauth", "enabled") or "false") \
            and _bool(setting("auth", "disable_login_form") or "false"):
        found.append((ERROR, "auth.disable_login_form", "every way to log in is switched off",
                      "keep the login form, basic auth, LDAP or OAuth enabled"))
    secret_key = setting("security", "secret_key")
    if not secret_key and not from_env("security", "secret_key"):
        found.append((WARNING, "security.secret_key", "the datasource encryption key is Grafana's published default",
                      "set GF_SECURITY_SECRET_KEY from a Secret"))
    return found


def _check_oauth(setting, from_env, version):
    found = []
    section = "auth.generic_oauth"
    for key in ("client_id", "auth_url", "token_url", "api_url"):
        if not setting(section, key) and not from_env(section, key):
            found.append((ERROR, "%s.%s" % (section, key), "generic OAuth is enabled without %s" % key,
                          "set %s (the OAuth2 provider's %s)" % (key, key.replace("_", " "))))
    for key in ("auth_url", "token_url", "api_url"):
        value = setting(section, key)
        if value and urlsplit(value).scheme not in ("http", "https"):
            found.append((ERROR, "%s.%s" % (section, key), "%s %r is not an http(s) URL" % (key, value),
                          "give the full URL"))
        elif value and urlsplit(value).scheme == "http":
            found.append((WARNING, "%s.%s" % (section, key), "%s %r is plain http" % (key, value),
                          "use https for the identity provider"))
    if not setting(section, "client_secret") and not from_env(section, "client_secret") \
            and not _bool(setting(section, "use_pkce") or "false"):
        found.append((ERROR, "%s.client_secret" % section, "generic OAuth has neither a client secret nor PKCE",
                      "set GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET from a Secret, or use_pkce = true for a public client"))
    if _bool(setting(section, "tls_skip_verify_insecure") or "false"):
        found.append((WARNING, "%s.tls_skip_verify_insecure" % section, "the identity provider's certificate is "
                      "not verified", "set tls_client_ca to its CA instead"))
    path = setting(section, "role_attribute_path")
    if path:
        problem = jmespath_problem(path)
        if problem:
            found.append((ERROR, "%s.role_attribute_path" % section, "role_attribute_path %r: %s" % (path, problem),
                          "write a JMESPath expression yielding Viewer, Editor, Admin or GrafanaAdmin"))
        roles = set(re.findall(r"'([^']*)'", path)) & set(OAUTH_ROLES + ("None",))
        for role in re.findall(r"&&\s*'([^']*)'", path):
            if role not in OAUTH_ROLES + (("None",) if version >= ORG_ROLES_NONE_SINCE else ()):
                found.append((ERROR, "%s.role_attribute_path" % section, "role_attribute_path maps to %r, which is "
                              "not a Grafana role" % role, "map to Viewer, Editor, Admin or GrafanaAdmin"))
        if "GrafanaAdmin" in roles and not _bool(setting(section, "allow_assign_grafana_admin") or "false"):
            found.append((WARNING, "%s.allow_assign_grafana_admin" % section, "role_attribute_path maps to "
                          "GrafanaAdmin but allow_assign_grafana_admin is off, so those users only get Admin",
                          "set allow_assign_grafana_admin = true"))
    return found


def jmespath_problem(expression):
    """A reason ``expression`` is not well-formed JMESPath (quotes, brackets, operators), or None.
    Not a full parser: it catches what breaks role mappings in practice."""
    stack = []
    pairs = {")": "(", "]": "[", "}": "{"}
    quote = None
    for index, char in enumerate(expression):
        if quote:
            if char == quote and expression[index - 1] != "\\":
                quote = None
            continue
        if char in "'\"`":
            quote = char
        elif char in "([{":
            stack.append(char)
        elif char in ")]}":
            if not stack or stack.pop() != pairs[char]:
                return "unbalanced %r at position %d" % (char, index)
    if quote:
        return "unterminated %s quote" % quote
    if stack:
        return "unclosed %r" % stack[-1]
    stripped = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "''", expression)
    if re.search(r"(&&|\|\|)\s*$|^\s*(&&|\|\|)|(&&|\|\|)\s*(&&|\|\|)", stripped):
        return "an operator lacks an operand"
    return None


# --- ldap.toml -----------------------------------------------------------------------------------

def check_ldap_toml(text, version=(13, 2), env=None):
    """Problems of an ldap.toml text: (severity, where, message, fix)."""
    try:
        data = tomllib.loads(str(text))
    except tomllib.TOMLDecodeError as e:
        return [(ERROR, "ldap.toml", "is not valid TOML: %s" % e, "fix the TOML syntax")]
    found = []
    servers = data.get("servers")
    for key in sorted(set(data) - {"servers", "verbose_logging"}):
        found.append((WARNING, key, "unknown top-level key %s" % key, "remove it"))
    if not isinstance(servers, list) or not servers:
        return found + [(ERROR, "servers", "no [[servers]] table", "describe at least one LDAP server")]
    roles = ORG_ROLES + (("None",) if version >= ORG_ROLES_NONE_SINCE else ())
    for index, server in enumerate(servers):
        where = "servers[%d]" % index
        for key in sorted(set(server) - LDAP_SERVER_KEYS):
            found.append((WARNING, "%s.%s" % (where, key), "unknown key %s" % key, "check the LDAP guide"))
        if not isinstance(server.get("host"), str) or not server["host"].strip():
            found.append((ERROR, where + ".host", "host is required", "set the LDAP server's host name"))
        port = server.get("port", 636 if server.get("use_ssl") else 389)
        if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
            found.append((ERROR, where + ".port", "port %r is not a TCP port" % (port,), "use 389 or 636"))
        for key in ("use_ssl", "start_tls", "ssl_skip_verify"):
            if key in server and not isinstance(server[key], bool):
                found.append((ERROR, "%s.%s" % (where, key), "%s must be true or false" % key, "write a boolean"))
        if server.get("start_tls") and not server.get("use_ssl"):
            found.append((ERROR, where + ".start_tls", "start_tls needs use_ssl = true (use_ssl turns TLS on, "
                          "start_tls picks STARTTLS over LDAPS)", "set use_ssl = true"))
        if not server.get("use_ssl"):
            found.append((WARNING, where + ".use_ssl", "LDAP passwords travel in clear text without TLS",
                          "set use_ssl = true (LDAPS, or STARTTLS with start_tls = true)"))
        if server.get("ssl_skip_verify"):
            found.append((WARNING, where + ".ssl_skip_verify", "the LDAP server's certificate is not verified",
                          "set root_ca_cert to its CA instead"))
        if server.get("min_tls_version", "") not in ("",) + LDAP_TLS_VERSIONS:
            found.append((ERROR, where + ".min_tls_version", "min_tls_version %r is not one of %s"
                          % (server["min_tls_version"], ", ".join(LDAP_TLS_VERSIONS)), "pick one of them"))
        bind_dn = server.get("bind_dn", "")
        password = server.get("bind_password", "")
        if password and not (_is_reference(password) or re.fullmatch(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}", password)):
            found.append((ERROR, where + ".bind_password", "bind_password is a literal credential, which would sit "
                          "in a ConfigMap", "use $__env{LDAP_BIND_PASSWORD} with that variable set from a Secret"))
        if bind_dn and "%s" not in bind_dn and not password:
            found.append((ERROR, where + ".bind_password", "a search bind (bind_dn without %s) needs bind_password",
                          "set the bind password (from a Secret), or use a single bind with %s in bind_dn"))
        if env is not None:
            braced = re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", str(password))
            for name in ENV_REFERENCE.findall(str(password)) + braced:
                if name not in env:
                    found.append((ERROR, where + ".bind_password", "bind_password reads %s, which the Grafana "
                                  "container does not set" % name, "add %s to the container's env from a Secret"
                                  % name))
        search_filter = server.get("search_filter")
        if not isinstance(search_filter, str) or "%s" not in search_filter:
            found.append((ERROR, where + ".search_filter", "search_filter %r must contain %%s (the login name)"
                          % (search_filter,), 'e.g. "(uid=%s)" or "(sAMAccountName=%s)"'))
        elif search_filter.count("(") != search_filter.count(")"):
            found.append((ERROR, where + ".search_filter", "search_filter %r has unbalanced parentheses"
                          % search_filter, "balance them"))
        bases = server.get("search_base_dns")
        if not isinstance(bases, list) or not bases or not all(isinstance(b, str) and b for b in bases):
            found.append((ERROR, where + ".search_base_dns", "search_base_dns must be a non-empty list of DNs",
                          'e.g. ["dc=example,dc=org"]'))
        if "timeout" in server and (not isinstance(server["timeout"], int) or server["timeout"] < 1):
            found.append((ERROR, where + ".timeout", "timeout must be a positive number of seconds", "e.g. 10"))
        attributes = server.get("attributes", {})
        if not isinstance(attributes, dict):
            found.append((ERROR, where + ".attributes", "[servers.attributes] must be a table", "fix the table"))
            attributes = {}
        for key in sorted(set(attributes) - LDAP_ATTRIBUTE_KEYS):
            found.append((WARNING, "%s.attributes.%s" % (where, key), "unknown attribute key %s" % key,
                          "use name, surname, username, member_of or email"))
        mappings = server.get("group_mappings", [])
        if not isinstance(mappings, list):
            mappings = []
        if mappings and not server.get("group_search_filter") and not attributes.get("member_of"):
            found.append((ERROR, where + ".attributes.member_of", "group_mappings need the user's groups: neither "
                          "attributes.member_of nor group_search_filter is set",
                          'set attributes.member_of (e.g. "memberOf") or group_search_filter'))
        for mapping_index, mapping in enumerate(mappings):
            mwhere = "%s.group_mappings[%d]" % (where, mapping_index)
            for key in sorted(set(mapping) - LDAP_MAPPING_KEYS):
                found.append((WARNING, "%s.%s" % (mwhere, key), "unknown key %s" % key,
                              "use group_dn, org_role, org_id or grafana_admin"))
            if not isinstance(mapping.get("group_dn"), str) or not mapping["group_dn"]:
                found.append((ERROR, mwhere + ".group_dn", "group_dn is required", 'a group DN or "*"'))
            if mapping.get("org_role") not in roles:
                found.append((ERROR, mwhere + ".org_role", "org_role %r is not one of %s (case sensitive)"
                              % (mapping.get("org_role"), ", ".join(roles)), "pick one of them"))
            if "grafana_admin" in mapping and not isinstance(mapping["grafana_admin"], bool):
                found.append((ERROR, mwhere + ".grafana_admin", "grafana_admin must be true or false",
                              "write a boolean"))
            if "org_id" in mapping and (not isinstance(mapping["org_id"], int) or mapping["org_id"] < 1):
                found.append((ERROR, mwhere + ".org_id", "org_id must be a positive integer", "e.g. 1"))
    return found


# --- provisioning --------------------------------------------------------------------------------

def _env_names(value):
    return [a or b for a, b in PROVISIONING_ENV.findall(str(value))]


def check_datasources_file(text, env=None):
    """Problems of a datasource provisioning file: (severity, where, message, fix)."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as e:
        return [(ERROR, "", "is not valid YAML: %s" % e, "fix the YAML")]
    if not isinstance(data, dict):
        return [(ERROR, "", "must be a mapping with apiVersion and datasources", "fix the file")]
    found = []
    if data.get("apiVersion") != 1:
        found.append((ERROR, "apiVersion", "apiVersion must be 1, got %r" % (data.get("apiVersion"),), "apiVersion: 1"))
    for key in sorted(set(data) - {"apiVersion", "datasources", "deleteDatasources", "prune"}):
        found.append((WARNING, key, "unknown key %s" % key, "remove it"))
    names, uids, defaults = {}, {}, {}
    for index, ds in enumerate(data.get("datasources") or []):
        where = "datasources[%d]" % index
        if not isinstance(ds, dict):
            found.append((ERROR, where, "must be a mapping", "fix the entry"))
            continue
        for key in sorted(set(ds) - DATASOURCE_KEYS):
            found.append((WARNING, "%s.%s" % (where, key), "unknown key %s" % key, "check the provisioning guide"))
        name, kind, uid = ds.get("name"), ds.get("type"), ds.get("uid")
        org = ds.get("orgId", 1)
        if not isinstance(name, str) or not name:
            found.append((ERROR, where + ".name", "name is required", "name the datasource"))
        elif (org, name) in names:
            found.append((ERROR, where + ".name", "name %r is used twice" % name, "give each datasource its own name"))
        else:
            names[(org, name)] = index
        if not isinstance(kind, str) or not kind:
            found.append((ERROR, where + ".type", "type is required", "e.g. prometheus, loki, alertmanager"))
        if not isinstance(uid, str) or not UID_PATTERN.match(uid):
            found.append((ERROR, where + ".uid", "uid %r must be 1 to 40 letters, digits, '-' or '_' (dashboards "
                          "reference datasources by uid, so it must be set and stable)" % (uid,), "set a stable uid"))
        elif uid in uids:
            found.append((ERROR, where + ".uid", "uid %r is used twice" % uid, "give each datasource its own uid"))
        else:
            uids[uid] = index
        if ds.get("access", "proxy") not in ("proxy", "direct"):
            found.append((ERROR, where + ".access", "access %r must be proxy" % ds.get("access"), "access: proxy"))
        elif ds.get("access") == "direct":
            found.append((ERROR, where + ".access", "access: direct makes browsers call the datasource themselves, "
                          "past the NetworkPolicies", "access: proxy"))
        if ds.get("isDefault"):
            if org in defaults:
                found.append((ERROR, where + ".isDefault", "a second default datasource in org %s" % org,
                              "mark one datasource per org as default"))
            defaults[org] = index
        url = ds.get("url")
        if kind in ("prometheus", "loki", "alertmanager"):
            parts = urlsplit(str(url or ""))
            if parts.scheme not in ("http", "https") or not parts.netloc:
                found.append((ERROR, where + ".url", "url %r is not an http(s) URL" % (url,), "give the full URL"))
        json_data = ds.get("jsonData") or {}
        secure = ds.get("secureJsonData") or {}
        if not isinstance(json_data, dict) or not isinstance(secure, dict):
            found.append((ERROR, where, "jsonData and secureJsonData must be mappings", "fix them"))
            continue
        for key, value in secure.items():
            names_used = _env_names(value)
            if not names_used or PROVISIONING_ENV.sub("", str(value)).strip():
                found.append((ERROR, "%s.secureJsonData.%s" % (where, key), "a literal value in secureJsonData would "
                              "sit in a ConfigMap", "write $NAME and set NAME on the Grafana container from a Secret"))
            elif env is not None:
                for env_name in names_used:
                    if env_name not in env:
                        found.append((ERROR, "%s.secureJsonData.%s" % (where, key), "reads $%s, which the Grafana "
                                      "container does not set" % env_name, "add %s to the container's env" % env_name))
        for number in sorted(int(k[len("httpHeaderName"):]) for k in json_data
                             if re.fullmatch(r"httpHeaderName\d+", k)):
            if "httpHeaderValue%d" % number not in secure:
                found.append((ERROR, "%s.jsonData.httpHeaderName%d" % (where, number), "header %r has no "
                              "secureJsonData.httpHeaderValue%d" % (json_data["httpHeaderName%d" % number], number),
                              "set the header's value in secureJsonData"))
        if kind == "prometheus" and json_data.get("httpMethod", "POST") not in ("GET", "POST"):
            found.append((ERROR, where + ".jsonData.httpMethod", "httpMethod must be GET or POST", "use POST"))
        implementation = json_data.get("implementation", "prometheus")
        if kind == "alertmanager" and implementation not in ("prometheus", "mimir", "cortex"):
            found.append((ERROR, where + ".jsonData.implementation", "implementation %r must be prometheus, mimir "
                          "or cortex" % json_data.get("implementation"), "use prometheus"))
    return found


def check_providers_file(text):
    """Problems of a dashboard provider file: (severity, where, message, fix)."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as e:
        return [(ERROR, "", "is not valid YAML: %s" % e, "fix the YAML")]
    if not isinstance(data, dict):
        return [(ERROR, "", "must be a mapping with apiVersion and providers", "fix the file")]
    found = []
    if data.get("apiVersion") != 1:
        found.append((ERROR, "apiVersion", "apiVersion must be 1, got %r" % (data.get("apiVersion"),), "apiVersion: 1"))
    names = set()
    for index, provider in enumerate(data.get("providers") or []):
        where = "providers[%d]" % index
        if not isinstance(provider, dict):
            found.append((ERROR, where, "must be a mapping", "fix the entry"))
            continue
        for key in sorted(set(provider) - PROVIDER_KEYS):
            found.append((WARNING, "%s.%s" % (where, key), "unknown key %s" % key, "check the provisioning guide"))
        name = provider.get("name")
        if not isinstance(name, str) or not name:
            found.append((ERROR, where + ".name", "name is required", "name the provider"))
        elif name in names:
            found.append((ERROR, where + ".name", "name %r is used twice" % name, "give each provider its own name"))
        names.add(name)
        if provider.get("type", "file") != "file":
            found.append((ERROR, where + ".type", "type must be file", "type: file"))
        for key in ("disableDeletion", "allowUiUpdates"):
            if key in provider and not isinstance(provider[key], bool):
                found.append((ERROR, "%s.%s" % (where, key), "%s must be true or false" % key, "write a boolean"))
        interval = provider.get("updateIntervalSeconds", 10)
        if not isinstance(interval, int) or interval < 10:
            found.append((WARNING, where + ".updateIntervalSeconds", "updateIntervalSeconds %r is below Grafana's "
                          "minimum of 10" % (interval,), "use 10 or more"))
        options = provider.get("options") or {}
        path = options.get("path") if isinstance(options, dict) else None
        if not isinstance(path, str) or not path.startswith("/"):
            found.append((ERROR, where + ".options.path", "options.path %r must be an absolute folder" % (path,),
                          "point it at the folder the dashboards are mounted in"))
        if isinstance(options, dict) and options.get("foldersFromFilesStructure") and (
                provider.get("folder") or provider.get("folderUid")):
            found.append((ERROR, where + ".options.foldersFromFilesStructure", "foldersFromFilesStructure cannot "
                          "be combined with folder or folderUid", "leave folder and folderUid empty"))
    return found


# --- the Grafana pod and its files ---------------------------------------------------------------

def _image_version(image):
    tag = str(image).rsplit("/", 1)[-1]
    tag = tag.split("@", 1)[0]
    match = re.search(r":v?(\d+)\.(\d+)", tag)
    return (int(match.group(1)), int(match.group(2))) if match else (13, 2)


def mounted_files(pod_spec, container, configmaps):
    """{absolute path: (ConfigMap name, key)} of the ConfigMap keys visible in ``container``, through
    configMap and projected volumes (with items or whole, mounted as a folder or by subPath).
    ``configmaps`` maps the ConfigMap names of the pod's namespace to their data."""
    volumes = {}
    for volume in pod_spec.get("volumes") or []:
        if not isinstance(volume, dict):
            continue
        sources = []
        if isinstance(volume.get("configMap"), dict):
            sources.append(volume["configMap"])
        for source in (volume.get("projected") or {}).get("sources") or []:
            if isinstance(source, dict) and isinstance(source.get("configMap"), dict):
                sources.append(source["configMap"])
        volumes[volume.get("name")] = sources
    files = {}
    for mount in container.get("volumeMounts") or []:
        if not isinstance(mount, dict):
            continue
        entries = []  # (relative path, configmap name, key)
        for source in volumes.get(mount.get("name"), []):
            name = source.get("name")
            items = source.get("items")
            if items:
                entries.extend((item.get("path"), name, item.get("key")) for item in items if isinstance(item, dict))
            else:
                entries.extend((key, name, key) for key in (configmaps.get(name) or {}))
        sub_path = mount.get("subPath")
        base = str(mount.get("mountPath", ""))
        for relative, name, key in entries:
            if sub_path:
                if relative == sub_path:
                    files[base] = (name, key)
            else:
                files[posixpath.normpath(posixpath.join(base, str(relative)))] = (name, key)
    return files


def find_grafana_pods(objects):
    """(workload, container, namespace) for every container that mounts a grafana.ini from a ConfigMap."""
    configmaps = _configmaps_by_namespace(objects)
    found = []
    for obj in objects or []:
        if not isinstance(obj, dict) or obj.get("kind") not in ("Deployment", "StatefulSet"):
            continue
        namespace = (obj.get("metadata") or {}).get("namespace", "")
        pod = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
        for container in pod.get("containers") or []:
            files = mounted_files(pod, container, configmaps.get(namespace, {}))
            if any(path.endswith("/grafana.ini") for path in files):
                found.append((obj, container, files))
    return found


def _configmaps_by_namespace(objects):
    result = {}
    for obj in objects or []:
        if isinstance(obj, dict) and obj.get("kind") == "ConfigMap":
            meta = obj.get("metadata") or {}
            result.setdefault(meta.get("namespace", ""), {})[meta.get("name")] = obj.get("data") or {}
    return result


def _env_of(container):
    env = {}
    for item in container.get("env") or []:
        if isinstance(item, dict) and item.get("name"):
            env[item["name"]] = item
    return env


def check_grafana(objects):
    """Violations (rule GRAFANA_CONFIG) of every Grafana pod among ``objects`` and the config files it mounts:
    grafana.ini, ldap.toml, datasource and dashboard provisioning; provider folders must be mounted and
    every dashboard ConfigMap of the namespace must be mounted into a provider folder."""
    violations = []
    configmaps = _configmaps_by_namespace(objects)
    cm_objects = {((o.get("metadata") or {}).get("namespace", ""), (o.get("metadata") or {}).get("name")): o
                  for o in objects or [] if isinstance(o, dict) and o.get("kind") == "ConfigMap"}
    for workload, container, files in find_grafana_pods(objects):
        namespace = (workload.get("metadata") or {}).get("namespace", "")
        version = _image_version(container.get("image", ""))
        env = _env_of(container)
        env_names = set(env)
        data = configmaps.get(namespace, {})

        def report(file_ref, where, severity, message, fix, _namespace=namespace, _workload=workload):
            cm = cm_objects.get((_namespace, file_ref[0])) if file_ref else None
            path = 'data["%s"]%s' % (file_ref[1], (" " + where) if where else "") if cm else where
            violations.append(for_object(cm or _workload, RULE, path, message, fix, severity))

        for name, item in env.items():
            section_key = name[3:].lower() if name.startswith("GF_") else ""
            if "value" in item and any(section_key == ("%s_%s" % (s.replace(".", "_"), k))
                                       for s, keys in SECRET_KEYS.items() for k in keys) and item["value"]:
                violations.append(for_object(workload, RULE, "spec.template.spec.containers[%s].env[%s]"
                                             % (container.get("name"), name),
                                             "%s is a credential given as a literal value" % name,
                                             "use valueFrom.secretKeyRef", ERROR))
        config_path = (env.get("GF_PATHS_CONFIG") or {}).get("value", DEFAULT_CONFIG)
        ini_ref = files.get(config_path) or next((ref for path, ref in files.items()
                                                  if path.endswith("/grafana.ini")), None)
        ini_text = (data.get(ini_ref[0]) or {}).get(ini_ref[1], "") if ini_ref else ""
        if ini_ref and config_path not in files:
            report(ini_ref, "", ERROR, "grafana.ini is mounted, but not at %s where Grafana reads it" % config_path,
                   "mount it at %s or set GF_PATHS_CONFIG" % config_path)
        for severity, where, message, fix in check_ini(ini_text, version, env_names):
            report(ini_ref, where, severity, "grafana.ini %s" % message if not message.startswith("grafana") else
                   message, fix)
        sections, _problems = parse_ini(ini_text)
        provisioning = (env.get("GF_PATHS_PROVISIONING") or {}).get("value") \
            or sections.get("paths", {}).get("provisioning") or DEFAULT_PROVISIONING
        if _bool(sections.get("auth.ldap", {}).get("enabled", "false")):
            ldap_path = sections["auth.ldap"].get("config_file", "/etc/grafana/ldap.toml")
            ldap_ref = files.get(ldap_path)
            if not ldap_ref:
                report(ini_ref, "auth.ldap.config_file", ERROR, "LDAP is enabled but %s is not mounted into the "
                       "Grafana container" % ldap_path, "mount the ldap.toml ConfigMap key at that path")
            else:
                ldap_text = (data.get(ldap_ref[0]) or {}).get(ldap_ref[1], "")
                for severity, where, message, fix in check_ldap_toml(ldap_text, version, env_names):
                    report(ldap_ref, where, severity, "ldap.toml: %s" % message, fix)
        provider_paths = []
        for path, ref in sorted(files.items()):
            folder = posixpath.dirname(path)
            text = (data.get(ref[0]) or {}).get(ref[1], "")
            if folder == posixpath.join(provisioning, "datasources") and path.endswith((".yaml", ".yml")):
                for severity, where, message, fix in check_datasources_file(text, env_names):
                    report(ref, where, severity, "datasource provisioning: %s" % message, fix)
            elif folder == posixpath.join(provisioning, "dashboards") and path.endswith((".yaml", ".yml")):
                for severity, where, message, fix in check_providers_file(text):
                    report(ref, where, severity, "dashboard provisioning: %s" % message, fix)
                try:
                    providers = (load_yaml(text) or {}).get("providers") or []
                except (yaml.YAMLError, AttributeError):
                    providers = []
                for index, provider in enumerate(providers):
                    folder_path = ((provider or {}).get("options") or {}).get("path") if isinstance(provider,
                                                                                                    dict) else None
                    if not isinstance(folder_path, str):
                        continue
                    folder_path = posixpath.normpath(folder_path)
                    provider_paths.append(folder_path)
                    if not any(p == folder_path or p.startswith(folder_path + "/") for p in files):
                        report(ref, "providers[%d].options.path" % index, ERROR, "dashboard provider %r reads %s, "
                               "where nothing is mounted" % (provider.get("name"), folder_path),
                               "mount the dashboard ConfigMaps there")
        mounted_dashboards = {ref for path, ref in files.items()
                              if path.endswith(".json") and any(path.startswith(p + "/") for p in provider_paths)}
        for name, cm_data in sorted(configmaps.get(namespace, {}).items()):
            for key in sorted(k for k in cm_data if k.endswith(".json")):
                if '"panels"' in str(cm_data[key]) and (name, key) not in mounted_dashboards:
                    violations.append(for_object(cm_objects[(namespace, name)], RULE, 'data["%s"]' % key,
                                                 "this dashboard is not mounted into a folder a Grafana dashboard "
                                                 "provider reads, so Grafana never loads it",
                                                 "mount the ConfigMap into a provider's options.path", WARNING))
    return violations
