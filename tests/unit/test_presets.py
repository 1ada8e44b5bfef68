"""The presets (module_utils/common/presets.py): sizes, distributions, ingress controllers, and their filters."""

from __future__ import annotations

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from conftest import ROOT

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common import presets
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.preflight import resource_problems
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.units import parse_bytes, parse_quantity

FILTERS = FilterModule().filters()
ROLES = ("prometheus", "alertmanager", "grafana", "loki", "kube_state_metrics", "node_exporter", "alloy", "promtail")
PER_NODE = ("node_exporter_resources", "alloy_resources")


def _role(variable):
    return next(role for role in ROLES if variable.startswith(role + "_"))


def test_every_size_sets_the_same_variables_and_each_is_a_role_default_read_from_the_table():
    names = set(presets.SIZES[presets.DEFAULT_SIZE])
    for size, values in presets.SIZES.items():
        assert set(values) == names, size
    for variable in names:
        defaults = yaml.safe_load((ROOT / "roles" / _role(variable) / "defaults" / "main.yml").read_text())
        assert defaults[variable] == "{{ '%s' | vmstation.monitoring.size_preset(monitoring_size) }}" % variable


def test_the_stack_role_offers_exactly_the_sizes_and_distributions_of_the_tables():
    spec = yaml.safe_load((ROOT / "roles" / "stack" / "meta" / "argument_specs.yml").read_text())
    options = spec["argument_specs"]["main"]["options"]
    assert options["monitoring_size"]["choices"] == list(presets.SIZES)
    assert options["monitoring_size"]["default"] == presets.DEFAULT_SIZE
    assert options["monitoring_distribution"]["choices"] == list(presets.DISTRIBUTIONS)
    assert options["monitoring_distribution"]["default"] == presets.DEFAULT_DISTRIBUTION


@pytest.mark.parametrize("size", list(presets.SIZES))
def test_each_size_passes_the_roles_own_checks(size):
    values = presets.SIZES[size]
    for variable, value in values.items():
        if variable.endswith("_resources"):
            assert resource_problems(value, variable) == [], (size, variable)
    # Prometheus's retention must leave room for the WAL on its volume (the role's preflight).
    assert parse_bytes(values["prometheus_retention_size"]) <= parse_quantity(values["prometheus_storage_size"]) * 9 / 10


def _totals(size, nodes):
    values = presets.SIZES[size]
    cpu = memory = 0
    for variable, value in values.items():
        if variable.endswith("_resources") and variable != "promtail_resources":  # one agent: Alloy
            count = nodes if variable in PER_NODE else 1
            cpu += parse_quantity(value["requests"]["cpu"]) * count
            memory += parse_quantity(value["requests"]["memory"]) * count
    claims = sum(parse_quantity(value) for variable, value in values.items() if variable.endswith("_storage_size"))
    return cpu, memory, claims


def test_small_fits_a_raspberry_pi_class_homelab_beside_the_users_apps():
    # 3 nodes of 4 cores and 8 GiB: the stack asks for under a core and 1.5 GiB, its claims well under 30Gi.
    cpu, memory, claims = _totals("small", nodes=3)
    assert cpu <= parse_quantity("600m") and memory <= parse_quantity("1536Mi")
    assert claims <= parse_quantity("20Gi")
    # No single container asks for more than one node's share could give.
    for variable, value in presets.SIZES["small"].items():
        if variable.endswith("_resources"):
            assert parse_quantity(value["limits"]["memory"]) <= parse_quantity("1Gi"), variable


def test_sizes_grow_from_small_to_large():
    small, medium, large = (_totals(size, nodes=3) for size in ("small", "medium", "large"))
    assert all(a < b < c for a, b, c in zip(small, medium, large))


def test_medium_is_what_the_roles_defaulted_to_before_presets():
    medium = presets.SIZES["medium"]
    assert medium["loki_resources"] == {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"cpu": "4", "memory": "6Gi"}}
    assert [medium[v] for v in ("prometheus_storage_size", "alertmanager_storage_size", "grafana_storage_size",
                                "loki_storage_size")] == ["20Gi", "1Gi", "5Gi", "50Gi"]
    assert _totals("medium", nodes=1)[2] == parse_quantity("76Gi")


def test_the_filters_return_copies_and_an_unknown_preset_is_left_to_the_argument_spec():
    value = FILTERS["size_preset"]("loki_resources", "small")
    value["requests"]["cpu"] = "9"
    assert presets.SIZES["small"]["loki_resources"]["requests"]["cpu"] == "100m"
    assert FILTERS["distribution_preset"]("monitoring_storage_class", "k3s") == "local-path"
    with pytest.raises(presets.PresetError, match="monitoring_size is 'tiny': it must be one of small, medium, large"):
        presets.size_preset("loki_resources", "tiny")
    with pytest.raises(presets.PresetError, match="monitoring_distribution is 'k0s'"):
        presets.distribution_preset("monitoring_storage_class", "k0s")
    # The stack role's argument spec templates these defaults before it checks the choices, and reports them.
    assert FILTERS["size_preset"]("loki_resources", "tiny") is None
    assert FILTERS["distribution_preset"]("monitoring_storage_class", "k0s") is None
    with pytest.raises(AnsibleFilterError, match="loki_replicas: no such variable"):
        FILTERS["size_preset"]("loki_replicas", "small")


def test_k3s_admits_its_traefik_in_kube_system_and_uses_local_path():
    k3s = presets.DISTRIBUTIONS["k3s"]
    assert set(k3s) == set(presets.DISTRIBUTIONS["generic"])
    assert k3s["monitoring_storage_class"] == "local-path" and k3s["prometheus_control_plane_alerts"] is False
    traefik = FILTERS["ingress_controller"](k3s["grafana_ingress_controller"])
    assert traefik == {"namespace": "kube-system", "pod_labels": {"app.kubernetes.io/name": "traefik"},
                       "class_names": ["traefik"]}
    assert FILTERS["ingress_controller"]("custom") == {"namespace": "", "pod_labels": {}, "class_names": []}


def test_every_known_controller_selects_its_pods_by_labels_in_a_namespace_and_the_docs_list_it():
    page = (ROOT / "docs" / "sizing.md").read_text()
    for name, controller in presets.INGRESS_CONTROLLERS.items():
        assert controller["namespace"] and controller["pod_labels"] and controller["class_names"], name
        assert "| `%s` | `%s` |" % (name, controller["namespace"]) in page, name
        for label, value in controller["pod_labels"].items():
            assert "`%s: %s`" % (label, value) in page, name


def test_the_sizing_page_lists_every_value_of_every_size():
    page = (ROOT / "docs" / "sizing.md").read_text()
    for variable in presets.SIZES["medium"]:
        row = next((line for line in page.splitlines() if line.startswith("| `%s` |" % variable)), None)
        assert row, variable
        for size in presets.SIZES:
            value = presets.SIZES[size][variable]
            texts = ([value["requests"]["cpu"], value["requests"]["memory"], value["limits"]["cpu"], value["limits"]["memory"]]
                     if isinstance(value, dict) else [value])
            assert all(str(text) in row for text in texts), (variable, size)


PROBLEMS = FILTERS["ingress_problems"]


def test_a_known_controller_with_its_own_class_is_fine_and_a_disabled_ingress_is_not_checked():
    assert PROBLEMS("grafana", True, "ingress-nginx", "ingress-nginx", "nginx") == []
    assert PROBLEMS("grafana", True, "traefik-k3s", "kube-system", "") == []
    assert PROBLEMS("grafana", True, "custom", "edge", "haproxy") == []
    assert PROBLEMS("grafana", False, "ingress-nginx", "", "traefik") == []


def test_the_k3s_trap_names_the_class_the_controller_and_the_fix():
    found = PROBLEMS("grafana", True, "ingress-nginx", "ingress-nginx", "traefik")
    assert found == ['grafana_ingress_class_name is "traefik": it must be a class of the controller the NetworkPolicy '
                     "admits, grafana_ingress_controller ingress-nginx, which serves nginx; set grafana_ingress_controller "
                     "to traefik-k3s or traefik (monitoring_distribution k3s picks traefik-k3s), or to custom with "
                     "grafana_ingress_namespace and grafana_ingress_pod_labels."]


def test_an_unknown_controller_and_an_empty_namespace_each_get_a_message():
    unknown = PROBLEMS("grafana", True, "nginx", "ingress-nginx", "nginx")
    assert len(unknown) == 1 and unknown[0].startswith('grafana_ingress_controller is "nginx": it must be one of '
                                                       "ingress-nginx, traefik-k3s, traefik, rke2-ingress-nginx")
    empty = PROBLEMS("grafana", True, "custom", "", "")
    assert empty == ['grafana_ingress_namespace is "": it must name the namespace of the ingress controller while '
                     "grafana_ingress_enabled is true: the NetworkPolicy admits it from there, and with none the "
                     "Ingress cannot reach the pods."]
    assert len(PROBLEMS("grafana", True, "ingress-nginx", "", "traefik")) == 2
