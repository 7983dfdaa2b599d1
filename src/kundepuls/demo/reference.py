"""Reference data of the demo: counties, names, products, teams. Plain constants."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The 15 counties (fylker) of 2024 with their population on 1 January 2024 (SSB, rounded).
COUNTIES: dict[str, int] = {
    "Akershus": 728_800,
    "Oslo": 717_700,
    "Vestland": 651_300,
    "Rogaland": 499_400,
    "Trøndelag": 483_000,
    "Innlandet": 375_500,
    "Agder": 318_900,
    "Østfold": 311_100,
    "Møre og Romsdal": 270_600,
    "Buskerud": 269_300,
    "Vestfold": 256_400,
    "Nordland": 243_100,
    "Telemark": 176_900,
    "Troms": 169_600,
    "Finnmark": 75_100,
}

# Share of customers writing Nynorsk and English per county (the rest write Bokmål).
NYNORSK_SHARE: dict[str, float] = {"Vestland": 0.38, "Møre og Romsdal": 0.27}
NYNORSK_ELSEWHERE = 0.02
ENGLISH_SHARE: dict[str, float] = {"Oslo": 0.09, "Akershus": 0.05}
ENGLISH_ELSEWHERE = 0.025

# Share of orders placed in the physical store, by county (it lies in Oslo).
STORE_SHARE: dict[str, float] = {"Oslo": 0.45, "Akershus": 0.35, "Østfold": 0.12, "Buskerud": 0.12}
STORE_SHARE_ELSEWHERE = 0.03

SEGMENTS = ("privat", "bedrift")
BUSINESS_SHARE = 0.07
AGE_BANDS = ("18-29", "30-39", "40-49", "50-59", "60-69", "70+")
AGE_BAND_SHARES = (0.17, 0.2, 0.2, 0.18, 0.14, 0.11)

FEMALE_NAMES = _words(
    "Nora Emma Ella Maja Olivia Sofie Ingrid Sara Leah Frida Anne Inger Kari Marit Ingeborg "
    "Liv Astrid Solveig Hilde Randi Silje Ida Marte Camilla Kristin Tone Heidi Hanne Guro "
    "Ragnhild Sigrid Tuva Thea Julie Mari Synnøve Åse Bjørg"
)
MALE_NAMES = _words(
    "Jakob Emil Noah Oliver Filip William Lucas Henrik Aksel Olav Jan Per Bjørn Ole Lars "
    "Kjell Knut Arne Svein Thomas Hans Geir Tor Morten Terje Espen Magnus Sindre Eirik Håkon "
    "Sigurd Torbjørn Øyvind Gunnar Steinar Vegard Mathias Jørgen"
)
LAST_NAMES = _words(
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen "
    "Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl "
    "Jørgensen Halvorsen Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen Strand "
    "Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen Lie "
    "Rasmussen Amundsen Lunde Kristensen Bakke Berge Moe Nygård Fredriksen Solheim Holm "
    "Vik Aas Myklebust Sæther Haugland Ødegård Bøe Fjeld Rønning Aasen Tveit Nesse Ulvestad"
)
INTERNATIONAL_FIRST = _words(
    "Anna Maria Laura Sophie Julia Eva Hannah Chloe Priya Mei "
    "John David Michael James Daniel Thomas Adam Luca Rahul Ali"
)
INTERNATIONAL_LAST = _words(
    "Smith Brown Wilson Taylor Müller Schmidt Rossi Kowalski Nowak García Martin Silva "
    "Patel Khan Chen Novak Murphy Kelly"
)

# Product lines: share of orders, median amount in NOK, spread (sigma of the log).
PRODUCT_LINES: dict[str, tuple[float, float, float]] = {
    "Klær": (0.30, 690.0, 0.55),
    "Sko": (0.17, 1190.0, 0.4),
    "Friluft": (0.24, 1290.0, 0.7),
    "Tilbehør": (0.22, 249.0, 0.6),
    "Sykkel": (0.07, 7990.0, 0.45),
}

ORDER_CHANNELS = ("nettbutikk", "butikk", "app")
TICKET_CHANNELS = ("e-post", "chat", "telefon")
TICKET_CHANNEL_SHARES = (0.5, 0.3, 0.2)
# Median hours to the first response on a weekday, per ticket channel.
FIRST_RESPONSE_MEDIAN_HOURS = {"e-post": 4.2, "chat": 0.25, "telefon": 0.08}

# Ticket categories and the team that handles them.
TICKET_TEAMS: dict[str, str] = {
    "levering": "Nettbutikk",
    "konto": "Nettbutikk",
    "nettside": "Nettbutikk",
    "produkt": "Butikk",
    "retur": "Retur og reklamasjon",
    "reklamasjon": "Retur og reklamasjon",
    "betaling": "Økonomi",
    "faktura": "Økonomi",
}
AGENTS: dict[str, tuple[str, ...]] = {
    "Nettbutikk": ("Ingrid S.", "Jonas B.", "Amira K.", "Petter L.", "Line H."),
    "Butikk": ("Marius T.", "Hanne R.", "Eli N."),
    "Retur og reklamasjon": ("Stine V.", "Ahmed Y.", "Kristoffer D.", "Vilde A."),
    "Økonomi": ("Tone M.", "Rune F."),
}

COMPLAINT_CATEGORIES = ("levering", "produktfeil", "feil_vare", "retur", "pris", "kundeservice")
COMPLAINT_CATEGORY_SHARES = (0.2, 0.3, 0.15, 0.15, 0.08, 0.12)
COMPLAINT_CHANNELS = ("e-post", "telefon", "butikk", "nettskjema")
SEVERITIES = ("lav", "middels", "høy")

# Relative order volume per month (Black Friday and Christmas peak, a quiet July).
MONTH_WEIGHTS = (0.8, 0.72, 0.85, 0.92, 1.0, 1.0, 0.78, 0.9, 0.92, 0.95, 1.35, 1.5)
