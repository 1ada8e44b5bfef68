# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The objects a role's template lays out; a thin wrapper over module_utils/common/manifests.py."""

from __future__ import annotations

DOCUMENTATION = r"""
name: k8s_documents
short_description: The Kubernetes objects of a multi-document YAML text
description:
  - Parses a YAML stream (a role's rendered template) the way the API server reads manifests, with libyaml's
    C parser where PyYAML has it, and returns its non-empty documents in order.
  - Dates stay strings, and a key given twice in one mapping is an error naming its line and column.
positional: _input
options:
  _input:
    description: The YAML text.
    type: str
    required: true
"""

EXAMPLES = r"""
objects: "{{ lookup('ansible.builtin.template', 'loki.yaml.j2') | vmstation.monitoring.k8s_documents }}"
"""

RETURN = r"""
_value:
  description: The documents, each a dict.
  type: list
  elements: dict
"""

import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import (
    iter_yaml_documents,
    yaml_error,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.native import native_filters


def k8s_documents(text):
    try:
        return [document for document, _line in iter_yaml_documents(str(text)) if document]
    except yaml.YAMLError as e:
        raise AnsibleFilterError("k8s_documents: %s" % yaml_error("the rendered template", e)) from e


class FilterModule:
    def filters(self):
        return native_filters({"k8s_documents": k8s_documents})
