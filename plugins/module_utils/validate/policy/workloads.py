# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Rules over pod templates (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod):
K001-K011, K013, K014 and K016."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.model import (
    as_dict,
    as_list,
    metadata,
    parse_image,
    ref,
    scaled,
    selector_matches,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.paths import json_path
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.registry import Finding, rule

# K013: servers that keep state on disk; identified by app.kubernetes.io/name or image name.
STATEFUL_APPS = ("prometheus", "alertmanager", "loki")
# K009: servers that replay a WAL or join a ring before they are ready, so a liveness probe alone
# would kill them while they start.
SLOW_STARTING_APPS = ("prometheus", "loki", "thanos", "mimir", "cortex", "tempo")
# K014: components whose eviction loses metrics, alerts or logs.
CRITICAL_APPS = ("prometheus", "alertmanager", "loki", "alloy", "promtail", "node-exporter")


def _app_of(workload, apps):
    names = workload.app_names()
    for app in apps:
        if app in names:
            return app
    return None


# --- K001 ----------------------------------------------------------------------------------------

@rule("K001", "Containers have CPU and memory requests and limits",
      why="Without requests the scheduler overcommits nodes; without limits one container can starve the node "
          "(and the kubelet evicts BestEffort pods first).",
      fix="Set resources.requests.cpu, resources.requests.memory, resources.limits.cpu and resources.limits.memory "
          "on every container and init container.")
def k001_resources(ctx):
    for wl in ctx.workloads:
        for c in wl.containers():
            resources = c.spec.get("resources")
            if not as_dict(resources):
                yield Finding(wl.obj, c.at("resources"), "container %r has no resources (requests and limits for "
                              "cpu and memory)" % c.name)
                continue
            for part in ("requests", "limits"):
                values = resources.get(part)
                if not as_dict(values):
                    yield Finding(wl.obj, c.at("resources", part), "container %r has no resources.%s (cpu and memory)"
                                  % (c.name, part))
                    continue
                for resource in ("cpu", "memory"):
                    if values.get(resource) in (None, ""):
                        yield Finding(wl.obj, c.at("resources", part, resource),
                                      "container %r has no %s.%s" % (c.name, part, resource))


# --- K002 ----------------------------------------------------------------------------------------

@rule("K002", "Images are pinned to an explicit version tag",
      why="A missing or moving tag (latest, main, stable) makes two renders deploy different software and breaks "
          "rollbacks.",
      fix="Use repository:version (for example quay.io/prometheus/prometheus:v3.5.0); a digest may follow the tag "
          "(repository:version@sha256:...).")
def k002_pinned_images(ctx):
    for wl in ctx.workloads:
        for c in wl.containers():
            image = c.spec.get("image")
            if not image:
                yield Finding(wl.obj, c.at("image"), "container %r has no image" % c.name)
                continue
            _repo, tag, digest = parse_image(image)
            if tag is None:
                message = ("image %r of container %r is pinned by digest only; add the version tag before the digest "
                           "so the version is readable" if digest else
                           "image %r of container %r has no tag, so it means :latest") % (image, c.name)
                yield Finding(wl.obj, c.at("image"), message)
            elif tag == "latest" or not any(ch.isdigit() for ch in tag):
                yield Finding(wl.obj, c.at("image"), "image %r of container %r uses the moving tag %r, not a version"
                              % (image, c.name, tag))


# --- K003 ----------------------------------------------------------------------------------------

@rule("K003", "Containers run as non-root",
      why="A process running as uid 0 owns the container's files and is one kernel bug away from root on the node; "
          "Pod Security 'restricted' rejects it.",
      fix="Set securityContext.runAsNonRoot: true (pod or container level) and a non-zero runAsUser, or waive K003 "
          "for a host-level agent that must read root-owned files.")
def k003_non_root(ctx):
    for wl in ctx.workloads:
        pod = wl.pod_security
        reported = set()
        for c in wl.containers():
            sc = c.security
            if "runAsUser" in sc:
                uid, uid_path = sc.get("runAsUser"), c.at("securityContext", "runAsUser")
            else:
                uid, uid_path = pod.get("runAsUser"), wl.at("securityContext", "runAsUser")
            if uid == 0 and uid_path not in reported:
                reported.add(uid_path)
                yield Finding(wl.obj, uid_path, "runAsUser is 0 (root) for container %r" % c.name)
            if "runAsNonRoot" in sc:
                value, path = sc.get("runAsNonRoot"), c.at("securityContext", "runAsNonRoot")
            else:
                value, path = pod.get("runAsNonRoot"), wl.at("securityContext", "runAsNonRoot")
            if value is not True and path not in reported:
                reported.add(path)
                state = "is %r" % value if value is not None else "is not set"
                yield Finding(wl.obj, path, "runAsNonRoot %s for container %r" % (state, c.name))


# --- K004 - K008: container security context -----------------------------------------------------

def _security_field(ctx, field, bad, message):
    """A finding for every container whose securityContext.<field> is ``bad``; ``message`` % container name."""
    for wl in ctx.workloads:
        for c in wl.containers():
            if bad(c.security.get(field)):
                yield Finding(wl.obj, c.at("securityContext", field), message % c.name)


@rule("K004", "Root filesystems are read-only",
      why="A writable root filesystem lets a compromised process replace binaries and hides state outside volumes.",
      fix="Set securityContext.readOnlyRootFilesystem: true on every container; mount an emptyDir or a PVC where the "
          "program writes (data, /tmp).")
def k004_read_only_root(ctx):
    return _security_field(ctx, "readOnlyRootFilesystem", lambda value: value is not True,
                           "container %r does not set readOnlyRootFilesystem: true")


@rule("K005", "All capabilities are dropped",
      why="Linux capabilities are root's powers in pieces; a container needs none of them to serve HTTP.",
      fix="Set securityContext.capabilities.drop: [ALL] on every container; a capability in 'add' needs a waiver "
          "(waivers.vmstation.io/K005) saying why.")
def k005_capabilities(ctx):
    for wl in ctx.workloads:
        for c in wl.containers():
            caps = as_dict(c.security.get("capabilities"))
            if "ALL" not in [str(x).upper() for x in as_list(caps.get("drop"))]:
                yield Finding(wl.obj, c.at("securityContext", "capabilities", "drop"),
                              "container %r does not drop ALL capabilities" % c.name)
            added = as_list(caps.get("add"))
            if added:
                yield Finding(wl.obj, c.at("securityContext", "capabilities", "add"),
                              "container %r adds capabilities %s" % (c.name, ", ".join(str(x) for x in added)),
                              "remove securityContext.capabilities.add, or waive K005 on this object with the reason "
                              "the capability is needed")


@rule("K006", "Privilege escalation is off",
      why="With allowPrivilegeEscalation a process can gain more privileges than its parent (setuid binaries).",
      fix="Set securityContext.allowPrivilegeEscalation: false on every container.")
def k006_no_privilege_escalation(ctx):
    return _security_field(ctx, "allowPrivilegeEscalation", lambda value: value is not False,
                           "container %r does not set allowPrivilegeEscalation: false")


@rule("K007", "No privileged containers",
      why="A privileged container has every device and capability of the node: it is the node.",
      fix="Remove securityContext.privileged (or set it to false); if a host-level agent truly needs it, waive K007 "
          "on the object with the reason.")
def k007_not_privileged(ctx):
    return _security_field(ctx, "privileged", lambda value: value is True, "container %r is privileged")


SECCOMP_OK = ("RuntimeDefault", "Localhost")


@rule("K008", "Seccomp profile RuntimeDefault",
      why="Without a seccomp profile every system call of the kernel is reachable from the container.",
      fix="Set securityContext.seccompProfile.type: RuntimeDefault in the pod spec (or on each container).")
def k008_seccomp(ctx):
    for wl in ctx.workloads:
        pod_type = as_dict(wl.pod_security.get("seccompProfile")).get("type")
        reported = set()
        for c in wl.containers():
            profile = c.security.get("seccompProfile")
            if profile is not None:
                value, path = as_dict(profile).get("type"), c.at("securityContext", "seccompProfile", "type")
            else:
                value, path = pod_type, wl.at("securityContext", "seccompProfile", "type")
            if value not in SECCOMP_OK and path not in reported:
                reported.add(path)
                where = ("container %r" % c.name if profile is not None
                         else "the pod (container %r inherits it)" % c.name)
                yield Finding(wl.obj, path, "seccomp profile of %s is %s" % (
                    where, repr(value) if value else "not set (Unconfined on most runtimes)"))


# --- K009 ----------------------------------------------------------------------------------------

@rule("K009", "Long-running containers have probes",
      why="Without a readiness probe traffic reaches a pod that cannot serve; without a liveness probe a hung process "
          "is never restarted; a slow starter without a startup probe is killed by its liveness probe while it "
          "replays its WAL.",
      fix="Give every container of Deployments, StatefulSets, DaemonSets and Pods a livenessProbe and a "
          "readinessProbe; give Prometheus, Loki and other slow starters a startupProbe too.")
def k009_probes(ctx):
    for wl in ctx.workloads:
        if not wl.long_running:
            continue
        slow = _app_of(wl, SLOW_STARTING_APPS)
        main = wl.main_container(slow) if slow else None
        for c in wl.containers():
            if c.field == "initContainers" and not c.sidecar:
                continue
            for probe in ("livenessProbe", "readinessProbe"):
                if not as_dict(c.spec.get(probe)):
                    yield Finding(wl.obj, c.at(probe), "container %r has no %s" % (c.name, probe))
            if main is c and not as_dict(c.spec.get("startupProbe")):
                yield Finding(wl.obj, c.at("startupProbe"),
                              "container %r runs %s, a slow starter, and has no startupProbe" % (c.name, slow),
                              "add a startupProbe on the readiness endpoint with failureThreshold x periodSeconds "
                              "long enough for a WAL replay (for example 60 x 10s)")


# --- K010 ----------------------------------------------------------------------------------------

@rule("K010", "Host namespaces and hostPath only for agents, with a waiver",
      why="hostNetwork, hostPID, hostIPC and hostPath give a pod the node's network, processes and files; only "
          "host-level agents (node-exporter, log agents) need them, in the namespace whose Pod Security allows it.",
      fix="Remove hostNetwork/hostPID/hostIPC and hostPath volumes; a host-level agent runs in the agents namespace "
          "and carries the annotation waivers.vmstation.io/K010 with the reason.")
def k010_host_access(ctx):
    agents = ctx.agents_namespaces
    for wl in ctx.workloads:
        uses = []
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if wl.pod_spec.get(key) is True:
                uses.append((wl.at(key), "uses %s" % key))
        for index, volume in enumerate(as_list(wl.pod_spec.get("volumes"))):
            host_path = as_dict(volume).get("hostPath")
            if host_path is not None:
                uses.append((wl.at("volumes", index, "hostPath"), "mounts hostPath %s (volume %r)"
                             % (as_dict(host_path).get("path", "?"), as_dict(volume).get("name"))))
        in_agents = wl.namespace in agents
        for path, what in uses:
            if in_agents:
                yield Finding(wl.obj, path, "the pod %s" % what)
            else:
                yield Finding(wl.obj, path, "the pod %s outside the agents namespace(s) %s" % (
                    what, ", ".join(sorted(agents)) or "(none declared)"),
                    "remove it, or run the workload as a host-level agent in a namespace whose Pod Security enforce "
                    "level is privileged, with a K010 waiver", waivable=False)


# --- K011 ----------------------------------------------------------------------------------------

def _allowed_evictions(spec, replicas):
    if "maxUnavailable" in spec:
        value = scaled(spec.get("maxUnavailable"), replicas)
        return None if value is None else min(value, replicas)
    if "minAvailable" in spec:
        value = scaled(spec.get("minAvailable"), replicas)
        return None if value is None else replicas - value
    return None


@rule("K011", "A PodDisruptionBudget covers every Deployment and StatefulSet and allows one eviction",
      why="Without a budget a node drain can take every replica down at once; a budget that allows no eviction "
          "(minAvailable equal to the replica count, the usual trap with one replica) blocks node drains forever.",
      fix="Render a PodDisruptionBudget selecting the pods with the stable selector labels and maxUnavailable: 1.")
def k011_disruption_budgets(ctx):
    for wl in ctx.workloads:
        if wl.kind not in ("Deployment", "StatefulSet") or wl.replicas < 1:
            continue
        covering = [pdb for pdb in ctx.in_namespace("PodDisruptionBudget", wl.namespace)
                    if selector_matches(as_dict(pdb.get("spec")).get("selector"), wl.pod_labels)]
        if not covering:
            yield Finding(wl.obj, json_path(*wl.template_path, "metadata", "labels"),
                          "no PodDisruptionBudget in namespace %s selects the pods of this %s"
                          % (wl.namespace, wl.kind))
            continue
        if len(covering) > 1:
            yield Finding(wl.obj, json_path(*wl.template_path, "metadata", "labels"),
                          "the pods are selected by %d PodDisruptionBudgets (%s); the eviction API refuses to evict "
                          "pods covered by more than one" % (len(covering), ", ".join(ref(p) for p in covering)),
                          "keep exactly one PodDisruptionBudget per workload")
            continue
        pdb = covering[0]
        allowed = _allowed_evictions(as_dict(pdb.get("spec")), wl.replicas)
        if allowed is None:
            yield Finding(wl.obj, json_path("spec", "replicas"),
                          "%s sets neither a valid minAvailable nor maxUnavailable" % ref(pdb),
                          "set spec.maxUnavailable: 1 on %s" % ref(pdb))
        elif allowed < 1:
            yield Finding(wl.obj, json_path("spec", "replicas"),
                          "%s allows no voluntary eviction with %d replica(s), so node drains block"
                          % (ref(pdb), wl.replicas),
                          "set spec.maxUnavailable: 1 on %s (instead of minAvailable), or add replicas" % ref(pdb))


# --- K013 ----------------------------------------------------------------------------------------

@rule("K013", "Prometheus, Alertmanager and Loki are StatefulSets with volume claims",
      why="Their data (TSDB, silences and notification log, chunks and index) must survive a restart; an emptyDir or "
          "a Deployment loses it on every rollout.",
      fix="Run them as StatefulSets with spec.volumeClaimTemplates. If the inventory asks for ephemeral storage on "
          "purpose, the role sets the annotation waivers.vmstation.io/K013 with that reason.")
def k013_stateful_storage(ctx):
    for wl in ctx.workloads:
        if wl.kind in ("Job", "CronJob"):
            continue
        app = _app_of(wl, STATEFUL_APPS)
        if app is None:
            continue
        if wl.kind != "StatefulSet":
            yield Finding(wl.obj, "kind", "%s runs as a %s; its data is lost on every rollout" % (app, wl.kind),
                          "render %s as a StatefulSet with spec.volumeClaimTemplates" % app)
        elif not as_list(as_dict(wl.obj.get("spec")).get("volumeClaimTemplates")):
            yield Finding(wl.obj, "spec.volumeClaimTemplates",
                          "the %s StatefulSet has no volumeClaimTemplates; its data is lost on restart" % app)


# --- K014 ----------------------------------------------------------------------------------------

def _spread_terms(wl):
    """(path, labelSelector) of every preferred anti-affinity term and topology spread constraint."""
    affinity = as_dict(as_dict(wl.pod_spec.get("affinity")).get("podAntiAffinity"))
    terms = []
    for index, term in enumerate(as_list(affinity.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        selector = as_dict(as_dict(term).get("podAffinityTerm")).get("labelSelector")
        terms.append((wl.at("affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", index,
                            "podAffinityTerm", "labelSelector"), selector))
    for index, constraint in enumerate(as_list(wl.pod_spec.get("topologySpreadConstraints"))):
        terms.append((wl.at("topologySpreadConstraints", index, "labelSelector"),
                      as_dict(constraint).get("labelSelector")))
    return terms


@rule("K014", "Replicas are spread and critical components have a priority class",
      why="Replicas on one node fail together; under memory pressure the scheduler preempts pods without a priority "
          "class first, and monitoring must be the last thing to go.",
      fix="Give replicated workloads preferred pod anti-affinity or a topology spread constraint on their own stable "
          "labels; give critical components (Prometheus, Alertmanager, Loki, agents) spec.priorityClassName.")
def k014_spread_and_priority(ctx):
    for wl in ctx.workloads:
        if wl.kind in ("Deployment", "StatefulSet", "ReplicaSet") and wl.replicas > 1:
            terms = _spread_terms(wl)
            if not terms:
                yield Finding(wl.obj, wl.at("affinity"),
                              "%d replicas have neither preferred pod anti-affinity nor topologySpreadConstraints"
                              % wl.replicas)
            for path, selector in terms:
                if not selector_matches(selector, wl.pod_labels):
                    yield Finding(wl.obj, path, "the selector does not select this workload's own pods, so it "
                                  "spreads nothing", "select the pods by their stable name and instance labels")
        if wl.kind in ("Job", "CronJob"):
            continue
        app = _app_of(wl, CRITICAL_APPS)
        if app and not wl.pod_spec.get("priorityClassName"):
            yield Finding(wl.obj, wl.at("priorityClassName"), "%s is a critical component without a priorityClassName"
                          % app, "set spec.priorityClassName (the stack's monitoring_priority_class_name)")


# --- K016 ----------------------------------------------------------------------------------------

def _api_readers(ctx):
    """(namespace, service account) pairs bound to a Role or ClusterRole by an object of the set."""
    readers = set()
    for binding in list(ctx.kind("RoleBinding")) + list(ctx.kind("ClusterRoleBinding")):
        for subject in as_list(binding.get("subjects")):
            subject = as_dict(subject)
            if subject.get("kind") == "ServiceAccount":
                namespace = (subject.get("namespace") or metadata(binding).get("namespace")
                             or ctx.options.default_namespace)
                readers.add((str(namespace), str(subject.get("name"))))
    return readers


@rule("K016", "Service account tokens are mounted only where the API is read",
      why="A mounted token is a credential for the Kubernetes API in every container's filesystem; a pod that never "
          "calls the API should not carry one.",
      fix="Set spec.automountServiceAccountToken: false in the pod spec (or on its ServiceAccount), unless a "
          "RoleBinding or ClusterRoleBinding grants its ServiceAccount access to the API.")
def k016_service_account_token(ctx):
    readers = ctx.cached("api_readers", lambda: _api_readers(ctx))
    accounts = ctx.cached("service_accounts", lambda: {
        (ctx.namespace(sa), str(metadata(sa).get("name"))): sa for sa in ctx.kind("ServiceAccount")})
    for wl in ctx.workloads:
        account = str(wl.pod_spec.get("serviceAccountName") or wl.pod_spec.get("serviceAccount") or "default")
        if (wl.namespace, account) in readers:
            continue
        value = wl.pod_spec.get("automountServiceAccountToken")
        if value is None:
            sa = accounts.get((wl.namespace, account))
            value = sa.get("automountServiceAccountToken") if sa is not None else None
        if value is not False:
            yield Finding(wl.obj, wl.at("automountServiceAccountToken"),
                          "the pod mounts the token of ServiceAccount %s/%s (automountServiceAccountToken is %s) but "
                          "no binding among the manifests grants that account API access"
                          % (wl.namespace, account, "not set" if value is None else repr(value)))
