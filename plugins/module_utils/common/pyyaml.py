# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""PyYAML for every module_utils file, imported in one place.

Modules run on the target host, where PyYAML may be missing: importing module_utils must then still
work, so that the module can say what is missing (``missing_required_lib("PyYAML")`` when
``YAML_IMPORT_ERROR`` is set; kubernetes.core's AnsibleK8SModule checks it by itself). module_utils
files take ``yaml`` and the loader and dumper bases from here instead of importing PyYAML themselves.
The bases are libyaml's C classes when PyYAML has them: the config checks parse and the export writes
every dashboard (hundreds of KiB), which the pure-Python ones make take seconds.
"""

from __future__ import annotations

import traceback


class _Unavailable:
    """Stands for PyYAML's loader and dumper classes when PyYAML is missing, so that the modules' own
    subclasses can still be defined at import; nothing can load or dump YAML with it."""

    yaml_implicit_resolvers: dict = {}

    @classmethod
    def add_constructor(cls, tag, constructor):
        """Nothing to register without PyYAML."""

    @classmethod
    def add_representer(cls, data_type, representer):
        """Nothing to register without PyYAML."""


try:
    import yaml
except ImportError:
    yaml = None
    YAML_IMPORT_ERROR = traceback.format_exc()
    SafeLoader = SafeDumper = _Unavailable
else:
    YAML_IMPORT_ERROR = None
    SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
