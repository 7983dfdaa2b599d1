"""Comment fragments in Bokmål. Clauses start in lower case and end without punctuation;
``{adv}`` is an optional intensifier."""

ADVERBS = ("veldig", "svært", "utrolig", "ganske", "skikkelig", "kjempe", "virkelig")
BUT = ("men", "selv om", "men")
AND = (" og ", ", og ", ". ")

ITEMS = (
    "jakka",
    "skoene",
    "sekken",
    "teltet",
    "sykkelen",
    "buksa",
    "genseren",
    "soveposen",
    "hanskene",
    "regnjakka",
    "joggeskoene",
    "hjelmen",
)
NUMBERS = ("to", "tre", "fire", "fem", "seks", "sju", "ti", "14")

POSITIVE: dict[str, tuple[str, ...]] = {
    "levering": (
        "pakken kom {adv} raskt",
        "leveringen gikk fortere enn lovet",
        "varene kom dagen etter at jeg bestilte",
        "fin sporing av pakken hele veien",
        "pakken ble levert på døra til avtalt tid",
        "alt kom godt pakket og helt",
    ),
    "ventetid": (
        "jeg fikk svar på chatten nesten med en gang",
        "kort ventetid på telefonen",
        "de svarte på e-posten min samme dag",
        "det tok bare noen minutter før noen tok telefonen",
        "svaret kom {adv} fort",
    ),
    "kundeservice": (
        "kundeservice var {adv} hjelpsomme",
        "de løste problemet på første forsøk",
        "jeg fikk en tydelig forklaring på hva som hadde skjedd",
        "kundeservice fulgte opp uten at jeg måtte mase",
        "hyggelig og løsningsorientert kundebehandler",
    ),
    "ansatte": (
        "de ansatte i butikken var {adv} kunnskapsrike",
        "jeg fikk god veiledning om størrelse",
        "hyggelig betjening i kassa",
        "selgeren tok seg god tid med meg",
        "personalet var blide og imøtekommende",
    ),
    "pris": (
        "prisene er {adv} konkurransedyktige",
        "god valuta for pengene",
        "fikk et godt tilbud på Black Friday",
        "rimeligere enn i andre butikker",
        "fri frakt gjorde det enda bedre",
    ),
    "produktkvalitet": (
        "kvaliteten på {item} er {adv} god",
        "skoene sitter som et skudd",
        "{item} var akkurat som beskrevet",
        "sykkelen er solid og godt skrudd sammen",
        "varene holder det de lover",
    ),
    "retur": (
        "returen var {adv} enkel",
        "pengene kom tilbake etter {n} dager",
        "det var lett å bytte {item} til en annen størrelse",
        "returlappen lå i pakken",
    ),
    "betaling": (
        "betalingen med Vipps gikk knirkefritt",
        "enkelt å betale med faktura",
        "kassen i nettbutikken var rask og oversiktlig",
        "det var greit å dele opp betalingen",
    ),
    "nettside_app": (
        "appen er {adv} lett å bruke",
        "nettsiden er oversiktlig",
        "filtrene gjør det lett å finne riktig størrelse",
        "bestillingen tok bare et par minutter",
        "gode bilder og beskrivelser av varene",
    ),
    "apningstider": (
        "det er fint at butikken har åpent til åtte",
        "praktisk at dere holder åpent på lørdager",
        "åpningstidene passer godt for oss som jobber",
    ),
}

NEGATIVE: dict[str, tuple[str, ...]] = {
    "levering": (
        "pakken kom {n} dager for sent",
        "leveringen tok {adv} lang tid",
        "sporingen viste ikke hvor pakken var",
        "pakken ble levert på feil adresse",
        "jeg har fortsatt ikke fått varene",
        "pakken lå {adv} lenge på hentestedet uten at jeg fikk beskjed",
        "den nye fraktleverandøren er ikke til å stole på",
    ),
    "ventetid": (
        "jeg måtte vente {n} kvarter i telefonkø",
        "det tok {n} dager før jeg fikk svar på e-post",
        "ingen svarte på chatten i helgen",
        "ventetiden var {adv} lang",
        "jeg fikk ikke svar før etter flere purringer",
    ),
    "kundeservice": (
        "kundeservice var {adv} lite hjelpsomme",
        "jeg måtte forklare problemet på nytt hver gang",
        "ingen tok ansvar for saken min",
        "jeg fikk et standardsvar som ikke svarte på spørsmålet",
        "de lovet å ringe tilbake, men gjorde det aldri",
    ),
    "ansatte": (
        "de ansatte virket uinteresserte",
        "ingen i butikken kunne svare på spørsmålene mine",
        "betjeningen var {adv} sur",
        "det var ikke mulig å få hjelp i butikken",
    ),
    "pris": (
        "prisene har gått {adv} mye opp",
        "frakten var dyrere enn forventet",
        "samme vare var billigere hos konkurrenten",
        "rabattkoden fungerte ikke",
    ),
    "produktkvalitet": (
        "sålen løsnet etter to uker",
        "jakka slapp inn vann i første regnbyge",
        "kvaliteten er {adv} dårlig for prisen",
        "produktet så ikke ut som på bildet",
        "glidelåsen på {item} røk første gang jeg brukte den",
    ),
    "retur": (
        "returen tok {adv} lang tid",
        "jeg har ikke fått pengene for {item} tilbake ennå",
        "jeg måtte betale for returfrakten selv",
        "det var tungvint å bytte varen",
    ),
    "betaling": (
        "jeg ble trukket to ganger",
        "Vipps-betalingen feilet flere ganger",
        "fakturaen kom før varene",
        "betalingen ble avvist uten forklaring",
    ),
    "nettside_app": (
        "appen krasjer hele tiden",
        "nettsiden er {adv} treg",
        "det var vanskelig å finne riktig størrelse på nettsiden",
        "handlekurven ble tømt da jeg skulle betale",
        "innloggingen fungerer ikke",
    ),
    "apningstider": (
        "butikken stenger for tidlig",
        "det er dumt at dere har stengt på søndager",
        "åpningstidene på nettsiden stemte ikke",
    ),
}

OPENERS_POS = (
    "",
    "",
    "Fornøyd!",
    "Takk!",
    "Alt i alt bra.",
    "Supert.",
    "Kjempefornøyd.",
    "Hei!",
    "Godt inntrykk.",
    "Bare positivt å si.",
    "Første gang jeg handler her.",
    "Wow.",
)
OPENERS_NEG = (
    "",
    "",
    "Skuffet.",
    "Dessverre.",
    "Ikke fornøyd.",
    "Hmm.",
    "Elendig.",
    "Hei.",
    "Ikke bra.",
    "Dårlig opplevelse.",
    "Jeg er lei meg for å si det, men",
    "Dette var ikke greit.",
)
CLOSERS_POS = (
    "",
    "",
    "",
    "Kommer gjerne tilbake.",
    "Anbefales!",
    "Handler her igjen.",
    "Takk for god service.",
    "Fem stjerner fra meg.",
    "Fortsett sånn!",
)
CLOSERS_NEG = (
    "",
    "",
    "",
    "Vurderer å handle et annet sted neste gang.",
    "Håper dere tar tak i dette.",
    "Ikke godt nok.",
    "Det forventer jeg bedre av dere.",
    "Forventer svar.",
)
SHORT = ("Bra!", "Alt ok.", "Greit nok.", "Ingen kommentar.", "Nei.", "Helt ok")
CONTACT = (
    "Ring meg gjerne på {phone}.",
    "Dere kan nå meg på {email}.",
    "Send svar til {email}, takk.",
    "Mobil: {phone}",
)
