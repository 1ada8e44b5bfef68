# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Rules over the network surface: K012 (default deny, allow policies that select real pods, no allow for every
address unless asked for) and K018 (no Service reachable from outside the cluster unless asked for)."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.network import is_any_address
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.flags import admin_api
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import (
    as_dict,
    as_list,
    map_selector_matches,
    metadata,
    ref,
    selector_is_empty,
    selector_matches,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.paths import json_path
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import Finding, rule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import WARNING

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


def policy_types(spec) -> set:
    """Effective policyTypes: as listed, else Ingress plus Egress when egress rules exist (the API default)."""
    listed = as_list(spec.get("policyTypes"))
    if listed:
        return {str(t) for t in listed}
    return {"Ingress", "Egress"} if "egress" in spec else {"Ingress"}


def denies(spec, direction) -> bool:
    """Does this NetworkPolicy spec select every pod and allow nothing in ``direction`` (Ingress/Egress)?"""
    return (selector_is_empty(spec.get("podSelector")) and direction in policy_types(spec)
            and not as_list(spec.get(direction.lower())))


def allows(spec) -> bool:
    """Does this policy allow some traffic (at least one ingress or egress rule of a type it declares)?"""
    types = policy_types(spec)
    return any(direction in types and as_list(spec.get(direction.lower())) for direction in ("Ingress", "Egress"))


def _stack_namespaces(ctx):
    names = {str(metadata(ns).get("name")): ns for ns in ctx.kind("Namespace") if metadata(ns).get("name")}
    for wl in ctx.workloads:
        names.setdefault(wl.namespace, None)
    return names


def _peer_namespace(peer, policy_namespace):
    """The one namespace a NetworkPolicy peer's podSelector applies to, if it can be told from the peer."""
    if "namespaceSelector" not in peer:
        return policy_namespace
    selector = as_dict(peer.get("namespaceSelector"))
    match = as_dict(selector.get("matchLabels"))
    if list(match) == [NAMESPACE_NAME_LABEL] and not as_list(selector.get("matchExpressions")):
        return str(match[NAMESPACE_NAME_LABEL])
    return None


@rule("K012", "Default deny in every namespace, an allow policy for every workload, selectors that match, "
              "no allow for every address",
      why="Without a default deny every pod can reach every other; an allow whose selector matches no pod (a typo, "
          "a label changed by Kustomize, the version label) silently leaves the workload cut off or wide open; an "
          "allow for 0.0.0.0/0 or ::/0 opens the pods to (or lets them reach) any address.",
      fix="Render in each namespace a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress], and for "
          "each workload an allow policy whose podSelector uses the stable labels its pod template carries and "
          "whose ipBlocks name the real address ranges.")
def k012_network_policies(ctx):
    namespaces = _stack_namespaces(ctx)
    for namespace in sorted(namespaces):
        policies = ctx.in_namespace("NetworkPolicy", namespace)
        subject = namespaces[namespace] or {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}
        missing = [d for d in ("Ingress", "Egress")
                   if not any(denies(as_dict(p.get("spec")), d) for p in policies)]
        if missing:
            absent = "" if namespaces[namespace] else " (the Namespace object is not among the manifests)"
            yield Finding(subject, "", "namespace %s has no default-deny NetworkPolicy for %s%s"
                          % (namespace, " and ".join(missing), absent),
                          "add a NetworkPolicy in %s with podSelector: {} and policyTypes: [%s] and no rules"
                          % (namespace, ", ".join(missing)))
        allowing = [p for p in policies if allows(as_dict(p.get("spec")))
                    and not selector_is_empty(as_dict(p.get("spec")).get("podSelector"))]
        for wl in ctx.workloads_in(namespace):
            if not any(selector_matches(as_dict(p.get("spec")).get("podSelector"), wl.pod_labels) for p in allowing):
                yield Finding(wl.obj, json_path(*wl.template_path, "metadata", "labels"),
                              "no allow NetworkPolicy in namespace %s selects the pods of this %s, so default deny "
                              "cuts them off (or nothing denies)" % (namespace, wl.kind),
                              "render a NetworkPolicy whose spec.podSelector matches the pod template's stable labels "
                              "and allows the flows this workload needs")
    for policy in ctx.kind("NetworkPolicy"):
        yield from _dead_selectors(ctx, policy)
        yield from _any_address(policy)


def _any_address(policy):
    """An ipBlock of every address in a rule of the policy: the pods are open to (or reach) anyone."""
    spec = as_dict(policy.get("spec"))
    for direction, peers_key, way in (("ingress", "from", "from"), ("egress", "to", "to")):
        for rule_index, entry in enumerate(as_list(spec.get(direction))):
            for peer_index, peer in enumerate(as_list(as_dict(entry).get(peers_key))):
                cidr = as_dict(as_dict(peer).get("ipBlock")).get("cidr")
                if cidr is not None and is_any_address(cidr):
                    yield Finding(policy, json_path("spec", direction, rule_index, peers_key, peer_index, "ipBlock",
                                                    "cidr"),
                                  "the %s rule allows traffic %s every address (%s)" % (direction, way, cidr),
                                  "name the address ranges really needed; where every address is meant (a SaaS "
                                  "receiver without fixed ranges), waive K012 on this NetworkPolicy with the reason "
                                  "(the collection's roles do so when the inventory lists 0.0.0.0/0 in their CIDR "
                                  "variables, docs/networking.md)")


def _dead_selectors(ctx, policy):
    namespace = ctx.namespace(policy)
    spec = as_dict(policy.get("spec"))
    selector = spec.get("podSelector")
    if not selector_is_empty(selector):
        workloads = ctx.workloads_in(namespace)
        if not any(selector_matches(selector, wl.pod_labels) for wl in workloads):
            if workloads:
                yield Finding(policy, "spec.podSelector", "the podSelector matches the labels of no pod template in "
                              "namespace %s" % namespace,
                              "select by labels the pod templates really carry (their stable name and instance labels)")
            else:
                yield Finding(policy, "spec.podSelector", "no workload of namespace %s is among the manifests, so it "
                              "cannot be checked that the podSelector matches a pod" % namespace,
                              "validate the policy together with the workloads it selects", severity=WARNING)
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for rule_index, entry in enumerate(as_list(spec.get(direction))):
            for peer_index, peer in enumerate(as_list(as_dict(entry).get(peers_key))):
                peer = as_dict(peer)
                if selector_is_empty(peer.get("podSelector")):
                    continue
                target = _peer_namespace(peer, namespace)
                workloads = ctx.workloads_in(target) if target else ()
                if workloads and not any(selector_matches(peer.get("podSelector"), wl.pod_labels) for wl in workloads):
                    yield Finding(policy,
                                  json_path("spec", direction, rule_index, peers_key, peer_index, "podSelector"),
                                  "the peer podSelector matches no pod template of namespace %s among the manifests"
                                  % target,
                                  "select the peer by the labels its pod template carries, or drop the rule if that "
                                  "component is not rendered", severity=WARNING)


@rule("K018", "No NodePort or LoadBalancer Service unless asked for; never for Prometheus with the admin API",
      why="A NodePort or LoadBalancer Service bypasses NetworkPolicies at the node and exposes the service outside "
          "the cluster; a Prometheus admin API reachable that way lets anyone delete all metrics.",
      fix="Use type ClusterIP (reach the UI through kubectl port-forward or an authenticated ingress). When the "
          "inventory asks for an external Service, the role sets waivers.vmstation.io/K018 with that reason.")
def k018_external_services(ctx):
    for service in ctx.kind("Service"):
        spec = as_dict(service.get("spec"))
        service_type = spec.get("type", "ClusterIP")
        if service_type not in ("NodePort", "LoadBalancer"):
            continue
        yield Finding(service, "spec.type", "the Service is of type %s, reachable from outside the cluster"
                      % service_type)
        for wl in ctx.workloads_in(ctx.namespace(service)):
            if map_selector_matches(spec.get("selector"), wl.pod_labels) and admin_api(wl):
                yield Finding(service, "spec.type", "the %s Service exposes %s, a Prometheus with the admin API "
                              "enabled" % (service_type, ref(wl.obj)),
                              "make the Service ClusterIP, or switch the admin API off", waivable=False)
