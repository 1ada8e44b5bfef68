# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The apply phase: put the rendered stack on a cluster, and take it off again.

``run_apply(cluster, params)`` works in two passes so that a refusal never leaves half a stack:

1. **Plan.** Every object gets a server-side dry run of the very apply that follows (same field
   manager, same force setting). The server answers with the object as it would be, or refuses:
   field-manager conflicts (another client owns a field), immutable fields, anything else. All
   refusals of the run are reported together and nothing is applied. Objects in a namespace (or of
   a kind) the run creates itself cannot be dry-run before it exists; they are planned as created.
   Comparing the dry-run result with the live object (ignoring bookkeeping metadata, but not the
   fields our field manager owns) says whether the object changes; unchanged objects are not sent.
2. **Apply** the changed objects in dependency order (``APPLY_WAVES``), then **prune**: delete the
   stack's objects (by its ownership labels) that are no longer rendered, in reverse order, except
   what k8s_prune keeps (data, CRDs, namespaces that still hold other things). A DaemonSet no longer
   rendered is the exception: it is deleted first, and its pods are gone before the apply starts, so
   an agent replacing it (Promtail -> Alloy) never runs beside it on a node.

In check mode the plan is the result: a server-side dry run, with per-object diffs in diff mode.
``run_uninstall(cluster, params)`` deletes everything the stack owns the same way.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import time

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import yaml
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import ApiError
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.immutable import (
    can_recreate,
    hint,
    immutable_changes,
    refusal_causes,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.prune import (
    OWNED_KINDS,
    foreign_objects,
    is_owned,
    keeps_data,
    missing_owner_labels,
    owner_labels,
    owner_selector,
    select_prune,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.labels import NAME, VERSION
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.objects import describe, object_id

# Dependency order of an apply (prune and uninstall go backwards). Kinds not listed (custom
# resources, ...) come last, after the CRDs that define them are established.
APPLY_WAVES = (
    ("namespaces", ("Namespace",)),
    ("definitions", ("CustomResourceDefinition",)),
    ("cluster", ("PriorityClass", "StorageClass", "IngressClass", "RuntimeClass")),
    ("rbac", ("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")),
    ("policy", ("NetworkPolicy", "ResourceQuota", "LimitRange", "PodDisruptionBudget")),
    ("config", ("Secret", "ConfigMap", "PersistentVolumeClaim", "Service")),
    ("workloads", ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")),
    ("routing", ("Ingress", "HorizontalPodAutoscaler", "APIService",
                 "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")),
)
_WAVE = {kind: index for index, (_name, kinds) in enumerate(APPLY_WAVES) for kind in kinds}
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
POD_TEMPLATE_KINDS = WORKLOAD_KINDS + ("ReplicaSet", "Job", "CronJob", "Pod")
PSA_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
# Kubernetes 1.25+: 'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (...)'
_PSA_WARNING = re.compile(r'would violate PodSecurity "([a-z]+):')
# Metadata the server maintains; never a reason to call an object changed.
VOLATILE_METADATA = ("managedFields", "resourceVersion", "generation", "creationTimestamp", "uid", "selfLink")
HIDDEN = "<hidden>"

DEFAULTS = {
    "objects": [],
    "instance": "vmstation-monitoring",
    "field_manager": "vmstation-monitoring",
    "force_conflicts": False,
    "recreate_immutable": False,
    "prune": True,
    "retain": [],
    "prune_kinds": [],
    "only_kinds": [],
    "wait_timeout": 300,
    "purge": False,
    "earlier": [],
}


class StackError(Exception):
    """Stops the phase; ``result`` says what had been done when it stopped."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result or {}


def wave_of(obj):
    return _WAVE.get(obj.get("kind"), len(APPLY_WAVES))


def apply_order(objects):
    """``objects`` in dependency order; the render's order is kept within a wave."""
    return [obj for _i, obj in sorted(enumerate(objects), key=lambda pair: (wave_of(pair[1]), pair[0]))]


def delete_order(objects):
    """Workloads first, namespaces last; by identity within a wave."""
    return sorted(objects, key=lambda obj: (-wave_of(obj), object_id(obj)))


def comparable(obj):
    """``obj`` without status and the metadata the server maintains."""
    if not obj:
        return {}
    result = copy.deepcopy(obj)
    result.pop("status", None)
    meta = result.get("metadata") or {}
    for key in VOLATILE_METADATA:
        meta.pop(key, None)
    return result


def applied_fields(obj, field_manager):
    """The fields ``field_manager`` owns through apply (managedFields entries, without their timestamps)."""
    entries = ((obj or {}).get("metadata") or {}).get("managedFields") or []
    return sorted(
        (json.dumps([e.get("apiVersion"), e.get("subresource"), e.get("fieldsV1")], sort_keys=True)
         for e in entries if e.get("manager") == field_manager and e.get("operation") == "Apply"),
    )


def _version(obj):
    return ((obj or {}).get("metadata") or {}).get("resourceVersion")


def has_changed(live, result, field_manager):
    """Whether applying turns ``live`` into something else than ``result`` (content or field ownership)."""
    if not live:
        return True
    return (comparable(live) != comparable(result)
            or applied_fields(live, field_manager) != applied_fields(result, field_manager))


def masked(obj):
    """A copy fit for diffs and logs: Secret values replaced by a marker."""
    if not obj or obj.get("kind") != "Secret":
        return obj
    result = copy.deepcopy(obj)
    for section in ("data", "stringData"):
        if isinstance(result.get(section), dict):
            result[section] = {key: HIDDEN for key in result[section]}
    return result


def _secret_values_differ(before, after):
    return bool(before) and bool(after) and before.get("kind") == "Secret" and (
        (before.get("data") or {}) != (after.get("data") or {}))


def diff_entry(before, after, title):
    """An Ansible diff (before/after YAML with headers) for one object; Secret values hidden."""
    shown_before = masked(comparable(before)) if before else {}
    shown_after = masked(comparable(after)) if after else {}
    if _secret_values_differ(before, after):
        shown_after.setdefault("metadata", {})["annotations"] = dict(
            (shown_after["metadata"].get("annotations") or {}), **{"(diff)": "secret values changed"})
    return {
        "before_header": "%s (cluster)" % title,
        "after_header": "%s (%s)" % (title, "after apply" if after else "deleted"),
        "before": yaml.safe_dump(shown_before, sort_keys=True, default_flow_style=False) if shown_before else "",
        "after": yaml.safe_dump(shown_after, sort_keys=True, default_flow_style=False) if shown_after else "",
    }


def stack_digest(objects):
    """sha256 of the rendered objects, independent of their order: the release's input digest."""
    canonical = sorted(json.dumps(obj, sort_keys=True, separators=(",", ":")) for obj in objects)
    return hashlib.sha256("\n".join(canonical).encode("utf-8")).hexdigest()


def stack_versions(objects):
    """app name -> version label of its workloads (or of any object when it has no workload)."""
    found = {}
    for obj in sorted(objects, key=lambda o: (o.get("kind") not in WORKLOAD_KINDS, object_id(o))):
        labels = (obj.get("metadata") or {}).get("labels") or {}
        if labels.get(NAME) and labels.get(VERSION):
            found.setdefault(labels[NAME], labels[VERSION])
    return dict(sorted(found.items()))


def _group(api_version):
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def _summary(obj, action, reason=None):
    _group_name, kind, namespace, name = object_id(obj)
    entry = {"kind": kind, "namespace": namespace, "name": name, "action": action}
    if reason:
        entry["reason"] = reason
    return entry


def _retain_key(item):
    return object_id({"apiVersion": item.get("apiVersion", "v1"), "kind": item.get("kind"),
                      "metadata": {"name": item.get("name"), "namespace": item.get("namespace")}})


class _Entry:
    def __init__(self, obj):
        self.obj = obj
        self.key = object_id(obj)
        self.live = None
        self.result = None
        self.action = None  # created | configured | unchanged | recreated
        self.deferred = False  # could not be dry-run: its namespace or kind comes with this run


class StackRun:
    """One apply or uninstall of the stack on one cluster."""

    def __init__(self, cluster, params, check_mode=False, diff=False, sleep=time.sleep, clock=time.monotonic):
        self.cluster = cluster
        self.params = dict(DEFAULTS, **{k: v for k, v in params.items() if v is not None})
        self.check_mode = check_mode
        self.diff = diff
        self.sleep = sleep
        self.clock = clock
        self.instance = self.params["instance"]
        self.manager = self.params["field_manager"]
        self.force = bool(self.params["force_conflicts"])
        self.summaries = []
        self.diffs = []
        self.warnings = []
        self._namespaces = {}

    # reading the cluster

    def _scan_kinds(self, objects, rendered_only=False):
        """(apiVersion, kind) to list; the version the render uses wins, so live and rendered compare alike."""
        kinds = {}
        others = [] if rendered_only else list(OWNED_KINDS) + [
            (k.get("apiVersion"), k.get("kind")) for k in self.params["prune_kinds"]]
        for api_version, kind in [(o["apiVersion"], o["kind"]) for o in objects] + others:
            kinds.setdefault((_group(api_version), kind), api_version)
        return sorted((api_version, kind) for (_g, kind), api_version in kinds.items())

    def live_owned(self, objects, rendered_only=False):
        """object_id -> live object, for every object of the stack found in the cluster (of the rendered kinds only)."""
        found = {}
        selector = owner_selector(self.instance)
        for api_version, kind in self._scan_kinds(objects, rendered_only):
            for item in self.cluster.list(api_version, kind, label_selector=selector):
                found[object_id(item)] = item
        return found

    def namespace_exists(self, name):
        if name not in self._namespaces:
            self._namespaces[name] = self.cluster.get("v1", "Namespace", name)
        return self._namespaces[name] is not None

    def pod_security_rejections(self, obj, warnings):
        """Warnings that mean the namespace's Pod Security enforce level will reject the workload's pods."""
        if obj["kind"] not in POD_TEMPLATE_KINDS:
            return []
        namespace = self._namespaces.get(obj["metadata"].get("namespace")) or {}
        enforce = ((namespace.get("metadata") or {}).get("labels") or {}).get(PSA_ENFORCE_LABEL, "privileged")
        found = []
        for warning in warnings:
            match = _PSA_WARNING.search(warning)
            if match and enforce != "privileged" and match.group(1) == enforce:
                found.append("%s: its pods would be rejected, namespace %s enforces Pod Security %s: %s"
                             % (describe(obj), obj["metadata"].get("namespace"), enforce, warning))
        return found

    # plan

    def check_render(self, objects):
        errors, seen = [], set()
        for index, obj in enumerate(objects):
            if not isinstance(obj, dict) or not obj.get("apiVersion") or not obj.get("kind") or not (
                    obj.get("metadata") or {}).get("name"):
                errors.append("object #%d has no apiVersion, kind or metadata.name" % index)
                continue
            if object_id(obj) in seen:
                errors.append("%s is given twice" % describe(obj))
            seen.add(object_id(obj))
            missing = missing_owner_labels(obj, self.instance)
            if missing:
                wanted = owner_labels(self.instance)
                errors.append("%s lacks the ownership label(s) %s: without them it could never be pruned or "
                              "uninstalled; render its labels with the vmstation.monitoring.k8s_labels filter"
                              % (describe(obj), ", ".join("%s=%s" % (k, wanted[k]) for k in missing)))
        return errors

    def plan(self, objects, live):
        entries = [_Entry(obj) for obj in apply_order(objects)]
        rendered_namespaces = {o["metadata"]["name"] for o in objects if o["kind"] == "Namespace"}
        rendered_kinds = {(o["spec"]["group"], o["spec"]["names"]["kind"]) for o in objects
                          if o["kind"] == "CustomResourceDefinition" and o.get("spec", {}).get("names")}
        conflicts, immutable, errors = [], [], []
        for entry in entries:
            obj = entry.obj
            meta = obj["metadata"]
            rtype = self.cluster.resource_type(obj["apiVersion"], obj["kind"])
            if rtype is None:
                if (_group(obj["apiVersion"]), obj["kind"]) in rendered_kinds:
                    entry.action, entry.deferred = "created", True
                else:
                    errors.append("%s: the cluster does not serve %s %s; check monitoring_kubernetes_version "
                                  "and the cluster's API groups" % (describe(obj), obj["apiVersion"], obj["kind"]))
                continue
            namespace = meta.get("namespace")
            if rtype.namespaced and not namespace:
                errors.append("%s has no metadata.namespace" % describe(obj))
                continue
            if rtype.namespaced and not self.namespace_exists(namespace):
                if namespace in rendered_namespaces:
                    entry.action, entry.deferred = "created", True
                else:
                    errors.append("%s: namespace %s does not exist and the stack does not create it"
                                  % (describe(obj), namespace))
                continue
            entry.live = live.get(entry.key)
            if entry.live is None or entry.live.get("apiVersion") != obj["apiVersion"]:
                entry.live = self.cluster.get(obj["apiVersion"], obj["kind"], meta["name"],
                                              namespace if rtype.namespaced else None)
            if entry.live is not None and not is_owned(entry.live, self.instance):
                errors.append(
                    "%s already exists and does not belong to this stack (labels %s): the collection never "
                    "touches what it does not own. Rename or remove it, or hand it over by labelling it "
                    "%s" % (describe(obj), missing_owner_labels(entry.live, self.instance),
                            owner_selector(self.instance).replace(",", " ")))
                continue
            try:
                entry.result, warnings = self.cluster.apply(obj, self.manager, force=self.force, dry_run=True)
            except ApiError as e:
                if e.status == 409 and e.field_conflicts():
                    conflicts.append((entry, e.field_conflicts()))
                elif entry.live is not None and (refusal_causes(e) or (
                        e.status == 422 and immutable_changes(entry.live, obj))):
                    immutable.append((entry, e))
                else:
                    errors.append("%s: the API server refuses it: %s" % (describe(obj), e.message))
                continue
            errors.extend(self.pod_security_rejections(obj, warnings))
            if entry.live is None:
                entry.action = "created"
                continue
            if has_changed(entry.live, entry.result, self.manager) and _version(entry.live) != _version(entry.result):
                # A controller wrote to the object after it was listed (a Deployment's revision annotation
                # lands just after its creation): compare with the object as it is now.
                entry.live = self.cluster.get(obj["apiVersion"], obj["kind"], meta["name"],
                                              namespace if rtype.namespaced else None) or entry.live
            entry.action = "configured" if has_changed(entry.live, entry.result, self.manager) else "unchanged"
        return entries, conflicts, immutable, errors

    def refusals_message(self, conflicts, immutable, errors):
        lines = []
        if conflicts:
            lines.append("Server-side apply conflicts (field manager %s):" % self.manager)
            for entry, fields in conflicts:
                for field, manager in fields:
                    lines.append("  - %s: %s is also managed by %s" % (describe(entry.obj), field, manager))
            lines.append("  Another client changed these fields. Undo that change, or set "
                         "monitoring_force_conflicts: true for this cluster to take the fields over.")
        blocked = [(entry, error) for entry, error in immutable
                   if not (self.params["recreate_immutable"] and can_recreate(entry.obj["kind"]))]
        if blocked:
            lines.append("Changes the API server refuses (immutable fields):")
            for entry, error in blocked:
                changes = immutable_changes(entry.live, entry.obj)
                what = "; ".join(c.describe() for c in changes) or "; ".join(
                    "%s: %s" % cause for cause in refusal_causes(error)) or error.message
                lines.append("  - %s: %s. Fix: restore the previous value, or %s."
                             % (describe(entry.obj), what, hint(entry.obj["kind"])))
        if errors:
            lines.append("Other refusals:")
            lines.extend("  - %s" % error for error in errors)
        if not lines:
            return None
        return "Nothing was applied; the server-side dry run of every object found:\n" + "\n".join(lines)

    # apply

    def _wait(self, what, predicate):
        deadline = self.clock() + self.params["wait_timeout"]
        while not predicate():
            if self.clock() >= deadline:
                raise StackError("%s after %ss (monitoring_wait_timeout)" % (what, self.params["wait_timeout"]),
                                 self.result())
            self.sleep(1)

    def _gone(self, obj):
        meta = obj["metadata"]
        return self.cluster.get(obj["apiVersion"], obj["kind"], meta["name"], meta.get("namespace")) is None

    def recreate(self, entry):
        obj, live = entry.obj, entry.live
        meta = obj["metadata"]
        policy = ((live.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy") or {})
        if obj["kind"] == "StatefulSet" and policy.get("whenDeleted") == "Delete":
            self.cluster.patch_merge(obj["apiVersion"], "StatefulSet", meta["name"], meta.get("namespace"),
                                     {"spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain"}}})
            # The controller takes the set's ownerReferences off its claims at its next sync; deleted before
            # that, the set would take its claims with it (the garbage collector deletes owned claims).
            self._wait("the claims of %s still belong to it (whenDeleted: Delete)" % describe(obj),
                       lambda: not _claims_owned_by(self.cluster, live))
        propagation = "Foreground" if obj["kind"] in WORKLOAD_KINDS + ("Job",) else "Background"
        self.cluster.delete(obj["apiVersion"], obj["kind"], meta["name"], meta.get("namespace"), propagation)
        self._wait("%s is still being deleted" % describe(obj), lambda: self._gone(obj))

    def _established(self, crd):
        live = self.cluster.get(crd["apiVersion"], crd["kind"], crd["metadata"]["name"]) or {}
        return any(c.get("type") == "Established" and c.get("status") == "True"
                   for c in (live.get("status") or {}).get("conditions") or [])

    def apply(self, entries):
        crds_pending = False
        for entry in entries:
            if entry.action == "unchanged":
                self.summaries.append(_summary(entry.obj, "unchanged"))
                continue
            if entry.deferred and crds_pending:
                self.cluster.forget_types()
                crds_pending = False
            try:
                if entry.action == "recreated":
                    self.recreate(entry)
                result, warnings = self.cluster.apply(entry.obj, self.manager, force=self.force)
            except ApiError as e:
                raise StackError("%s: the API server refused the apply: %s. Objects before it in the order were "
                                 "applied; fix the cause and run again." % (describe(entry.obj), e.message),
                                 self.result()) from e
            entry.result = result
            self.warnings.extend("%s: %s" % (describe(entry.obj), w) for w in warnings)
            self.summaries.append(_summary(entry.obj, entry.action))
            if entry.obj["kind"] == "CustomResourceDefinition":
                self._wait("CustomResourceDefinition %s is not established" % entry.obj["metadata"]["name"],
                           lambda crd=entry.obj: self._established(crd))
                crds_pending = True

    def record_plan(self, entries):
        for entry in entries:
            self.summaries.append(_summary(entry.obj, entry.action))

    def add_diffs(self, entries):
        for entry in entries:
            if entry.action != "unchanged":
                after = entry.result if entry.action in ("created", "configured") and entry.result else entry.obj
                self.diffs.append(diff_entry(entry.live, after, describe(entry.obj)))

    # delete

    def namespace_holdings(self, namespace):
        """What keeps ``namespace`` from being deleted: objects that are neither the stack's nor automatic."""
        found = []
        for rtype in self.cluster.namespaced_types():
            group = _group(rtype.api_version)
            try:
                items = self.cluster.list(rtype.api_version, rtype.kind, namespace=namespace)
            except ApiError as e:
                found.append("%s (cannot list them: %s)" % (rtype.kind, e.message))
                continue
            # An object already being deleted (a claim just purged, waiting for its finalizer) holds nothing.
            found.extend(foreign_objects([item for item in items if not (item.get("metadata") or {}).get(
                "deletionTimestamp")], self.instance, group))
        return found

    def delete(self, objects, retained_namespaces=(), wait_namespaces=False, wait_pods=False, reason=None):
        """Delete in reverse dependency order; with wait_pods, each workload only once its pods are gone."""
        for obj in delete_order(objects):
            meta = obj["metadata"]
            if obj["kind"] == "Namespace":
                if meta["name"] in retained_namespaces:
                    self.summaries.append(_summary(obj, "retained", "holds data the stack keeps"))
                    continue
                holdings = self.namespace_holdings(meta["name"])
                if holdings:
                    shown = ", ".join(holdings[:5]) + (" and %d more" % (len(holdings) - 5) if len(holdings) > 5 else "")
                    self.summaries.append(_summary(obj, "retained", "still holds what the stack does not own: "
                                                   + shown))
                    continue
            if not self.check_mode:
                foreground = wait_pods and obj["kind"] in WORKLOAD_KINDS
                try:
                    self.cluster.delete(obj["apiVersion"], obj["kind"], meta["name"], meta.get("namespace"),
                                        "Foreground" if foreground else "Background")
                except ApiError as e:
                    raise StackError("%s: cannot delete it: %s" % (describe(obj), e.message), self.result()) from e
                if (obj["kind"] == "Namespace" and wait_namespaces) or foreground:
                    self._wait("%s is still being deleted" % describe(obj), lambda o=obj: self._gone(o))
            self.summaries.append(_summary(obj, "pruned", reason))
            if self.diff:
                self.diffs.append(diff_entry(obj, None, describe(obj)))

    # results

    def merge_earlier(self, earlier):
        """Report what an earlier step of the same run did (namespaces applied first) instead of "unchanged"."""
        done = {(e["kind"], e.get("namespace") or "", e["name"]): e["action"] for e in earlier
                if e.get("action") not in (None, "unchanged", "retained")}
        for entry in self.summaries:
            key = (entry["kind"], entry["namespace"], entry["name"])
            if entry["action"] == "unchanged" and key in done:
                entry["action"] = done[key]
                entry["step"] = "earlier"

    def result(self):
        counts = {}
        for entry in self.summaries:
            counts[entry["action"]] = counts.get(entry["action"], 0) + 1
        changed = any(entry["action"] not in ("unchanged", "retained") and entry.get("step") != "earlier"
                      for entry in self.summaries)
        kept = ["%s %s%s: %s" % (e["kind"], e["namespace"] + "/" if e["namespace"] else "", e["name"], e["reason"])
                for e in self.summaries if e["action"] == "retained"]
        result = {"changed": changed, "objects": self.summaries, "counts": counts, "dry_run": self.check_mode,
                  "api_warnings": self.warnings, "kept": kept}
        if self.diff:
            result["diff"] = self.diffs
        return result


def run_apply(cluster, params, check_mode=False, diff=False, **kwargs):
    """Apply the stack (params: see DEFAULTS); returns the result dict or raises StackError."""
    run = StackRun(cluster, params, check_mode=check_mode, diff=diff, **kwargs)
    objects = list(run.params["objects"])
    errors = run.check_render(objects)
    if errors:
        raise StackError("The objects to apply are not usable:\n" + "\n".join("  - " + e for e in errors))
    only = set(run.params["only_kinds"])
    if only:
        objects = [obj for obj in objects if obj["kind"] in only]
    live = run.live_owned(objects, rendered_only=bool(only))
    entries, conflicts, immutable, errors = run.plan(objects, live)
    message = run.refusals_message(conflicts, immutable, errors)
    if message:
        raise StackError(message, run.result())
    for entry, _error in immutable:
        entry.action = "recreated"
    keep = {entry.key for entry in entries} | {_retain_key(item) for item in run.params["retain"]}
    to_delete, retained = select_prune(live, keep) if run.params["prune"] and not only else ([], [])
    # A DaemonSet that is no longer rendered goes, with its pods, before anything new starts: the agent
    # or exporter replacing it on every node reads the same host files or binds the same host port.
    replaced = [obj for obj in to_delete if obj["kind"] == "DaemonSet"]
    run.delete(replaced, wait_pods=True, reason="gone with its pods before anything new was applied")
    if check_mode:
        run.record_plan(entries)
    else:
        run.apply(entries)
    if diff:
        run.add_diffs(entries)
    run.delete([obj for obj in to_delete if obj["kind"] != "DaemonSet"])
    for obj, reason in retained:
        run.summaries.append(_summary(obj, "retained", reason))
    run.merge_earlier(run.params["earlier"])
    result = run.result()
    result["digest"] = stack_digest(run.params["objects"])
    result["versions"] = stack_versions(run.params["objects"])
    return result


_CLAIM_NAME = "^%s-%s-[0-9]+$"


def run_uninstall(cluster, params, check_mode=False, diff=False, **kwargs):
    """Delete everything the stack owns; data (claims, generated Secrets) only when params.purge."""
    run = StackRun(cluster, params, check_mode=check_mode, diff=diff, **kwargs)
    purge = bool(run.params["purge"])
    live = run.live_owned([])
    if purge:
        live.update(_template_claims(cluster, [obj for obj in live.values() if obj["kind"] == "StatefulSet"]))
        # Claims left by an earlier uninstall without purge: their StatefulSets are gone, but they carry
        # the instance label of the pod selector and sit in a namespace the stack still owns.
        namespaces = [obj["metadata"]["name"] for obj in live.values() if obj["kind"] == "Namespace"]
        live.update(_instance_claims(cluster, run.instance, namespaces))
    to_delete, retained = select_prune(live, set(), purge=purge)
    kept_namespaces = {obj["metadata"].get("namespace") for obj, _reason in retained if keeps_data(obj)}
    run.delete(to_delete, retained_namespaces=kept_namespaces, wait_namespaces=True)
    for obj, reason in retained:
        run.summaries.append(_summary(obj, "retained", reason))
    return run.result()


def _claims_owned_by(cluster, statefulset):
    """The claims of ``statefulset``'s templates that carry an ownerReference to it."""
    uid = statefulset["metadata"].get("uid")
    return [claim for claim in _template_claims(cluster, [statefulset]).values()
            if any(ref.get("uid") == uid for ref in claim["metadata"].get("ownerReferences") or [])]


def _instance_claims(cluster, instance, namespaces):
    """The claims labelled with the stack's instance in the given namespaces."""
    found = {}
    for namespace in namespaces:
        for claim in cluster.list("v1", "PersistentVolumeClaim", namespace=namespace,
                                  label_selector="app.kubernetes.io/instance=%s" % instance):
            found[object_id(claim)] = claim
    return found


def _template_claims(cluster, statefulsets):
    """The claims StatefulSets made from their volumeClaimTemplates (named <template>-<set>-<ordinal>)."""
    found = {}
    for sts in statefulsets:
        namespace = sts["metadata"].get("namespace")
        names = [(t.get("metadata") or {}).get("name") for t in (sts.get("spec") or {}).get("volumeClaimTemplates") or []]
        patterns = [re.compile(_CLAIM_NAME % (re.escape(n), re.escape(sts["metadata"]["name"]))) for n in names if n]
        if not patterns:
            continue
        for claim in cluster.list("v1", "PersistentVolumeClaim", namespace=namespace):
            if any(p.match(claim["metadata"]["name"]) for p in patterns):
                found[object_id(claim)] = claim
    return found
