"""Checks of Grafana's own config: grafana.ini, ldap.toml, provisioning files and the pod mounting them."""

from __future__ import annotations

import copy
import tomllib

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.filter.monitoring import FilterModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.render.grafana import render_ldap_toml
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import grafana as g

FILTERS = FilterModule().filters()
ENV = {"GF_SECURITY_ADMIN_PASSWORD", "GF_SECURITY_SECRET_KEY", "LDAP_BIND_PASSWORD",
       "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET", "GRAFANA_LOKI_TENANT"}


def messages(found, severity=None):
    return "\n".join("%s %s: %s" % (s, where, m) for s, where, m, _fix in found if severity in (None, s))


# --- grafana.ini --------------------------------------------------------------------------------------

def test_parse_ini_reads_sections_quotes_and_comments_like_grafana():
    text = ('app_mode = production\n# comment\n; comment\n[server]\nroot_url = https://g.example.org/ # cut here\n'
            '[security]\ncontent_security_policy_template = """script-src \'self\'; object-src #x"""\n'
            'admin_user = `admin`\n')
    sections, problems = g.parse_ini(text)
    assert problems == []
    assert sections[""] == {"app_mode": "production"}
    assert sections["server"]["root_url"] == "https://g.example.org/"
    assert sections["security"]["content_security_policy_template"] == "script-src 'self'; object-src #x"
    assert sections["security"]["admin_user"] == "admin"


def test_parse_ini_reports_lines_it_cannot_read():
    _sections, problems = g.parse_ini('[server\nnot a setting\n[a]\nk = 1\nk = 2\n[a]\nx = """open\n')
    text = " | ".join(message for _line, message in problems)
    assert "malformed section header" in text and "neither a section header" in text
    assert "key k is set twice" in text and "section [a] appears twice" in text and "never closes" in text


def test_check_ini_refuses_literal_credentials_and_missing_env():
    text = ("[security]\nadmin_password = hunter2\nsecret_key = $__env{GF_KEY}\n"
            "[database]\npassword = $__file{/etc/secrets/db}\n[auth.generic_oauth]\nclient_secret = abc\n")
    found = g.check_ini(text, env={"OTHER"})
    errors = messages(found, g.ERROR)
    assert "security.admin_password holds a literal credential" in errors
    assert "auth.generic_oauth.client_secret holds a literal credential" in errors
    assert "reads $__env{GF_KEY}, which the Grafana container does not set" in errors
    assert "database.password" not in errors


def test_check_ini_warns_on_unknown_sections_and_keys_and_checks_booleans():
    found = g.check_ini("[securty]\nx = 1\n[security]\ncookie_secure = yes\nadmin_usr = a\n", env=ENV)
    assert "unknown section [securty]" in messages(found, g.WARNING)
    assert "unknown key admin_usr in [security]" in messages(found, g.WARNING)
    assert "security.cookie_secure must be true or false" in messages(found, g.ERROR)


def test_check_ini_checks_oauth():
    text = ("[server]\nroot_url = https://grafana.example.org/\n[security]\ncookie_secure = true\n"
            "[auth.generic_oauth]\nenabled = true\nclient_id = g\nauth_url = https://sso/auth\n"
            "token_url = ftp://sso/token\nrole_attribute_path = contains(groups[*], 'a') && 'Boss' || 'Viewer'\n"
            "tls_skip_verify_insecure = true\n")
    found = g.check_ini(text, env={"GF_SECURITY_SECRET_KEY"})
    errors = messages(found, g.ERROR)
    assert "generic OAuth is enabled without api_url" in errors
    assert "token_url 'ftp://sso/token' is not an http(s) URL" in errors
    assert "neither a client secret nor PKCE" in errors
    assert "maps to 'Boss', which is not a Grafana role" in errors
    assert "certificate is not verified" in messages(found, g.WARNING)
    assert "client secret" not in messages(g.check_ini(text, env={"GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET"}), g.ERROR)


def test_check_ini_wants_allow_assign_grafana_admin_for_grafana_admin_mappings():
    text = ("[auth.generic_oauth]\nenabled = true\nclient_id = g\nauth_url = https://s/a\ntoken_url = https://s/t\n"
            "api_url = https://s/u\nuse_pkce = true\n"
            "role_attribute_path = contains(groups[*], 'root') && 'GrafanaAdmin' || 'Viewer'\n")
    assert "allow_assign_grafana_admin is off" in messages(g.check_ini(text, env=ENV), g.WARNING)
    assert messages(g.check_ini(text + "allow_assign_grafana_admin = true\n", env=ENV), g.ERROR) == ""


@pytest.mark.parametrize("expression, problem", [
    ("contains(groups[*], 'admin') && 'Admin' || 'Viewer'", None),
    ("contains(groups[*], 'admin' && 'Admin'", "unclosed"),
    ("role == 'x]'", None),
    ("contains(groups[*], 'admin') && 'Admin' ||", "lacks an operand"),
    ("'Admin", "unterminated"),
    ("a]", "unbalanced"),
])
def test_jmespath_problem(expression, problem):
    result = g.jmespath_problem(expression)
    assert (result is None) if problem is None else (problem in result)


def test_check_ini_checks_urls_roles_and_that_someone_can_log_in():
    text = ("[server]\nroot_url = grafana.example.org\nhttp_port = 99999\n[log]\nlevel = loud\n"
            "[users]\nauto_assign_org_role = Owner\n[auth.anonymous]\nenabled = true\norg_role = Editor\n"
            "[auth]\ndisable_login_form = true\n[auth.basic]\nenabled = false\n")
    found = g.check_ini(text, version=(10, 0), env=ENV)
    errors = messages(found, g.ERROR)
    for expected in ("root_url 'grafana.example.org' is not an http(s) URL", "http_port '99999' is not a TCP port",
                     "log level 'loud'", "auto_assign_org_role 'Owner'", "every way to log in is switched off"):
        assert expected in errors
    assert "anonymous users get the Editor role" in messages(found, g.WARNING)


def test_check_ini_warns_about_the_published_default_secret_key():
    assert "published default" in messages(g.check_ini("[server]\nhttp_port = 3000\n", env=set()), g.WARNING)
    assert "published default" not in messages(g.check_ini("[server]\nhttp_port = 3000\n", env=ENV))


# --- ldap.toml --------------------------------------------------------------------------------------

SERVER = {
    "host": "ldap.example.org", "port": 636, "use_ssl": True, "start_tls": False, "ssl_skip_verify": False,
    "bind_dn": "cn=grafana,dc=example,dc=org", "bind_password": "$__env{LDAP_BIND_PASSWORD}",
    "search_filter": "(uid=%s)", "search_base_dns": ["dc=example,dc=org"],
    "attributes": {"member_of": "memberOf", "email": "mail"},
    "group_mappings": [{"group_dn": "cn=admins,dc=example,dc=org", "org_role": "Admin", "grafana_admin": True},
                       {"group_dn": "*", "org_role": "Viewer"}],
}


def test_ldap_toml_round_trips_through_a_toml_parser():
    tricky = dict(SERVER, search_filter='(&(uid=%s)(description="a\\b"))')
    text = FILTERS["grafana_ldap_toml"]([tricky])
    data = tomllib.loads(text)
    assert data["servers"][0]["search_filter"] == tricky["search_filter"]
    assert data["servers"][0]["group_mappings"][0] == SERVER["group_mappings"][0]
    assert g.check_ldap_toml(text, env=ENV) == []


def test_ldap_check_finds_credentials_and_mistakes():
    server = dict(SERVER, bind_password="hunter2", search_filter="(uid=x)", start_tls=True, use_ssl=False,
                  group_mappings=[{"group_dn": "*", "org_role": "viewer"}], attributes={"mail": "mail"},
                  min_tls_version="TLS1.0")
    found = g.check_ldap_toml(render_ldap_toml([server]), env=ENV)
    errors = messages(found, g.ERROR)
    for expected in ("bind_password is a literal credential", "must contain %s", "start_tls needs use_ssl",
                     "org_role 'viewer' is not one of", "neither attributes.member_of nor group_search_filter",
                     "min_tls_version 'TLS1.0'"):
        assert expected in errors, errors
    assert "unknown attribute key mail" in messages(found, g.WARNING)


def test_ldap_check_search_bind_single_bind_and_env():
    without = {k: v for k, v in SERVER.items() if k != "bind_password"}
    assert "search bind (bind_dn without %s) needs bind_password" in messages(
        g.check_ldap_toml(render_ldap_toml([without]), env=ENV))
    single = dict(without, bind_dn="uid=%s,ou=people,dc=example,dc=org")
    assert messages(g.check_ldap_toml(render_ldap_toml([single]), env=ENV), g.ERROR) == ""
    assert "does not set" in messages(g.check_ldap_toml(render_ldap_toml([SERVER]), env=set()))
    assert "not valid TOML" in messages(g.check_ldap_toml("[[servers]\n"))


def test_the_none_role_is_refused_for_grafana_10_0():
    server = dict(SERVER, group_mappings=[{"group_dn": "*", "org_role": "None"}])
    text = render_ldap_toml([server])
    assert "org_role 'None'" in messages(g.check_ldap_toml(text, version=(10, 0), env=ENV))
    assert messages(g.check_ldap_toml(text, version=(13, 2), env=ENV), g.ERROR) == ""


# --- provisioning files ---------------------------------------------------------------------------------

DATASOURCES = {"apiVersion": 1, "datasources": [
    {"name": "Prometheus", "type": "prometheus", "uid": "prometheus", "access": "proxy", "isDefault": True,
     "url": "http://prometheus.monitoring.svc.cluster.local:9090", "jsonData": {"httpMethod": "POST"}},
    {"name": "Loki", "type": "loki", "uid": "loki", "access": "proxy", "url": "http://loki:3100",
     "jsonData": {"httpHeaderName1": "X-Scope-OrgID"}, "secureJsonData": {"httpHeaderValue1": "$GRAFANA_LOKI_TENANT"}},
]}


def test_valid_datasources_pass():
    assert g.check_datasources_file(yaml.safe_dump(DATASOURCES), env=ENV) == []


def test_datasource_problems_are_found():
    bad = copy.deepcopy(DATASOURCES)
    bad["datasources"][1].update({"isDefault": True, "secureJsonData": {"basicAuthPassword": "hunter2"}})
    bad["datasources"].append({"name": "Prometheus", "type": "prometheus", "uid": "prometheus", "access": "direct",
                               "url": "prometheus:9090", "secureJsonData": {"token": "${MISSING}"}})
    bad["datasources"].append({"name": "X", "type": "alertmanager", "uid": "a" * 41, "url": "http://a",
                               "jsonData": {"implementation": "other"}})
    errors = messages(g.check_datasources_file(yaml.safe_dump(bad), env=ENV), g.ERROR)
    for expected in ("a second default datasource", "secureJsonData.basicAuthPassword: a literal value",
                     "header 'X-Scope-OrgID' has no secureJsonData.httpHeaderValue1", "name 'Prometheus' is used twice",
                     "uid 'prometheus' is used twice", "access: direct", "url 'prometheus:9090'",
                     "reads $MISSING, which the Grafana container does not set", "uid 'aaaa",
                     "implementation 'other'"):
        assert expected in errors, expected
    assert "apiVersion must be 1" in messages(g.check_datasources_file("apiVersion: 2\ndatasources: []\n"))


def test_provider_problems_are_found():
    providers = {"apiVersion": 1, "providers": [
        {"name": "a", "type": "file", "folder": "F", "options": {"path": "/d/a", "foldersFromFilesStructure": True}},
        {"name": "a", "type": "sql", "options": {"path": "relative"}, "updateIntervalSeconds": 5,
         "disableDeletion": "yes"},
    ]}
    found = g.check_providers_file(yaml.safe_dump(providers))
    errors = messages(found, g.ERROR)
    for expected in ("foldersFromFilesStructure cannot be combined", "name 'a' is used twice", "type must be file",
                     "options.path 'relative' must be an absolute folder", "disableDeletion must be true or false"):
        assert expected in errors
    assert "below Grafana's minimum of 10" in messages(found, g.WARNING)


# --- the pod and its files ----------------------------------------------------------------------------

def configmap(name, data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "m"}, "data": data}


def grafana_objects(ini, ldap=None, env=None, dashboards_mounted=True):
    files = {"grafana.ini": ini}
    if ldap is not None:
        files["ldap.toml"] = ldap
    providers = {"apiVersion": 1, "providers": [
        {"name": "stack", "type": "file", "folder": "Stack", "options": {"path": "/etc/grafana/dashboards/stack"}}]}
    mounts = [
        {"name": "config", "mountPath": "/etc/grafana/grafana.ini", "subPath": "grafana.ini"},
        {"name": "datasources", "mountPath": "/etc/grafana/provisioning/datasources"},
        {"name": "providers", "mountPath": "/etc/grafana/provisioning/dashboards"},
    ]
    if ldap is not None:
        mounts.append({"name": "config", "mountPath": "/etc/grafana/ldap.toml", "subPath": "ldap.toml"})
    if dashboards_mounted:
        mounts.append({"name": "dashboards", "mountPath": "/etc/grafana/dashboards/stack"})
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "grafana", "namespace": "m"},
                  "spec": {"template": {"spec": {
                      "containers": [{"name": "grafana", "image": "docker.io/grafana/grafana:10.0.0",
                                      "env": env if env is not None else [
                                          {"name": n, "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}
                                          for n in sorted(ENV)],
                                      "volumeMounts": mounts}],
                      "volumes": [
                          {"name": "config", "configMap": {"name": "grafana-config"}},
                          {"name": "datasources", "configMap": {"name": "grafana-datasources"}},
                          {"name": "providers", "configMap": {"name": "grafana-providers"}},
                          {"name": "dashboards", "projected": {"sources": [{"configMap": {"name": "dash-home"}}]}},
                      ]}}}}
    return [
        configmap("grafana-config", files),
        configmap("grafana-datasources", {"datasources.yaml": yaml.safe_dump(DATASOURCES)}),
        configmap("grafana-providers", {"dashboards.yaml": yaml.safe_dump(providers)}),
        configmap("dash-home", {"home.json": '{"title": "Home", "uid": "home", "panels": []}'}),
        deployment,
    ]


def test_mounted_files_follow_subpaths_items_and_projected_volumes():
    objects = grafana_objects("[server]\n", ldap=render_ldap_toml([SERVER]))
    workload, container, files = g.find_grafana_pods(objects)[0]
    assert workload["metadata"]["name"] == "grafana"
    assert files["/etc/grafana/grafana.ini"] == ("grafana-config", "grafana.ini")
    assert files["/etc/grafana/ldap.toml"] == ("grafana-config", "ldap.toml")
    assert files["/etc/grafana/provisioning/datasources/datasources.yaml"] == ("grafana-datasources",
                                                                               "datasources.yaml")
    assert files["/etc/grafana/dashboards/stack/home.json"] == ("dash-home", "home.json")


def test_a_consistent_grafana_passes():
    objects = grafana_objects("[auth.ldap]\nenabled = true\nconfig_file = /etc/grafana/ldap.toml\n",
                              ldap=render_ldap_toml([SERVER]))
    assert [v.format() for v in g.check_grafana(objects)] == []


def test_check_grafana_reports_on_the_configmap_and_key_concerned():
    objects = grafana_objects("[security]\nadmin_password = hunter2\n[auth.ldap]\nenabled = true\n",
                              dashboards_mounted=False,
                              env=[{"name": "GF_SECURITY_SECRET_KEY", "value": "plain"}])
    found = g.check_grafana(objects)
    text = "\n".join(v.format() for v in found)
    assert all(v.rule == "GRAFANA_CONFIG" for v in found)
    assert 'ConfigMap/m/grafana-config at data["grafana.ini"] security.admin_password' in text
    assert "LDAP is enabled but /etc/grafana/ldap.toml is not mounted" in text
    assert "dashboard provider 'stack' reads /etc/grafana/dashboards/stack, where nothing is mounted" in text
    assert 'ConfigMap/m/dash-home at data["home.json"]' in text and "never loads it" in text
    assert "GF_SECURITY_SECRET_KEY is a credential given as a literal value" in text
    assert "reads $GRAFANA_LOKI_TENANT, which the Grafana container does not set" in text


def test_check_grafana_ignores_objects_without_grafana():
    assert g.check_grafana([configmap("x", {"grafana.ini": "[server]\n"})]) == []


def test_the_extra_datasources_servers_get_egress_by_address_namespace_or_the_ranges():
    datasources = [
        {"name": "Tempo", "type": "tempo", "uid": "tempo", "url": "http://tempo.tracing.svc:3200"},
        {"name": "PG", "type": "postgres", "uid": "pg", "url": "db.example.org"},
        {"name": "MySQL", "type": "mysql", "uid": "my", "url": "10.0.0.7:3307"},
        {"name": "Influx", "type": "influxdb", "uid": "influx", "url": "https://influx.example.org"},
        {"name": "Browser", "type": "prometheus", "uid": "b", "url": "https://p.example.org", "access": "direct"},
        {"name": "TestData", "type": "grafana-testdata-datasource", "uid": "td"}]
    built = FILTERS["grafana_datasource_egress"](datasources, ["203.0.113.0/24"], "monitoring")
    assert built["problems"] == []
    assert built["rules"] == [
        {"to": [{"ipBlock": {"cidr": "10.0.0.7/32"}}], "ports": [{"protocol": "TCP", "port": 3307}]},
        {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "tracing"}}}],
         "ports": [{"protocol": "TCP", "port": 3200}]},
        {"to": [{"ipBlock": {"cidr": "203.0.113.0/24"}}],
         "ports": [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 5432}]},
    ]
    missing = FILTERS["grafana_datasource_egress"](datasources, [], "monitoring")["problems"]
    assert len(missing) == 1 and missing[0].startswith("grafana_datasource_cidrs is []: it must list")
    assert "grafana_extra_datasources[1].url (db.example.org, port 5432)" in missing[0]
    assert "grafana_extra_datasources[4]" not in missing[0], "the browser calls an access=direct datasource"
    assert FILTERS["grafana_datasource_egress"](datasources, [], "monitoring", own_rules=True)["problems"] == []


def test_a_datasource_url_grafana_cannot_call_is_named():
    problems = FILTERS["grafana_datasource_egress"](
        [{"name": "P", "type": "prometheus", "uid": "p", "url": "prom.example.org:9090"}], ["10.0.0.0/8"],
        "monitoring")["problems"]
    assert problems == ['grafana_extra_datasources[0].url is "prom.example.org:9090": it must be an absolute URL '
                        'with a scheme (http, https) and a host, such as http://prometheus.example.org:9090.']


def test_the_secrets_grafana_reads_are_described_by_name_with_only_the_keys_in_use():
    describe = FilterModule().filters()["grafana_secret_descriptions"]
    entries = [
        {"secret": "grafana-admin", "key": "admin-user", "variable": "grafana_admin_user", "generate": False, "used": True},
        {"secret": "grafana-admin", "key": "admin-password", "variable": "grafana_admin_password", "generate": True,
         "used": True},
        {"secret": "grafana-auth", "key": "ldap-bind-password", "variable": "grafana_ldap_bind_password",
         "generate": False, "used": False},
    ]
    described = describe(entries, ["grafana-admin", "grafana-auth"], "monitoring", "grafana", {"a": "b"})
    assert described == [{"name": "grafana-admin", "namespace": "monitoring", "type": "Opaque", "component": "grafana",
                          "labels": {"a": "b"}, "keys": [
                              {"key": "admin-user", "variable": "grafana_admin_user"},
                              {"key": "admin-password", "variable": "grafana_admin_password", "generate": True,
                               "length": 32}]}], "a Secret with no key in use is not described"
    with pytest.raises(Exception, match="grafana_secret_descriptions: an entry lacks 'used'"):
        describe([{"secret": "s", "key": "k", "variable": "v", "generate": False}], ["s"], "monitoring", "grafana", {})
