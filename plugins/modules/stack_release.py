#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_release
extends_documentation_fragment: [kubernetes.core.k8s_auth_options, vmstation.monitoring.stack_options,
  vmstation.monitoring.stack_options.field_manager, ansible.builtin.action_common_attributes,
  vmstation.monitoring.attributes]
short_description: Record, list, read and delete the stack's releases kept in the cluster
description:
  - A release records what an apply put on the cluster (objects, objects retained, versions, input digest,
    time), in Secrets of type C(vmstation.io/release.v1) in O(namespace), so that a rollback works from
    any machine. A payload above 512 KiB is split over several Secrets (a Secret holds at most 1 MiB).
  - O(action=record) adds release N+1 unless the newest release has the same input digest, marks the
    previous one superseded and deletes releases beyond O(history).
  - O(action=read) returns the full record of O(revision), by default the release before the newest.
version_added: 0.1.0
author: vmstation.monitoring developers (!UNKNOWN)
options:
  action:
    description: What to do.
    type: str
    choices: [record, read, list, delete]
    default: record
  namespace:
    description: Namespace of the release records.
    type: str
    required: true
  objects:
    description: With O(action=record), the objects applied.
    type: list
    elements: dict
    default: []
  retain:
    description: With O(action=record), the objects kept on purpose (made outside the render).
    type: list
    elements: dict
    default: []
  secrets:
    description:
      - With O(action=record), the descriptions of the Secrets the release needs (names and sources, never
        values), so that a rollback can make them again.
    type: list
    elements: dict
    default: []
  digest:
    description: With O(action=record), the input digest of the objects.
    type: str
  versions:
    description: With O(action=record), app name to version.
    type: dict
    default: {}
  counts:
    description: With O(action=record), the apply's object counts per action.
    type: dict
    default: {}
  source:
    description: With O(action=record), what made the release (C(apply), C(rollback to v3)).
    type: str
    default: apply
  cluster:
    description: With O(action=record), the cluster's name in the inventory.
    type: str
    default: ""
  collection_version:
    description: With O(action=record), the version of this collection.
    type: str
    default: ""
  history:
    description: Number of releases kept.
    type: int
    default: 10
  revision:
    description: With O(action=read), the release to read; 0 means the one before the newest.
    type: int
    default: 0
"""

EXAMPLES = r"""
- name: Read the previous release
  vmstation.monitoring.stack_release:
    action: read
    namespace: monitoring
    instance: vmstation-monitoring
  register: previous
"""

RETURN = r"""
revision:
  description: The release recorded (or found unchanged) or read.
  type: int
  returned: when O(action) is C(record) or C(read)
digest:
  description: Input digest of the release (the objects' digest combined with the Secret descriptions).
  type: str
  returned: when O(action=record)
recorded:
  description: Whether a new release was written.
  type: bool
  returned: when O(action=record)
release:
  description: The full record read (objects, retain, secrets, versions, digest, time, source, revision).
  type: dict
  returned: when O(action=read)
releases:
  description: Summaries of the recorded releases, oldest first.
  type: list
  elements: dict
  returned: when O(action) is C(record) or C(list)
deleted:
  description: Revisions deleted.
  type: list
  elements: int
  returned: when O(action=delete)
"""

from datetime import datetime, timezone

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.api import connect, run_or_fail
from ansible_collections.vmstation.monitoring.plugins.module_utils.cluster.args import stack_argument_spec
from ansible_collections.vmstation.monitoring.plugins.module_utils.apply.release import (
    ReleaseError,
    delete_releases,
    list_releases,
    read_release,
    record_release,
)


def argument_spec():
    return stack_argument_spec(dict(
        action={"type": "str", "choices": ["record", "read", "list", "delete"], "default": "record"},
        namespace={"type": "str", "required": True},
        objects={"type": "list", "elements": "dict", "default": []},
        retain={"type": "list", "elements": "dict", "default": []},
        secrets={"type": "list", "elements": "dict", "default": [], "no_log": False},
        digest={"type": "str"},
        versions={"type": "dict", "default": {}},
        counts={"type": "dict", "default": {}},
        source={"type": "str", "default": "apply"},
        cluster={"type": "str", "default": ""},
        collection_version={"type": "str", "default": ""},
        history={"type": "int", "default": 10},
        revision={"type": "int", "default": 0},
    ), field_manager=True)


def run(cluster, params, check_mode):
    action, namespace, instance = params["action"], params["namespace"], params["instance"]
    if action == "record":
        if not params.get("digest"):
            raise ReleaseError("digest is required to record a release")
        params = dict(params, time=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        return record_release(cluster, params, check_mode=check_mode)
    if action == "read":
        release = read_release(cluster, namespace, instance, params["revision"])
        return {"changed": False, "revision": release["revision"], "release": release}
    if action == "list":
        return {"changed": False, "releases": list_releases(cluster, namespace, instance)}
    deleted = delete_releases(cluster, namespace, instance, check_mode=check_mode)
    return {"changed": bool(deleted), "deleted": deleted}


def main():
    module = AnsibleK8SModule(module_class=AnsibleModule, argument_spec=argument_spec(), supports_check_mode=True)
    result = run_or_fail(module, lambda: run(connect(module), module.params, module.check_mode), known=(ReleaseError,))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
