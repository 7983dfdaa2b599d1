"""Pydantic models of data-quality findings."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

Severity = Literal["info", "warning", "critical"]
SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}


class Finding(BaseModel):
    """One data-quality problem: what, how bad, which KPIs and segment, and the evidence."""

    check: str
    severity: Severity
    kpis: list[str]
    segment: dict[str, str] = {}
    message_nb: str
    message_en: str
    evidence: dict[str, Any] = {}

    def message(self, lang: str = "nb") -> str:
        return self.message_en if lang == "en" else self.message_nb


class FindingOut(BaseModel):
    """A finding as the API and ``--format json`` show it (the message in one language)."""

    check: str
    severity: Severity
    kpis: list[str]
    segment: dict[str, str]
    message: str
    evidence: dict[str, Any]

    @classmethod
    def of(cls, finding: Finding, lang: str) -> FindingOut:
        return cls(
            check=finding.check, severity=finding.severity, kpis=finding.kpis,
            segment=finding.segment, message=finding.message(lang), evidence=finding.evidence,
        )  # fmt: skip
