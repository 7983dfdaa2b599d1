"""What the public survey page shows: the questions of a step, values, errors, wording."""

from typing import Any

from kundepuls.config import Settings
from kundepuls.kit.security import csrf_token
from kundepuls.surveys import answering, texts
from kundepuls.surveys.answering import Answers
from kundepuls.surveys.definitions import Question, SurveyDefinition
from kundepuls.surveys.models import Invitation


def page_context(
    invitation: Invitation,
    definition: SurveyDefinition,
    answers: Answers,
    token: str,
    settings: Settings,
    step: str | None = None,
    *,
    form: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    csrf_failed: bool = False,
) -> dict[str, Any]:
    """The template context of the page for ``step`` (the next unanswered one by default)."""
    lang = invitation.language
    step = step or answering.next_step(definition, answers)
    errors = errors or {}
    questions = [
        _question(q, lang, definition, answers, form, errors)
        for q in answering.step_questions(definition, step if step != "done" else "rest")
    ]
    lead = definition.lead
    follow_up = answering.follow_up_of(definition, answers, lang) if step == "rest" else None
    posted_follow_up = (form or {}).get(answering.FOLLOW_UP_FIELD)
    return {
        "lang": lang,
        "t": lambda key: texts.ui(key, lang),
        "title": definition.title_in(lang),
        "step": step,
        "token": token,
        "action": f"/s/{token}",
        "csrf": csrf_token(settings.secret_key, invitation.invitation_id),
        "questions": questions,
        "lead_score": answers.values.get(lead.id) if lead and step == "rest" else None,
        "lead_label": lead.label(lang, definition.company) if lead else None,
        "follow_up": follow_up,
        "follow_up_value": posted_follow_up[0] if posted_follow_up else answers.follow_up or "",
        "notice": texts.ui(notice, lang) if notice else None,
        "errors": errors,
        "csrf_failed": csrf_failed,
        "csrf_message": texts.ui("error_csrf", lang) if csrf_failed else None,
        "last": step == "rest" or not _asks_more(definition),
    }


def _question(
    question: Question,
    lang: str,
    definition: SurveyDefinition,
    answers: Answers,
    form: dict[str, list[str]] | None,
    errors: dict[str, str],
) -> dict[str, Any]:
    name = f"q_{question.id}"
    if form is not None and name in form:
        chosen = [v for v in form[name] if v]
    else:
        stored = answers.values.get(question.id)
        chosen = (
            []
            if stored is None
            else [str(v) for v in (stored if isinstance(stored, list) else [stored])]
        )
    low, high = question.scale
    return {
        "id": question.id,
        "name": name,
        "type": question.type,
        "label": question.label(lang, definition.company),
        "required": question.required,
        "scale": [str(n) for n in range(low, high + 1)] if question.is_score else [],
        "ends": question.scale_ends(lang) if question.is_score else ("", ""),
        "options": [(o.value, _label(o.label, lang)) for o in question.options],
        "chosen": chosen,
        "value": chosen[0] if chosen else "",
        "error": errors.get(name),
    }


def _asks_more(definition: SurveyDefinition) -> bool:
    """Whether anything may follow the score step (more questions or a follow-up)."""
    lead = definition.lead
    return bool(answering.step_questions(definition, "rest")) or bool(lead and lead.follow_up)


def _label(wording: dict[str, str], lang: str) -> str:
    for key in (lang, "nb", "en", *wording):
        if wording.get(key):
            return wording[key]
    return ""
