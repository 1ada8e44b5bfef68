#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: export_manifests
extends_documentation_fragment: [ansible.builtin.action_common_attributes, vmstation.monitoring.attributes]
short_description: Write a rendered stack as a Kustomize tree
description:
  - Writes one folder per component, each with one file per object and a C(kustomization.yaml),
    plus a root C(kustomization.yaml) listing the components, so that C(kubectl kustomize DEST)
    yields exactly the given objects.
  - Files whose content is unchanged are not rewritten; files of an earlier export that are no longer
    rendered are removed. A non-empty folder without the collection's marker file is never touched.
  - Beside the tree, C(SECRETS.md) lists the Secrets the objects read but the tree does not hold, with the
    name, namespace, type and keys of each, the objects that read it and the variable each key's value comes
    from; never a value. It is not a Kustomize resource.
  - With O(gitops_secrets=sops), the Secrets O(secrets) describes are written to C(secrets/) with their values
    encrypted by C(sops) for the age keys O(sops_age_recipients), and the root C(kustomization.yaml) lists that
    folder. A file is encrypted again only when its Secret or the recipients change (C(secrets/digests.json)).
  - On a local connection the action plugin of the same name writes the tree from the controller's process (no
    module is shipped); on any other connection the module runs on the target.
version_added: 0.1.0
author: vmstation.monitoring developers (!UNKNOWN)
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
  cluster:
    description: The cluster's name, the title of C(SECRETS.md); empty uses the last part of O(dest).
    type: str
    default: ""
  secrets:
    description:
      - The descriptions of the Secrets the collection makes (the facts C(__<component>_secrets); see the
        vmstation.monitoring.stack_secrets module). Names and variable names only, no values.
    type: list
    elements: dict
    default: []
  gitops_secrets:
    description: C(none) lists the Secrets only; C(sops) also writes them into the tree, encrypted.
    type: str
    choices: [none, sops]
    default: none
  variables:
    description: With O(gitops_secrets=sops), variable name to value for every variable O(secrets) names.
    type: dict
    default: {}
  sops_age_recipients:
    description: The age public keys (C(age1...)) that may decrypt the Secrets written with O(gitops_secrets=sops).
    type: list
    elements: str
    default: []
  sops_binary:
    description:
      - The sops program; empty uses the pinned build of C(scripts/tools.py) in the tools cache, else C(sops) on PATH.
    type: str
    default: ""
  instance:
    description: The stack's instance, the ownership label of the encrypted Secrets.
    type: str
    default: vmstation-monitoring
  version:
    description: The C(app.kubernetes.io/version) label of the encrypted Secrets when a description gives none.
    type: str
    default: ""
attributes:
  check_mode:
    details: Reports what would be created, updated and removed (and with diff mode how), writing nothing.
  diff_mode:
    support: full
    details: Each file created, changed or removed is shown as a unified diff; with check mode, nothing is written.
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
unchanged:
  description: Number of files already as rendered (not rewritten); with RV(created) and RV(updated), every file of the tree.
  type: int
  returned: always
diff:
  description: In diff mode, each file created, changed or removed, before and after (Ansible shows a unified diff).
  type: list
  elements: dict
  returned: in diff mode
objects:
  description: Number of objects exported.
  type: int
  returned: always
secrets_file:
  description: The path of C(SECRETS.md).
  type: str
  returned: always
secrets:
  description: The Secrets the tree needs, each with C(namespace), C(name), C(keys) and C(made_by) (C(tree), C(apply) or C(you)).
  type: list
  elements: dict
  returned: always
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.pyyaml import YAML_IMPORT_ERROR
from ansible_collections.vmstation.monitoring.plugins.module_utils.export.kustomize import (
    TASK_ARGUMENT_SPEC,
    TreeError,
    run_task,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.export.secrets import SecretsError


def main():
    module = AnsibleModule(argument_spec=TASK_ARGUMENT_SPEC, supports_check_mode=True)
    if YAML_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=YAML_IMPORT_ERROR)
    try:
        result = run_task(module.params, check_mode=module.check_mode, diff=module._diff)
    except (TreeError, SecretsError, OSError) as e:
        module.fail_json(msg="Cannot export the stack to %s: %s" % (module.params["dest"], e))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
