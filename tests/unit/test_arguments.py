"""The inventory's values against the roles' argument specs (module_utils/common/arguments.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.common import arguments

ROLES = Path(__file__).resolve().parents[2] / "roles"


def test_each_refused_value_is_one_line_naming_the_variable_and_the_role_docs():
    options = arguments.entry_options(ROLES, "grafana", "component")
    problems = arguments.argument_problems("grafana", options, {
        "grafana_replicas": "many", "grafana_log_level": "loud", "grafana_extra_datasources": "none",
        "grafana_ingress_enabled": True, "grafana_not_a_variable": 1})
    assert len(problems) == 3, problems
    assert all(p.endswith("(the grafana role's argument spec, docs/roles/grafana.md)") for p in problems)
    text = "\n".join(problems)
    assert "argument 'grafana_replicas' is of type str and we were unable to convert to int" in text
    assert "grafana_log_level must be one of" in text and "got: loud" in text
    assert "grafana_extra_datasources" in text


def test_only_the_given_values_are_checked_not_defaults_or_required_ones():
    options = {"x_count": {"type": "int", "required": True}, "x_size": {"type": "str", "default": "{{ other }}"}}
    assert arguments.argument_problems("x", options, {}) == []
    assert arguments.argument_problems("x", options, {"x_size": "10Gi"}) == []


def test_sub_options_are_checked_too():
    options = arguments.entry_options(ROLES, "prometheus", "component")
    problems = arguments.argument_problems("prometheus", options, {"prometheus_rule_groups": [{"name": "extra"}]})
    assert len(problems) == 1 and "rules" in problems[0], problems


def _checked_roles():
    """``(role, entry point)`` of each role the stack's preflight checks (log_agent is a base, never run alone)."""
    for role in sorted(p.name for p in ROLES.iterdir() if (p / "meta" / "argument_specs.yml").is_file()):
        if role != "log_agent":
            yield role, "main" if role == "stack" else "component"


def test_every_role_has_the_entry_point_the_stack_checks():
    for role, entry in _checked_roles():
        assert arguments.entry_options(ROLES, role, entry), "%s has no %s entry point" % (role, entry)


def test_every_default_meets_its_own_argument_spec():
    # The stack runs its component roles without ansible-core's own check of their variables (the preflight has
    # checked the given values already), so the roles' defaults are checked here instead. A templated default is
    # only known at run time: it is left to the render tests.
    for role, entry in _checked_roles():
        defaults_file = ROLES / role / "defaults" / "main.yml"
        if not defaults_file.is_file():
            continue
        defaults = yaml.safe_load(defaults_file.read_text()) or {}
        plain = {k: v for k, v in defaults.items() if "{{" not in yaml.safe_dump(v)}
        assert arguments.argument_problems(role, arguments.entry_options(ROLES, role, entry), plain) == [], role
