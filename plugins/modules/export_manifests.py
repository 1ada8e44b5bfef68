#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0

from __future__ import annotations

DOCUMENTATION = r"""
module: export_manifests
short_description: Write a rendered stack as a Kustomize tree
description:
  - Writes one folder per component, each with one file per object and a C(kustomization.yaml),
    plus a root C(kustomization.yaml) listing the components, so that C(kubectl kustomize DEST)
    yields exactly the given objects.
  - Files whose content is unchanged are not rewritten; files of an earlier export that are no longer
    rendered are removed. A non-empty folder without the collection's marker file is never touched.
version_added: 0.1.0
author: vmstation.monitoring developers
options:
  dest:
    description: The folder to write, for example C(build/<cluster>).
    type: path
    required: true
  components:
    description:
      - The stack, as a list of components in order, each with a C(name) and its C(objects).
    type: list
    elements: dict
    required: true
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Export the stack
  vmstation.monitoring.export_manifests:
    dest: build/local
    components:
      - name: prometheus
        objects: "{{ __prometheus_objects }}"
"""

RETURN = r"""
created:
  description: Files created, relative to O(dest).
  type: list
  elements: str
  returned: always
updated:
  description: Files whose content changed.
  type: list
  elements: str
  returned: always
removed:
  description: Files of an earlier export that are no longer rendered.
  type: list
  elements: str
  returned: always
objects:
  description: Number of objects exported.
  type: int
  returned: always
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.vmstation.monitoring.plugins.module_utils.manifest_tree import (
    TreeError,
    plan_tree,
    write_tree,
)


def main():
    module = AnsibleModule(
        argument_spec={
            "dest": {"type": "path", "required": True},
            "components": {"type": "list", "elements": "dict", "required": True},
        },
        supports_check_mode=True,
    )
    components = [(c.get("name"), c.get("objects") or []) for c in module.params["components"]]
    try:
        files = plan_tree(components)
        result = write_tree(module.params["dest"], files, check_mode=module.check_mode)
    except (TreeError, OSError) as e:
        module.fail_json(msg="Cannot export the stack to %s: %s" % (module.params["dest"], e))
    result["objects"] = sum(len(objects) for _name, objects in components)
    result["changed"] = bool(result["created"] or result["updated"] or result["removed"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
