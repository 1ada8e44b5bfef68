# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""K015: the standard labels on every object and pod template, and selectors on stable labels only."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import REQUIRED_LABELS, STABLE_LABELS, VERSION
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import (
    as_dict,
    as_list,
    labels_of,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.paths import json_path
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import Finding, rule

_STABLE = frozenset(STABLE_LABELS)


def _missing(labels):
    return [label for label in REQUIRED_LABELS if labels.get(label) in (None, "")]


def _selector_keys(selector, map_style):
    """(path parts inside the selector, label key) of every label a selector uses."""
    selector = as_dict(selector)
    if map_style:
        return [((key,), key) for key in selector]
    keys = [(("matchLabels", key), key) for key in as_dict(selector.get("matchLabels"))]
    keys += [(("matchExpressions", i, "key"), as_dict(e).get("key"))
             for i, e in enumerate(as_list(selector.get("matchExpressions")))]
    return keys


def _check_selector(obj, base, selector, map_style, own_pods):
    """Selectors of the object's own pods may use only stable labels; no selector may use the version."""
    for parts, key in _selector_keys(selector, map_style):
        path = json_path(*base, *parts)
        if key == VERSION:
            yield Finding(obj, path, "the selector uses %s, which changes on every upgrade (a workload's selector is "
                          "immutable, and a policy or Service selecting it loses its pods during a rollout)" % VERSION,
                          "select by the stable labels only (the k8s_selector filter gives them)")
        elif own_pods and key not in _STABLE:
            yield Finding(obj, path, "the selector uses the label %r, not one of the stable labels (%s)"
                          % (key, ", ".join(STABLE_LABELS)),
                          "select by the stable app.kubernetes.io labels (the k8s_selector filter gives them)")


@rule("K015", "Standard labels everywhere, stable labels in selectors",
      why="The app.kubernetes.io labels tell who owns an object (pruning relies on them) and what it runs; a selector "
          "on the version label breaks on the next upgrade.",
      fix="Give every object and pod template the app.kubernetes.io/name, instance, component, part-of, managed-by "
          "and version labels (the k8s_labels filter); select only by name and instance (the k8s_selector filter).")
def k015_labels(ctx):
    for obj in ctx.objects:
        missing = _missing(labels_of(obj))
        if missing:
            yield Finding(obj, "metadata.labels", "the object lacks the label(s) %s" % ", ".join(missing))
    for wl in ctx.workloads:
        if wl.kind != "Pod":
            missing = _missing(wl.pod_labels)
            if missing:
                yield Finding(wl.obj, json_path(*wl.template_path, "metadata", "labels"),
                              "the pod template lacks the label(s) %s" % ", ".join(missing))
            if "selector" in as_dict(wl.obj.get("spec")):
                yield from _check_selector(wl.obj, ("spec", "selector"), wl.obj["spec"]["selector"], False, True)
        affinity = as_dict(as_dict(wl.pod_spec.get("affinity")).get("podAntiAffinity"))
        for how in ("preferredDuringSchedulingIgnoredDuringExecution",
                    "requiredDuringSchedulingIgnoredDuringExecution"):
            for i, term in enumerate(as_list(affinity.get(how))):
                term = as_dict(term)
                term = as_dict(term.get("podAffinityTerm")) if "podAffinityTerm" in term else term
                yield from _check_selector(wl.obj, wl.spec_path + ("affinity", "podAntiAffinity", how, i)
                                           + (("podAffinityTerm",) if how.startswith("preferred") else ())
                                           + ("labelSelector",), term.get("labelSelector"), False, False)
        for i, constraint in enumerate(as_list(wl.pod_spec.get("topologySpreadConstraints"))):
            yield from _check_selector(wl.obj, wl.spec_path + ("topologySpreadConstraints", i, "labelSelector"),
                                       as_dict(constraint).get("labelSelector"), False, False)
    for service in ctx.kind("Service"):
        yield from _check_selector(service, ("spec", "selector"), as_dict(service.get("spec")).get("selector"),
                                   True, True)
    for pdb in ctx.kind("PodDisruptionBudget"):
        yield from _check_selector(pdb, ("spec", "selector"), as_dict(pdb.get("spec")).get("selector"), False, True)
    for policy in ctx.kind("NetworkPolicy"):
        spec = as_dict(policy.get("spec"))
        yield from _check_selector(policy, ("spec", "podSelector"), spec.get("podSelector"), False, True)
        for direction, peers_key in (("ingress", "from"), ("egress", "to")):
            for i, entry in enumerate(as_list(spec.get(direction))):
                for j, peer in enumerate(as_list(as_dict(entry).get(peers_key))):
                    yield from _check_selector(policy, ("spec", direction, i, peers_key, j, "podSelector"),
                                               as_dict(peer).get("podSelector"), False, False)
