"""Comment fragments in Nynorsk. Clauses start in lower case and end without punctuation;
``{adv}`` is an optional intensifier."""

ADVERBS = ("veldig", "svært", "utruleg", "ganske", "skikkeleg", "særs")
BUT = ("men", "sjølv om")
AND = (" og ", ", og ", ". ")

ITEMS = (
    "jakka",
    "skorne",
    "sekken",
    "teltet",
    "sykkelen",
    "buksa",
    "genseren",
    "soveposen",
    "hanskane",
    "regnjakka",
)
NUMBERS = ("to", "tre", "fire", "fem", "seks", "sju", "ti")

POSITIVE: dict[str, tuple[str, ...]] = {
    "levering": (
        "pakken kom {adv} raskt",
        "leveringa gjekk fortare enn lova",
        "varene kom dagen etter at eg bestilte",
        "pakken vart levert på døra til avtalt tid",
        "alt kom godt pakka og heilt",
    ),
    "ventetid": (
        "eg fekk svar på chatten nesten med ein gong",
        "kort ventetid på telefonen",
        "dei svara på e-posten min same dag",
        "svaret kom {adv} fort",
    ),
    "kundeservice": (
        "kundeservice var {adv} hjelpsame",
        "dei løyste problemet på første forsøk",
        "eg fekk ei tydeleg forklaring på kva som hadde skjedd",
        "kundeservice følgde opp utan at eg måtte mase",
    ),
    "ansatte": (
        "dei tilsette i butikken var {adv} kunnskapsrike",
        "eg fekk god rettleiing om storleik",
        "seljaren tok seg god tid med meg",
        "personalet var blide og imøtekomande",
    ),
    "pris": (
        "prisane er {adv} gode",
        "god valuta for pengane",
        "billegare enn i andre butikkar",
        "fri frakt gjorde det endå betre",
    ),
    "produktkvalitet": (
        "kvaliteten på {item} er {adv} god",
        "skorne sit som støypt",
        "{item} var akkurat som skildra",
        "varene held det dei lovar",
    ),
    "retur": (
        "returen var {adv} enkel",
        "pengane kom tilbake etter {n} dagar",
        "det var lett å byte til ein annan storleik",
    ),
    "betaling": (
        "betalinga med Vipps gjekk knirkefritt",
        "enkelt å betale med faktura",
        "kassen i nettbutikken var rask og oversiktleg",
    ),
    "nettside_app": (
        "appen er {adv} lett å bruke",
        "nettsida er oversiktleg",
        "bestillinga tok berre eit par minutt",
        "gode bilete og skildringar av varene",
    ),
    "apningstider": (
        "det er fint at butikken har ope til åtte",
        "praktisk at de held ope på laurdagar",
    ),
}

NEGATIVE: dict[str, tuple[str, ...]] = {
    "levering": (
        "pakken kom {n} dagar for seint",
        "leveringa tok {adv} lang tid",
        "sporinga viste ikkje kvar pakken var",
        "pakken vart levert på feil adresse",
        "eg har framleis ikkje fått varene",
        "den nye fraktleverandøren er ikkje til å stole på",
    ),
    "ventetid": (
        "eg måtte vente over ein time i telefonkø",
        "det tok {n} dagar før eg fekk svar på e-post",
        "ingen svara på chatten i helga",
        "ventetida var {adv} lang",
    ),
    "kundeservice": (
        "kundeservice var {adv} lite hjelpsame",
        "eg måtte forklare problemet på nytt kvar gong",
        "ingen tok ansvar for saka mi",
        "dei lova å ringje tilbake, men gjorde det aldri",
    ),
    "ansatte": (
        "dei tilsette verka uinteresserte",
        "ingen i butikken kunne svare på spørsmåla mine",
        "det var ikkje mogleg å få hjelp i butikken",
    ),
    "pris": (
        "prisane har gått {adv} mykje opp",
        "frakta var dyrare enn venta",
        "same vare var billegare hjå konkurrenten",
    ),
    "produktkvalitet": (
        "sola losna etter to veker",
        "jakka sleppte inn vatn i første regnbyge",
        "kvaliteten er {adv} dårleg for prisen",
        "produktet såg ikkje ut som på biletet",
    ),
    "retur": (
        "returen tok {adv} lang tid",
        "eg har ikkje fått pengane for {item} tilbake enno",
        "eg måtte betale for returfrakta sjølv",
    ),
    "betaling": (
        "eg vart trekt to gonger",
        "Vipps-betalinga feila fleire gonger",
        "fakturaen kom før varene",
    ),
    "nettside_app": (
        "appen krasjar heile tida",
        "nettsida er {adv} treg",
        "handlekorga vart tømd då eg skulle betale",
    ),
    "apningstider": (
        "butikken stengjer for tidleg",
        "det er dumt at de har stengt på søndagar",
    ),
}

OPENERS_POS = ("", "", "", "Nøgd!", "Takk!", "Alt i alt bra.", "Supert.")
OPENERS_NEG = ("", "", "", "Skuffa.", "Dessverre.", "Ikkje nøgd.")
CLOSERS_POS = ("", "", "", "Kjem gjerne tilbake.", "Tilrår dykk!", "Handlar her igjen.")
CLOSERS_NEG = (
    "",
    "",
    "",
    "Vurderer å handle ein annan stad neste gong.",
    "Håpar de tek tak i dette.",
    "Ikkje godt nok.",
)
SHORT = ("Bra!", "Alt ok.", "Greitt nok.", "Ingen kommentar.")
CONTACT = (
    "Ring meg gjerne på {phone}.",
    "De kan nå meg på {email}.",
    "Send svar til {email}, takk.",
)
