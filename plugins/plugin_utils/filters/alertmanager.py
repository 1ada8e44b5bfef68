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


def alertmanager_config_problems(spec, secrets_root=None, templates_dir=None):
    """The problems alertmanager_config would raise, one message each; [] when the config can be built."""
    alertmanager = module_utils("render.alertmanager")
    try:
        alertmanager_config(spec, secrets_root=secrets_root, templates_dir=templates_dir)
    except AnsibleFilterError as e:
        if isinstance(e.__cause__, alertmanager.AlertmanagerConfigError):
            return list(e.__cause__.problems)
        raise
    return []


def alertmanager_receiver_problems(receivers, global_config=None):
    return module_utils("common.alertmanager").receiver_problems(receivers, global_config or {})


# The filters of this topic, by name; plugins/filter/monitoring.py offers them all.
FILTERS = {"alertmanager_config": alertmanager_config,
           "alertmanager_config_problems": alertmanager_config_problems,
           "alertmanager_receiver_problems": alertmanager_receiver_problems}
