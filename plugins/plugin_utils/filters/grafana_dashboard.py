# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filters for Grafana: dashboard specs and imports, and Grafana's own config files.

Thin wrappers over module_utils/render/dashboards and module_utils/render/grafana.py.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import module_utils


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


def grafana_secret_descriptions(entries, secret_names, namespace, component, labels):
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise AnsibleFilterError("grafana_secret_descriptions: expects the list of secret key entries, got %r" % (entries,))
    try:
        return module_utils("render.grafana").secret_descriptions(entries, [str(n) for n in secret_names],
                                                                  str(namespace), str(component), labels)
    except KeyError as e:
        raise AnsibleFilterError("grafana_secret_descriptions: an entry lacks %s" % e) from e


def grafana_datasource_egress(datasources, cidrs, namespace, cluster_domain="cluster.local", own_rules=False):
    return module_utils("render.grafana").datasource_egress(datasources, cidrs, str(namespace), str(cluster_domain),
                                                            bool(own_rules))


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {
    "grafana_dashboard": grafana_dashboard,
    "grafana_dashboard_import": grafana_dashboard_import,
    "grafana_dashboard_bundle": grafana_dashboard_bundle,
    "grafana_ini": grafana_ini,
    "grafana_ldap_toml": grafana_ldap_toml,
    "grafana_datasource_egress": grafana_datasource_egress,
    "grafana_secret_descriptions": grafana_secret_descriptions,
}
