# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lookup laying out a role's Kubernetes objects from its template."""

from __future__ import annotations

DOCUMENTATION = r"""
name: k8s_objects
short_description: The Kubernetes objects a role's template lays out
description:
  - Renders each template named in the terms (found in the role's C(templates/) folder, or an absolute path) with
    the task's variables, plus O(template_vars), and returns the objects of the YAML documents it yields (empty
    documents left out).
  - Unlike C(ansible.builtin.template), it does not copy the task's variables first. They hold every object the
    roles before it rendered, and copying them cost each render a fifth of a second.
options:
  _terms:
    description: The templates to render.
    type: list
    elements: str
    required: true
  template_vars:
    description: Variables the templates see besides the task's; they win over the task's.
    type: dict
    default: {}
"""

EXAMPLES = r"""
objects: "{{ lookup('vmstation.monitoring.k8s_objects', 'prometheus.yaml.j2') }}"
log_agent: >-
  {{ lookup('vmstation.monitoring.k8s_objects', role_path ~ '/../log_agent/templates/log_agent.yaml.j2',
            template_vars={'agent': _alloy_agent}) }}
"""

RETURN = r"""
_raw:
  description: The objects of every template, in order.
  type: list
  elements: dict
"""

import collections
import os

import yaml
from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import iter_yaml_documents, yaml_error

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core before 2.19 trusts every template
    def trust_as_template(text):
        return text


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        variables = variables or {}
        layers = collections.ChainMap(dict(self.get_option("template_vars")), variables)
        objects = []
        for term in [str(t) for t in terms]:
            path = self.find_file_in_search_path(variables, "templates", term)
            if not path:
                raise AnsibleLookupError("k8s_objects: the template %s is not in the role's templates/ folder" % term)
            source = trust_as_template(self._loader.get_text_file_contents(path))
            templar = self._templar.copy_with_new_env(available_variables=layers, searchpath=[os.path.dirname(path)])
            text = templar.template(source, escape_backslashes=False)
            try:
                objects.extend(document for document, _line in iter_yaml_documents(str(text)) if document)
            except yaml.YAMLError as e:
                raise AnsibleLookupError("k8s_objects: %s" % yaml_error(term, e)) from e
        return [objects]
