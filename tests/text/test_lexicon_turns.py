"""The lexicon's rules for turns without "men", balanced and lukewarm verdicts, sarcastic stock
praise, praise adverbs, counterfactuals and calendar time (new wording, not evaluation set
comments)."""

import pytest

from kundepuls.text.lexicon import default_lexicon


def label(text: str, language: str | None = None) -> str:
    return default_lexicon().analyze(text, language).label


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Nydelig jakke. Elendig kundeservice.", "nb", "negative"),
        ("Elendig kundeservice. Nydelig jakke.", "nb", "positive"),
        ("Lovely room. Awful breakfast.", "en", "negative"),
        ("Fin frisør. Forferdeleg ventetid.", "nn", "negative"),
    ],
)
def test_the_last_sentence_decides_when_it_turns_against_the_rest(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


def test_sentences_of_one_sign_still_add_up() -> None:
    result = default_lexicon().analyze("Flott butikk. Hyggelige ansatte.", "nb")
    assert result.label == "positive"
    assert all(c.weight == 1.0 for c in result.clauses)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Noen kasserere er blide, andre sure. Det varierer.", "nb"),
        ("Nokre gonger god mat, andre gonger dårleg. Kjem an på kokken.", "nn"),
        ("The pizza is great, the pasta is awful. It evens out.", "en"),
        ("Some drivers are lovely, others rude. Depends on the day.", "en"),
    ],
)
def test_a_balanced_verdict_is_neutral(text: str, language: str) -> None:
    assert label(text, language) == "neutral"


def test_a_lukewarm_phrase_inside_a_longer_phrase_still_shrugs() -> None:
    shrug = default_lexicon().analyze("Det var greitt, ikkje noko meir å seie.", "nn")
    plain = default_lexicon().analyze("Det var greitt.", "nn")
    assert shrug.label == "neutral"
    assert plain.label == "positive"
    assert any(c.lukewarm for c in shrug.clauses)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Vaskemaskinen lekker etter en uke. Takk for det.", "nb"),
        ("The blender broke on day two. Great job.", "en"),
        ("Sofaen kom med flekker. Gratulerer 👏", "nb"),
    ],
)
def test_stock_praise_after_blame_is_sarcasm(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Takk for rask og hyggelig hjelp!", "nb"),  # no blame at all
        ("Lang ventetid, men supert resultat. Takk!", "nb"),  # real praise outweighs
        ("Thanks a lot for the quick fix", "en"),
    ],
)
def test_stock_praise_without_blame_stays_praise(text: str, language: str) -> None:
    assert label(text, language) == "positive"


def test_a_praise_adverb_before_blame_intensifies_it() -> None:
    lex = default_lexicon()
    adverb = lex.analyze("Imponerende treg levering", "nb")
    plain = lex.analyze("Treg levering", "nb")
    assert adverb.label == "negative"
    assert adverb.raw < plain.raw
    # A participle is no adverb: "nicely packed" keeps its praise.
    assert label("Nicely packed and brought to my door", "en") != "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Fint at dere ringte, ellers hadde jeg glemt avtalen.", "nb"),
        ("Godt at de sende SMS, elles hadde eg gløymt timen.", "nn"),
        ("Glad you texted, otherwise I would have missed it.", "en"),
    ],
)
def test_a_counterfactual_misfortune_is_no_complaint(text: str, language: str) -> None:
    assert label(text, language) == "positive"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Handlet vinterdekk hos dere i år", "neutral"),  # a date
        ("Kjøpte ny sykkel hos dere denne uka", "neutral"),
        ("Det tok et år før jeg fikk svar", "negative"),  # a wait
    ],
)
def test_a_unit_of_time_after_a_date_word_is_no_wait(text: str, expected: str) -> None:
    assert label(text, "nb") == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Fikk ikke logget inn hele helgen", "nb"),
        ("Ingen kunne forklare fakturaen", "nb"),
        ("I couldn't log in all weekend", "en"),
        ("The fries tasted like burnt oil", "en"),
    ],
)
def test_common_complaints_without_sentiment_words(text: str, language: str) -> None:
    assert label(text, language) == "negative"


def test_like_after_a_sense_verb_is_no_praise_but_i_like_is() -> None:
    assert label("It looked like a warehouse", "en") == "neutral"
    assert label("I like the new shop", "en") == "positive"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Kommer garantert tilbake", "nb"),
        ("We will definitely be back", "en"),
        ("Kunne ikke vært mer fornøyd med kjøkkenet", "nb"),
        ("Couldn't be happier with the repair", "en"),
    ],
)
def test_sure_adverbs_inside_phrases_and_could_not_be_better(text: str, language: str) -> None:
    assert label(text, language) == "positive"


def test_a_question_asserts_no_praise() -> None:
    lex = default_lexicon()
    assert lex.analyze("Er det mulig å få god service her?", "nb").label != "positive"
    assert lex.analyze("Det var god service her.", "nb").label == "positive"


def test_a_long_wait_counts_after_a_weak_wait_verb_unless_it_is_called_normal() -> None:
    assert label("The starter was nice, but we waited an hour for the main course.") == ("negative")
    assert label("Waited about five minutes, which is normal at lunch.", "en") == "neutral"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Not a single problem since the upgrade", "en", "positive"),
        ("Ikkje eit einaste avvik på eit år", "nn", "positive"),
        ("Not a single reply to my emails", "en", "negative"),
    ],
)
def test_not_a_single_problem_is_praise_not_a_single_reply_blame(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Noen ganger bra, noen ganger ikke.", "nb"),
        ("Av og til rask, av og til treg.", "nn"),
        ("Sometimes great, sometimes awful.", "en"),
    ],
)
def test_alternating_openers_are_a_balanced_verdict(text: str, language: str) -> None:
    assert label(text, language) == "neutral"


def test_it_went_okay_is_no_praise_but_a_refund_is() -> None:
    assert label("Hentet sykkelen i går, gikk greit.", "nb") == "neutral"
    assert label("Fekk pengane tilbake same veka.", "nn") == "positive"
    assert label("Fikk aldri pengene tilbake.", "nb") == "negative"


def test_a_pejorative_compound_blames_and_an_intensifying_one_still_praises() -> None:
    assert label("Drittservice fra start til slutt", "nb") == "negative"
    assert label("Dritbra service", "nb") == "positive"


def test_a_phrase_of_another_language_still_counts() -> None:
    assert label("Servicen var top notch", "nb") == "positive"
    assert label("Kundeservice dropped the ball totalt", "nb") == "negative"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9/10, kommer igjen", "positive"),
        ("2 stjerner", "negative"),
        ("Gir butikken 3/5", "neutral"),
        ("Bestilte 12/10, kom 20/10", "neutral"),  # dates, not a rating
    ],
)
def test_a_rating_in_the_comment_counts(text: str, expected: str) -> None:
    assert label(text) == expected


def test_frequent_misspellings_of_strong_words() -> None:
    assert label("terible experience", "en") == "negative"
    assert label("awsome staff", "en") == "positive"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Nice staff, good coffee. Not sure I'll be back though.", "en"),
        ("Hyggelige folk, men vet ikke om jeg kommer tilbake.", "nb"),
        ("The delay ruined our holiday.", "en"),
    ],
)
def test_doubt_of_a_return_and_a_ruined_occasion_are_complaints(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Tar det lang tid å bytte dekk i desember?", "nb"),
        ("Kor lang tid tek ein reparasjon av sykkelen?", "nn"),
        ("Is the charger sold without a cable?", "en"),
    ],
)
def test_a_plain_question_is_no_complaint(text: str, language: str) -> None:
    assert label(text, language) == "neutral"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hvorfor er det alltid så lang kø i kassa?", "nb"),
        ("Kvifor tek det så lang tid å få svar?", "nn"),
        ("Why does the refund take so long?", "en"),
    ],
)
def test_a_why_question_still_complains(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Banken flyttet avtalen min uten å varsle meg", "nb"),
        ("Dei bytte ut avtalen utan å informere kundane", "nn"),
        ("They raised the monthly fee without warning", "en"),
        ("The technician left without fixing the leak", "en"),
        ("Nettsida hengjer seg kvar gong eg loggar inn", "nn"),
        ("The video call keeps dropping on my laptop", "en"),
    ],
)
def test_an_unannounced_or_unfinished_job_is_a_complaint(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Sykepleiaren var svært omsorgsfull med mora mi", "nn"),
        ("Rørleggeren var ærlig om hva som faktisk trengtes", "nb"),
        ("Elektrikaren fann feilen på ein halvtime", "nn"),
        ("The pharmacist really knew her stuff", "en"),
        ("The landlord was very accommodating about the move-in date", "en"),
        ("Friendliest bakery in town", "en"),
    ],
)
def test_care_honesty_and_know_how_are_praise(text: str, language: str) -> None:
    assert label(text, language) == "positive"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Den hjelpa set me pris på", "nn"),
        ("Slik oppfølging setter vi pris på", "nb"),
        ("Hun visste virkelig hva hun holdt på med", "nb"),
    ],
)
def test_a_subject_or_sure_adverb_inside_a_phrase_does_not_hide_it(
    text: str, language: str
) -> None:
    assert label(text, language) == "positive"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Har bare handlet der én gang, for tidlig å si noe.", "nb"),
        ("Vi flytta inn i går, så det er for tidleg å seie.", "nn"),
        ("Only had the phone for a week, too early to tell.", "en"),
        ("Meh, it does the job", "en"),
    ],
)
def test_too_early_to_judge_and_a_shrug_are_neutral(text: str, language: str) -> None:
    assert label(text, language) == "neutral"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Verkstaden brukar fire veker på å skifte dekk", "nn"),
        ("Flyet sat på rullebanen i to timar", "nn"),
        ("We sat on the runway for two hours", "en"),
        ("Tusen takk for at dere bruker tre uker på et svar 👏", "nb"),
    ],
)
def test_time_spent_on_a_task_is_a_wait(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "The last update wiped all my playlists.",
        "Booked a table online, arrived and they had no record of it.",
        "The plumber never turned up on Tuesday.",
        "Each time I add a second item the cart empties itself.",
        "Order cancelled without a word of warning.",
    ],
)
def test_a_failure_told_as_a_plain_event_is_a_complaint(text: str) -> None:
    assert label(text, "en") == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "They exchanged the shoes, no questions asked.",
        "The driver carried my bags to the door. Made my week.",
        "The receptionist went out of her way to find us a quieter room.",
    ],
)
def test_a_deed_of_care_is_praise(text: str) -> None:
    assert label(text, "en") == "positive"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The waiters were friendly. The prices, alas, were not.", "en"),
        ("Great pool. The gym wasn't.", "en"),
        ("The starters were tasty, the mains were not.", "en"),
        ("Frokosten var god. Kaffen var ikke.", "nb"),
    ],
)
def test_a_bare_was_not_denies_the_praise_before_it(text: str, language: str) -> None:
    assert label(text, language) == "negative"


def test_a_bare_was_not_after_blame_adds_no_praise() -> None:
    assert label("The bus was late. The driver was not.", "en") != "positive"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("A booking fee for a free museum? Seriously?", "en", "negative"),
        ("Parkering koster 90 kroner timen. Seriøst?", "nb", "negative"),
        ("Really? You open on Sundays now.", "en", "neutral"),
    ],
)
def test_a_lone_word_of_disbelief_asked_after_a_statement_blames_it(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Nothing to complain about, no praise either. Decent enough.", "en"),
        ("Ingen klager, men ingen ros heller. Grei nok.", "nb"),
    ],
)
def test_withheld_praise_beside_no_complaints_is_neutral(text: str, language: str) -> None:
    assert label(text, language) == "neutral"


@pytest.mark.parametrize(
    "text",
    ["Black mould around the bathroom window.", "Found bed bugs in the second night."],
)
def test_signs_of_poor_hygiene_are_a_complaint(text: str) -> None:
    assert label(text, "en") == "negative"


def test_a_fault_played_down_after_but_is_not_a_complaint() -> None:
    assert label("Checkout was slow but no big deal.", "en") != "negative"


def test_a_status_that_stays_for_days_is_a_wait() -> None:
    assert label('The order page said "preparing" for two hours.', "en") == "negative"


@pytest.mark.parametrize(
    "text", ["Never booking with this airline again.", "We won't be shopping here again."]
)
def test_a_customer_who_says_they_will_not_return_is_lost(text: str) -> None:
    assert label(text, "en") == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Kaffemaskina har slutta å varme vatnet", "nn"),
        ("Timen hos tannlegen ble utsatt igjen", "nb"),
        ("Berre ein tilsett på jobb og kø heilt ut døra", "nn"),
        ("Leiligheten var ikke vasket da vi kom", "nb"),
        ("Ingen på kontoret veit kvar saka mi er", "nn"),
        ("Automaten godtar ikke mynter", "nb"),
        ("Han var meir oppteken av mobilen enn av kundane", "nn"),
        ("The scanner keeps rejecting my coupons", "en"),
        ("The dentist rushed through the check-up", "en"),
        ("They raised the fee without telling anyone", "en"),
    ],
)
def test_complaints_told_as_events(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Frisøren gikk langt for å finne en ledig time til meg", "nb"),
        ("Anbefalast til alle som treng ny sykkel", "nn"),
        ("Byttet skoene uten spørsmål. Sånn skal det gjøres.", "nb"),
        ("The pharmacist was patient with my poor Norwegian", "en"),
    ],
)
def test_praise_told_as_what_happened(text: str, language: str) -> None:
    assert label(text, language) == "positive"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Flyttinga tok tre dagar.", "nn", "neutral"),  # days a job took: a fact
        ("Flyttingen tok tre uker.", "nb", "negative"),  # weeks: a wait
        ("It took me four days to get through to them", "en", "negative"),
        ("Bestillinga har stått på «under behandling» i ti dagar.", "nn", "negative"),
        ("Svaret kom på under ein time", "nn", "neutral"),  # a quick word before the unit
    ],
)
def test_how_long_something_took(text: str, language: str, expected: str) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Fire hundre kroner for en t-skjorte, seriøst", "nb"),
        ("Appen logget meg ut tre ganger. Supert system...", "nb"),
        ("Where is my refund? Ordered a month ago.", "en"),
        ("Kvar er pengane mine?", "nn"),
        ("The bike is still not repaired", "en"),
    ],
)
def test_disbelief_trailing_irony_and_chasing_are_complaints(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Takk for at de minner meg på timen, da glemmer jeg den ikke 🙂", "nb", "positive"),
        ("Den nye smaken likte eg ikkje.", "nn", "negative"),
        ("Fikk et gebyr jeg aldri hadde hørt om", "nb", "negative"),
    ],
)
def test_a_negator_after_the_subject_flips_the_verb(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Helt grei frisør. Ingenting å klage på, ingenting å juble for.", "nb"),
        ("Har ikke prøvd kaffetrakteren ennå.", "nb"),
        ("Ikkje noko å kommentere.", "nn"),
        ("Fint om dere hadde hatt flere størrelser", "nb"),
    ],
)
def test_shrugs_and_wishes_are_neutral(text: str, language: str) -> None:
    assert label(text, language) == "neutral"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Kiosken hadde ikkje Vipps", "nn", "negative"),  # what a shop lacked
        ("None of the branches had the charger", "en", "negative"),
        ("Never had one single issue with the gym", "en", "positive"),  # a word in scope
        ("Kort kø på apoteket i dag, det hadde jeg ikke trodd.", "nb", "positive"),
    ],
)
def test_what_a_shop_did_not_have(text: str, language: str, expected: str) -> None:
    assert label(text, language) == expected


def test_a_wish_starts_at_its_marker() -> None:
    assert label("Lovely sofa for half what I'd pay in town", "en") == "positive"
    assert label("Would be lovely with more benches", "en") == "neutral"


def test_a_modal_particle_is_no_distance_to_the_negator() -> None:
    assert label("Bussen går før vi slutter, så vi rekker den jo ikke", "nb") == "negative"


def test_as_agreed_alone_is_a_fact() -> None:
    assert label("Montøren kom tirsdag som avtalt.", "nb") == "neutral"


def test_a_status_that_said_one_thing_for_days_is_a_wait() -> None:
    assert label("Appen sa «sendt» i fire dager før noe skjedde.", "nb") == "negative"
    assert label("Hun sa det var en fin jakke.", "nb") == "positive"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Parkering til 90 kr timen. Helt sykt.", "nb", "negative"),
        ("Sykt god pizza", "nb", "positive"),
        ("Svært enkel app, sjølv for oss som ikkje er flinke med telefon", "nn", "positive"),
        ("Går det an å få faktura på e-post?", "nn", "neutral"),
    ],
)
def test_dangling_intensifiers_and_even_for(text: str, language: str, expected: str) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Servitøren overså bordet vårt i et kvarter", "nb"),
        ("Ingen gadd å hjelpe oss", "nb"),
        ("Svømmehallen er alltid overfylt i helgene", "nb"),
        ("Yoghurten hadde gått ut på dato", "nb"),
        ("Nobody picked up when I rang the clinic", "en"),
        ("The router has been down since Monday", "en"),
        ("The bread was past its sell-by date", "en"),
    ],
)
def test_everyday_complaints(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Selv om selgeren var blid, ble ikke feilen rettet", "nb", "negative"),
        ("Although the nurse was kind, nothing was done about the pain", "en", "negative"),
        ("Sjølv om det var travelt, fekk vi maten fort", "nn", "positive"),
        ("Kundeservice legger bare på når man klager", "nb", "negative"),
    ],
)
def test_a_sentence_opened_by_a_concession_ends_on_its_main_clause(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


def test_nynorsk_phrases_with_gong_come_from_the_bokmal_ones() -> None:
    assert label("Skjermen virka med ein gong", "nn") == label("Skjermen virket med en gang", "nb")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Fantastisk, nå er bestillingen kansellert igjen", "nb", "negative"),
        ("Oh lovely, the lift is broken again", "en", "negative"),
        ("Nydelig, rent og ryddig", "nb", "positive"),  # praise all through
        ("Friendly staff as usual... not", "en", "negative"),
        ("Cannot recommend her enough, a careful dentist", "en", "positive"),
        ("Aldri hatt ein betre pizza", "nn", "positive"),
        ("Null kommunikasjon om endringa", "nn", "negative"),
    ],
)
def test_sarcastic_openers_taken_back_praise_and_praise_past_words(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Savner havremelk i kjøledisken", "nb", "neutral"),  # a wish for an item
        ("Saknar ein betre meny for born", "nn", "negative"),  # the present one is poor
        ("Savner et bedre bookingsystem", "nb", "negative"),
    ],
)
def test_missing_an_item_is_a_wish_missing_something_better_a_complaint(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


def test_not_needing_a_repair_is_no_unmet_event() -> None:
    assert label("Rørleggaren var ærleg og sa at eg ikkje trong nytt rør", "nn") == "positive"


def test_it_goes_fine_after_a_small_complaint_is_a_shrug() -> None:
    assert label("Litt trongt i garderoben, men det går fint.", "nn") == "neutral"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Frisøren lovet å sette av en time, men navnet mitt sto ikke i boka", "nb"),
        ("They promised to keep the table, but it was given away", "en"),
    ],
)
def test_a_promise_told_before_but_was_broken(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Godt vær i dag, kjøpte litt frukt.", "nb"),  # the weather is no verdict
        ("Grei nok, men jeg savner kanskje flere vegetarretter.", "nb"),  # a hedged wish
        ("Kom som den skulle. Savnet et varsel, men ellers greit.", "nb"),
    ],
)
def test_weather_hedged_wishes_and_otherwise_fine_are_neutral(text: str, language: str) -> None:
    assert label(text, language) == "neutral"


def test_a_short_denial_of_a_claim_blames() -> None:
    assert label('The hotel advertised a "sea view". It was not.', "en") == "negative"
    assert label("The hotel has a sea view.", "en") == "neutral"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Måtte selv etterlyse refusjonen", "nb", "negative"),
        ("Butikken og leverandøren skulda på kvarandre", "nn", "negative"),
        ("Hotellrommet luktet mugg", "nb", "negative"),
        ("The flat smelled of damp", "en", "negative"),
        ("They've put the price up twice this year", "en", "negative"),
        ("Budet bar pakka opp i tredje etasje", "nn", "positive"),
    ],
)
def test_chores_blame_smells_and_carrying(text: str, language: str, expected: str) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Hvordan reklamerer jeg på en defekt lader?", "nb", "neutral"),
        ("What does it cost to swap a broken screen?", "en", "neutral"),
        ("Kva kostar det å sende attende ei skadd jakke?", "nn", "neutral"),
        ("Laderen er defekt. Hvordan kan dere selge slikt?", "nb", "negative"),
        ("Kva er vitsen med ein app som aldri verkar?", "nn", "negative"),
    ],
)
def test_an_opening_enquiry_names_trouble_without_blame(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Sofaen ligger fortsatt på lageret deres", "nb"),
        ("Fekk ei kvittering og så ingenting meir", "nn"),
        ("Booked a repair in May and still nothing", "en"),
        ("Paid for express shipping, it came a week later", "en"),
    ],
)
def test_orders_that_stall(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Flott, litt dyrt kanskje", "nb"),  # a mild reservation, not sarcasm
        ("Excellent, although a bit pricey", "en"),  # a conceded fault
        ("Fantastisk, aldri hatt det bedre", "nb"),
    ],
)
def test_praise_opening_a_mild_reservation_stays_praise(text: str, language: str) -> None:
    assert label(text, language) == "positive"


def test_praise_opening_a_recurring_fault_is_sarcasm() -> None:
    assert label("Supert, kortet ble avvist igjen", "nb") == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Beste kanelbolle i byen, seriøst", "nb"),  # disbelief vouching for praise
        ("Treg kø, men nydelig kaffe...", "nb"),  # an ellipsis after "men" is no irony
    ],
)
def test_sincere_trailing_words_stay_praise(text: str, language: str) -> None:
    assert label(text, language) == "positive"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Hadde ikke forventet så god mat på en bensinstasjon", "nb", "positive"),
        ("Didn't expect such friendly staff at an airport", "en", "positive"),
        ("Didn't expect such rude staff", "en", "negative"),
        ("The courier never notified me", "en", "negative"),
    ],
)
def test_a_surprise_negates_the_expectation_not_the_praise(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Det var siste gang jeg handlet i den kjeden", "nb", "negative"),
        ("Bakeriet er eit lyspunkt i bygda", "nn", "positive"),
        ("Ekspeditøren så ikke på meg en eneste gang", "nb", "negative"),
        ("Honestly I've given up on their support", "en", "negative"),
    ],
)
def test_farewells_bright_spots_and_being_overlooked(
    text: str, language: str, expected: str
) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Byttet dekk. Tok fem minutter.", "nb", "neutral"),  # a few minutes: quick
        ("Byttet dekk. Tok førti minutter.", "nb", "negative"),
        ("Returned the shoes. Took two minutes.", "en", "neutral"),
    ],
)
def test_a_few_minutes_is_no_wait(text: str, language: str, expected: str) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Tok fri fra jobben for ingenting, ingen kom", "nb"),
        ("Måtte køyre til Førde for å hente sykkelen", "nn"),
        ("Had to drive to the depot to pick it up myself", "en"),
    ],
)
def test_effort_wasted_on_the_customer(text: str, language: str) -> None:
    assert label(text, language) == "negative"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Kjøpte ullsokker til de kalde dagene", "nb", "neutral"),  # weather, not cold food
        ("Kaffen var kald", "nb", "negative"),
        ("Fint ver i dag, kjøpte litt brød", "nn", "neutral"),
    ],
)
def test_the_weather_is_no_verdict(text: str, language: str, expected: str) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("The electrician was a no-show twice", "en", "negative"),
        ("Restauranten dobbeltbooket bordet", "nb", "negative"),
        ("They mixed up the two deliveries", "en", "negative"),
        ("Mixed up the dates myself, and they fixed it for free", "en", "positive"),
    ],
)
def test_bookings_gone_wrong_and_by_whom(text: str, language: str, expected: str) -> None:
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bakaren hugsa namnet mitt", "nn"),
        ("Fikk returnere skoene uten kvittering", "nb"),
        ("The garage called back within the hour", "en"),
    ],
)
def test_small_kindnesses_told_as_events(text: str, language: str) -> None:
    assert label(text, language) == "positive"
