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
  - The companion filter C(alertmanager_config_problems) takes the same arguments and returns those problems as a
    list of messages (empty when the config can be built), for the role's preflight check; C(alertmanager_config)
    raises them.
  - The companion filter C(alertmanager_receiver_problems) takes the receivers and the C(global) settings and
    returns, for the role's preflight, one message per setting a notifier requires and lacks (Slack C(api_url),
    webhook C(url), e-mail C(to), C(smarthost) and C(from), PagerDuty C(routing_key) or C(service_key), ...), each
    naming its full path such as C(alertmanager_receivers[0].slack_configs[0].api_url).
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

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import module_utils, native_filters


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


class FilterModule:
    def filters(self):
        return native_filters({"alertmanager_config": alertmanager_config,
                               "alertmanager_config_problems": alertmanager_config_problems,
                               "alertmanager_receiver_problems": alertmanager_receiver_problems})
