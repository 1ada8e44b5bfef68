# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""Check the Promtail configs carried in ConfigMaps with Promtail's own config code: rule PROMTAIL_VERIFY.

The Promtail releases the stack pins (3.6.11 for ``current``, 2.9.2 for ``seed``) cannot be built from
the Go module proxy, but ``github.com/grafana/loki/v3`` v3.7.8, the newest module that still carries
Promtail's config package, can: ``promtail-check`` (scripts/tools/promtail-check, built by
``scripts/tools.py --only promtail-check``) reads a config with it the way Promtail's main and its
start-up do (defaults of every flag, strict YAML, ``-config.expand-env`` when asked, ``Validate()``,
the clients' settings and each scrape config's pipeline) and prints Promtail's own error when Promtail
would not start.

A ConfigMap value is a Promtail config when it is the ``promtail.yaml`` of a ConfigMap labelled for
Promtail (module_utils/validate/configs/promtail.py) or YAML with ``scrape_configs`` and ``clients`` or
``positions`` (module_utils/validate/policy/configs.py). The Promtail version that reads it is the image tag of
the Promtail container that mounts it, else the ConfigMap's version label. A refusal blocks for
Promtail 3; for Promtail 2 it is a warning naming both versions, since the 3.7 code may refuse a
setting only 2.x has. The collection's own checker (rule PROMTAIL_CONFIG) runs as well; without
promtail-check it is the only one, so a missing promtail-check is a warning with the command that
builds it.
"""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import binaries as checker_binaries
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs import promtail as promtail_config
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.configs.loki_verify import (
    configs_with_readers,
    is_config_of,
    not_found,
    run_on_config,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import ERROR, WARNING, for_object

RULE = "PROMTAIL_VERIFY"
CHECKER = "promtail-check"
# The version of github.com/grafana/loki/v3 promtail-check is built from (scripts/tools.yml, promtail-check).
CODE_VERSION = "3.7.8"
CODE = "Promtail's config code of Loki v%s" % CODE_VERSION
FIX = ("correct the Promtail settings (promtail_* variables of the inventory, or the config of this ConfigMap); "
       "the message is Promtail's own")


def is_promtail_config(configmap, key, text):
    return is_config_of("promtail", promtail_config.CONFIG_KEY, promtail_config.is_promtail_config_map,
                        configmap, key, text)


def check_config(configmap, key, text, container, promtail_check=None, timeout=60):
    """Every PROMTAIL_VERIFY Violation of the Promtail config under ``data[key]`` of ``configmap`` read by
    ``container``. ``promtail_check``: the binary to run instead of the pinned build (or the one on PATH)."""
    path = "data[%s]" % key
    version = checker_binaries.image_tag(container) or checker_binaries.label_version(configmap)
    reads = checker_binaries.bare_version(version)
    reader = "Promtail %s reads this config" % reads if reads else (
        "no container image tag nor %s label says which Promtail release reads this config"
        % checker_binaries.VERSION_LABEL)
    program = checker_binaries.find(CHECKER, CHECKER, CODE_VERSION, promtail_check)
    if program is None:
        return [for_object(configmap, RULE, path, "%s, so only the collection's own PROMTAIL_CONFIG check read "
                           "this config, not %s (%s)" % (not_found(CHECKER, CODE_VERSION, promtail_check), CODE,
                                                         reader),
                           checker_binaries.install_hint(CHECKER, CODE_VERSION, "Promtail"), severity=WARNING)]
    found = []
    if program.version != CODE_VERSION:
        found.append(for_object(configmap, RULE, path, "checked by %s, not by the build of %s this check is made for; "
                                "its verdict may differ" % (program.describe(), CODE),
                                checker_binaries.install_hint(CHECKER, CODE_VERSION, "Promtail"), severity=WARNING))
    ok, output = run_on_config(program, [], key, text, container, timeout)
    if ok:
        return found
    refused = "%s refuses the config (checked by %s, %s): %s" % (CHECKER, CODE, program.describe(), output)
    major = reads.split(".")[0] if reads else None
    if major == "3":
        found.append(for_object(configmap, RULE, path, "%s; %s" % (refused, reader), FIX, severity=ERROR))
    elif major:
        found.append(for_object(configmap, RULE, path, "%s; Promtail %s reads this config, and the %s parser may "
                                "refuse a setting that only Promtail %s.x has, so this does not block" % (
                                    refused, reads, CODE_VERSION, major),
                                "check the setting against the Promtail %s configuration reference; if Promtail %s "
                                "has it, nothing is wrong; otherwise %s" % (reads, reads, FIX), severity=WARNING))
    else:
        found.append(for_object(configmap, RULE, path, "%s; %s, so this does not block" % (refused, reader),
                                "set the %s label (or the image tag) to the Promtail version; %s" % (
                                    checker_binaries.VERSION_LABEL, FIX), severity=WARNING))
    return found


def verify_objects(objects, promtail_check=None, timeout=60):
    """Every PROMTAIL_VERIFY Violation of every Promtail config carried by a ConfigMap in ``objects``."""
    found = []
    for obj, key, text, container in configs_with_readers(objects, is_promtail_config, "promtail"):
        found.extend(check_config(obj, key, text, container, promtail_check, timeout))
    return found
