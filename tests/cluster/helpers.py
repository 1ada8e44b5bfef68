"""Running site.yml and the other playbooks against local control planes (scripts/local_cluster.py).

An example inventory is used as it is; a second inventory source (an overlay written into the test's
folder) points each of its clusters at a local control plane and turns applying on. Nothing of
inventory/ is copied or changed.
"""

from __future__ import annotations

import re

import yaml
from conftest import ROOT, run_playbook

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.presets import (
    DEFAULT_DISTRIBUTION,
    distribution_preset,
)

# Simulated pods have no reachable IP: rollouts are waited for, the service-proxy health checks are not.
# The local control plane listens on loopback; its kwok nodes have no real addresses. The stack requires the API
# server's and the nodes' ranges for its NetworkPolicies (docs/networking.md); loopback stands for both.
CLUSTER_VARS = {"monitoring_apply": True, "monitoring_wait_ready": True, "monitoring_verify_health": False,
                "monitoring_wait_timeout": 240, "monitoring_api_server_cidrs": ["127.0.0.1/32"],
                "monitoring_node_cidrs": ["127.0.0.0/8"]}


def inventory_hosts(inventory):
    """The clusters of an example inventory, in inventory order."""
    data = yaml.safe_load((ROOT / "inventory" / inventory / "hosts.yml").read_text())
    return [host for group in data.values() for host in (group.get("hosts") or {})]


def inventory_var(inventory, name, default=None):
    for path in sorted((ROOT / "inventory" / inventory).rglob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        if isinstance(data, dict) and name in data:
            return data[name]
    return default


def inventory_storage_class(inventory):
    """The StorageClass an example inventory's claims ask for: its monitoring_storage_class, else its
    monitoring_distribution's (k3s: local-path); empty for the cluster's default."""
    distribution = inventory_var(inventory, "monitoring_distribution", DEFAULT_DISTRIBUTION)
    return inventory_var(inventory, "monitoring_storage_class",
                         distribution_preset("monitoring_storage_class", distribution))


def cluster_vars(cluster):
    """Host variables that point a cluster of an inventory at a LocalCluster.

    The stack refuses a cluster whose MAJOR.MINOR differs from monitoring_kubernetes_version (its
    schemas were checked for that version), so the host is told the local control plane's version.
    """
    return {**CLUSTER_VARS, "monitoring_kubeconfig": str(cluster.kubeconfig), "monitoring_kube_context": cluster.context,
            "monitoring_kubernetes_version": cluster.minor_version}


def write_overlay(folder, clusters, **extra):
    """An inventory file that points each host at its local cluster: {host: LocalCluster}."""
    folder.mkdir(parents=True, exist_ok=True)
    hosts = {host: {**cluster_vars(c), **extra} for host, c in clusters.items()}
    path = folder / "clusters.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    return str(path)


def site(build, inventory, overlay, extra_vars=None, playbook="site.yml", args=()):
    return run_playbook(build, inventory, extra_vars, playbook=playbook, args=("-i", overlay, *args))


def flat(text):
    return " ".join(text.split())


def recap(run):
    """host -> {ok, changed, failed, ...} from the play recap."""
    found = {}
    for host, counts in re.findall(r"^(\S+)\s*:\s*(ok=\d+.*)$", run.output, re.M):
        found[host] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", counts)}
    return found


def task_results(run, task):
    """[(offset, host, status)] of every host's result of the tasks named `task`, in output order.

    Results are read from the lines under each "TASK [role : name]" header: a task's name is templated
    once per play, so under `serial` it cannot tell which cluster a result is for; the result line can.
    """
    found, current = [], None
    for match in re.finditer(r"^TASK \[(?:[^\]:]+ : )?(?P<task>.*?)\] \**$|^(?P<status>ok|changed|fatal|failed|skipping):"
                             r" \[(?P<host>[^\]]+)\]", run.output, re.M):
        if match.group("task") is not None:
            current = match.group("task")
        elif current == task:
            found.append((match.start(), match.group("host"), match.group("status")))
    return found


def pod_security_refusals(api):
    """Events of controllers whose pods Pod Security refused."""
    from kubernetes import client

    events = client.CoreV1Api(api).list_event_for_all_namespaces().items
    return ["%s/%s: %s" % (e.involved_object.namespace, e.involved_object.name, e.message) for e in events
            if e.reason == "FailedCreate" or "PodSecurity" in (e.message or "") or "violates" in (e.message or "")]


def workload_states(api, instance="vmstation-monitoring"):
    """(kind/namespace/name, desired, ready) for every Deployment, StatefulSet and DaemonSet of the stack."""
    from kubernetes import client

    apps = client.AppsV1Api(api)
    selector = "app.kubernetes.io/instance=%s" % instance
    rows = []
    for d in apps.list_deployment_for_all_namespaces(label_selector=selector).items:
        rows.append(("Deployment/%s/%s" % (d.metadata.namespace, d.metadata.name), d.spec.replicas,
                     d.status.available_replicas or 0))
    for s in apps.list_stateful_set_for_all_namespaces(label_selector=selector).items:
        rows.append(("StatefulSet/%s/%s" % (s.metadata.namespace, s.metadata.name), s.spec.replicas,
                     s.status.ready_replicas or 0))
    for d in apps.list_daemon_set_for_all_namespaces(label_selector=selector).items:
        rows.append(("DaemonSet/%s/%s" % (d.metadata.namespace, d.metadata.name), d.status.desired_number_scheduled,
                     d.status.number_ready or 0))
    return rows


def assert_deployed(run, host, cluster):
    """The run deployed the whole stack to the cluster: admitted, rolled out, claims bound."""
    assert "%s (context %s, Kubernetes %s)" % (host, cluster.context, cluster.version) in flat(run.output)
    api = cluster.client()
    assert pod_security_refusals(api) == [], "every pod is admitted by Pod Security"
    states = workload_states(api)
    assert len(states) >= 5, states
    not_ready = [row for row in states if not row[1] or row[2] < row[1]]
    assert not_ready == [], "every rollout completes on the kwok nodes: %s" % not_ready
    pending = {name: phase for name, phase in claims(api).items() if phase != "Bound"}
    assert pending == {} and claims(api), "every claim is bound"


def claims(api):
    from kubernetes import client

    return {"%s/%s" % (c.metadata.namespace, c.metadata.name): c.status.phase
            for c in client.CoreV1Api(api).list_persistent_volume_claim_for_all_namespaces().items}
