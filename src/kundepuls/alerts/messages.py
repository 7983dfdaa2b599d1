"""The words of an alert or recovery message, from a rule and its decision."""

from __future__ import annotations

from dataclasses import dataclass

from kundepuls.alerts.evaluate import Decision, evidence_link
from kundepuls.alerts.models import AlertRule
from kundepuls.alerts.texts import num, p_text, t
from kundepuls.config import Settings
from kundepuls.kpis import catalog as cat


@dataclass(frozen=True)
class Message:
    subject: str
    text: str  # the full text, ending with the evidence link
    link: str


def label(kpi: cat.Kpi, segment: str, lang: str) -> str:
    """The KPI's name in ``lang``, with its segment when there is one."""
    name = kpi.label(lang)
    return f"{name} ({segment.replace(';', ', ')})" if segment else name


def _body(rule: AlertRule, decision: Decision, kind: str, name: str) -> str:
    lang, extra = rule.lang, decision.extra
    values: dict[str, object] = {
        "label": name,
        "value": num(decision.value, lang),
        "n": decision.n,
        "ci": t(lang, "ci", low=num(decision.ci_low, lang), high=num(decision.ci_high, lang)),
        "span": t(lang, "span", start=decision.start, end=decision.end),
    }
    if rule.kind == "threshold":
        values.update(side=t(lang, rule.direction), threshold=num(rule.threshold, lang))
    elif rule.kind == "change":
        diff = float(extra.get("diff") or 0.0)
        values.update(
            moved=t(lang, "risen" if diff > 0 else "fallen"),
            amount=num(abs(diff), lang),
            dci=t(lang, "ci", low=num(extra.get("diff_low"), lang),
                  high=num(extra.get("diff_high"), lang)),
            p=p_text(extra.get("p_value"), lang),
            before=num(extra.get("baseline_value"), lang),
            n0=extra.get("baseline_n", 0),
        )  # fmt: skip
    else:
        high = float(decision.value or 0.0) > float(extra.get("expected") or 0.0)
        values.update(
            side_adj=t(lang, "high" if high else "low"),
            expected=num(extra.get("expected"), lang),
        )
    return t(lang, f"{rule.kind}_{kind}", **values)


def compose(
    rule: AlertRule, decision: Decision, kind: str, kpi: cat.Kpi, settings: Settings
) -> Message:
    """The message of a ``fired`` or ``resolved`` event of ``rule``."""
    link = evidence_link(settings, rule.kpi, decision.start, decision.end, rule.segment)
    body = _body(rule, decision, kind, label(kpi, rule.segment, rule.lang))
    text = f"{body}\n{t(rule.lang, 'evidence', link=link)}"
    return Message(t(rule.lang, f"{kind}_subject", name=rule.name), text, link)
