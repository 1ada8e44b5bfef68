#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

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
  - On a local connection the action plugin of the same name writes the tree from the controller's process (no
    module is shipped); on any other connection the module runs on the target.
version_added: 0.1.0
author: vmstation.monitoring developers (!UNKNOWN)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
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
  platform:
    platforms: posix
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

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import YAML_IMPORT_ERROR
from ansible_collections.vmstation.monitoring.plugins.module_utils.export.kustomize import (
    TASK_ARGUMENT_SPEC,
    TreeError,
    run_task,
)


def main():
    module = AnsibleModule(argument_spec=TASK_ARGUMENT_SPEC, supports_check_mode=True)
    if YAML_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=YAML_IMPORT_ERROR)
    try:
        result = run_task(module.params, check_mode=module.check_mode)
    except (TreeError, OSError) as e:
        module.fail_json(msg="Cannot export the stack to %s: %s" % (module.params["dest"], e))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
