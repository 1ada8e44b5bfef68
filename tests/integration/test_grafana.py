"""Renders of the grafana role, read back from the exported tree: both profiles, with and without LDAP and
OAuth, user dashboards and imports, the validate-phase checks (M008, DASHBOARD_JOB, GRAFANA_CONFIG), and
proof that no secret value reaches the build tree or the playbook's output."""

from __future__ import annotations

import json
import textwrap
import tomllib

import pytest
import yaml

from ansible_collections.vmstation.monitoring.plugins.module_utils.render.dashboards.model import iter_panels
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import dashboard_jobs
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import grafana as grafana_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.secrets import check_descriptions
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import check_objects

from conftest import PROFILES, ROOT, run_playbook

pytestmark = pytest.mark.render

STACK = yaml.safe_load((ROOT / "roles" / "stack" / "defaults" / "main.yml").read_text())
NAMESPACE = STACK["monitoring_namespace"]
CLUSTER = "local"
NO_AGENT = {"monitoring_log_agent": "none"}
GRAFANA = {"current": ("13.2.3", 42), "seed": ("10.0.0", 38)}
BUILTIN_UIDS = {"vmstation-home", "vmstation-cluster", "vmstation-nodes", "vmstation-workloads",
                "vmstation-prometheus", "vmstation-loki", "vmstation-logs", "vmstation-alerts"}
SECRETS = {
    "grafana_admin_password": "S3cret-Admin-Pa55word-x1",
    "grafana_secret_key": "S3cret-Encryption-Key-y2",
    "grafana_ldap_bind_password": "S3cret-Ldap-Bind-z3",
    "grafana_oauth_client_secret": "S3cret-Oauth-Client-w4",
}
AUTH = {
    "grafana_ldap_enabled": True,
    "grafana_ldap_host": "ldap.example.org",
    "grafana_ldap_bind_dn": "cn=grafana,ou=services,dc=example,dc=org",
    "grafana_ldap_search_base_dns": ["ou=people,dc=example,dc=org"],
    "grafana_ldap_group_mappings": [
        {"group_dn": "cn=grafana-admins,ou=groups,dc=example,dc=org", "org_role": "Admin", "grafana_admin": True},
        {"group_dn": "*", "org_role": "Viewer"}],
    "grafana_oauth_enabled": True,
    "grafana_oauth_client_id": "grafana",
    "grafana_oauth_use_pkce": False,
    "grafana_oauth_auth_url": "https://sso.example.org/realms/x/protocol/openid-connect/auth",
    "grafana_oauth_token_url": "https://sso.example.org:8443/realms/x/protocol/openid-connect/token",
    "grafana_oauth_api_url": "https://sso.example.org/realms/x/protocol/openid-connect/userinfo",
    "grafana_oauth_role_mappings": [{"group": "grafana-admins", "role": "GrafanaAdmin"},
                                    {"group": "grafana-editors", "role": "Editor"}],
    "grafana_ingress_enabled": True,
    "grafana_ingress_host": "grafana.example.org",
    "grafana_ingress_tls_secret_name": "grafana-tls",
    "grafana_auth_egress_cidrs": ["10.30.0.0/24"],
}
EXPORTED = {
    "__inputs": [{"name": "DS_PROM", "label": "Prometheus", "type": "datasource", "pluginId": "prometheus"}],
    "__requires": [{"type": "grafana", "id": "grafana", "version": "10.0.0"}],
    "id": 7, "uid": "upstream-uid", "title": "Imported board", "schemaVersion": 37,
    "panels": [{"id": 1, "type": "timeseries", "title": "Up", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 8},
                "datasource": {"type": "prometheus", "uid": "${DS_PROM}"},
                "targets": [{"expr": 'up{job="prometheus"}',
                             "datasource": {"type": "prometheus", "uid": "${DS_PROM}"}}]}],
}
USER_SPEC = {"title": "My app", "tags": ["apps"], "variables": ["datasource"], "panels": [
    {"title": "Prometheus samples", "type": "timeseries",
     "queries": ['rate(prometheus_tsdb_head_samples_appended_total{job="prometheus"}[5m])']}]}


def _render(render, profile, **extra):
    run = render("local", profile, **NO_AGENT, **extra)
    assert run.returncode == 0, run.output[-4000:]
    return run


def _grafana(run):
    folder = run.build_dir / CLUSTER / "grafana"
    assert folder.is_dir(), "no grafana folder in the export"
    found = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            found.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return found


def _by(objects, kind, name):
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, "%s %s" % (kind, name)
    return matches[0]


def _boards(objects):
    return {board["uid"]: board for _obj, _key, board in dashboard_jobs.find_dashboards(objects)}


def _ini(objects):
    sections, problems = grafana_config.parse_ini(_by(objects, "ConfigMap", "grafana-config")["data"]["grafana.ini"])
    assert problems == []
    return sections


def _container(objects):
    return _by(objects, "Deployment", "grafana")["spec"]["template"]["spec"]["containers"][0]


@pytest.fixture(params=PROFILES)
def profile(request):
    return request.param


def test_grafana_renders_for_both_profiles(render, profile):
    run = _render(render, profile)
    objects = _grafana(run)
    tag, schema = GRAFANA[profile]
    container = _container(objects)
    assert container["image"] == "docker.io/grafana/grafana:%s" % tag
    boards = _boards(objects)
    assert set(boards) == BUILTIN_UIDS
    assert {board["schemaVersion"] for board in boards.values()} == {schema}
    datasources = yaml.safe_load(_by(objects, "ConfigMap", "grafana-datasources")["data"]["datasources.yaml"])
    assert [(ds["uid"], ds["url"]) for ds in datasources["datasources"]] == [
        ("prometheus", "http://prometheus.%s.svc.cluster.local:9090" % NAMESPACE),
        ("loki", "http://loki.%s.svc.cluster.local:3100" % NAMESPACE),
        ("alertmanager", "http://alertmanager.%s.svc.cluster.local:9093" % NAMESPACE)]
    service = _by(objects, "Service", "grafana")
    assert [(p["name"], p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [
        ("http-metrics", 3000, "http-web")]
    assert container["ports"] == [{"name": "http-web", "containerPort": 3000, "protocol": "TCP"}]
    assert _by(objects, "PodDisruptionBudget", "grafana")["spec"]["maxUnavailable"] == 1
    assert _by(objects, "PersistentVolumeClaim", "grafana")["spec"]["resources"]["requests"]["storage"] == "5Gi"
    assert not [o for o in run.objects(CLUSTER) if o["kind"] == "Secret"], "Secrets are never exported"
    for obj in objects:
        if obj["kind"] == "ConfigMap":
            assert len(json.dumps(obj["data"]).encode()) < 1024 * 1024, obj["metadata"]["name"]


def test_the_pod_is_hardened_and_probed(render, profile):
    objects = _grafana(_render(render, profile))
    pod = _by(objects, "Deployment", "grafana")["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["securityContext"]["runAsNonRoot"] and pod["securityContext"]["runAsUser"] == 472
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] and not security["allowPrivilegeEscalation"]
    assert security["capabilities"] == {"drop": ["ALL"]}
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/api/health", "port": "http-web"}
    env = {e["name"]: e for e in container["env"]}
    assert env["GF_SECURITY_ADMIN_USER"]["valueFrom"]["secretKeyRef"] == {"name": "grafana-admin", "key": "admin-user"}
    assert env["GF_SECURITY_ADMIN_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "grafana-admin",
                                                                              "key": "admin-password"}
    assert env["GF_SECURITY_SECRET_KEY"]["valueFrom"]["secretKeyRef"]["key"] == "secret-key"
    assert not [e for e in container["env"] if "value" in e and "PASSWORD" in e["name"]]


def test_network_policies_admit_the_ingress_controller_and_prometheus_and_reach_the_datasources(render, profile):
    objects = _grafana(_render(render, profile))
    ingress = _by(objects, "NetworkPolicy", "allow-grafana-ingress")["spec"]["ingress"]
    sources = [rule["from"][0] for rule in ingress]
    assert sources[0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "ingress-nginx"}
    assert sources[1]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "prometheus"
    assert all(rule["ports"] == [{"protocol": "TCP", "port": 3000}] for rule in ingress)
    egress = _by(objects, "NetworkPolicy", "allow-grafana-egress")["spec"]["egress"]
    peers = {(rule["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"], rule["ports"][0]["port"])
             for rule in egress}
    assert peers == {("prometheus", 9090), ("loki", 3100), ("alertmanager", 9093)}


def test_validate_phase_checks_pass_on_the_whole_stack(render, profile):
    run = _render(render, profile)
    objects = run.objects(CLUSTER)
    assert [v.format() for v in check_objects(objects, ["M008"]) if not v.waived] == []
    assert [v.format() for v in dashboard_jobs.check_dashboard_jobs(objects)] == []
    assert [v.format() for v in grafana_config.check_grafana(objects)] == []
    config = [cfg for _obj, cfg in dashboard_jobs.find_prometheus_configs(objects)]
    assert config, "the job cross-check needs the rendered prometheus-config"
    jobs, is_open = dashboard_jobs.scrape_jobs(config[0])
    assert not is_open and {"grafana", "loki", "node-exporter", "kubelet-cadvisor"} <= jobs


@pytest.mark.parametrize("profile_name", PROFILES)
def test_ldap_and_oauth_are_rendered_into_grafanas_config(render, profile_name):
    objects = _grafana(_render(render, profile_name, **AUTH, **SECRETS))
    ini = _ini(objects)
    oauth = ini["auth.generic_oauth"]
    assert oauth["enabled"] == "true" and oauth["client_id"] == "grafana" and "client_secret" not in oauth
    assert oauth["role_attribute_path"] == ("contains(groups[*], 'grafana-admins') && 'GrafanaAdmin' || "
                                            "contains(groups[*], 'grafana-editors') && 'Editor' || 'Viewer'")
    assert oauth["allow_assign_grafana_admin"] == "true"
    if profile_name == "seed":
        assert ini["auth"]["oauth_auto_login"] == "false" and "auto_login" not in oauth
    else:
        assert oauth["auto_login"] == "false" and "oauth_auto_login" not in ini["auth"]
    assert ini["server"]["root_url"] == "https://grafana.example.org/"
    assert ini["security"]["cookie_secure"] == "true"
    assert ini["auth.ldap"] == {"enabled": "true", "config_file": "/etc/grafana/ldap.toml", "allow_sign_up": "true"}
    ldap = tomllib.loads(_by(objects, "ConfigMap", "grafana-config")["data"]["ldap.toml"])["servers"][0]
    assert ldap["bind_password"] == "$__env{LDAP_BIND_PASSWORD}"
    assert ldap["group_mappings"][0]["org_role"] == "Admin" and ldap["group_mappings"][0]["grafana_admin"] is True
    env = {e["name"]: e.get("valueFrom", {}).get("secretKeyRef") for e in _container(objects)["env"]}
    assert env["LDAP_BIND_PASSWORD"] == {"name": "grafana-auth", "key": "ldap-bind-password"}
    assert env["GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET"] == {"name": "grafana-auth", "key": "oauth-client-secret"}
    egress = _by(objects, "NetworkPolicy", "allow-grafana-egress")["spec"]["egress"]
    auth_rule = [rule for rule in egress if "ipBlock" in rule["to"][0]]
    assert sorted(p["port"] for p in auth_rule[0]["ports"]) == [443, 636, 8443]
    ingress = _by(objects, "Ingress", "grafana")["spec"]
    assert ingress["tls"] == [{"hosts": ["grafana.example.org"], "secretName": "grafana-tls"}]
    assert [v.format() for v in grafana_config.check_grafana(objects)] == []


def test_no_secret_value_reaches_the_build_tree_or_the_output(tmp_path):
    build = tmp_path / "build"
    run = run_playbook(build, "local", {**NO_AGENT, **AUTH, **SECRETS}, args=("-vv",))
    assert run.returncode == 0, run.output[-4000:]
    files = [path for path in build.rglob("*") if path.is_file()]
    assert len(files) > 50
    for name, value in SECRETS.items():
        assert value not in run.output, "%s appears in the playbook output" % name
        for path in files:
            assert value not in path.read_text(errors="replace"), "%s appears in %s" % (name, path)


def test_the_secrets_fact_names_secrets_keys_and_variables_but_no_value(tmp_path):
    playbook = tmp_path / "secrets.yml"
    out = tmp_path / "secrets.json"
    playbook.write_text(textwrap.dedent("""\
        ---
        - name: Describe the Grafana Secrets
          hosts: all
          gather_facts: false
          tasks:
            - name: The stack, Grafana among its components
              ansible.builtin.import_role:
                name: vmstation.monitoring.stack
            - name: Write the fact
              ansible.builtin.copy:
                content: "{{ __grafana_secrets | to_nice_json }}"
                dest: "%s"
                mode: "0600"
        """ % out))
    run = run_playbook(tmp_path / "build", "local", {**NO_AGENT, **AUTH, **SECRETS}, playbook=str(playbook))
    assert run.returncode == 0, run.output[-4000:]
    text = out.read_text()
    for value in SECRETS.values():
        assert value not in text and value not in run.output
    fact = json.loads(text)
    assert check_descriptions(fact) == [], "the apply phase's module must accept the descriptions"
    secrets = {s["name"]: s for s in fact}
    assert set(secrets) == {"grafana-admin", "grafana-auth"}
    assert all(s["namespace"] == NAMESPACE and s["component"] == "grafana" for s in fact)
    assert secrets["grafana-admin"]["keys"] == [
        {"key": "admin-user", "variable": "grafana_admin_user"},
        {"key": "admin-password", "variable": "grafana_admin_password", "generate": True, "length": 32},
        {"key": "secret-key", "variable": "grafana_secret_key", "generate": True, "length": 32}]
    assert secrets["grafana-auth"]["keys"] == [
        {"key": "oauth-client-secret", "variable": "grafana_oauth_client_secret"},
        {"key": "ldap-bind-password", "variable": "grafana_ldap_bind_password"}]
    assert secrets["grafana-admin"]["labels"]["app.kubernetes.io/name"] == "grafana"


def test_components_decide_datasources_and_user_dashboards_are_provisioned(render):
    extra = {"monitoring_components": ["prometheus", "grafana"],
             "grafana_dashboards": [{"spec": USER_SPEC, "folder": "Apps"},
                                    {"json": EXPORTED, "uid": "imported-board", "folder": "Apps"}]}
    run = _render(render, "current", **extra)
    objects = _grafana(run)
    datasources = yaml.safe_load(_by(objects, "ConfigMap", "grafana-datasources")["data"]["datasources.yaml"])
    assert [ds["uid"] for ds in datasources["datasources"]] == ["prometheus"]
    boards = _boards(objects)
    assert set(boards) == {"vmstation-home", "vmstation-prometheus", "vmstation-alerts", "my-app", "imported-board"}
    home_targets = [t["legendFormat"] for p in iter_panels(boards["vmstation-home"]["panels"])
                    for t in p.get("targets", []) if p["type"] == "table"]
    assert home_targets == ["Prometheus uptime, % (target > 99.9)", "Scrape success rate, % (target > 99)",
                            "Query latency p99, s (target < 2)", "Dashboard load p99, s (target < 3)"]
    imported = boards["imported-board"]
    assert imported["panels"][0]["datasource"] == {"type": "prometheus", "uid": "prometheus"}
    assert "__inputs" not in imported and imported["id"] is None
    providers = yaml.safe_load(_by(objects, "ConfigMap", "grafana-dashboard-providers")["data"]["dashboards.yaml"])
    assert {p["folder"]: p["options"]["path"] for p in providers["providers"]} == {
        "Apps": "/etc/grafana/dashboards/apps", "Monitoring stack": "/etc/grafana/dashboards/monitoring-stack"}
    egress = _by(objects, "NetworkPolicy", "allow-grafana-egress")["spec"]["egress"]
    assert [rule["ports"][0]["port"] for rule in egress] == [9090]
    assert [v.format() for v in grafana_config.check_grafana(run.objects(CLUSTER))] == []


def test_a_dashboard_asking_for_a_job_no_scrape_job_yields_stops_the_run(render):
    ghost = {"title": "Ghost jobs", "panels": [{"title": "Ghost", "queries": ['up{job="ghost-exporter"}']}]}
    run = render("local", "current", **NO_AGENT, grafana_dashboards=[{"spec": ghost}])
    assert run.returncode != 0
    assert "DASHBOARD_JOB" in run.output and "Ghost jobs" in run.output and "ghost-exporter" in run.output
    assert not (run.build_dir / CLUSTER / "grafana").exists(), "nothing is written when validation fails"


def test_a_bad_spec_stops_the_render_naming_the_dashboard_and_panel(render):
    broken = {"title": "Broken board", "rows": [{"title": "R", "panels": [
        {"title": "Wrong", "type": "graph", "queries": ["up"]}]}]}
    run = render("local", "seed", **NO_AGENT, grafana_dashboards=[{"spec": broken, "name": "broken.yml"}])
    assert run.returncode != 0
    assert "dashboard 'Broken board' (broken.yml), row 'R', panel 'Wrong': type 'graph' is not one of" in run.output


def test_preflight_names_the_missing_secret_variable(render):
    run = render("local", "current", **NO_AGENT, grafana_oauth_enabled=True, grafana_oauth_client_id="g",
                 grafana_oauth_use_pkce=False, grafana_oauth_auth_url="https://sso/a",
                 grafana_oauth_token_url="https://sso/t", grafana_oauth_api_url="https://sso/u")
    assert run.returncode != 0
    assert "a confidential OAuth client needs grafana_oauth_client_secret" in run.output
