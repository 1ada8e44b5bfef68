# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filter building Alertmanager's config from the role's settings; a thin wrapper over module_utils."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import module_utils


def alertmanager_config(spec, secrets_root=None, templates_dir=None):
    alertmanager = module_utils("render.alertmanager")
    if not isinstance(spec, dict):
        raise AnsibleFilterError("alertmanager_config: expects a dict of settings, got %s" % type(spec).__name__)
    secrets_root = alertmanager.DEFAULT_SECRETS_ROOT if secrets_root is None else secrets_root
    templates_dir = alertmanager.DEFAULT_TEMPLATES_DIR if templates_dir is None else templates_dir
    try:
        return alertmanager.build_config(dict(spec, secrets_root=secrets_root, templates_dir=templates_dir))
    except alertmanager.AlertmanagerConfigError as e:
        raise AnsibleFilterError("alertmanager_config: the alerting settings have %d problem(s):\n%s"
                                 % (len(e.problems), e)) from e


def _secret_data(name, given):
    if not isinstance(given, dict) or not all(isinstance(keys, list) for keys in given.values()):
        raise AnsibleFilterError("%s: secret_data must map each Secret name to the list of its keys, got %r"
                                 % (name, given))
    return given


def alertmanager_config_problems(spec, secrets_root=None, templates_dir=None, secret_data=None):
    """The problems alertmanager_config would raise, one message each, then those of ``secret_data`` (the names and
    keys of alertmanager_secret_data) against the Secrets the config reads; [] when there is none."""
    alertmanager = module_utils("render.alertmanager")
    try:
        built = alertmanager_config(spec, secrets_root=secrets_root, templates_dir=templates_dir)
    except AnsibleFilterError as e:
        if isinstance(e.__cause__, alertmanager.AlertmanagerConfigError):
            return list(e.__cause__.problems)
        raise
    return alertmanager.secret_data_problems(built["secrets"], _secret_data("alertmanager_config_problems", secret_data or {}))


def alertmanager_secret_descriptions(secrets, secret_data, namespace, labels):
    return module_utils("render.alertmanager").secret_descriptions(
        secrets, _secret_data("alertmanager_secret_descriptions", secret_data), str(namespace), labels)


def alertmanager_receiver_problems(receivers, global_config=None):
    return module_utils("common.alertmanager").receiver_problems(receivers, global_config or {})


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"alertmanager_config": alertmanager_config,
           "alertmanager_config_problems": alertmanager_config_problems,
           "alertmanager_receiver_problems": alertmanager_receiver_problems,
           "alertmanager_secret_descriptions": alertmanager_secret_descriptions}
