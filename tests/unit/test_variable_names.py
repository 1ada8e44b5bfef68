from __future__ import annotations

from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.variable_names import likely_typos, role_variables

ROLES = Path(__file__).resolve().parents[2] / "roles"
typos = FilterModule().filters()["variable_typos"]


def test_every_role_with_a_spec_is_read_and_the_stack_prefix_is_monitoring():
    known = role_variables(ROLES)
    assert "monitoring_namespace" in known["monitoring_"]


def test_a_misspelled_stack_variable_gets_the_closest_name():
    assert typos(["monitoring_namspace", "ansible_connection", "monitoring_namespace"], str(ROLES)) == [
        "monitoring_namspace is not a variable of this collection; did you mean monitoring_namespace?"]


def test_unrelated_variables_are_ignored():
    assert likely_typos(["my_app_replicas", "ansible_host"], {"monitoring_": {"monitoring_apply"}}) == []


def test_an_unknown_name_without_close_match_says_what_to_do():
    [(name, suggestion)] = likely_typos(["monitoring_zzzzzzzzzzzzzz"], {"monitoring_": {"monitoring_apply"}})
    assert suggestion is None and name == "monitoring_zzzzzzzzzzzzzz"


def test_bad_input_is_refused_naming_the_filter():
    with pytest.raises(AnsibleFilterError, match="variable_typos"):
        typos("monitoring_x", str(ROLES))
    with pytest.raises(AnsibleFilterError, match="not a folder"):
        typos([], "/nonexistent")


def test_a_misspelled_role_prefix_is_caught_and_named_with_the_fix():
    assert typos(["promethus_retention_time", "grafna_replicas", "node_exportr_port", "monitorng_apply"], str(ROLES)) == [
        "grafna_replicas is not a variable of this collection; did you mean grafana_replicas?",
        "monitorng_apply is not a variable of this collection; did you mean monitoring_apply?",
        "node_exportr_port is not a variable of this collection; did you mean node_exporter_port?",
        "promethus_retention_time is not a variable of this collection; did you mean prometheus_retention_time?"]


def test_a_name_near_a_prefix_but_unlike_the_role_variables_is_left_alone():
    # allow_ is one letter from alloy_, prom_ and loki are words of their own: none of them is a typo.
    assert typos(["allow_list", "prom_retention_time", "lokis_favourite", "alloy2_x", "ansible_host"], str(ROLES)) == []
