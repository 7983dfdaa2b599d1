"""The lexicon's rules of session 3: events that did not happen, long waits, wishes, litotes,
Nynorsk and æøå-less forms, lukewarm verdicts, concessive clauses and the NoReC fallback."""

import pytest

from kundepuls.text.lexicon import _nynorsk, _without_special_letters, default_lexicon
from kundepuls.text.service import analyze


def label(text: str, language: str | None = None) -> str:
    return default_lexicon().analyze(text, language).label


@pytest.mark.parametrize(
    "text",
    [
        "Kundeservice svarte aldri på e-posten",  # negator after the verb
        "Ingen ringte meg tilbake",  # negator before the verb
        "Eg fekk inga stadfesting",
        "Bestillinga kom ikkje",
        "The refund never arrived",
        "Nobody answered the phone",
    ],
)
def test_an_expected_event_that_did_not_happen_is_a_complaint(text: str) -> None:
    assert label(text) == "negative"


def test_the_negator_belongs_to_a_sentiment_word_when_there_is_one() -> None:
    # "ingen" flips "problemer" here; the unanswered-event rule must not cancel the praise.
    assert label("Fikk ingen problemer med bestillingen") == "positive"
    assert label("Pakken kom i går") == "neutral"  # an event that happened is a fact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Det tok tre uker før jeg fikk pengene", "negative"),
        ("Eg venta i over ein time", "negative"),
        ("The refund took two weeks", "negative"),
        ("Det tok bare to dager", "neutral"),  # a quick word before the unit
        ("The salesperson took her time with us", "positive"),  # an idiom wins
    ],
)
def test_long_waits(text: str, expected: str) -> None:
    assert label(text) == expected


def test_repetition_and_excess_are_generated_phrases() -> None:
    assert label("Betalingen feilet tre ganger") == "negative"
    assert label("Opningstidene er for korte") == "negative"
    assert label("The portions were too small") == "negative"


def test_a_wish_is_not_praise() -> None:
    assert label("Opening on Sundays would be great") == "neutral"
    assert label("Hadde vore fint om de hadde ope lenger") == "neutral"
    assert label("Great opening hours") == "positive"
    # A negative word in a wish stays: "savner" is a complaint about what is missing.
    assert label("Savner et bedre utvalg") == "negative"


def test_litotes_is_mild_and_neither_nor_cancels_or_negates() -> None:
    lex = default_lexicon()
    assert 0 < lex.analyze("ikke dårlig").score < lex.analyze("bra").score
    assert label("Produktet er verken bra eller dårlig") == "neutral"
    assert label("Leveringen var verken rask eller presis") == "negative"
    assert label("Ikke særlig hjelpsom") == "negative"  # "særlig" is inside the negation


def test_concessive_clause_weighs_less_only_after_the_marker() -> None:
    assert label("Staff were helpful even though the store was packed") == "positive"
    assert label("Waited over an hour even though I had an appointment") == "negative"


@pytest.mark.parametrize(
    "text", ["Helt grei opplevelse", "Heilt ok", "Produktet er som beskrevet", "It's fine"]
)
def test_lukewarm_verdicts_are_neutral(text: str) -> None:
    assert label(text) == "neutral"


def test_nynorsk_forms_are_made_from_bokmal() -> None:
    made = _nynorsk(
        {"hyggelig": 2.0, "billigere": 1.0, "fikk ikke svar": -2.0},
        {"fikk": "fekk", "ikke": "ikkje"},
    )
    assert made == {"hyggeleg": 2.0, "billegare": 1.0, "fekk ikkje svar": -2.0}
    assert label("Dama i kassa var utruleg hyggeleg", "nn") == "positive"
    assert label("Eg fekk ikkje svar", "nn") == "negative"


def test_letters_without_ae_o_a() -> None:
    made = _without_special_letters({"fornøyd": 2.0, "bra": 2.0})
    assert made == {"fornoyd": 2.0, "fornoeyd": 2.0, "fornøyd": 2.0, "bra": 2.0}
    assert label("veldig fornoyd") == "positive"
    assert label("daarlig service") == "negative"


def test_a_word_of_another_language_does_not_leak_into_english() -> None:
    # "sure" is Norwegian for sour/grumpy (plural); in English it is no verdict.
    assert label("I'm not sure yet, it only arrived yesterday", "en") == "neutral"


def test_norec_is_not_asked_about_a_terse_comment() -> None:
    # Two words the lexicon does not know: neutral, not the review model's guess.
    result = analyze("veit ikkje", known_language="nn")
    assert result.sentiment == "neutral"
    assert "norec" not in result.model_version


def test_the_contrast_example_of_the_issue_still_holds() -> None:
    result = analyze("Leveringen var ikke rask, men kundeservice var kjempehyggelig")
    themes = {m.theme: m.sentiment for m in result.themes}
    assert themes == {"delivery": "negative", "customer_service": "positive"}


def test_a_plain_fact_stays_neutral() -> None:
    # No sentiment cue at all: the review model may speak only when nearly certain.
    for text in ("Eg kjøpte ein genser til sonen min.", "Bestilte på mandag, hentet på torsdag."):
        assert analyze(text).sentiment == "neutral"


def test_like_is_a_verb_of_liking_only_in_english() -> None:
    assert label("The item looked like the picture", "en") == "neutral"
    assert label("Pakken kom like sent som vanlig", "nb") == "negative"
    assert label("I like the new app", "en") == "positive"


def test_a_negator_flips_one_word_and_after_a_verb_the_verb() -> None:
    # "ikke" after the verb (Norwegian word order) negates the verb, not the next word.
    assert label("De løste ikke problemet mitt", "nb") == "negative"
    assert label("Dei løyste ikkje problemet mitt", "nn") == "negative"
    assert label("They didn't solve my problem", "en") == "negative"
    assert label("Liker ikke den nye appen", "nb") == "negative"
    # "uten" is a preposition: it looks forward only ("kansellert uten" stays a complaint).
    assert label("Ordren ble kansellert uten forvarsel", "nb") == "negative"


def test_what_looks_cheap_is_not_a_good_price() -> None:
    assert label("Billig og bra", "nb") == "positive"
    assert label("Jakka så billig ut i virkeligheten", "nb") == "negative"
    assert label("Supert, enda en forsinkelse. Takk for ingenting.", "nb") == "negative"


def test_just_after_a_comma_is_a_contrast() -> None:
    assert label("The staff weren't unfriendly, just a bit slow", "en") == "negative"
    assert label("Personalet var ikkje uhøflege, berre trege", "nn") == "negative"
    assert label("Just perfect", "en") == "positive"  # elsewhere "just" is no contrast


def test_no_is_a_negator_in_english_only() -> None:
    assert label("Exchanged it without a receipt, no problem at all. Thanks!", "en") == ("positive")
    assert label("It was alright, no better or worse than other shops", "en") == "neutral"
    # In Nynorsk "no" is "now": "Eg har no fått svar" reports an answer, not a missing one.
    assert label("Eg har no fått svar", "nn") != "negative"


def test_a_shrug_makes_the_comment_lukewarm() -> None:
    assert label("Betjeninga var grei. Ikkje så mykje meir å seie.", "nn") == "neutral"
    assert label("The service was okay. Not much more to say.", "en") == "neutral"
    assert label("Betjeninga var grei", "nn") == "positive"


def test_not_yet_tried_is_no_complaint() -> None:
    assert label("Har ikkje fått testa han skikkeleg enno", "nn") == "neutral"
    assert label("Har ikke fått svar", "nb") == "negative"


def test_after_a_contrast_a_bare_negator_is_a_letdown() -> None:
    assert label("Det står at varen er på lager, men den er aldri det.", "nb") == "negative"
    assert label("It says the item is in stock, but it never is.", "en") == "negative"
    # Before any contrast a negator about nothing is no verdict.
    assert label("Eg har ikkje handla her før", "nn") == "neutral"


def test_still_without_a_service_is_a_complaint() -> None:
    assert label("Sitter fortsatt uten internett", "nb") == "negative"
    assert label("Forsikringa ville ikkje dekkje skaden", "nn") == "negative"
    assert label("Regningen var mye høyere enn lovet", "nb") == "negative"


def test_articles_do_not_use_up_the_scope_of_a_negator() -> None:
    assert label("Aldri hatt et eneste problem med denne butikken", "nb") == "positive"
    assert label("Never had a single problem with this shop", "en") == "positive"


def test_as_expected_makes_a_wait_lukewarm() -> None:
    assert label("Det tok to dager før pakken kom, som forventet.", "nb") == "neutral"
    # How many days a delivery took is a fact (LABELLING.md); weeks are a wait.
    assert label("It took two weeks for the parcel to arrive", "en") == "negative"
    assert label("It took two days for the parcel to arrive", "en") == "neutral"
    assert label("I didn't have to wait at all", "en") == "positive"


def test_never_such_good_service_is_praise() -> None:
    assert label("Har aldri opplevd så god service i en matbutikk", "nb") == "positive"
    assert label("Never experienced such good service", "en") == "positive"
    assert label("Not so good this time", "en") == "negative"  # "not so" still negates
    assert label("Aldri så dårlig service", "nb") == "negative"


def test_things_that_stopped_working_and_broken_promises() -> None:
    assert label("Kaffimaskina slutta å verke etter to månader", "nn") == "negative"
    assert label("Bought a coffee machine that stopped working after two months", "en") == (
        "negative"
    )
    assert label("De lovet å ringe meg", "nb") == "negative"
    assert label("Dei ringde tilbake som lova", "nn") == "positive"


def test_caring_and_discounts_not_applied() -> None:
    assert label("Betjeninga brydde seg ikkje om oss", "nn") == "negative"
    assert label("Staff couldnt care less about us", "en") == "negative"
    assert label("Rabatten ble ikke trukket fra i kassen", "nb") == "negative"
    assert label("The jacket keeps me warm", "en") == "positive"


def test_every_modifier_word_is_a_string() -> None:
    # YAML reads bare null, no, yes, on and off as other things than words.
    from importlib import resources

    import yaml

    text = resources.files("kundepuls.text").joinpath("data", "modifiers.yaml").read_text()
    modifiers = yaml.safe_load(text)
    for name, value in modifiers.items():
        words = value if isinstance(value, list) else []
        if isinstance(value, dict):
            words = list(value) + [w for v in value.values() if isinstance(v, list) for w in v]
        for word in words:
            if not isinstance(word, dict):
                assert isinstance(word, str), (name, word)


def test_zero_and_null_negate() -> None:
    assert label("Null oppfølging", "nb") == "negative"
    assert label("Zero follow-up", "en") == "negative"
    assert label("Null problemer", "nb") == "positive"
    assert label("I have no opinion on this", "en") == "neutral"


def test_mixed_comments_that_end_in_a_shrug_or_a_wish() -> None:
    assert label("Begge deler fungerer, men ingenting som skiller seg ut.", "nb") == "neutral"
    assert label("Fine, but I'd maybe like a bit more choice in larger sizes.", "en") == ("neutral")
    assert label("The app looks nice, but it never remembers my basket.", "en") == "negative"


@pytest.mark.parametrize("name", ["lexicon_nb.tsv", "lexicon_nn.tsv", "lexicon_en.tsv"])
def test_every_term_is_listed_once(name: str) -> None:
    # A second line for a term silently overrides the first; keep one weight per term.
    from importlib import resources

    text = resources.files("kundepuls.text").joinpath("data", name).read_text("utf-8")
    terms = [
        line.rpartition("\t")[0]
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(terms) == len(set(terms)), sorted({t for t in terms if terms.count(t) > 1})


def test_going_beyond_and_hanging_up() -> None:
    assert label("Hun i kundeservice gikk langt utover det man kan forvente", "nb") == ("positive")
    assert label("They hung up on me while I was talking", "en") == "negative"
    assert label("No comments beyond what I've already answered", "en") == "neutral"
    assert label("Haven't had a chance to test it properly yet", "en") == "neutral"


@pytest.mark.parametrize(
    "text",
    [
        "Supert, bare to timer i kø 🙄",
        "Love how the app logs out every day 🙃",
        "Kjempefin service i dag 🙄",
    ],
)
def test_an_eye_roll_turns_praise_into_blame(text: str) -> None:
    assert label(text) == "negative"


def test_without_an_eye_roll_the_same_praise_stands() -> None:
    assert label("Kjempefin service i dag") == "positive"
    assert label("Kjempefin service i dag 🙄") == "negative"


@pytest.mark.parametrize(
    "text",
    ["Verken bra eller dårlig.", "Verken bra eller dårleg.", "Neither good nor bad really."],
)
def test_neither_good_nor_bad_is_neutral(text: str) -> None:
    assert label(text) == "neutral"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ittj bra nok i det hele tatt", "nn"),  # Trøndersk negator
        ("Prisen er i drøyeste laget", "nb"),
        ("Melka luktet rart", "nb"),
        ("Rekninga var uforståeleg", "nn"),  # Nynorsk form made from the Bokmål entry
        ("Regninga var uforstaelig", "nb"),  # typed without æøå
        ("Charging 90 kr for that is daylight robbery", "en"),
        ("My card was declined twice", "en"),
    ],
)
def test_complaints_in_everyday_words(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [("Ingenting å utsette", "nb"), ("Can't fault it.", "en"), ("Genialt system", "nb")],
)
def test_praise_in_everyday_words(text: str, language: str) -> None:
    assert label(text, language) == "positive"
