# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Alertmanager's config, built from inventory data as plain dicts.

``build_config`` turns the role's variables into ``alertmanager.yml`` and the list of Secrets it
reads. Credentials never appear in the config: the inventory gives a reference
``{secret: <Secret name>, key: <key>}`` where Alertmanager expects a credential, and the config gets
the matching ``*_file`` setting pointing at that key as mounted in the pod
(``<secrets_root>/<secret>/<key>``). A literal credential is refused.

The validate phase checks every ``alertmanager.yml`` (ours or a user's) with the functions of
validate/configs/alertmanager_policy.py (rules M006 and K017) and with amtool.

Versions: the ``*_file`` settings used here exist in Alertmanager 0.25+ (Slack ``api_url_file``
0.22, PagerDuty ``routing_key_file``/``service_key_file`` and e-mail ``auth_password_file`` 0.25,
webhook ``url_file`` 0.26, e-mail ``auth_secret_file`` 0.31); ``MIN_VERSIONS`` lists those newer
than 0.22 so a reference is refused for an image that cannot read it.
"""

from __future__ import annotations

import copy
import hashlib
import re

from ansible_collections.vmstation.monitoring.plugins.module_utils.render import alertmanager_egress
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.preflight import message
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.units import unit_hint
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.alertmanager import (
    NULL_RECEIVERS_ANNOTATION,
    RECEIVER_SECTIONS,
    has_notifier,
    is_credential,
    walk_routes,
)

# Receiver that drops what it gets. It is declared on purpose (see NULL_RECEIVERS_ANNOTATION).
BLACKHOLE = "blackhole"
DEFAULT_SECRETS_ROOT = "/etc/alertmanager/secrets"
DEFAULT_TEMPLATES_DIR = "/etc/alertmanager/templates"

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

_ROUTE_KEYS = frozenset({"receiver", "group_by", "continue", "matchers", "match", "match_re", "group_wait",
                         "group_interval", "repeat_interval", "mute_time_intervals", "active_time_intervals",
                         "routes"})
_ROUTE_DURATIONS = ("group_wait", "group_interval", "repeat_interval")
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


def secret_volume_name(secret):
    """Pod volume name of a mounted Secret: a DNS label, stable for a given Secret name."""
    name = "secret-" + secret
    if len(name) <= 63:
        return name
    return name[:54].rstrip("-") + "-" + hashlib.sha256(secret.encode()).hexdigest()[:8]


class _CredentialFiles:
    """Turns the Secret references of the settings into `*_file` settings and records the Secrets mounted."""

    def __init__(self, secrets_root, version, problems):
        self.secrets_root = secrets_root.rstrip("/")
        self.version = version
        self.problems = problems
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
            elif is_credential(setting, section) and item not in (None, ""):
                self.problem(here, "is a credential and must not be written in the config; give "
                             "{secret: <Secret name>, key: <key>} and store the value in that Secret")
            else:
                child_section = setting if setting in RECEIVER_SECTIONS else section
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

    def mounts(self):
        """The Secrets referenced: name, keys, who uses them, and where the pod mounts them."""
        return [{"name": name, "keys": sorted(entry["keys"]), "used_by": entry["used_by"],
                 "volume": secret_volume_name(name), "mount_path": "%s/%s" % (self.secrets_root, name)}
                for name, entry in sorted(self.secrets.items())]


def _check_duration(value, path, problems):
    if value is not None and not _DURATION.match(str(value)):
        problems.append("%s: %r is not a duration such as 30s, 5m or 4h%s" % (path, value, unit_hint(value, "duration")))


def _duplicates(names):
    return sorted({n for n in names if names.count(n) > 1})


def _receiver(receiver, path, credentials):
    """One receiver of the inventory with its Secret references resolved, or None if it is unusable."""
    problems = credentials.problems
    if not isinstance(receiver, dict) or not receiver.get("name"):
        problems.append("%s: a receiver needs a `name` and at least one `<type>_configs` list" % path)
        return None
    name = receiver["name"]
    path = "%s (%s)" % (path, name)
    if name == BLACKHOLE:
        problems.append("%s: the name %r is reserved for the receiver that drops alerts on purpose"
                        % (path, BLACKHOLE))
        return None
    unknown = sorted(k for k in receiver if k != "name" and not str(k).endswith("_configs"))
    if unknown:
        problems.append("%s: unknown settings %s; a receiver has `name` and `<type>_configs` lists"
                        % (path, ", ".join(unknown)))
    if not has_notifier(receiver):
        problems.append("%s: has no notifier; add slack_configs, pagerduty_configs, email_configs or "
                        "webhook_configs, or route to %r to drop alerts on purpose" % (path, BLACKHOLE))
    resolved = {"name": name}
    for section, configs in receiver.items():
        if section == "name" or section in unknown:
            continue
        if not isinstance(configs, list):
            problems.append("%s.%s: must be a list of notifier settings" % (path, section))
            continue
        resolved[section] = credentials.resolve(configs, "%s.%s" % (path, section), section)
    return resolved


def _receivers(items, credentials):
    """The inventory's receivers resolved, each name once, then the receiver that drops alerts."""
    receivers = []
    for i, receiver in enumerate(items):
        resolved = _receiver(receiver, "alertmanager_receivers[%d]" % i, credentials)
        if resolved:
            receivers.append(resolved)
    names = [r["name"] for r in receivers]
    for name in _duplicates(names):
        credentials.problems.append("alertmanager_receivers: receiver %r is defined %d times"
                                    % (name, names.count(name)))
    return receivers + [{"name": BLACKHOLE}]


def _interval_names(intervals, problems):
    """The names of the inventory's time intervals, each checked."""
    names = []
    for i, interval in enumerate(intervals):
        if not isinstance(interval, dict) or not interval.get("name") \
                or not isinstance(interval.get("time_intervals"), list):
            problems.append("alertmanager_time_intervals[%d]: needs a `name` and a `time_intervals` list" % i)
        else:
            names.append(interval["name"])
    for name in _duplicates(names):
        problems.append("alertmanager_time_intervals: %r is defined more than once" % name)
    return names


def _check_route(route, path, top, known, interval_names, problems):
    """A child route of the inventory (``top``: directly under the root) and the routes below it."""
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
    for key in _ROUTE_DURATIONS:
        _check_duration(route.get(key), "%s.%s" % (path, key), problems)
    for j, child in enumerate(route.get("routes") or []):
        _check_route(child, "%s.routes[%d]" % (path, j), False, known, interval_names, problems)


def _known_receiver(name, variable, known, problems):
    """``name`` (the drop receiver when unset), which must be one of ``known``."""
    name = name or BLACKHOLE
    if name not in known:
        problems.append("%s: %r is not a receiver (known: %s)" % (variable, name, ", ".join(sorted(known))))
    return name


def _root_settings(settings, problems):
    """The root route's settings from alertmanager_route, without what other variables set."""
    settings = dict(settings)
    for key in _ROUTE_DURATIONS:
        _check_duration(settings.get(key), "alertmanager_route.%s" % key, problems)
    for key in ("receiver", "routes", "matchers", "match", "match_re", "continue"):
        if key in settings:
            problems.append("alertmanager_route.%s: set the catch-all receiver with alertmanager_default_receiver "
                            "and child routes with alertmanager_routes" % key)
            settings.pop(key)
    return settings


def _inhibit_rules(rules, problems):
    found = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict) or not rule.get("source_matchers") or not rule.get("target_matchers"):
            problems.append("alertmanager_inhibit_rules[%d]: needs `source_matchers` and `target_matchers` (lists "
                            "of matchers such as 'severity=\"critical\"')" % i)
            continue
        found.append(rule)
    return found


def _check_templates(templates, problems):
    for name in sorted(templates):
        if not _TEMPLATE_NAME.match(str(name)):
            problems.append("alertmanager_templates: %r must be a file name ending in .tmpl (letters, digits, '-', '_')"
                            % name)


def _deadmansswitch_route(dms, receiver):
    """The first child route: the always-firing alert, repeated so its absence is noticed downstream."""
    return {
        "receiver": receiver,
        "matchers": ['alertname="%s"' % dms.get("alertname", "Watchdog")],
        "group_by": ["alertname"],
        "group_wait": "0s",
        "group_interval": dms.get("repeat_interval") or "1m",
        "repeat_interval": dms.get("repeat_interval") or "1m",
        "continue": False,
    }


def _config(global_config, route, receivers, inhibit_rules, intervals, templates, templates_dir):
    """alertmanager.yml in Alertmanager's key order, without the sections left empty."""
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
    return config


def build_config(spec):
    """Build alertmanager.yml from the role's settings.

    ``spec`` keys: ``global`` (dict), ``route`` (root route settings: group_by, group_wait, ...),
    ``default_receiver`` (str), ``receivers`` (list, native Alertmanager receivers whose credentials
    are Secret references), ``routes`` (list of child routes), ``inhibit_rules`` (list),
    ``time_intervals`` (list), ``deadmansswitch`` (dict: alertname, receiver, repeat_interval),
    ``templates`` (dict file name -> text), ``secrets_root``, ``templates_dir``, ``version`` (image tag),
    ``notification_cidrs`` (the address ranges of the endpoints called by name, required for them when the key is
    given), ``notification_egress`` (the inventory's own egress rules; see render/alertmanager_egress.py), and
    ``namespace`` and ``cluster_domain`` (where Alertmanager runs, to tell in-cluster Services).

    Returns ``{"config": dict, "secrets": [{"name", "keys", "used_by", "volume", "mount_path"}],
    "null_receivers": [str], "annotations": {annotation: value}, "egress": [NetworkPolicy egress rules]}``
    (the annotations go on the ConfigMap; the egress rules reach the receivers' endpoints)
    or raises AlertmanagerConfigError listing every problem.
    """
    spec = copy.deepcopy(spec)
    problems = []
    credentials = _CredentialFiles(spec.get("secrets_root") or DEFAULT_SECRETS_ROOT,
                                   parse_version(spec.get("version") or ""), problems)
    receivers = _receivers(spec.get("receivers") or [], credentials)
    known = {r["name"] for r in receivers}
    global_config = credentials.resolve(spec.get("global") or {}, "alertmanager_global", "global")
    intervals = spec.get("time_intervals") or []
    interval_names = _interval_names(intervals, problems)
    user_routes = spec.get("routes") or []
    for i, route in enumerate(user_routes):
        _check_route(route, "alertmanager_routes[%d]" % i, True, known, interval_names, problems)
    default_receiver = _known_receiver(spec.get("default_receiver"), "alertmanager_default_receiver", known,
                                       problems)
    dms = spec.get("deadmansswitch") or {}
    dms_receiver = _known_receiver(dms.get("receiver"), "alertmanager_deadmansswitch_receiver", known, problems)
    _check_duration(dms.get("repeat_interval"), "alertmanager_deadmansswitch_repeat_interval", problems)
    root_settings = _root_settings(spec.get("route") or {}, problems)
    inhibit_rules = _inhibit_rules(spec.get("inhibit_rules") or [], problems)
    templates = spec.get("templates") or {}
    _check_templates(templates, problems)
    endpoints, endpoint_problems = alertmanager_egress.notification_endpoints(spec.get("receivers") or [],
                                                                              spec.get("global") or {})
    # Without notification_cidrs (a caller other than the role) the ranges are not required.
    egress, egress_problems = alertmanager_egress.egress_rules(
        endpoints, spec.get("notification_cidrs", []),
        own_rules=bool(spec.get("notification_egress")) or "notification_cidrs" not in spec,
        namespace=spec.get("namespace") or "monitoring", cluster_domain=spec.get("cluster_domain") or "cluster.local")
    problems.extend(endpoint_problems + egress_problems)
    if problems:
        raise AlertmanagerConfigError(problems)

    route = {"receiver": default_receiver}
    route.update(root_settings)
    route["routes"] = [_deadmansswitch_route(dms, dms_receiver)] + [copy.deepcopy(r) for r in user_routes]
    templates_dir = (spec.get("templates_dir") or DEFAULT_TEMPLATES_DIR).rstrip("/")
    config = _config(global_config, route, receivers, inhibit_rules, intervals, templates, templates_dir)
    null_receivers = sorted({r.get("receiver") for r, _path in walk_routes(route, "route")} & {BLACKHOLE})
    annotations = {NULL_RECEIVERS_ANNOTATION: ",".join(null_receivers)} if null_receivers else {}
    return {"config": config, "secrets": credentials.mounts(), "null_receivers": null_receivers,
            "annotations": annotations, "egress": egress}


SECRET_DATA_VARIABLE = "alertmanager_secret_data"


def secret_data_problems(secrets, given):
    """One message per Secret of ``given`` that no receiver reads, and per key that a receiver reads from a Secret of
    ``given`` and that it lacks. ``secrets``: ``build_config``'s; ``given``: the names of the Secrets of
    alertmanager_secret_data, each with its keys (never the values). A Secret not given is managed outside the
    collection, and is not a problem."""
    referenced = {s["name"]: s for s in secrets}
    problems = []
    for name, keys in sorted(given.items()):
        variable = "%s.%s" % (SECRET_DATA_VARIABLE, name)
        if name not in referenced:
            problems.append(message(variable, sorted(keys), (
                "must be read by a receiver, but no receiver of alertmanager_receivers (or alertmanager_global) "
                "references the Secret %s: remove it, or reference it as {secret: %s, key: <key>} (referenced: %s)")
                % (name, name, ", ".join(sorted(referenced)) or "none")))
            continue
        for key in referenced[name]["keys"]:
            if key not in keys:
                problems.append(message(variable, sorted(keys), "must have the key %s, which the receivers read (the "
                                        "Secret %s is read by %s)" % (key, name, ", ".join(referenced[name]["used_by"]))))
    return problems


def secret_descriptions(secrets, given, namespace, labels):
    """What the apply phase needs to create the Secrets of ``given`` that the receivers read
    (module_utils/apply/secrets.py): name, namespace, labels and, for each key, where its value is
    (alertmanager_secret_data[<Secret>][<key>]); never a value."""
    return [{"name": s["name"], "namespace": namespace, "component": "alertmanager", "labels": labels,
             "keys": [{"key": key, "variable": SECRET_DATA_VARIABLE, "path": [s["name"], key]} for key in s["keys"]]}
            for s in secrets if s["name"] in given]
