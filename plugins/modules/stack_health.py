#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_health
extends_documentation_fragment: [kubernetes.core.k8s_auth_options, vmstation.monitoring.stack_options,
  ansible.builtin.action_common_attributes, vmstation.monitoring.attributes]
short_description: Verify a deployed stack (rollouts, then health through the API server's service proxy)
description:
  - With O(wait=true), waits until every Deployment, StatefulSet and DaemonSet of the stack has rolled
    out, then until Prometheus is ready with every active target up, Alertmanager and Loki are ready and
    Grafana is healthy with healthy datasources. Services are reached through the API server
    (C(/api/v1/namespaces/NS/services/NAME:http-web/proxy/...)), so no port needs to be exposed.
  - Grafana's datasources are checked with the admin credentials of the stack's Secret next to Grafana
    that holds C(admin-user) and C(admin-password); they are never returned or logged.
  - With O(wait=false) (a control plane without nodes), nothing waits for pods and no service is called;
    the module reports the workloads' current state and the summary.
  - Returns a short summary of the run (O(report) plus what it found).
version_added: 0.1.0
author: vmstation.monitoring developers (!UNKNOWN)
options:
  wait:
    description: Wait for rollouts and health; false reports the current state only.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for rollouts and health together.
    type: int
    default: 600
  health:
    description:
      - Check the services' health through the service proxy once the rollouts are complete. False waits
        for the rollouts only (for clusters whose pods the API server cannot reach, such as simulated nodes).
    type: bool
    default: true
  interval:
    description: Seconds between two polls.
    type: int
    default: 5
  apps:
    description: Apps whose health is checked when their Service exists (default all of them).
    type: list
    elements: str
    choices: [prometheus, alertmanager, grafana, loki]
    default: [prometheus, alertmanager, grafana, loki]
  grafana_admin_secret:
    description: Name of the Secret with Grafana's admin credentials, when several Secrets hold both keys.
    type: str
  report:
    description:
      - What the run did, for the summary; keys C(cluster), C(context), C(server_version), C(counts),
        C(dry_run), C(revision), C(recorded), C(digest), C(versions), C(secrets), C(waited), C(changes) (the
        recreated and pruned objects, as apply_stack returns them, named in the summary).
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Verify the stack
  vmstation.monitoring.stack_health:
    instance: vmstation-monitoring
    wait: true
    timeout: 600
"""

RETURN = r"""
rollouts:
  description: Each workload with its state (C(ready), C(waiting), C(failed)) and detail.
  type: list
  elements: dict
  returned: always
health:
  description: Each health check (app, service, ok, detail, version, datasources).
  type: list
  elements: dict
  returned: always
problems:
  description: What is not ready or not healthy.
  type: list
  elements: str
  returned: always
summary:
  description: The short report of the run, one line per item.
  type: list
  elements: str
  returned: always
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import connect, run_or_fail
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.args import stack_argument_spec
from ansible_collections.vmstation.monitoring.plugins.module_utils.verify.health import (
    HEALTH_APPS,
    summary_lines,
    verify_stack,
)


# What to check when the wait ends first; the objects were applied, so a re-run after the fix only waits again.
WAIT_ADVICE = ("Everything was applied and recorded; only the wait ended. Check the pods named above "
               "(kubectl describe pod / kubectl get events in their namespace: scheduling, image pulls, probes), "
               "raise monitoring_wait_timeout for slow starts, or set monitoring_wait_ready: false for a control "
               "plane without nodes; then run again.")


def argument_spec():
    return stack_argument_spec(dict(
        wait={"type": "bool", "default": True},
        timeout={"type": "int", "default": 600},
        interval={"type": "int", "default": 5},
        apps={"type": "list", "elements": "str", "choices": list(HEALTH_APPS), "default": list(HEALTH_APPS)},
        health={"type": "bool", "default": True},
        grafana_admin_secret={"type": "str", "no_log": False},
        report={"type": "dict", "default": {}},
    ))


def main():
    module = AnsibleK8SModule(module_class=AnsibleModule, argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    ok, result = run_or_fail(module, lambda: verify_stack(connect(module), params,
                                                          secret_sink=module._module.no_log_values.add))
    report = dict(params["report"], waited=params["wait"])
    result["summary"] = summary_lines(report, result)
    if not ok:
        module.fail_json(msg="%s is not healthy after %ss (monitoring_wait_timeout):\n%s\n%s" % (
            report.get("cluster") or "the cluster", params["timeout"],
            "\n".join("  - " + p for p in result["problems"]), WAIT_ADVICE), changed=False, **result)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
