# -*- coding: utf-8 -*-
# Copyright: vmstation.monitoring contributors
# Apache License 2.0
"""One finding of the validate phase, whatever produced it (schema, policy rule, config tool)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Violation:
    rule: str  # K001..K018, M001..M008, SCHEMA, PROMTOOL, ...
    severity: str  # ERROR or WARNING
    kind: str
    namespace: str
    name: str
    path: str  # where inside the object, e.g. spec.template.spec.containers[0].resources
    message: str  # what is wrong
    fix: str  # how to fix it
    waived: bool = False
    waiver_reason: str = ""
    source: str = ""  # file:line of the object, when it was read from a file

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR and not self.waived

    def object_ref(self) -> str:
        return "%s/%s/%s" % (self.kind, self.namespace, self.name) if self.namespace else "%s/%s" % (self.kind, self.name)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["object"] = self.object_ref()
        return data

    def format(self) -> str:
        """One line: ``[file:line: ][RULE severity] Kind/ns/name at path: message. Fix: ...``; a waived
        finding reads ``[RULE waived] ... Waived: <reason>``."""
        where = "%s: " % self.source if self.source else ""
        if self.waived:
            state, advice = "waived", "Waived: %s" % self.waiver_reason
        else:
            state, advice = self.severity, "Fix: %s" % self.fix
        return "%s[%s %s] %s at %s: %s. %s" % (
            where, self.rule, state, self.object_ref(), self.path or "(object)", self.message, advice)


def for_object(obj, rule, path, message, fix, severity=ERROR) -> Violation:
    """A Violation about the Kubernetes object ``obj``."""
    meta = (obj or {}).get("metadata") or {}
    return Violation(rule=rule, severity=severity, kind=str((obj or {}).get("kind", "")),
                     namespace=str(meta.get("namespace", "") or ""), name=str(meta.get("name", "")),
                     path=path, message=message, fix=fix)


def _rank(violation) -> int:
    if violation.blocking:
        return 0
    return 2 if violation.waived else 1


def format_report(violations, summary=True) -> str:
    """All findings, blocking ones first, then warnings, then waived ones; one per line, counts at the end."""
    ordered = sorted(violations, key=lambda v: (_rank(v), v.source, v.rule, v.object_ref(), v.path))
    blocking = sum(1 for v in violations if v.blocking)
    waived = sum(1 for v in violations if v.waived)
    lines = [v.format() for v in ordered]
    if summary:
        lines.append("%d blocking violation(s), %d warning(s), %d waived"
                     % (blocking, len(violations) - blocking - waived, waived))
    return "\n".join(lines)


def waived_summary(violations) -> str:
    """One line for the waived findings: how many, of which rules, on which objects ('' when none)."""
    waived = [v for v in violations if v.waived]
    if not waived:
        return ""
    rules = sorted({v.rule for v in waived})
    counts = ", ".join("%s x%d" % (rule, sum(1 for v in waived if v.rule == rule)) for rule in rules)
    objects = ", ".join(sorted({v.object_ref() for v in waived}))
    return ("%d waived finding(s) (%s) on %s, each waived by an annotation that gives its reason; run with -v to "
            "list them." % (len(waived), counts, objects))


def report_lines(violations, verbose=False) -> list:
    """What a person reads of a validation: the blocking findings first, then the warnings, one line each; the
    waived ones in one summary line (one line each when ``verbose``); the counts last."""
    ordered = sorted(violations, key=lambda v: (_rank(v), v.source, v.rule, v.object_ref(), v.path))
    lines = [v.format() for v in ordered if verbose or not v.waived]
    if not verbose and any(v.waived for v in violations):
        lines.append(waived_summary(violations))
    blocking = sum(1 for v in violations if v.blocking)
    waived = sum(1 for v in violations if v.waived)
    lines.append("%d blocking violation(s), %d warning(s), %d waived" % (blocking, len(violations) - blocking - waived, waived))
    return lines
