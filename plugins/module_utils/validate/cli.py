# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""``vmstation-validate``: the validate phase from the command line, for any folder of manifests.

Exit status: 0 when no unwaived error remains (warnings and waived findings are listed but do not
fail), 1 when blocking violations remain, 2 when the input cannot be read (missing path, malformed
YAML) or the options are wrong. ``--format json`` prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.manifests import (
    LoadResult,
    ManifestError,
    load_path,
    load_text,
)
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.policy.engine import PolicyError, rule_catalog
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.schema import SchemaSetupError
from ansible_collections.vmstation.monitoring.plugins.module_utils.validate.frontend import validate_loaded
from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import format_report

OK, BLOCKING, UNUSABLE = 0, 1, 2


def _ids(text):
    return [part.strip() for part in text.split(",") if part.strip()]


def parser():
    p = argparse.ArgumentParser(
        prog="vmstation-validate",
        description="Validate Kubernetes manifests: strict schemas (kubernetes-validate), the vmstation.monitoring "
                    "policy rules K001-K018 and M001-M008, and the configs carried in ConfigMaps. "
                    "Waive a rule for one object with the annotation waivers.vmstation.io/<RULE>: \"<reason>\".",
        epilog="Exit status: 0 no blocking violation, 1 blocking violations, 2 unreadable input or bad options.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="manifest files or folders (searched recursively for .yaml/.yml/.json); '-' reads stdin")
    p.add_argument("-k", "--kubernetes-version", default="1.28", metavar="MAJOR.MINOR",
                   help="Kubernetes version whose schemas apply (default: %(default)s)")
    p.add_argument("-r", "--rules", type=_ids, default=[], metavar="IDS",
                   help="comma-separated checks to run only (rule ids, SCHEMA for the schema check)")
    p.add_argument("-s", "--skip-rules", type=_ids, default=[], metavar="IDS",
                   help="comma-separated checks not to run (rule ids, SCHEMA)")
    p.add_argument("--agents-namespace", action="append", dest="agents_namespaces", metavar="NS",
                   help="namespace where host-level agents may use host namespaces and hostPath (K010); repeatable. "
                        "Default: namespaces whose Namespace object enforces the Pod Security level 'privileged'")
    p.add_argument("-n", "--default-namespace", default="default", metavar="NS",
                   help="namespace of objects that name none (default: %(default)s)")
    p.add_argument("--no-config-tools", dest="config_tools", action="store_false",
                   help="do not run promtool, amtool and loki over the configs")
    p.add_argument("-f", "--format", choices=("text", "json"), default="text", help="output format")
    p.add_argument("-q", "--quiet", action="store_true", help="text output: list blocking violations only")
    p.add_argument("--list-rules", action="store_true", help="print the rules (id, severity, title) and exit")
    return p


def _load(paths, stdin):
    result = LoadResult()
    for path in paths:
        if path == "-":
            result.extend(load_text(stdin.read(), "<stdin>"))
        else:
            result.extend(load_path(path))
    return result


def _list_rules(args, out):
    catalog = rule_catalog()
    if args.format == "json":
        json.dump(catalog, out, indent=2)
        out.write("\n")
    else:
        for entry in catalog:
            out.write("%s  %-7s  %s\n" % (entry["id"], entry["severity"], entry["title"]))
    return OK


def main(argv=None, stdin=None, out=None, err=None):
    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    args = parser().parse_args(argv)
    if args.list_rules:
        return _list_rules(args, out)
    if not args.paths:
        err.write("vmstation-validate: give at least one manifest file or folder (or - for stdin)\n")
        return UNUSABLE
    try:
        loaded = _load(args.paths, stdin)
    except ManifestError as e:
        err.write("vmstation-validate: %s\n" % e)
        return UNUSABLE
    try:
        report = validate_loaded(loaded, args.kubernetes_version, rules=args.rules, skip_rules=args.skip_rules,
                                 agents_namespaces=args.agents_namespaces or None,
                                 default_namespace=args.default_namespace, config_tools=args.config_tools)
    except (PolicyError, SchemaSetupError) as e:
        err.write("vmstation-validate: %s\n" % e)
        return UNUSABLE
    violations, blocking = report.violations, report.blocking
    status = UNUSABLE if loaded.errors else (BLOCKING if blocking else OK)
    if args.format == "json":
        json.dump(dict({"status": status}, **report.as_dict()), out, indent=2)
        out.write("\n")
        return status
    for note in loaded.notes:
        err.write("note: %s\n" % note)
    for error in loaded.errors:
        err.write("error: %s\n" % error)
    if loaded.errors:
        err.write("vmstation-validate: %d file(s) could not be read; nothing was validated\n" % len(loaded.errors))
        return status
    shown = blocking if args.quiet else violations
    if shown:
        out.write(format_report(shown, summary=False) + "\n")
    out.write("%s: %d object(s) in %d file(s), %d blocking violation(s), %d warning(s), %d waived\n" % (
        "FAILED" if blocking else "OK", len(loaded.documents), loaded.files, len(blocking),
        sum(1 for v in violations if not v.blocking and not v.waived), sum(1 for v in violations if v.waived)))
    return status
