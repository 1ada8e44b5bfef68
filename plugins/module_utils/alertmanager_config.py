# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Alertmanager's routing, built from inventory data and checked, as plain dicts.

``build_config`` turns the role's variables into ``alertmanager.yml`` and the list of Secrets it
reads. Credentials never appear in the config: the inventory gives a reference
``{secret: <Secret name>, key: <key>}`` where Alertmanager expects a credential, and the config gets
the matching ``*_file`` setting pointing at that key as mounted in the pod
(``<secrets_root>/<secret>/<key>``). A literal credential is refused.

``routing_problems`` and ``credential_problems`` check any ``alertmanager.yml`` (ours or a user's):
every route ends at a receiver that exists (rule M006), a receiver that drops alerts is only used when
declared on purpose, and no credential is written in clear (rule K017).

Versions: the ``*_file`` settings used here exist in Alertmanager 0.25+ (Slack ``api_url_file``
0.22, PagerDuty ``routing_key_file``/``service_key_file`` and e-mail ``auth_password_file`` 0.25,
webhook ``url_file`` 0.26, e-mail ``auth_secret_file`` 0.31); ``MIN_VERSIONS`` lists those newer
than 0.22 so a reference is refused for an image that cannot read it.
"""

from __future__ import annotations

import copy
import hashlib
import re

# Receiver that drops what it gets. It is declared on purpose (see NULL_RECEIVERS_ANNOTATION).
BLACKHOLE = "blackhole"
# Annotation on the ConfigMap carrying alertmanager.yml: comma-separated receivers that drop alerts on
# purpose. M006 refuses a route to a receiver without notifiers unless it is listed there.
NULL_RECEIVERS_ANNOTATION = "alertmanager.vmstation.io/null-receivers"
DEFAULT_SECRETS_ROOT = "/etc/alertmanager/secrets"
DEFAULT_TEMPLATES_DIR = "/etc/alertmanager/templates"

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

# (section, `*_file` setting) -> first Alertmanager version that reads it.
MIN_VERSIONS = {
    ("pagerduty_configs", "routing_key_file"): (0, 25, 0),
    ("pagerduty_configs", "service_key_file"): (0, 25, 0),
    ("email_configs", "auth_password_file"): (0, 25, 0),
    ("global", "smtp_auth_password_file"): (0, 25, 0),
    ("webhook_configs", "url_file"): (0, 26, 0),
    ("email_configs", "auth_secret_file"): (0, 31, 0),
    ("global", "smtp_auth_secret_file"): (0, 31, 0),
}

_RECEIVER_SECTIONS = ("slack_configs", "pagerduty_configs", "email_configs", "webhook_configs",
                      "opsgenie_configs", "victorops_configs", "pushover_configs", "wechat_configs",
                      "telegram_configs", "sns_configs", "webex_configs", "msteams_configs",
                      "msteamsv2_configs", "discord_configs", "jira_configs", "rocketchat_configs",
                      "incidentio_configs", "mattermost_configs")
_ROUTE_KEYS = frozenset({"receiver", "group_by", "continue", "matchers", "match", "match_re", "group_wait",
                         "group_interval", "repeat_interval", "mute_time_intervals", "active_time_intervals",
                         "routes"})
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")
_DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")
_TEMPLATE_NAME = re.compile(r"^[-_a-zA-Z0-9]+\.tmpl$")


class AlertmanagerConfigError(Exception):
    """The inventory's alerting settings cannot be turned into a valid config; ``problems`` lists all."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join("- " + p for p in self.problems))


def parse_version(text):
    """(major, minor, patch) of an image tag such as ``v0.26.0`` or ``0.34.0@sha256:...``."""
    match = re.match(r"^v?(\d+)\.(\d+)(?:\.(\d+))?", str(text).split("@", 1)[0])
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def _fmt_version(version):
    return "%d.%d.%d" % version


def is_secret_ref(value):
    return isinstance(value, dict) and set(value) == {"secret", "key"}


def _is_credential(setting, section):
    if setting not in CREDENTIAL_SETTINGS:
        return False
    only_under = _CREDENTIAL_ONLY_UNDER.get(setting)
    return only_under is None or section in only_under


def secret_volume_name(secret):
    """Pod volume name of a mounted Secret: a DNS label, stable for a given Secret name."""
    name = "secret-" + secret
    if len(name) <= 63:
        return name
    return name[:54].rstrip("-") + "-" + hashlib.sha256(secret.encode()).hexdigest()[:8]


class _Builder:
    def __init__(self, secrets_root, version):
        self.secrets_root = secrets_root.rstrip("/")
        self.version = version
        self.problems = []
        self.secrets = {}  # name -> {"keys": set, "used_by": list}

    def problem(self, path, message):
        self.problems.append("%s: %s" % (path, message))

    def resolve(self, value, path, section):
        """Copy ``value`` with every Secret reference turned into a `*_file` setting."""
        if isinstance(value, list):
            return [self.resolve(item, "%s[%d]" % (path, i), section) for i, item in enumerate(value)]
        if not isinstance(value, dict):
            return value
        result = {}
        for setting, item in value.items():
            here = "%s.%s" % (path, setting)
            if is_secret_ref(item):
                if setting.endswith("_file"):
                    self.problem(here, "give the Secret reference under %r, not under the file setting"
                                 % setting[:-5])
                    continue
                file_setting = setting + "_file"
                needed = MIN_VERSIONS.get((section, file_setting))
                if needed and self.version and self.version < needed:
                    self.problem(here, "Alertmanager %s cannot read %s (added in %s); use a newer image or "
                                 "another way to pass this credential" % (_fmt_version(self.version),
                                                                          file_setting, _fmt_version(needed)))
                    continue
                result[file_setting] = self.mount(item, here)
            elif isinstance(item, dict) and ("secret" in item or "key" in item) and set(item) <= {"secret", "key"}:
                self.problem(here, "a Secret reference needs both `secret` and `key`, got %s" % sorted(item))
            elif setting.endswith("_file") and isinstance(item, str):
                self.problem(here, "file settings are written by the collection; give {secret: <name>, key: <key>} "
                             "under %r instead" % setting[:-5])
            elif _is_credential(setting, section) and item not in (None, ""):
                self.problem(here, "is a credential and must not be written in the config; give "
                             "{secret: <Secret name>, key: <key>} and store the value in that Secret")
            else:
                child_section = setting if setting in _RECEIVER_SECTIONS else section
                result[setting] = self.resolve(item, here, child_section)
        return result

    def mount(self, ref, path):
        secret, key = str(ref["secret"]), str(ref["key"])
        ok = True
        if not _DNS_SUBDOMAIN.match(secret) or len(secret) > 253:
            self.problem(path, "Secret name %r is not a valid Kubernetes name (lower-case letters, digits, '-', '.')"
                         % secret)
            ok = False
        if not _SECRET_KEY.match(key):
            self.problem(path, "Secret key %r may only hold letters, digits, '-', '_' and '.'" % key)
            ok = False
        if ok:
            entry = self.secrets.setdefault(secret, {"keys": set(), "used_by": []})
            entry["keys"].add(key)
            entry["used_by"].append(path)
        return "%s/%s/%s" % (self.secrets_root, secret, key)


def _receiver_names(config):
    return [r.get("name") for r in (config.get("receivers") or []) if isinstance(r, dict)]


def _has_notifier(receiver):
    return any(receiver.get(section) for section in receiver if str(section).endswith("_configs"))


def _walk_routes(route, path):
    yield route, path
    for i, child in enumerate(route.get("routes") or []):
        if isinstance(child, dict):
            yield from _walk_routes(child, "%s.routes[%d]" % (path, i))


def routing_problems(config, null_receivers=()):
    """Rule M006 over a parsed alertmanager.yml: a list of (path, message, fix) tuples.

    Every route's receiver (own or inherited) must exist; receivers must be unique; a receiver without
    any notifier drops alerts and may only be routed to when it is in ``null_receivers``.
    """
    found = []
    names = _receiver_names(config)
    receivers = {r.get("name"): r for r in (config.get("receivers") or []) if isinstance(r, dict)}
    for name in sorted({n for n in names if names.count(n) > 1}, key=str):
        found.append(("receivers", "receiver %r is defined %d times" % (name, names.count(name)),
                      "give every receiver a unique name"))
    root = config.get("route")
    if not isinstance(root, dict):
        return found + [("route", "there is no root route", "add a `route` with a `receiver`")]
    if not root.get("receiver"):
        found.append(("route.receiver", "the root route has no receiver, so alerts no child route matches "
                      "go nowhere", "set the root route's receiver (the catch-all)"))
    intervals = {t.get("name") for t in (config.get("time_intervals") or []) + (config.get("mute_time_intervals") or [])
                 if isinstance(t, dict)}
    declared = set(null_receivers)
    for route, path in _walk_routes(root, "route"):
        receiver = route.get("receiver")
        if receiver is not None and receiver not in receivers:
            found.append((path + ".receiver", "receiver %r does not exist (receivers: %s)"
                          % (receiver, ", ".join(sorted(str(n) for n in receivers)) or "none"),
                          "define receiver %r or route to an existing one" % receiver))
        elif receiver is not None and not _has_notifier(receivers[receiver]) and receiver not in declared:
            what = "the catch-all route" if path == "route" else "this route"
            found.append((path + ".receiver", "receiver %r has no notifier, so %s drops its alerts without "
                          "saying so" % (receiver, what),
                          "route to a receiver that notifies, or declare the drop on purpose in the annotation "
                          "%s of the ConfigMap" % NULL_RECEIVERS_ANNOTATION))
        for key in ("mute_time_intervals", "active_time_intervals"):
            for name in route.get(key) or []:
                if name not in intervals:
                    found.append(("%s.%s" % (path, key), "time interval %r is not defined" % name,
                                  "define it under time_intervals or remove the reference"))
    for name in sorted(declared - set(receivers), key=str):
        found.append(("metadata.annotations", "receiver %r is declared as dropping alerts but does not exist"
                      % name, "remove it from %s" % NULL_RECEIVERS_ANNOTATION))
    return found


def credential_problems(config):
    """Rule K017 over a parsed alertmanager.yml: credentials written in clear, as (path, message, fix)."""
    found = []

    def walk(value, path, section):
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, "%s[%d]" % (path, i), section)
        elif isinstance(value, dict):
            for setting, item in value.items():
                here = "%s.%s" % (path, setting)
                if _is_credential(setting, section) and isinstance(item, str) and item:
                    found.append((here, "a credential is written in clear in the config",
                                  "mount it from a Secret and use %s_file" % setting))
                else:
                    walk(item, here, setting if setting in _RECEIVER_SECTIONS or setting == "global" else section)

    walk(config, "", "")
    return [(path.lstrip("."), message, fix) for path, message, fix in found]


def file_references(config):
    """Every file the config reads: (path in the config, file path), `*_file` settings and templates."""
    found = []

    def walk(value, path):
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, "%s[%d]" % (path, i))
        elif isinstance(value, dict):
            for setting, item in value.items():
                here = "%s.%s" % (path, setting) if path else str(setting)
                if str(setting).endswith("_file") and isinstance(item, str):
                    found.append((here, item))
                else:
                    walk(item, here)

    walk({k: v for k, v in config.items() if k != "templates"}, "")
    return found


def _check_duration(value, path, problems):
    if value is not None and not _DURATION.match(str(value)):
        problems.append("%s: %r is not a duration such as 30s, 5m or 4h" % (path, value))


def build_config(spec):
    """Build alertmanager.yml from the role's settings.

    ``spec`` keys: ``global`` (dict), ``route`` (root route settings: group_by, group_wait, ...),
    ``default_receiver`` (str), ``receivers`` (list, native Alertmanager receivers whose credentials
    are Secret references), ``routes`` (list of child routes), ``inhibit_rules`` (list),
    ``time_intervals`` (list), ``deadmansswitch`` (dict: alertname, receiver, repeat_interval),
    ``templates`` (dict file name -> text), ``secrets_root``, ``templates_dir``, ``version`` (image tag).

    Returns ``{"config": dict, "secrets": [{"name", "keys", "used_by", "volume", "mount_path"}],
    "null_receivers": [str], "annotations": {annotation: value}}`` (the annotations go on the ConfigMap)
    or raises AlertmanagerConfigError listing every problem.
    """
    spec = copy.deepcopy(spec)
    version = parse_version(spec.get("version") or "")
    builder = _Builder(spec.get("secrets_root") or DEFAULT_SECRETS_ROOT, version)
    problems = builder.problems

    receivers = []
    for i, receiver in enumerate(spec.get("receivers") or []):
        path = "alertmanager_receivers[%d]" % i
        if not isinstance(receiver, dict) or not receiver.get("name"):
            problems.append("%s: a receiver needs a `name` and at least one `<type>_configs` list" % path)
            continue
        name = receiver["name"]
        path = "alertmanager_receivers[%d] (%s)" % (i, name)
        if name == BLACKHOLE:
            problems.append("%s: the name %r is reserved for the receiver that drops alerts on purpose"
                            % (path, BLACKHOLE))
            continue
        unknown = sorted(k for k in receiver if k != "name" and not str(k).endswith("_configs"))
        if unknown:
            problems.append("%s: unknown settings %s; a receiver has `name` and `<type>_configs` lists"
                            % (path, ", ".join(unknown)))
        if not _has_notifier(receiver):
            problems.append("%s: has no notifier; add slack_configs, pagerduty_configs, email_configs or "
                            "webhook_configs, or route to %r to drop alerts on purpose" % (path, BLACKHOLE))
        resolved = {"name": name}
        for section, configs in receiver.items():
            if section == "name" or section in unknown:
                continue
            if not isinstance(configs, list):
                problems.append("%s.%s: must be a list of notifier settings" % (path, section))
                continue
            resolved[section] = builder.resolve(configs, "%s.%s" % (path, section), section)
        receivers.append(resolved)
    names = [r["name"] for r in receivers]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append("alertmanager_receivers: receiver %r is defined %d times" % (name, names.count(name)))
    receivers.append({"name": BLACKHOLE})
    known = set(names) | {BLACKHOLE}

    global_config = builder.resolve(spec.get("global") or {}, "alertmanager_global", "global")

    intervals = spec.get("time_intervals") or []
    interval_names = []
    for i, interval in enumerate(intervals):
        if not isinstance(interval, dict) or not interval.get("name") or not isinstance(interval.get("time_intervals"), list):
            problems.append("alertmanager_time_intervals[%d]: needs a `name` and a `time_intervals` list" % i)
        else:
            interval_names.append(interval["name"])
    for name in sorted({n for n in interval_names if interval_names.count(n) > 1}):
        problems.append("alertmanager_time_intervals: %r is defined more than once" % name)

    def check_route(route, path, top):
        if not isinstance(route, dict):
            problems.append("%s: a route must be a mapping" % path)
            return
        unknown = sorted(set(route) - _ROUTE_KEYS)
        if unknown:
            problems.append("%s: unknown route settings %s" % (path, ", ".join(unknown)))
        receiver = route.get("receiver")
        if top and receiver is None:
            problems.append("%s: needs a `receiver`" % path)
        if receiver is not None and receiver not in known:
            problems.append("%s.receiver: %r is not a receiver (known: %s); add it to alertmanager_receivers"
                            % (path, receiver, ", ".join(sorted(known))))
        if top and not (route.get("matchers") or route.get("match") or route.get("match_re")):
            problems.append("%s: has no matchers, so it would take every alert away from the routes after it; "
                            "use `matchers`, or set alertmanager_default_receiver for the catch-all" % path)
        for key in ("mute_time_intervals", "active_time_intervals"):
            for name in route.get(key) or []:
                if name not in interval_names:
                    problems.append("%s.%s: time interval %r is not defined in alertmanager_time_intervals"
                                    % (path, key, name))
        for key in ("group_wait", "group_interval", "repeat_interval"):
            _check_duration(route.get(key), "%s.%s" % (path, key), problems)
        for j, child in enumerate(route.get("routes") or []):
            check_route(child, "%s.routes[%d]" % (path, j), False)

    user_routes = spec.get("routes") or []
    for i, route in enumerate(user_routes):
        check_route(route, "alertmanager_routes[%d]" % i, True)

    default_receiver = spec.get("default_receiver") or BLACKHOLE
    if default_receiver not in known:
        problems.append("alertmanager_default_receiver: %r is not a receiver (known: %s)"
                        % (default_receiver, ", ".join(sorted(known))))

    dms = spec.get("deadmansswitch") or {}
    dms_receiver = dms.get("receiver") or BLACKHOLE
    if dms_receiver not in known:
        problems.append("alertmanager_deadmansswitch_receiver: %r is not a receiver (known: %s)"
                        % (dms_receiver, ", ".join(sorted(known))))
    _check_duration(dms.get("repeat_interval"), "alertmanager_deadmansswitch_repeat_interval", problems)

    root_settings = dict(spec.get("route") or {})
    for key in ("group_wait", "group_interval", "repeat_interval"):
        _check_duration(root_settings.get(key), "alertmanager_route.%s" % key, problems)
    for key in ("receiver", "routes", "matchers", "match", "match_re", "continue"):
        if key in root_settings:
            problems.append("alertmanager_route.%s: set the catch-all receiver with alertmanager_default_receiver "
                            "and child routes with alertmanager_routes" % key)
            root_settings.pop(key)

    inhibit_rules = []
    for i, rule in enumerate(spec.get("inhibit_rules") or []):
        path = "alertmanager_inhibit_rules[%d]" % i
        if not isinstance(rule, dict) or not rule.get("source_matchers") or not rule.get("target_matchers"):
            problems.append("%s: needs `source_matchers` and `target_matchers` (lists of matchers such as "
                            "'severity=\"critical\"')" % path)
            continue
        inhibit_rules.append(rule)

    templates = spec.get("templates") or {}
    templates_dir = (spec.get("templates_dir") or DEFAULT_TEMPLATES_DIR).rstrip("/")
    for name in sorted(templates):
        if not _TEMPLATE_NAME.match(str(name)):
            problems.append("alertmanager_templates: %r must be a file name ending in .tmpl (letters, digits, '-', '_')"
                            % name)

    if problems:
        raise AlertmanagerConfigError(problems)

    dms_route = {
        "receiver": dms_receiver,
        "matchers": ['alertname="%s"' % dms.get("alertname", "Watchdog")],
        "group_by": ["alertname"],
        "group_wait": "0s",
        "group_interval": dms.get("repeat_interval") or "1m",
        "repeat_interval": dms.get("repeat_interval") or "1m",
        "continue": False,
    }
    route = {"receiver": default_receiver}
    route.update(root_settings)
    route["routes"] = [dms_route] + [copy.deepcopy(r) for r in user_routes]

    config = {}
    if global_config:
        config["global"] = global_config
    config["route"] = route
    config["receivers"] = receivers
    if inhibit_rules:
        config["inhibit_rules"] = inhibit_rules
    if intervals:
        config["time_intervals"] = intervals
    if templates:
        config["templates"] = ["%s/*.tmpl" % templates_dir]

    used = {r.get("receiver") for r, _path in _walk_routes(route, "route")}
    null_receivers = sorted(n for n in used if n == BLACKHOLE)
    remaining = routing_problems(config, null_receivers) + credential_problems(config)
    if remaining:  # a bug of this builder, not of the inventory; still never hand out a bad config
        raise AlertmanagerConfigError(["%s: %s" % (path, message) for path, message, _fix in remaining])
    secrets = [{"name": name, "keys": sorted(entry["keys"]), "used_by": entry["used_by"],
                "volume": secret_volume_name(name), "mount_path": "%s/%s" % (builder.secrets_root, name)}
               for name, entry in sorted(builder.secrets.items())]
    annotations = {NULL_RECEIVERS_ANNOTATION: ",".join(null_receivers)} if null_receivers else {}
    return {"config": config, "secrets": secrets, "null_receivers": null_receivers, "annotations": annotations}
