"""The presets rendered (docs/sizing.md): monitoring_size small fits a homelab (its requests and claims summed
over the exported tree), monitoring_distribution k3s admits k3s's Traefik to Grafana and scrapes no embedded
control-plane component, and a variable set in the inventory wins over either preset."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.units import parse_quantity

from conftest import run_playbook

pytestmark = pytest.mark.render

CLUSTER = "local"
NODES = 3  # a Raspberry Pi class homelab: 3 nodes of 4 cores and 8 GiB
GRAFANA_INGRESS = {"grafana_ingress_enabled": True, "grafana_ingress_host": "grafana.lab.home.arpa"}
# The ranges NetworkPolicies cannot select by label, which an inventory written from scratch must give.
NETWORK = {"monitoring_api_server_cidrs": ["10.0.0.1/32"], "monitoring_node_cidrs": ["10.0.0.0/24"]}


def _ok(run):
    assert run.returncode == 0, run.output[-4000:]
    return run.objects(CLUSTER)


def _by(objects, kind, name):
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def _totals(objects, nodes):
    """CPU and memory requests of every pod the tree makes (DaemonSets on ``nodes`` nodes) and the storage its
    claims ask for."""
    cpu = memory = claims = 0
    for obj in objects:
        if obj["kind"] not in ("Deployment", "StatefulSet", "DaemonSet"):
            continue
        pods = nodes if obj["kind"] == "DaemonSet" else obj["spec"].get("replicas", 1)
        spec = obj["spec"]["template"]["spec"]
        for container in spec["containers"] + spec.get("initContainers", []):
            requests = container["resources"]["requests"]
            cpu += parse_quantity(requests["cpu"]) * pods
            memory += parse_quantity(requests["memory"]) * pods
        for claim in obj["spec"].get("volumeClaimTemplates", []):
            claims += parse_quantity(claim["spec"]["resources"]["requests"]["storage"]) * pods
    claims += sum(parse_quantity(o["spec"]["resources"]["requests"]["storage"]) for o in objects
                  if o["kind"] == "PersistentVolumeClaim")
    return cpu, memory, claims


def test_small_asks_for_what_a_raspberry_pi_homelab_can_spare(render):
    objects = _ok(render(CLUSTER, "current", monitoring_size="small"))
    cpu, memory, claims = _totals(objects, NODES)
    assert cpu <= parse_quantity("600m"), cpu
    assert memory <= parse_quantity("1536Mi"), memory
    assert claims == parse_quantity("17.25Gi"), claims
    loki = _by(objects, "StatefulSet", "loki")["spec"]["template"]["spec"]["containers"][0]
    assert loki["resources"]["requests"] == {"cpu": "100m", "memory": "256Mi"}


def test_the_default_size_is_the_stack_as_it_was(render):
    # medium: Loki 1 CPU / 2Gi, claims 20Gi + 1Gi + 5Gi + 50Gi.
    objects = _ok(render(CLUSTER, "current"))
    _cpu, _memory, claims = _totals(objects, NODES)
    assert claims == parse_quantity("76Gi")
    loki = _by(objects, "StatefulSet", "loki")["spec"]["template"]["spec"]["containers"][0]
    assert loki["resources"]["requests"] == {"cpu": "1", "memory": "2Gi"}


def test_k3s_admits_traefik_in_kube_system_uses_local_path_and_scrapes_no_embedded_component(render):
    objects = _ok(render(CLUSTER, "current", monitoring_distribution="k3s", **GRAFANA_INGRESS))
    ingress = _by(objects, "NetworkPolicy", "allow-grafana-ingress")["spec"]["ingress"]
    assert ingress[0]["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                                   "podSelector": {"matchLabels": {"app.kubernetes.io/name": "traefik"}}}]
    assert _by(objects, "Ingress", "grafana")["spec"]["ingressClassName"] == "traefik"
    classes = {claim["spec"].get("storageClassName") for obj in objects if obj["kind"] == "StatefulSet"
               for claim in obj["spec"].get("volumeClaimTemplates", [])}
    classes |= {o["spec"].get("storageClassName") for o in objects if o["kind"] == "PersistentVolumeClaim"}
    assert classes == {"local-path"}
    config = yaml.safe_load(_by(objects, "ConfigMap", "prometheus-config")["data"]["prometheus.yml"])
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    assert "kubernetes-apiservers" in jobs
    assert not [job for job in jobs if "scheduler" in job or "controller-manager" in job], jobs
    # k3s's embedded API server keeps its own latency profile: the control-plane alerts are left out.
    assert "control-plane.yml" not in _by(objects, "ConfigMap", "prometheus-rules")["data"]


def test_the_generic_default_admits_only_the_ingress_nginx_controller_pods(render):
    objects = _ok(render(CLUSTER, "current", **GRAFANA_INGRESS))
    ingress = _by(objects, "NetworkPolicy", "allow-grafana-ingress")["spec"]["ingress"]
    assert ingress[0]["from"] == [{
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
        "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"}}}]
    assert _by(objects, "Ingress", "grafana")["spec"]["ingressClassName"] == "nginx"
    assert "control-plane.yml" in _by(objects, "ConfigMap", "prometheus-rules")["data"]


def test_a_variable_the_inventory_sets_wins_over_both_presets(tmp_path):
    # Set where users set them (group_vars and host_vars), not as extra vars, which win over everything anyway.
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "host_vars").mkdir()
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"lab": {"hosts": {"lab1": None}}}))
    (inventory / "group_vars" / "lab.yml").write_text(yaml.safe_dump({
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "monitoring_components": ["prometheus", "loki", "grafana"], "monitoring_log_agent": "none",
        "monitoring_size": "small", "monitoring_distribution": "k3s",
        "loki_storage_size": "12Gi", "monitoring_storage_class": "longhorn", **GRAFANA_INGRESS, **NETWORK}))
    (inventory / "host_vars" / "lab1.yml").write_text(yaml.safe_dump({
        "grafana_ingress_controller": "custom", "grafana_ingress_namespace": "edge",
        "grafana_ingress_pod_labels": {"app": "haproxy"}, "grafana_ingress_class_name": "haproxy",
        "prometheus_resources": {"requests": {"cpu": "300m", "memory": "768Mi"}, "limits": {"cpu": "2", "memory": "2Gi"}}}))
    run = run_playbook(tmp_path / "build", str(inventory))
    assert run.returncode == 0, run.output[-4000:]
    objects = run.objects("lab1")
    loki, prometheus = _by(objects, "StatefulSet", "loki"), _by(objects, "StatefulSet", "prometheus")
    assert loki["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "12Gi"
    assert loki["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] == "longhorn"
    assert loki["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "100m", "memory": "256Mi"}
    assert prometheus["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "8Gi"
    container = next(c for c in prometheus["spec"]["template"]["spec"]["containers"] if c["name"] == "prometheus")
    assert container["resources"]["requests"] == {"cpu": "300m", "memory": "768Mi"}
    assert "--storage.tsdb.retention.time=7d" in container["args"]
    ingress = _by(objects, "NetworkPolicy", "allow-grafana-ingress")["spec"]["ingress"]
    assert ingress[0]["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "edge"}},
                                   "podSelector": {"matchLabels": {"app": "haproxy"}}}]
    assert _by(objects, "Ingress", "grafana")["spec"]["ingressClassName"] == "haproxy"


def test_an_ingress_policy_for_a_whole_namespace_is_a_warning_in_the_summary(render):
    run = render(CLUSTER, "current", **GRAFANA_INGRESS, grafana_ingress_controller="custom",
                 grafana_ingress_namespace="edge", grafana_ingress_class_name="haproxy", grafana_ingress_pod_labels={})
    objects = _ok(run)
    peers = _by(objects, "NetworkPolicy", "allow-grafana-ingress")["spec"]["ingress"][0]["from"]
    assert {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "edge"}}} in peers
    warning = "grafana_ingress_pod_labels is empty: the NetworkPolicy lets every pod of the namespace edge reach Grafana"
    assert run.output.count(warning) == 1, run.output[-3000:]
    assert "[WARNING]" not in run.output and "WARNING:" not in run.output
