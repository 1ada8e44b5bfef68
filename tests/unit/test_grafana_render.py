"""Grafana's config files written from settings: grafana.ini and ldap.toml, read back the way Grafana reads them."""

from __future__ import annotations

import tomllib

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.grafana import (
    GrafanaConfigError,
    ini_value,
    render_ini,
    toml_string,
    toml_value,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.grafana import parse_ini

FILTERS = FilterModule().filters()


def test_render_ini_puts_keys_outside_sections_first_and_skips_unset_keys():
    config = {"server": {"http_port": 3000, "domain": None}, "": {"app_mode": "production"}}
    assert render_ini(config) == "app_mode = production\n\n[server]\nhttp_port = 3000\n"
    with pytest.raises(GrafanaConfigError, match="mapping of sections"):
        render_ini(["server"])
    with pytest.raises(GrafanaConfigError, match=r"section \[server\] must be a mapping"):
        render_ini({"server": "http_port = 3000"})


def test_ini_values_quote_what_grafana_would_cut_or_unquote():
    assert [ini_value(v) for v in (True, False, None, ["a", "b"], 3)] == ["true", "false", "", "a,b", "3"]
    assert ini_value("a; b # c") == '"""a; b # c"""'
    assert ini_value('"quoted"') == '"""' + '"quoted"' + '"""'
    with pytest.raises(GrafanaConfigError, match="newline"):
        ini_value("a\nb")


def test_render_ini_round_trips_values_with_comment_characters():
    config = {"server": {"http_port": 3000, "enable_gzip": True, "root_url": None},
              "auth.generic_oauth": {"scopes": ["openid", "email"], "role_attribute_path": "a; b # c"}}
    text = FILTERS["grafana_ini"](config)
    sections, problems = parse_ini(text)
    assert problems == []
    assert sections["server"] == {"http_port": "3000", "enable_gzip": "true"}
    assert sections["auth.generic_oauth"] == {"scopes": "openid,email", "role_attribute_path": "a; b # c"}
    with pytest.raises(AnsibleFilterError, match="newline"):
        FILTERS["grafana_ini"]({"server": {"domain": "a\nb"}})


def test_toml_strings_escape_quotes_backslashes_and_control_characters():
    text = 'say "hi"\\ now\n\tand\x01'
    assert toml_string(text) == '"say \\"hi\\"\\\\ now\\n\\tand\\u0001"'
    assert tomllib.loads("k = " + toml_string(text))["k"] == text
    assert toml_value([1, True, "x"]) == '[1, true, "x"]'
