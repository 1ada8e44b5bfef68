# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Addresses the inventory gives the stack: address ranges (CIDRs), host names, ports and URLs.

Every CIDR, host, port and URL variable of the roles is checked here, each problem a preflight message
(``<variable path> is <value>: it <fix>.``, see common/preflight.py) naming the full path of the value
(``monitoring_node_cidrs[0]``). A range of every address (``0.0.0.0/0``, ``::/0``) is valid input but is
only allowed where the inventory lists it by name: the roles then record that choice on the NetworkPolicy
as a waiver of rule K012 (``any_address_waiver``), which the validate phase reports (docs/networking.md).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.preflight import message

# The waiver annotation of rule K012 (validate/policy/waivers.py builds the same key from its prefix).
ANY_ADDRESS_WAIVER = "waivers.vmstation.io/K012"
# Ports a URL scheme implies when the URL names none.
DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
# A container port's name (IANA_SVC_NAME), which NetworkPolicy ports may give instead of a number.
_PORT_NAME = re.compile(r"^(?=.*[a-z])(?!.*--)[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$")


def is_any_address(cidr) -> bool:
    """Whether ``cidr`` is a range of every IPv4 or IPv6 address (prefix length 0)."""
    try:
        return ipaddress.ip_network(str(cidr), strict=False).prefixlen == 0
    except ValueError:
        return False


def cidr_problem(value, variable):
    """The message for one address range that is not a valid CIDR, or None."""
    if not isinstance(value, str) or "/" not in value:
        return message(variable, value, "must be an address range in CIDR notation, an IPv4 or IPv6 address and a "
                                        "prefix length such as 10.0.0.0/16 or 192.168.1.10/32")
    try:
        ipaddress.ip_network(value, strict=True)
        return None
    except ValueError as e:
        reason = str(e)
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return message(variable, value, "must be an address range in CIDR notation such as 10.0.0.0/16 (%s)" % reason)
    return message(variable, value, "has bits set after the prefix length; write the range's first address, %s"
                   % network)


def cidr_problems(values, variable, required_by=""):
    """Each problem of the list of ranges ``values`` given by ``variable``; ``required_by`` (what needs
    them) makes an empty list a problem too."""
    if not isinstance(values, list):
        return [message(variable, values, "must be a list of address ranges in CIDR notation, such as "
                                          "[10.0.0.0/16]")]
    problems = [cidr_problem(value, "%s[%d]" % (variable, i)) for i, value in enumerate(values)]
    if not values and required_by:
        problems.append(message(variable, values, "must list the address ranges %s (NetworkPolicies cannot select "
                                                  "them by label), such as [10.0.0.0/16]; docs/networking.md shows how "
                                                  "to find them" % required_by))
    return [p for p in problems if p]


def port_problem(value, variable, named=False):
    """The message for one value that is not a port number (1-65535), or with ``named`` a port name, or None."""
    if named and isinstance(value, str) and _PORT_NAME.match(value):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit() \
            or not 1 <= int(str(value)) <= 65535:
        return message(variable, value, "must be a port number between 1 and 65535%s"
                       % (" or a container port's name such as http-metrics" if named else ""))
    return None


def port_problems(values, variable, required_by="", named=False):
    """Each problem of the list of ports ``values`` given by ``variable`` (empty is a problem with
    ``required_by``; ``named``: port names are allowed too)."""
    if not isinstance(values, list):
        return [message(variable, values, "must be a list of port numbers (1-65535), such as [443]")]
    problems = [port_problem(value, "%s[%d]" % (variable, i), named) for i, value in enumerate(values)]
    if not values and required_by:
        problems.append(message(variable, values, "must list the ports %s, such as [443]" % required_by))
    return [p for p in problems if p]


def is_host(value) -> bool:
    """Whether ``value`` is a DNS name or an IP address (without port)."""
    text = str(value).strip("[]") if isinstance(value, str) else ""
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        pass
    labels = text.rstrip(".").split(".")
    return 0 < len(text) <= 253 and all(_HOST_LABEL.match(label) for label in labels) and not labels[-1].isdigit()


def host_problem(value, variable):
    if not is_host(value):
        return message(variable, value, "must be a host name or an IP address, such as smtp.example.org or "
                                        "10.0.0.25, without scheme, port or path")
    return None


def ip_host(host):
    """The address of ``host`` when it is an IP literal, else None."""
    try:
        return ipaddress.ip_address(str(host).strip("[]"))
    except ValueError:
        return None


def url_endpoint(url, variable, schemes=("http", "https"), example="https://hooks.example.org/alerts"):
    """``(host, port, problem)`` of an absolute URL; the port is the scheme's default when the URL has none."""
    fix = "must be an absolute URL with a scheme (%s) and a host, such as %s" % (", ".join(schemes), example)
    if not isinstance(url, str):
        return None, None, message(variable, url, fix)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None, None, message(variable, url, fix + "; its port must be a number between 1 and 65535")
    if parts.scheme.lower() not in schemes or not parts.hostname or not is_host(parts.hostname):
        return None, None, message(variable, url, fix)
    if port == 0:
        return None, None, message(variable, url, fix + "; its port must be a number between 1 and 65535")
    return parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme.lower()], None


def host_port_endpoint(value, variable, example="smtp.example.org:587", default_port=None):
    """``(host, port, problem)`` of ``host:port`` (IPv6 hosts in brackets): the port required, unless
    ``default_port`` is given for a value without one (``host[:port]``)."""
    fix = "must be host:port, such as %s" % example
    text = value.strip() if isinstance(value, str) else value
    if default_port is not None and isinstance(text, str) and (
            not text.rpartition(":")[2].isdigit() or text.endswith("]")):
        text = "%s:%d" % (text, default_port)
    if not isinstance(text, str) or ":" not in text:
        return None, None, message(variable, value, fix)
    host, _sep, port = text.rpartition(":")
    if not is_host(host) or port_problem(port, variable):
        return None, None, message(variable, value, fix + " (the port between 1 and 65535)")
    return host.strip("[]").lower(), int(port), None


def any_address_variables(named_values):
    """The names, in order, of the variables among ``{variable: value}`` whose value (a CIDR, a list of them, or
    NetworkPolicy rules and peers) contains a range of every address."""
    return [name for name, value in named_values.items() if _contains_any_address(value)]


def _contains_any_address(value):
    if isinstance(value, str):
        return is_any_address(value) and "/" in value
    if isinstance(value, dict):
        return any(_contains_any_address(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_any_address(item) for item in value)
    return False


def any_address_waiver(named_values):
    """The annotations a NetworkPolicy built from ``{variable: value}`` carries: the waiver of rule K012 naming
    the variables that list every address (``0.0.0.0/0`` or ``::/0``), or nothing when none does."""
    names = any_address_variables(named_values)
    if not names:
        return {}
    return {ANY_ADDRESS_WAIVER: "the inventory lists every address (0.0.0.0/0 or ::/0) in %s, so this policy "
                                "allows any address there on purpose" % ", ".join(names)}


def service_namespace(host, namespace, cluster_domain="cluster.local"):
    """The namespace of the in-cluster Service ``host`` names, else None: ``<service>.<namespace>.svc``,
    ``<service>.<namespace>.svc.<cluster_domain>`` (a StatefulSet pod's ``<pod>.<service>.<namespace>.svc...`` too),
    or a single label, which the pod's DNS search path resolves in
    its own ``namespace``. Other names (``db.example.org``, but also ``<service>.<namespace>``, which cannot be
    told apart from an outside domain) are not taken for Services."""
    if not isinstance(host, str) or ip_host(host) is not None or not is_host(host):
        return None
    labels = host.lower().rstrip(".").split(".")
    if len(labels) == 1:
        return namespace
    domain = str(cluster_domain or "").lower().strip(".").split(".")
    for suffix in (["svc"], ["svc"] + domain):
        if len(labels) >= len(suffix) + 2 and labels[-len(suffix):] == suffix:
            return labels[-len(suffix) - 1]
    return None


def _tcp(ports):
    return [{"protocol": "TCP", "port": port} for port in sorted(set(ports))]


def endpoint_egress(endpoints, cidrs, namespace, cluster_domain="cluster.local"):
    """``(rules, by_name)``: the NetworkPolicy egress rules that let a pod reach ``endpoints`` (each ``{host, port}``,
    ``host`` None where it is not known, such as a URL read from a Secret), and the endpoints that only ``cidrs``
    can allow.

    An IP address is allowed on its port; an in-cluster Service (``service_namespace``) by its namespace on its port
    (the Service's port, which must be the pods' port: NetworkPolicies see the pod's side); every other endpoint, by
    name, to ``cidrs`` on the ports of those endpoints, when ``cidrs`` lists any: else the caller reports
    ``by_name``, which NetworkPolicies cannot allow by name."""
    by_address, by_namespace, by_name = {}, {}, []
    for endpoint in endpoints:
        address = ip_host(endpoint["host"]) if endpoint["host"] else None
        service = service_namespace(endpoint["host"], namespace, cluster_domain) if endpoint["host"] else None
        if address is not None:
            by_address.setdefault("%s/%d" % (address, address.max_prefixlen), set()).add(endpoint["port"])
        elif service is not None:
            by_namespace.setdefault(service, set()).add(endpoint["port"])
        else:
            by_name.append(endpoint)
    rules = [{"to": [{"ipBlock": {"cidr": cidr}}], "ports": _tcp(ports)} for cidr, ports in sorted(by_address.items())]
    rules += [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}],
               "ports": _tcp(ports)} for name, ports in sorted(by_namespace.items())]
    if by_name and isinstance(cidrs, list) and cidrs:
        rules.append({"to": [{"ipBlock": {"cidr": cidr}} for cidr in cidrs],
                      "ports": _tcp(e["port"] for e in by_name)})
        by_name = []
    return rules, by_name


def by_name_problem(variable, value, called, endpoints, own_rules, ranges_of="those services"):
    """The message for ``variable`` (the address ranges, ``value``) when ``endpoints`` (descriptions, such as
    "grafana_extra_datasources[0].url (db.example.org, port 5432)") are ``called`` by name (for example "the
    datasource servers Grafana calls") and no range allows them: the three ways out, ``own_rules`` being the
    variable of the inventory's own egress rules."""
    return message(variable, value, (
        "must list the address ranges of %s by name: %s. NetworkPolicies cannot allow a host by name. Give the ranges "
        "of %s, or 0.0.0.0/0 to allow any address on their ports (the policy then carries a K012 waiver naming this "
        "variable), or write the egress rules yourself in %s (docs/networking.md)")
        % (called, "; ".join(endpoints), ranges_of, own_rules))
