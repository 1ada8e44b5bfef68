# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters for Grafana: dashboard specs and imports, and Grafana's own config files.

Thin wrappers over module_utils/render/dashboards and module_utils/render/grafana.py.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: grafana_dashboard
short_description: Render a dashboard spec into Grafana dashboard JSON
description:
  - Turns a compact dashboard spec (title, tags, variables, rows, panels with type, queries, unit,
    thresholds, size) into full Grafana dashboard JSON for the target Grafana version. See docs/dashboards.md.
  - The uid is the spec's C(uid), else derived from the title only, so it stays the same when panels change.
  - Panels are laid out on Grafana's 24-column grid automatically; datasources are referenced by uid (through
    the dashboard's datasource variable when it has one); queries get refIds A, B, ...
  - Every problem of the spec is reported at once, each naming the dashboard and the panel.
  - Companion filters in this file - C(grafana_dashboard_import) rewrites exported dashboard JSON (its
    C(${DS_...}) inputs) to the provisioned datasources; C(grafana_dashboard_bundle) renders and imports a list
    of entries and lays them out as ConfigMap files; C(grafana_ini) and C(grafana_ldap_toml) write grafana.ini
    and ldap.toml from mappings; C(grafana_datasource_egress) takes the extra datasources and returns C(rules),
    the NetworkPolicy egress rules to their servers, and C(problems), the preflight messages (arguments
    C(cidrs), C(namespace), C(cluster_domain), C(own_rules); plugins/module_utils/render/grafana.py).
positional: _input
options:
  _input:
    description: The dashboard spec (a mapping).
    type: dict
    required: true
  datasources:
    description: The provisioned datasources, in Grafana's provisioning format (name, type, uid, isDefault).
    type: list
    elements: dict
    required: true
  grafana_version:
    description: Version or image tag of the target Grafana (for example C(10.0.0) or C(13.2.3)).
    type: str
    required: true
  components:
    description:
      - Enabled components. A dashboard, row, panel, variable or query whose C(requires) lists a component not
        in this list is left out. Omit to keep everything.
    type: list
    elements: str
  source:
    description: Where the spec comes from (a file name), shown in error messages.
    type: str
"""

EXAMPLES = r"""
dashboard: >-
  {{ lookup('ansible.builtin.file', 'dashboards/my-app.yml') | ansible.builtin.from_yaml
     | vmstation.monitoring.grafana_dashboard(datasources=datasources, grafana_version='13.2.3') }}
imported: >-
  {{ lookup('ansible.builtin.file', 'node-exporter-full.json') | ansible.builtin.from_json
     | vmstation.monitoring.grafana_dashboard_import(datasources=datasources, grafana_version='13.2.3',
                                                     uid='node-exporter-full') }}
"""

RETURN = r"""
_value:
  description: The dashboard JSON as a mapping, or None when its C(requires) is not met or no panel remains.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import module_utils, native_filters


def _dashboards(name, builder, *args):
    """``builder`` of render/dashboards/<module> called with ``args``; its DashboardError as a filter error."""
    module, function = builder.split(".")
    model = module_utils("render.dashboards.model")
    try:
        return getattr(module_utils("render.dashboards." + module), function)(*args)
    except model.DashboardError as e:
        raise AnsibleFilterError("%s: %d problem(s):\n- %s" % (name, len(e.problems), "\n- ".join(e.problems))) from e


def grafana_dashboard(spec, datasources, grafana_version, components=None, source=""):
    return _dashboards("grafana_dashboard", "spec.render_dashboard", spec, datasources, str(grafana_version),
                       components, source)


def grafana_dashboard_import(dashboard, datasources, grafana_version, uid=None, inputs=None, source=""):
    return _dashboards("grafana_dashboard_import", "imports.import_dashboard", dashboard, datasources,
                       str(grafana_version), uid, inputs, source)


def grafana_dashboard_bundle(entries, datasources, grafana_version, components=None,
                             configmap_prefix="grafana-dashboard", default_folder=""):
    return _dashboards("grafana_dashboard_bundle", "bundle.bundle_dashboards", entries, datasources,
                       str(grafana_version), components, configmap_prefix, default_folder)


def grafana_ini(config):
    grafana = module_utils("render.grafana")
    try:
        return grafana.render_ini(config)
    except grafana.GrafanaConfigError as e:
        raise AnsibleFilterError("grafana_ini: %s" % e) from e


def grafana_ldap_toml(servers):
    if not isinstance(servers, list):
        raise AnsibleFilterError("grafana_ldap_toml: expects a list of LDAP server mappings, got %s"
                                 % type(servers).__name__)
    return module_utils("render.grafana").render_ldap_toml(servers)


def grafana_datasource_egress(datasources, cidrs, namespace, cluster_domain="cluster.local", own_rules=False):
    return module_utils("render.grafana").datasource_egress(datasources, cidrs, str(namespace), str(cluster_domain),
                                                            bool(own_rules))


class FilterModule:
    def filters(self):
        return native_filters({
            "grafana_dashboard": grafana_dashboard,
            "grafana_dashboard_import": grafana_dashboard_import,
            "grafana_dashboard_bundle": grafana_dashboard_bundle,
            "grafana_ini": grafana_ini,
            "grafana_ldap_toml": grafana_ldap_toml,
            "grafana_datasource_egress": grafana_datasource_egress,
        })
