"""The whole life of a stack on a real control plane (scripts/local_cluster.py), the default inventory
with every component: applied (admitted, rolled out, claims bound), a check/diff that changes nothing, a change, prune of a component switched off
(its claim kept), a rollback that brings it back onto the same claim, an immutable-field change refused
and then recreated on request (claim kept), uninstall (claims kept), uninstall with purge. And the
upgrade path: the `seed` profile applied, then `current` over it.
"""

from __future__ import annotations

import re

import pytest
from cluster.helpers import assert_deployed, flat, recap, site, write_overlay

pytestmark = [pytest.mark.render, pytest.mark.cluster]

HOST = "local"
OWNED = "app.kubernetes.io/instance=vmstation-monitoring"


def core(cluster):
    from kubernetes import client

    return client.CoreV1Api(cluster.client())


def apps(cluster):
    from kubernetes import client

    return client.AppsV1Api(cluster.client())


def claim_uids(cluster):
    return {"%s/%s" % (c.metadata.namespace, c.metadata.name): c.metadata.uid
            for c in core(cluster).list_persistent_volume_claim_for_all_namespaces().items}


def owned_count(cluster):
    """Objects of the kinds every component renders that carry the stack's ownership label."""
    from kubernetes import client

    api = cluster.client()
    c, a, n = core(cluster), apps(cluster), client.NetworkingV1Api(api)
    return sum(len(items) for items in (
        c.list_config_map_for_all_namespaces(label_selector=OWNED).items,
        c.list_service_for_all_namespaces(label_selector=OWNED).items,
        c.list_service_account_for_all_namespaces(label_selector=OWNED).items,
        a.list_stateful_set_for_all_namespaces(label_selector=OWNED).items,
        a.list_deployment_for_all_namespaces(label_selector=OWNED).items,
        a.list_daemon_set_for_all_namespaces(label_selector=OWNED).items,
        n.list_network_policy_for_all_namespaces(label_selector=OWNED).items,
        c.list_namespace(label_selector=OWNED).items))


def dns_labels(cluster):
    from kubernetes import client

    policy = client.NetworkingV1Api(cluster.client()).read_namespaced_network_policy("allow-dns-egress", "monitoring")
    return policy.spec.egress[0].to[0].pod_selector.match_labels


def statefulset_names(cluster):
    return sorted(s.metadata.name for s in apps(cluster).list_stateful_set_for_all_namespaces(label_selector=OWNED).items)


def test_check_diff_change_prune_rollback_immutable_and_uninstall_on_the_full_stack(cluster_factory, tmp_path):
    cluster = cluster_factory(HOST)
    overlay = write_overlay(tmp_path / "overlay", {HOST: cluster})
    build = tmp_path / "build"

    first = site(build, "local", overlay)
    assert first.returncode == 0, first.output[-8000:]
    assert_deployed(first, HOST, cluster)
    assert "release v1 recorded" in flat(first.output)
    claims = claim_uids(cluster)
    assert "monitoring/storage-loki-0" in claims or any("loki" in k for k in claims), claims

    # --check --diff: a server-side dry run; the diff names the object, the cluster keeps its value.
    changed_dns = {"monitoring_dns_pod_labels": {"k8s-app": "coredns"}}
    dry = site(build, "local", overlay, changed_dns, args=("--check", "--diff"))
    assert dry.returncode == 0, dry.output[-8000:]
    assert "NetworkPolicy monitoring/allow-dns-egress" in dry.output and "k8s-app: coredns" in dry.output
    assert re.search(r"dry run: objects \d+ configured", flat(dry.output)), dry.output[-4000:]
    assert dns_labels(cluster) == {"k8s-app": "kube-dns"}

    changed = site(build, "local", overlay, changed_dns)
    assert changed.returncode == 0, changed.output[-8000:]
    assert "release v2 recorded" in flat(changed.output)
    assert dns_labels(cluster) == {"k8s-app": "coredns"}

    # Prune: Loki (and the agent that ships to it) switched off; its claim stays.
    without_loki = {**changed_dns, "monitoring_components": ["prometheus", "alertmanager", "node_exporter",
                                                             "kube_state_metrics", "grafana"],
                    "monitoring_log_agent": "none"}
    pruned = site(build, "local", overlay, without_loki)
    assert pruned.returncode == 0, pruned.output[-8000:]
    assert "loki" not in statefulset_names(cluster)
    assert not apps(cluster).list_daemon_set_for_all_namespaces(label_selector="app.kubernetes.io/name=alloy").items
    assert claim_uids(cluster) == claims, "the claims of a pruned StatefulSet are kept"

    # Rollback to the release before: Loki is back, on the same claim.
    back = site(build, "local", overlay, playbook="playbooks/rollback.yml")
    assert back.returncode == 0, back.output[-8000:]
    assert "loki" in statefulset_names(cluster)
    assert claim_uids(cluster) == claims
    assert dns_labels(cluster) == {"k8s-app": "coredns"}, "release v2's inputs are back"

    # An immutable field (the claim template's size) is refused with what to do, nothing applied ...
    bigger = {**changed_dns, "loki_storage_size": "60Gi"}
    refused = site(build, "local", overlay, bigger)
    assert refused.returncode != 0
    text = flat(refused.output)
    assert "StatefulSet monitoring/loki" in text and "monitoring_recreate_immutable: true" in text, text[-4000:]
    loki = apps(cluster).read_namespaced_stateful_set("loki", "monitoring")
    assert loki.spec.volume_claim_templates[0].spec.resources.requests["storage"] == "50Gi"
    # ... and recreated when asked for; the claim (its data) survives.
    recreated = site(build, "local", overlay, {**bigger, "monitoring_recreate_immutable": True})
    assert recreated.returncode == 0, recreated.output[-8000:]
    loki = apps(cluster).read_namespaced_stateful_set("loki", "monitoring")
    assert loki.spec.volume_claim_templates[0].spec.resources.requests["storage"] == "60Gi"
    assert claim_uids(cluster) == claims

    again = site(build, "local", overlay, bigger)
    assert again.returncode == 0 and recap(again)[HOST]["changed"] == 0, again.output[-8000:]

    # Uninstall keeps the claims (and the namespace that holds them) ...
    assert owned_count(cluster) > 30
    gone = site(build, "local", overlay, playbook="playbooks/uninstall.yml")
    assert gone.returncode == 0, gone.output[-8000:]
    assert re.search(r"local: \d+ object\(s\) deleted, \d+ release record\(s\) removed", flat(gone.output))
    assert owned_count(cluster) == 1, "only the namespace holding the claims is left"
    assert claim_uids(cluster) == claims
    # ... unless purge is asked for.
    purged = site(build, "local", overlay, {"monitoring_purge_data": True}, playbook="playbooks/uninstall.yml")
    assert purged.returncode == 0, purged.output[-8000:]
    assert owned_count(cluster) == 0 and claim_uids(cluster) == {}, purged.output[-6000:]


def test_seed_then_current_keeps_claims_and_schema_and_swaps_promtail_for_alloy(cluster_factory, tmp_path):
    cluster = cluster_factory(HOST)
    overlay = write_overlay(tmp_path / "overlay", {HOST: cluster})
    build = tmp_path / "build"

    seed = site(build, "local", overlay, {"monitoring_version_profile": "seed"})
    assert seed.returncode == 0, seed.output[-8000:]
    claims = claim_uids(cluster)
    loki_seed = core(cluster).read_namespaced_config_map("loki", "monitoring")
    assert apps(cluster).read_namespaced_daemon_set("promtail", "monitoring-agents")

    # The operator appends a period for the upgrade (never edits the old one), as docs/logs.md says.
    import yaml

    old_periods = yaml.safe_load(next(iter(loki_seed.data.values())))["schema_config"]["configs"]
    new_period = dict(old_periods[-1], **{"from": "2027-01-01", "index": {"prefix": "index_v2_", "period": "24h"}})
    current = site(build, "local", overlay, {"monitoring_version_profile": "current",
                                             "loki_schema_configs": old_periods + [new_period]})
    assert current.returncode == 0, current.output[-8000:]
    assert claim_uids(cluster) == claims, "every claim is kept across the upgrade"
    loki_now = yaml.safe_load(next(iter(core(cluster).read_namespaced_config_map("loki", "monitoring").data.values())))
    assert loki_now["schema_config"]["configs"] == old_periods + [new_period]
    agents = sorted(d.metadata.name for d in apps(cluster).list_daemon_set_for_all_namespaces(label_selector=OWNED).items)
    assert "alloy" in agents and "promtail" not in agents, agents
    # Promtail's pods were gone before Alloy's DaemonSet was created: never two agents on the same files.
    promtail_pods = core(cluster).list_namespaced_pod("monitoring-agents", label_selector="app.kubernetes.io/name=promtail")
    assert promtail_pods.items == []
    # The summary names what was pruned, and that the old agent went with its pods before Alloy came.
    assert "pruned: DaemonSet monitoring-agents/promtail (gone with its pods before anything new was applied)" in (
        flat(current.output)), current.output[-4000:]
