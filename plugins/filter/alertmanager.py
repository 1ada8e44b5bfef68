# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Filter building Alertmanager's config from the role's settings; a thin wrapper over module_utils."""

from __future__ import annotations

DOCUMENTATION = r"""
name: alertmanager_config
short_description: Build alertmanager.yml and the list of Secrets it reads from the role's settings
description:
  - >-
    Receivers, routes, inhibition rules, time intervals and the dead-man's switch route become an
    Alertmanager config; every credential, given as C({secret: <name>, key: <key>}), becomes the matching
    C(*_file) setting under O(secrets_root).
  - Every problem of the input is reported at once (unknown receivers, literal credentials, undefined
    time intervals, settings the image's version cannot read...).
positional: _input
options:
  _input:
    description:
      - A dict with the keys C(global), C(route), C(default_receiver), C(receivers), C(routes),
        C(inhibit_rules), C(time_intervals), C(deadmansswitch), C(templates), C(version) (the image tag),
        C(notification_cidrs) and C(notification_egress) (for the egress rules to the receivers' endpoints).
    type: dict
    required: true
  secrets_root:
    description: Folder where each Secret is mounted as C(<secrets_root>/<secret>/).
    type: str
    default: /etc/alertmanager/secrets
  templates_dir:
    description: Folder where the notification templates are mounted.
    type: str
    default: /etc/alertmanager/templates
"""

EXAMPLES = r"""
built: "{{ {'receivers': alertmanager_receivers, 'default_receiver': 'team', 'version': 'v0.34.0'}
           | vmstation.monitoring.alertmanager_config }}"
"""

RETURN = r"""
_value:
  description: C(config) (the alertmanager.yml dict), C(secrets) (name, keys, used_by, volume, mount_path of
    each Secret referenced), C(null_receivers) (receivers used that drop alerts on purpose) and
    C(annotations) (to put on the ConfigMap, declaring those receivers for rule M006) and C(egress) (the
    NetworkPolicy egress rules to the endpoints the receivers call).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters


def alertmanager_config(spec, secrets_root=None, templates_dir=None):
    # The builder is imported when the filter is called, not with this file: Ansible imports every filter file
    # of the collection, from source, in the worker process of each task that uses any one of its filters.
    from ansible_collections.vmstation.monitoring.plugins.module_utils.render import alertmanager

    if not isinstance(spec, dict):
        raise AnsibleFilterError("alertmanager_config: expects a dict of settings, got %s" % type(spec).__name__)
    secrets_root = alertmanager.DEFAULT_SECRETS_ROOT if secrets_root is None else secrets_root
    templates_dir = alertmanager.DEFAULT_TEMPLATES_DIR if templates_dir is None else templates_dir
    try:
        return alertmanager.build_config(dict(spec, secrets_root=secrets_root, templates_dir=templates_dir))
    except alertmanager.AlertmanagerConfigError as e:
        raise AnsibleFilterError("alertmanager_config: the alerting settings have %d problem(s):\n%s"
                                 % (len(e.problems), e)) from e


class FilterModule:
    def filters(self):
        return native_filters({"alertmanager_config": alertmanager_config})
