"""The collection's own shape: every role documents exactly the variables it defines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "tasks" / "main.yml").is_file())


def _load(path):
    return yaml.safe_load(path.read_text()) or {}


def test_there_are_roles():
    assert "stack" in ROLES and len(ROLES) >= 2


@pytest.mark.parametrize("role", ROLES)
def test_defaults_and_argument_spec_list_the_same_names(role):
    defaults = set(_load(ROOT / "roles" / role / "defaults" / "main.yml"))
    spec = _load(ROOT / "roles" / role / "meta" / "argument_specs.yml")["argument_specs"]
    # `main` documents them, or another entry point (`secrets`: the values only some runs read).
    documented = {name for body in spec.values() for name in body.get("options") or {}}
    assert sorted(defaults - documented) == [], "defaults without an argument spec entry"
    assert sorted(documented - defaults) == [], "argument spec entries without a default"


@pytest.mark.parametrize("role", ROLES)
def test_every_option_has_a_description_and_type(role):
    spec = _load(ROOT / "roles" / role / "meta" / "argument_specs.yml")["argument_specs"]
    for entry, body in spec.items():
        for name, option in (body.get("options") or {}).items():
            assert option.get("description"), "%s: %s.%s has no description" % (role, entry, name)
            assert option.get("type"), "%s: %s.%s has no type" % (role, entry, name)


@pytest.mark.parametrize("role", ROLES)
def test_public_variables_carry_the_role_prefix(role):
    prefix = "monitoring_" if role == "stack" else role + "_"
    for name in _load(ROOT / "roles" / role / "defaults" / "main.yml"):
        assert name.startswith(prefix), "%s: %s does not start with %s" % (role, name, prefix)


@pytest.mark.parametrize("role", ROLES)
def test_every_variable_is_in_the_role_docs(role):
    doc = ROOT / "docs" / "roles" / ("%s.md" % role)
    assert doc.is_file(), "docs/roles/%s.md is missing" % role
    text = doc.read_text()
    missing = [name for name in _load(ROOT / "roles" / role / "defaults" / "main.yml") if name not in text]
    assert missing == [], "docs/roles/%s.md does not describe %s" % (role, missing)


def test_collection_version_is_in_one_place():
    galaxy = _load(ROOT / "galaxy.yml")
    stack_vars = _load(ROOT / "roles" / "stack" / "vars" / "main.yml")
    assert stack_vars["_monitoring_collection_version"] == galaxy["version"]


def test_known_components_are_roles_the_stack_role_runs():
    """The stack role runs each component's `component` entry point; a component's `main` refuses to run alone."""
    stack_vars = _load(ROOT / "roles" / "stack" / "vars" / "main.yml")
    stack_main = (ROOT / "roles" / "stack" / "tasks" / "main.yml").read_text()
    assert "name: vmstation.monitoring.{{ __stack_component }}\n    tasks_from: component" in stack_main
    for component in stack_vars["_monitoring_known_components"] + ["alloy", "promtail"]:
        role = ROOT / "roles" / component
        assert (role / "tasks" / "component.yml").is_file(), "no role for %s" % component
        assert "component" in _load(role / "meta" / "argument_specs.yml")["argument_specs"], component
        assert "../../stack/tasks/outside_stack.yml" in (role / "tasks" / "main.yml").read_text(), component


def test_images_are_pinned_per_profile():
    for role in ROLES:
        defaults = _load(ROOT / "roles" / role / "defaults" / "main.yml")
        for name, value in defaults.items():
            if name.endswith("_image_tags"):
                assert set(value) == {"current", "seed"}, "%s: %s needs a tag for both profiles" % (role, name)
                for profile, tag in value.items():
                    assert tag and tag != "latest" and re.match(r"^v?\d", str(tag)), (role, name, profile, tag)


def test_role_variable_references_are_up_to_date():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "role_docs.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_changelog_fragments_use_known_sections():
    config = _load(ROOT / "changelogs" / "config.yaml")
    sections = {name for name, _title in config["sections"]} | {config["prelude_section_name"]}
    fragments = sorted((ROOT / "changelogs" / "fragments").glob("*.y*ml"))
    assert fragments, "no changelog fragment"
    for fragment in fragments:
        data = _load(fragment)
        assert data and set(data) <= sections, "%s: unknown sections %s" % (fragment.name, set(data) - sections)
        for section, entries in data.items():
            if section != config["prelude_section_name"]:
                assert isinstance(entries, list) and all(isinstance(e, str) and e for e in entries), fragment.name


def test_test_files_have_unique_names():
    """pytest imports test files by basename (no __init__.py); two files with one name clash."""
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_filters_are_offered_from_one_file_and_each_doc_names_one_of_them():
    # ansible-core loads every Python file of plugins/filter/ at each filter lookup (plugins/filter/monitoring.py).
    from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule

    folder = ROOT / "plugins" / "filter"
    assert sorted(p.name for p in folder.glob("*.py")) == ["monitoring.py"]
    offered = FilterModule().filters()
    docs = {p.stem: _load(p) for p in folder.glob("*.yml")}
    assert docs, "no filter is documented"
    for stem, doc in docs.items():
        assert stem in offered, "plugins/filter/%s.yml documents a filter the collection does not offer" % stem
        assert doc["DOCUMENTATION"]["name"] == stem
        assert doc.get("EXAMPLES") and doc.get("RETURN"), "plugins/filter/%s.yml needs EXAMPLES and RETURN" % stem
