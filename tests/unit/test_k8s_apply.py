"""The apply phase (module_utils/apply/server_side.py): order, render checks, diffs, digests.

run_apply / run_uninstall on a real API server: tests/cluster/test_api_apply.py.
"""

from __future__ import annotations

import pytest
from k8s_objects import INSTANCE_NAME, owned

from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.server_side import (
    StackError,
    apply_order,
    delete_order,
    diff_entry,
    run_apply,
    stack_digest,
    stack_versions,
)

NS, AGENTS = "monitoring", "monitoring-agents"


def claim_template(size="20Gi", name="data"):
    return {"metadata": {"name": name},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}}}


def stack(size="20Gi", grafana_image="grafana/grafana:12.1.0"):
    selector = {"matchLabels": {"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": INSTANCE_NAME}}
    return [
        owned("StatefulSet", "prometheus", NS, "apps/v1", app="prometheus", version="v3.13.3", spec={
            "selector": selector, "serviceName": "prometheus",
            "template": {"metadata": {"labels": selector["matchLabels"]}, "spec": {"containers": [
                {"name": "prometheus", "image": "quay.io/prometheus/prometheus:v3.13.3"}]}},
            "volumeClaimTemplates": [claim_template(size)]}),
        owned("Service", "prometheus", NS, app="prometheus", spec={"ports": [{"name": "http-metrics", "port": 9090}]}),
        owned("ConfigMap", "prometheus-config", NS, app="prometheus", data={"prometheus.yml": "global: {}\n"}),
        owned("Deployment", "grafana", NS, "apps/v1", app="grafana", version="12.1.0", spec={
            "selector": {"matchLabels": {"app.kubernetes.io/name": "grafana"}},
            "template": {"metadata": {"labels": {"app.kubernetes.io/name": "grafana"}},
                         "spec": {"containers": [{"name": "grafana", "image": grafana_image}]}}}),
        owned("DaemonSet", "node-exporter", AGENTS, "apps/v1", app="node-exporter", version="v1.9.1", spec={
            "selector": {"matchLabels": {"app.kubernetes.io/name": "node-exporter"}}}),
        owned("PodDisruptionBudget", "prometheus", NS, "policy/v1", app="prometheus", spec={"maxUnavailable": 1}),
        owned("NetworkPolicy", "default-deny", NS, "networking.k8s.io/v1", spec={"podSelector": {}}),
        owned("ServiceAccount", "prometheus", NS, app="prometheus"),
        owned("ClusterRole", "vmstation-monitoring-prometheus", None, "rbac.authorization.k8s.io/v1", rules=[]),
        owned("PriorityClass", "vmstation-monitoring-critical", None, "scheduling.k8s.io/v1", value=1000000),
        owned("Namespace", NS),
        owned("Namespace", AGENTS),
    ]


def test_apply_order_puts_namespaces_first_then_definitions_rbac_config_workloads():
    objects = stack() + [owned("ServiceMonitor", "x", NS, "monitoring.coreos.com/v1"),
                         owned("CustomResourceDefinition", "things.example.com", None, "apiextensions.k8s.io/v1")]
    kinds = [o["kind"] for o in apply_order(objects)]
    assert kinds[:2] == ["Namespace", "Namespace"]
    assert kinds[2] == "CustomResourceDefinition"
    assert kinds.index("ClusterRole") < kinds.index("ConfigMap") < kinds.index("StatefulSet")
    assert kinds.index("NetworkPolicy") < kinds.index("Deployment")
    assert kinds[-1] == "ServiceMonitor"
    workloads = [o["metadata"]["name"] for o in apply_order(objects) if o["kind"] in ("StatefulSet", "Deployment")]
    assert workloads == ["prometheus", "grafana"], "the render's order is kept within a wave"
    assert [o["kind"] for o in delete_order(objects)][-2:] == ["Namespace", "Namespace"]


def test_objects_without_the_ownership_labels_are_refused():
    objects = stack()
    del objects[0]["metadata"]["labels"]["app.kubernetes.io/managed-by"]
    with pytest.raises(StackError) as caught:
        run_apply(None, {"objects": objects, "instance": INSTANCE_NAME})  # refused before any cluster call
    assert "StatefulSet monitoring/prometheus lacks the ownership label(s) app.kubernetes.io/managed-by" in str(
        caught.value)


def test_secret_values_never_show_in_diffs():
    live = owned("Secret", "s", NS, data={"password": "b2xk"})
    new = owned("Secret", "s", NS, data={"password": "bmV3"})
    entry = diff_entry(live, new, "Secret monitoring/s")
    assert "b2xk" not in entry["before"] and "bmV3" not in entry["after"]
    assert "<hidden>" in entry["after"] and "secret values changed" in entry["after"]


def test_digest_and_versions_of_a_render():
    objects = stack()
    assert stack_digest(objects) == stack_digest(list(reversed(objects)))
    assert stack_digest(objects) != stack_digest(stack(size="50Gi"))
    assert stack_versions(objects) == {"grafana": "12.1.0", "node-exporter": "v1.9.1", "prometheus": "v3.13.3",
                                       "thing": "1.0.0"}
