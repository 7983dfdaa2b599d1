"""Survey definitions: what is asked, in which languages, and when it is sent.

A definition is plain data (YAML file or JSON through the API), checked here into typed
models. Standard questions (``nps``, ``csat``, ``ces``) need no text: they get the common
wording in Bokmål, Nynorsk and English from ``texts``. Every problem is reported with the
path of the field, e.g. ``questions[1].options: needs at least 2 options``.

Example
-------
>>> d = parse_definition({"key": "after-purchase", "questions": [{"id": "nps", "type": "nps",
...     "follow_up": True}], "trigger": {"kind": "after_purchase", "delay_hours": 24}})
>>> d.questions[0].label("en", d.company)
'How likely is it that you would recommend us to a friend or colleague?'
>>> d.follow_up_text(d.questions[0], 3, "nb")
'Hva kan vi gjøre bedre?'
"""

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kundepuls.kit.errors import UsageError
from kundepuls.surveys import texts

QuestionType = Literal["nps", "csat", "ces", "rating", "single_choice", "multiple_choice", "text"]
SCORE_TYPES = ("nps", "csat", "ces", "rating")
FIXED_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
SLUG = r"^[a-z0-9][a-z0-9_-]{0,99}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    value: str = Field(pattern=r"^[A-Za-z0-9_-]{1,100}$")
    label: dict[str, str]


class FollowUp(_Strict):
    """The open question asked when the score falls in ``min``–``max``."""

    min: int
    max: int
    text: dict[str, str]


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,49}$")
    type: QuestionType
    text: dict[str, str] | None = None
    required: bool = False
    min: int | None = None
    max: int | None = None
    options: list[Option] = Field(default_factory=list)
    # True asks the standard score-dependent follow-up; a list sets the bands and texts.
    follow_up: bool | list[FollowUp] = False

    @model_validator(mode="after")
    def _consistent(self) -> "Question":
        if self.type in FIXED_SCALES and (self.min is not None or self.max is not None):
            raise ValueError(f"{self.type} has a fixed scale; remove min/max")
        if self.type not in FIXED_SCALES and self.text is None:
            raise ValueError(f"a {self.type} question needs a text")
        if self.type == "rating" and self.scale[0] >= self.scale[1]:
            raise ValueError("min must be below max")
        choice = self.type in ("single_choice", "multiple_choice")
        if choice and len(self.options) < 2:
            raise ValueError("needs at least 2 options")
        if not choice and self.options:
            raise ValueError(f"a {self.type} question takes no options")
        if self.follow_up and self.type not in SCORE_TYPES:
            raise ValueError("only a score question can have a follow-up")
        _check_languages(self.text, "text")
        return self

    @property
    def scale(self) -> tuple[int, int]:
        if self.type in FIXED_SCALES:
            return FIXED_SCALES[self.type]
        return (self.min if self.min is not None else 1, self.max if self.max is not None else 5)

    @property
    def is_score(self) -> bool:
        return self.type in SCORE_TYPES

    def label(self, language: str, company: dict[str, str] | None = None) -> str:
        """The question text in ``language`` (falling back to Bokmål, then English)."""
        wording = self.text or texts.QUESTIONS[self.type]
        text = _in(wording, language)
        who = _in(company, language) if company else texts.WE[language]
        return text.replace("{company}", who)

    def scale_ends(self, language: str) -> tuple[str, str]:
        low, high = texts.SCALE_ENDS.get(self.type, texts.SCALE_ENDS["rating"])
        return _in(low, language), _in(high, language)


class Trigger(_Strict):
    """When invitations are made; the periodic scan applies it (see ``triggers``)."""

    kind: Literal["after_purchase", "ticket_resolved", "milestone", "schedule", "manual"] = "manual"
    delay_hours: float = Field(default=0, ge=0, le=24 * 90)
    # Events older than this are never invited: importing last year's orders sends nothing.
    lookback_days: int = Field(default=7, ge=1, le=365)
    attribute: str | None = None
    offset_days: int = Field(default=0, ge=-365, le=365)
    every: Literal["month", "quarter", "year"] = "quarter"
    sample: int | None = Field(default=None, ge=1)
    active_days: int = Field(default=365, ge=1)
    where: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "Trigger":
        if self.kind == "milestone" and not self.attribute:
            raise ValueError("a milestone trigger needs attribute (a date attribute)")
        return self


class SurveyDefinition(_Strict):
    key: str = Field(pattern=SLUG)
    title: dict[str, str] | None = None
    company: dict[str, str] | None = None
    touchpoint: str | None = Field(default=None, max_length=100)
    anonymous: bool = False
    default_language: Literal["nb", "nn", "en"] = "nb"
    questions: list[Question] = Field(min_length=1, max_length=30)
    trigger: Trigger = Field(default_factory=Trigger)
    reminder_after_days: int | None = Field(default=3, ge=1, le=60)
    expires_after_days: int = Field(default=30, ge=1, le=365)
    wave_cap: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> "SurveyDefinition":
        ids = [q.id for q in self.questions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"question ids must be unique: {', '.join(duplicates)}")
        _check_languages(self.title, "title")
        _check_languages(self.company, "company")
        return self

    @property
    def lead(self) -> Question | None:
        """The first question when it is a score: the one the email asks with one click."""
        first = self.questions[0]
        return first if first.is_score else None

    def follow_up_text(self, question: Question, score: int, language: str) -> str | None:
        """The follow-up to ask after ``score`` on ``question``, or None."""
        if not question.follow_up:
            return None
        bands = (
            [(f.min, f.max, f.text) for f in question.follow_up]
            if isinstance(question.follow_up, list)
            else texts.FOLLOW_UPS[question.type]
        )
        for low, high, text in bands:
            if low <= score <= high:
                return _in(text, language)
        return None

    def title_in(self, language: str) -> str:
        return _in(self.title, language) if self.title else self.key


def _in(wording: dict[str, str] | None, language: str) -> str:
    wording = wording or {}
    for lang in (language, "nb", "en", *wording):
        if wording.get(lang):
            return wording[lang]
    return ""


def _check_languages(wording: dict[str, str] | None, field: str) -> None:
    unknown = sorted(set(wording or {}) - set(texts.LANGUAGES))
    if unknown:
        raise ValueError(f"{field}: unknown language {', '.join(unknown)} (use nb, nn, en)")


def parse_definition(data: Any, source: str = "survey") -> SurveyDefinition:
    """Check ``data`` (a mapping) and return the definition; errors name the field."""
    if not isinstance(data, dict):
        raise UsageError(f"{source}: a survey definition must be a mapping with key and questions")
    try:
        return SurveyDefinition.model_validate(data)
    except ValidationError as error:
        raise UsageError(f"{source}: {_describe(error)}") from None


def load_definition(path: Path) -> SurveyDefinition:
    """Read a YAML (or JSON) definition file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None)
        raise UsageError(f"{path}: {where}not valid YAML ({problem or error})") from None
    return parse_definition(data, str(path))


def _describe(error: ValidationError) -> str:
    parts = []
    for problem in error.errors()[:5]:
        path = ""
        for item in problem["loc"]:
            path += f"[{item}]" if isinstance(item, int) else f".{item}" if path else str(item)
        message = problem["msg"].removeprefix("Value error, ")
        parts.append(f"{path}: {message}" if path else message)
    return "; ".join(parts)
