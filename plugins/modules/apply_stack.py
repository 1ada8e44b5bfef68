#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: apply_stack
extends_documentation_fragment: [kubernetes.core.k8s_auth_options, vmstation.monitoring.stack_options,
  vmstation.monitoring.stack_options.field_manager, ansible.builtin.action_common_attributes,
  vmstation.monitoring.attributes]
short_description: Server-side apply a whole stack in dependency order, prune what it no longer renders
description:
  - Applies O(objects) with server-side apply and one field manager, in dependency order (namespaces,
    CustomResourceDefinitions, cluster-wide objects, RBAC, policies, configuration, workloads, routing,
    custom resources).
  - Every object is first sent as a server-side dry run. Field-manager conflicts, changes of immutable
    fields, workloads whose pods the namespace's Pod Security enforce level would reject, and any other
    refusal are reported together, naming the object and field, before anything is applied. Unchanged
    objects are not sent again, so a second run reports no change.
  - Objects that carry the ownership labels (C(app.kubernetes.io/instance=INSTANCE),
    C(app.kubernetes.io/managed-by=vmstation.monitoring)) and are no longer in O(objects) are deleted,
    workloads first. Claims, Secrets with generated values, CustomResourceDefinitions and namespaces
    that still hold anything else are kept. Nothing without the ownership labels is ever changed.
  - In check mode every change is a server-side dry run; with C(--diff) each changed object shows its
    diff (Secret values hidden).
  - O(state=absent) deletes everything the stack owns the same way (data only with O(purge)).
version_added: 0.1.0
author: vmstation.monitoring developers (!UNKNOWN)
options:
  state:
    description: C(present) applies O(objects); C(absent) deletes everything the stack owns.
    type: str
    choices: [present, absent]
    default: present
  objects:
    description: The rendered objects, each with the ownership labels.
    type: list
    elements: dict
    default: []
  force_conflicts:
    description: Take over fields another field manager owns instead of failing.
    type: bool
    default: false
  recreate_immutable:
    description:
      - Delete and create again an object whose immutable fields change. A StatefulSet keeps its claims
        (their retention policy is set to C(Retain) first); a PersistentVolumeClaim is never recreated.
    type: bool
    default: false
  prune:
    description: Delete the stack's objects that O(objects) no longer holds.
    type: bool
    default: true
  retain:
    description: Objects of the stack made outside O(objects) (for example Secrets) that prune must keep.
    type: list
    elements: dict
    default: []
  prune_kinds:
    description: Kinds (C(apiVersion), C(kind)) searched for the stack's objects besides the built-in list.
    type: list
    elements: dict
    default: []
  only_kinds:
    description: Apply only objects of these kinds, and prune nothing (used to create namespaces first).
    type: list
    elements: str
    default: []
  wait_timeout:
    description: Seconds to wait for a deletion or a CustomResourceDefinition to finish.
    type: int
    default: 300
  purge:
    description: With O(state=absent), delete claims and Secrets with generated values too.
    type: bool
    default: false
  earlier:
    description:
      - The RV(objects) of an earlier step of the same run (for example the namespaces applied first);
        objects this run finds unchanged because that step changed them are reported with that step's action.
    type: list
    elements: dict
    default: []
attributes:
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Apply the stack
  vmstation.monitoring.apply_stack:
    objects: "{{ __stack_components | map(attribute='objects') | flatten(levels=1) }}"
    instance: vmstation-monitoring
    context: prod-eu1
"""

RETURN = r"""
objects:
  description: What happened to each object (C(created), C(configured), C(unchanged), C(recreated), C(pruned), C(retained)).
  type: list
  elements: dict
  returned: always
counts:
  description: Number of objects per action.
  type: dict
  returned: always
digest:
  description: sha256 of O(objects), independent of their order.
  type: str
  returned: when O(state=present)
versions:
  description: App name to version label of its workloads.
  type: dict
  returned: when O(state=present)
kept:
  description: The stack's objects kept on purpose, each with the reason (data, CRDs, namespaces still in use).
  type: list
  elements: str
  returned: always
api_warnings:
  description: Warnings the API server returned (for example Pod Security warnings).
  type: list
  elements: str
  returned: always
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.server_side import (
    StackError,
    run_apply,
    run_uninstall,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import connect, run_or_fail
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.args import stack_argument_spec


def argument_spec():
    return stack_argument_spec(dict(
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        objects={"type": "list", "elements": "dict", "default": []},
        force_conflicts={"type": "bool", "default": False},
        recreate_immutable={"type": "bool", "default": False},
        prune={"type": "bool", "default": True},
        retain={"type": "list", "elements": "dict", "default": []},
        prune_kinds={"type": "list", "elements": "dict", "default": []},
        only_kinds={"type": "list", "elements": "str", "default": []},
        wait_timeout={"type": "int", "default": 300},
        purge={"type": "bool", "default": False},
        earlier={"type": "list", "elements": "dict", "default": []},
    ), field_manager=True)


def main():
    module = AnsibleK8SModule(module_class=AnsibleModule, argument_spec=argument_spec(), supports_check_mode=True)
    runner = run_uninstall if module.params["state"] == "absent" else run_apply
    result = run_or_fail(module, lambda: runner(connect(module), module.params, check_mode=module.check_mode,
                                                diff=module._diff), known=(StackError,))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
