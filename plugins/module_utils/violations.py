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
        state = " (waived: %s)" % self.waiver_reason if self.waived else ""
        return "[%s %s] %s at %s: %s. Fix: %s%s" % (
            self.rule, self.severity, self.object_ref(), self.path or "(object)", self.message, self.fix, state)


def for_object(obj, rule, path, message, fix, severity=ERROR) -> Violation:
    """A Violation about the Kubernetes object ``obj``."""
    meta = (obj or {}).get("metadata") or {}
    return Violation(rule=rule, severity=severity, kind=str((obj or {}).get("kind", "")),
                     namespace=str(meta.get("namespace", "") or ""), name=str(meta.get("name", "")),
                     path=path, message=message, fix=fix)


def format_report(violations) -> str:
    """All findings, blocking ones first, one per line, with a count line at the end."""
    ordered = sorted(violations, key=lambda v: (not v.blocking, v.rule, v.object_ref(), v.path))
    blocking = sum(1 for v in violations if v.blocking)
    lines = [v.format() for v in ordered]
    lines.append("%d blocking violation(s), %d waived or warning(s)" % (blocking, len(violations) - blocking))
    return "\n".join(lines)
