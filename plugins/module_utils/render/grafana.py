# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Grafana's own config files written from the role's settings: grafana.ini from {section: {key: value}}
and ldap.toml from a list of LDAP servers. Their checks are in validate/configs/grafana.py."""

from __future__ import annotations


class GrafanaConfigError(ValueError):
    """The settings cannot be written as a config file (a value Grafana could not read back)."""


def ini_value(value) -> str:
    """A value as grafana.ini must carry it: booleans lower case, lists comma separated, values holding
    '#' or ';' in triple quotes (or Grafana would cut them at that character)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    text = "" if value is None else str(value)
    if "\n" in text or '"""' in text:
        raise GrafanaConfigError("a grafana.ini value cannot hold a newline or triple quotes: %r" % text)
    if "#" in text or ";" in text or (text[:1] in "\"`" and text):
        return '"""%s"""' % text
    return text


def render_ini(config) -> str:
    """grafana.ini text for {section: {key: value}} (section '' first, for keys outside sections)."""
    if not isinstance(config, dict):
        raise GrafanaConfigError("the grafana.ini settings must be a mapping of sections, got %s"
                                 % type(config).__name__)
    out = []
    for section in sorted(config, key=lambda s: (s != "", s)):
        keys = config[section]
        if not isinstance(keys, dict):
            raise GrafanaConfigError("grafana.ini section [%s] must be a mapping of keys, got %r" % (section, keys))
        if section:
            out.append("[%s]" % section)
        for key in sorted(keys):
            if keys[key] is None:
                continue
            out.append("%s = %s" % (key, ini_value(keys[key])))
        out.append("")
    return "\n".join(out)


def toml_string(value) -> str:
    """A TOML basic string."""
    out = ['"']
    for char in str(value):
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append("\\u%04X" % ord(char))
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return toml_string(value)


def render_ldap_toml(servers) -> str:
    """ldap.toml for a list of server mappings (the keys of LDAP_SERVER_KEYS in validate/configs/grafana.py;
    ``attributes`` a mapping, ``group_mappings`` a list of mappings)."""
    out = []
    for server in servers:
        out.append("[[servers]]")
        for key in sorted(k for k in server if k not in ("attributes", "group_mappings")):
            if server[key] is not None:
                out.append("%s = %s" % (key, toml_value(server[key])))
        if server.get("attributes"):
            out.append("")
            out.append("[servers.attributes]")
            for key in sorted(server["attributes"]):
                out.append("%s = %s" % (key, toml_value(server["attributes"][key])))
        for mapping in server.get("group_mappings") or []:
            out.append("")
            out.append("[[servers.group_mappings]]")
            for key in sorted(mapping):
                out.append("%s = %s" % (key, toml_value(mapping[key])))
        out.append("")
    return "\n".join(out)
