# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters over the inventory's addresses; thin wrappers over module_utils/common/network.py."""

from __future__ import annotations

DOCUMENTATION = r"""
name: address_problems
short_description: The preflight messages of an address variable (CIDRs, ports, hosts, URLs)
description:
  - >-
    Checks the value of one variable and returns one message per problem, each naming the full path of the
    bad value (C(monitoring_node_cidrs[0])), the value and the fix, as the C(failed_checks) filter words them.
  - >-
    O(kind) C(cidrs): a list of address ranges in CIDR notation (C(192.168.1.0/33), C(lab-network) and
    C(10.0.0.1/8) are refused); C(ports): a list of port numbers 1-65535; C(port): one port; C(host): a host
    name or IP address; C(url): an absolute http(s) URL with a host (empty allowed with O(optional)).
  - The companion filter C(any_address_waiver) returns the K012 waiver a NetworkPolicy carries when one of the
    variables it is built from lists every address (C(0.0.0.0/0) or C(::/0)).
positional: _input, variable, kind
options:
  _input:
    description: The value of the variable.
    type: raw
    required: true
  variable:
    description: The variable's name (or path), as the messages name it.
    type: str
    required: true
  kind:
    description: What the value must be.
    type: str
    choices: [cidrs, ports, port, host, url]
    required: true
  required_by:
    description: For C(cidrs) and C(ports), what needs them; an empty list is then a problem, the message says what needs it.
    type: str
    default: ""
  optional:
    description: For C(host), C(port) and C(url), whether an empty value is allowed.
    type: bool
    default: false
  named:
    description: For C(ports) and C(port), whether a container port's name (C(http-metrics)) is allowed too.
    type: bool
    default: false
"""

EXAMPLES = r"""
failed: >-
  {{ monitoring_node_cidrs | vmstation.monitoring.address_problems('monitoring_node_cidrs', 'cidrs',
                                                                    required_by='of the nodes, for Prometheus') }}
annotations: "{{ {'loki_s3_egress_cidrs': loki_s3_egress_cidrs} | vmstation.monitoring.any_address_waiver }}"
"""

RETURN = r"""
_value:
  description: One message per problem (C(address_problems)); the annotations to set (C(any_address_waiver)).
  type: raw
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import network
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters

_KINDS = ("cidrs", "ports", "port", "host", "url")


def address_problems(value, variable, kind, required_by="", optional=False, named=False):
    variable, kind = str(variable), str(kind)
    if kind not in _KINDS:
        raise AnsibleFilterError("address_problems: kind must be one of %s, got %r" % (", ".join(_KINDS), kind))
    if kind == "cidrs":
        return network.cidr_problems(value, variable, str(required_by))
    if kind == "ports":
        return network.port_problems(value, variable, str(required_by), bool(named))
    if optional and value in (None, ""):
        return []
    if kind == "port":
        problem = network.port_problem(value, variable, bool(named))
    elif kind == "host":
        problem = network.host_problem(value, variable)
    else:
        problem = network.url_endpoint(value, variable)[2]
    return [problem] if problem else []


def any_address_waiver(named_values):
    if not isinstance(named_values, dict):
        raise AnsibleFilterError("any_address_waiver: expects a dict {variable: value}, got %s"
                                 % type(named_values).__name__)
    return network.any_address_waiver(named_values)


class FilterModule:
    def filters(self):
        return native_filters({"address_problems": address_problems, "any_address_waiver": any_address_waiver})
