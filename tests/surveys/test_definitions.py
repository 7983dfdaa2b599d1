"""Survey definitions: standard wording in three languages, follow-ups, errors, versions."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.kit.errors import UsageError
from kundepuls.surveys import answering
from kundepuls.surveys.definitions import load_definition, parse_definition
from kundepuls.surveys.distribution import invite
from kundepuls.surveys.texts import pick_language
from tests.surveys.factories import NPS_SURVEY, add_customer, add_survey


def test_standard_questions_and_follow_ups_in_three_languages() -> None:
    d = parse_definition(
        {
            "key": "k",
            "company": {"nb": "Treningssenteret", "nn": "Treningssenteret", "en": "the gym"},
            "questions": [
                {"id": "nps", "type": "nps", "follow_up": True},
                {"id": "csat", "type": "csat"},
                {"id": "ces", "type": "ces"},
            ],
        }
    )
    nps, csat, ces = d.questions
    assert nps.label("nn", d.company).startswith("Kor sannsynleg er det at du vil tilrå Trening")
    assert "recommend the gym" in nps.label("en", d.company)
    assert csat.scale == (1, 5)
    assert ces.scale == (1, 7)
    assert ces.scale_ends("nb") == ("Svært vanskelig", "Svært enkelt")
    assert d.follow_up_text(nps, 6, "en") == "What could we do better?"
    assert d.follow_up_text(nps, 7, "nb") == "Hva skal til for at du gir oss en høyere score?"
    assert d.follow_up_text(nps, 10, "nn") == "Kva likte du best?"
    assert d.follow_up_text(csat, 2, "en") is None
    assert d.lead is nps


def test_custom_follow_up_bands_and_rating_scale() -> None:
    d = parse_definition(
        {
            "key": "k",
            "questions": [
                {
                    "id": "stars",
                    "type": "rating",
                    "min": 1,
                    "max": 10,
                    "text": {"nb": "Gi oss stjerner", "en": "Rate us"},
                    "follow_up": [{"min": 1, "max": 4, "text": {"en": "Sorry — what went wrong?"}}],
                }
            ],
        }
    )
    (stars,) = d.questions
    assert stars.scale == (1, 10)
    assert stars.label("nn") == "Gi oss stjerner"  # falls back to Bokmål
    assert d.follow_up_text(stars, 3, "nb") == "Sorry — what went wrong?"
    assert d.follow_up_text(stars, 8, "en") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"questions": [{"id": "a", "type": "nps"}]}, "key: Field required"),
        ({"key": "k", "questions": []}, "questions: List should have at least 1 item"),
        ({"key": "k", "questions": [{"id": "a", "type": "nps", "max": 5}]}, "questions[0]: nps"),
        ({"key": "k", "questions": [{"id": "a", "type": "text"}]}, "needs a text"),
        (
            {"key": "k", "questions": [{"id": "a", "type": "nps", "text": {"sv": "x"}}]},
            "unknown language sv",
        ),
        (
            {"key": "k", "questions": [{"id": "a", "type": "nps"}, {"id": "a", "type": "csat"}]},
            "question ids must be unique: a",
        ),
        (
            {
                "key": "k",
                "questions": [{"id": "a", "type": "nps"}],
                "trigger": {"kind": "milestone"},
            },
            "trigger: a milestone trigger needs attribute",
        ),
        (
            {"key": "k", "questions": [{"id": "a", "type": "nps"}], "trigger": {"delay": 3}},
            "trigger.delay: Extra inputs are not permitted",
        ),
    ],
)
def test_errors_name_the_field(data: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=r"^survey\.yaml: ") as caught:
        parse_definition(data, "survey.yaml")
    assert message in str(caught.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        load_definition(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("key: [unclosed\n", encoding="utf-8")
    with pytest.raises(UsageError, match="line 2: not valid YAML"):
        load_definition(broken)


def test_language_codes() -> None:
    assert [pick_language(c) for c in ("nb-NO", "no", "nn", "EN", "en_GB", "sv", None)] == [
        "nb",
        "nb",
        "nn",
        "en",
        "en",
        "nb",
        "nb",
    ]


def test_an_old_invitation_keeps_its_version(session: Session, settings: Settings) -> None:
    v1 = add_survey(session)
    made = invite(
        session, v1, add_customer(session, "c1"), settings=settings, now=datetime.now(UTC)
    )
    changed = {**NPS_SURVEY, "questions": [{"id": "csat", "type": "csat"}]}
    v2 = add_survey(session, **changed)
    assert (v1.version, v2.version, v1.link_key) == (1, 2, v2.link_key)
    assert add_survey(session, **changed).version == 2, "saving it unchanged adds no version"
    assert made.token is not None
    invitation, definition = answering.open_link(session, made.token, datetime.now(UTC))
    assert invitation.survey_version == 1
    assert [q.type for q in definition.questions] == ["nps"]


def test_the_shipped_example_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "src/kundepuls/surveys/examples/etter-kjop.yaml"
    definition = load_definition(example)
    assert definition.trigger.kind == "after_purchase"
    assert definition.lead is not None
