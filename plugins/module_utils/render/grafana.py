# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Grafana's own config files written from the role's settings: grafana.ini from {section: {key: value}}
and ldap.toml from a list of LDAP servers, and the egress rules to the servers of the extra datasources.
The config files' checks are in validate/configs/grafana.py."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import network


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


# Ports of the SQL datasources, whose url is host[:port] rather than a URL.
_SQL_PORTS = {"postgres": 5432, "grafana-postgresql-datasource": 5432, "mysql": 3306, "mssql": 1433}
DATASOURCE_CIDRS_VARIABLE = "grafana_datasource_cidrs"


def _datasource_endpoint(datasource, path):
    """``(endpoint, problem)`` of the server Grafana calls for ``datasource``, or ``(None, None)`` for one it does
    not call (no url, or ``access: direct``: the browser does)."""
    url = datasource.get("url")
    if url in (None, "") or datasource.get("access") == "direct":
        return None, None
    kind = str(datasource.get("type") or "")
    if kind in _SQL_PORTS and isinstance(url, str) and "://" not in url:
        host, port, problem = network.host_port_endpoint(url, path + ".url", "db.example.org:%d" % _SQL_PORTS[kind],
                                                         default_port=_SQL_PORTS[kind])
    else:
        host, port, problem = network.url_endpoint(url, path + ".url", example="http://prometheus.example.org:9090")
    if problem:
        return None, problem
    return {"path": path + ".url", "host": host, "port": port}, None


def datasource_egress(datasources, cidrs, namespace, cluster_domain="cluster.local", own_rules=False):
    """``{"rules", "problems"}``: the NetworkPolicy egress rules that let Grafana, in ``namespace``, reach the
    servers of ``datasources`` (``grafana_extra_datasources``): by IP address, by in-cluster Service namespace, or
    to ``cidrs`` (``grafana_datasource_cidrs``) for those called by name (common/network.py ``endpoint_egress``).
    Servers called by name with no ``cidrs`` are a problem unless ``own_rules`` (``grafana_extra_egress``)."""
    problems = network.cidr_problems(cidrs, DATASOURCE_CIDRS_VARIABLE)
    endpoints = []
    for i, datasource in enumerate(datasources if isinstance(datasources, list) else []):
        if isinstance(datasource, dict):
            endpoint, problem = _datasource_endpoint(datasource, "grafana_extra_datasources[%d]" % i)
            problems += [problem] if problem else []
            endpoints += [endpoint] if endpoint else []
    rules, by_name = network.endpoint_egress(endpoints, cidrs if isinstance(cidrs, list) else [], namespace,
                                             cluster_domain)
    if by_name and not own_rules and isinstance(cidrs, list):
        problems.append(network.by_name_problem(
            DATASOURCE_CIDRS_VARIABLE, cidrs, "the datasource servers Grafana calls",
            ["%s (%s, port %d)" % (e["path"], e["host"], e["port"]) for e in by_name], "grafana_extra_egress",
            ranges_of="those servers"))
    return {"rules": rules, "problems": problems}


# How a Secret key whose variable is empty is generated by the apply phase.
_GENERATED = {"generate": True, "length": 32}


def secret_descriptions(entries, secret_names, namespace, component, labels):
    """What the apply phase needs to create the Secrets Grafana reads (module_utils/apply/secrets.py), one per name of
    ``secret_names`` that a used entry of ``entries`` (the role's ``_grafana_secret_keys``: secret, key, variable,
    generate, used) lands in: for each key, the variable that holds its value, and whether an empty one is generated
    (32 characters). Never a value."""
    found = []
    for name in dict.fromkeys(secret_names):
        keys = [dict({"key": e["key"], "variable": e["variable"]}, **(_GENERATED if e["generate"] else {}))
                for e in entries if e["used"] and e["secret"] == name]
        if keys:
            found.append({"name": name, "namespace": namespace, "type": "Opaque", "component": component,
                          "labels": labels, "keys": keys})
    return found
