# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""The summary that ends a run for one cluster: what was rendered and where, what changed, the warnings of the run,
and what the user does next (the Secrets a GitOps tree needs, which SECRETS.md describes; monitoring_apply)."""

from __future__ import annotations

from ansible_collections.vmstation.monitoring.plugins.module_utils.common.violations import Violation, waived_summary

_FIELDS = ("rule", "severity", "kind", "namespace", "name", "path", "message", "fix", "waived", "waiver_reason", "source")


def _plural(count, word):
    return "%d %s%s" % (count, word, "" if count == 1 else "s")


def _findings(violations):
    return [Violation(**{name: item.get(name, Violation.__dataclass_fields__[name].default) for name in _FIELDS})
            for item in violations or []]


def summary_lines(cluster, dest, export, components=(), violations=(), warnings=(), applied=False, check_mode=False):
    """The lines of the summary. ``export``: the result of export_manifests (objects, created, updated, removed,
    unchanged, secrets, secrets_file); ``components``: ``[{name, objects}]`` as exported; ``violations``: the
    validation's findings (dicts); ``warnings``: what the roles noted; ``applied``: monitoring_apply."""
    would = "would be " if check_mode else ""
    created, updated, removed = (len(export.get(key) or []) for key in ("created", "updated", "removed"))
    unchanged = int(export.get("unchanged") or 0)
    names = [c.get("name") for c in components or [] if c.get("objects")]
    lines = ["%s: %s of %s (%s) in %s: %s, %d %screated, %d %supdated, %d unchanged; %d old %s %sremoved." % (
        cluster, _plural(int(export.get("objects") or 0), "object"), _plural(len(names), "component"), ", ".join(names),
        dest, _plural(created + updated + unchanged, "file"), created, would, updated, would, unchanged, removed,
        "file" if removed == 1 else "files", would)]
    findings = _findings(violations)
    waived = waived_summary(findings)
    shown = [v for v in findings if not v.waived and not v.blocking]
    lines.append("Validation: no blocking violation, %s%s" % (
        _plural(len(shown), "warning"), "; " + waived[0].lower() + waived[1:] if waived else "."))
    lines += ["Warning: %s" % " ".join(str(w).split()) for w in warnings or []]
    lines += ["Warning: %s" % v.format() for v in shown]
    if applied:
        lines.append("Applied to the cluster%s: the summary of the verify phase is above." % (
            " as a server-side dry run" if check_mode else ""))
        return lines
    lines.append("Next: nothing was applied (monitoring_apply is false). Preview the objects with "
                 "`kubectl kustomize %s`. To deploy them from here, set monitoring_apply: true for %s (docs/apply.md); "
                 "the apply phase makes the Secrets too." % (dest, cluster))
    to_make = [s for s in export.get("secrets") or [] if s.get("made_by") != "tree"]
    if to_make:
        lines.append("For GitOps, commit %s and first create the %s it reads but does not hold: %s. %s says where each "
                     "value comes from (or set monitoring_gitops_secrets: sops to keep them encrypted in the tree, "
                     "docs/gitops.md)." % (dest, "Secret" if len(to_make) == 1 else "%d Secrets" % len(to_make),
                                           "; ".join("%s/%s (keys %s)" % (s["namespace"], s["name"], ", ".join(s.get("keys") or []))
                                                     for s in to_make), export.get("secrets_file") or "SECRETS.md"))
    else:
        lines.append("For GitOps, commit %s: it holds or reads no Secret that you must create." % dest)
    return lines
