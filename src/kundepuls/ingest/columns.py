"""The data contract's columns per kind, and matching a file's header to them.

Header names are compared after folding case, trimming and turning any run of spaces,
dashes or dots into one underscore, so ``Kunde-ID``, ``kunde id`` and ``KUNDE_ID`` all
match ``kunde_id``. Aliases cover the names Norwegian and English exports commonly use.
"""

import re
from dataclasses import dataclass, field

from kundepuls.kit.errors import KundepulsError

KINDS = ("customers", "orders", "tickets", "complaints", "responses")


@dataclass(frozen=True)
class Field:
    """One contract column: its type (a parser name in ``validate``) and whether required."""

    name: str
    type: str = "text"
    required: bool = False
    default: object = None


@dataclass(frozen=True)
class KindSpec:
    kind: str
    id_field: str
    event_field: str | None
    fields: tuple[Field, ...]
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


# Names for the kind's own event time ("dato" is the order date in an order export and
# the creation time in a ticket export), added to each kind's aliases below.
_EVENT_ALIASES = ("dato", "date", "tidspunkt", "timestamp", "tid", "time")

_COMMON_ALIASES = {
    "kunde_id": "customer_id",
    "kundeid": "customer_id",
    "kundenr": "customer_id",
    "kundenummer": "customer_id",
    "kunde": "customer_id",
    "customer": "customer_id",
    "customerid": "customer_id",
    "customer_no": "customer_id",
    "customer_nr": "customer_id",
    "customer_number": "customer_id",
    "client_id": "customer_id",
    "kunde_nr": "customer_id",
    "epost": "email",
    "e_post": "email",
    "e_mail": "email",
    "mail": "email",
    "epostadresse": "email",
    "email_address": "email",
    "navn": "name",
    "kundenavn": "name",
    "full_name": "name",
    "customer_name": "name",
    "fylke": "region",
    "county": "region",
    "landsdel": "region",
    "omrade": "region",
    "område": "region",
    "land": "country",
    "kundesegment": "segment",
    "kundetype": "segment",
    "aldersgruppe": "age_band",
    "age_group": "age_band",
    "alder": "age_band",
    "kjønn": "gender",
    "kjonn": "gender",
    "sex": "gender",
    "språk": "language",
    "sprak": "language",
    "lang": "language",
    "målform": "language",
    "kanal": "channel",
    "salgskanal": "channel",
    "kontaktkanal": "channel",
    "kategori": "category",
    "agent": "agent",
    "saksbehandler": "agent",
    "behandler": "agent",
    "status": "status",
}

_KIND_ALIASES: dict[str, dict[str, str]] = {
    "customers": {
        "registrert": "signup_at",
        "registrert_dato": "signup_at",
        "innmeldt": "signup_at",
        "opprettet": "signup_at",
        "created_at": "signup_at",
        "signup_date": "signup_at",
        "signed_up": "signup_at",
        "kunde_siden": "signup_at",
        "customer_since": "signup_at",
    },
    "orders": {
        "ordre_id": "order_id",
        "ordreid": "order_id",
        "ordrenr": "order_id",
        "ordrenummer": "order_id",
        "ordre": "order_id",
        "order": "order_id",
        "order_no": "order_id",
        "order_number": "order_id",
        "orderid": "order_id",
        "ordre_nr": "order_id",
        "ordredato": "ordered_at",
        "order_date": "ordered_at",
        "bestilt": "ordered_at",
        "kjøpsdato": "ordered_at",
        "kjopsdato": "ordered_at",
        "purchase_date": "ordered_at",
        "opprettet": "ordered_at",
        "created_at": "ordered_at",
        "beløp": "amount",
        "belop": "amount",
        "sum": "amount",
        "total": "amount",
        "totalt": "amount",
        "order_total": "amount",
        "totalbeløp": "amount",
        "totalbelop": "amount",
        "verdi": "amount",
        "valuta": "currency",
        "produktlinje": "product_line",
        "produktgruppe": "product_line",
        "product_category": "product_line",
        "varegruppe": "product_line",
    },
    "tickets": {
        "sak_id": "ticket_id",
        "saksnr": "ticket_id",
        "saksnummer": "ticket_id",
        "sak": "ticket_id",
        "henvendelse_id": "ticket_id",
        "case_id": "ticket_id",
        "ticket": "ticket_id",
        "ticket_no": "ticket_id",
        "ticketid": "ticket_id",
        "opprettet": "created_at",
        "created": "created_at",
        "første_svar": "first_response_at",
        "forste_svar": "first_response_at",
        "første_respons": "first_response_at",
        "first_response": "first_response_at",
        "first_reply_at": "first_response_at",
        "løst": "resolved_at",
        "løst_dato": "resolved_at",
        "lost_dato": "resolved_at",
        "lukket": "resolved_at",
        "closed_at": "resolved_at",
        "solved_at": "resolved_at",
        "resolved": "resolved_at",
        "kontakter": "contacts",
        "antall_kontakter": "contacts",
        "contact_count": "contacts",
        "gjenåpnet": "reopened",
        "gjenapnet": "reopened",
        "reopen": "reopened",
    },
    "complaints": {
        "klage_id": "complaint_id",
        "klagenr": "complaint_id",
        "klage": "complaint_id",
        "klagenummer": "complaint_id",
        "reklamasjon_id": "complaint_id",
        "reklamasjonsnr": "complaint_id",
        "opprettet": "created_at",
        "created": "created_at",
        "alvorlighet": "severity",
        "alvorlighetsgrad": "severity",
        "grad": "severity",
        "løst": "resolved_at",
        "løst_dato": "resolved_at",
        "lost_dato": "resolved_at",
        "lukket": "resolved_at",
        "closed_at": "resolved_at",
        "resolved": "resolved_at",
    },
    "responses": {
        "svar_id": "response_id",
        "svarid": "response_id",
        "besvarelse_id": "response_id",
        "response": "response_id",
        "besvart": "submitted_at",
        "svardato": "submitted_at",
        "submitted": "submitted_at",
        "answered_at": "submitted_at",
        "response_date": "submitted_at",
        "opprettet": "submitted_at",
        "created_at": "submitted_at",
        "undersøkelse": "survey",
        "undersokelse": "survey",
        "survey_name": "survey",
        "kontaktpunkt": "touchpoint",
        "berøringspunkt": "touchpoint",
        "nps_score": "nps",
        "anbefaling": "nps",
        "csat_score": "csat",
        "tilfredshet": "csat",
        "ces_score": "ces",
        "kommentar": "comment",
        "fritekst": "comment",
        "tilbakemelding": "comment",
        "comments": "comment",
        "feedback": "comment",
    },
}

_ID = "id"
_TIME = "datetime"
SPECS: dict[str, KindSpec] = {
    "customers": KindSpec(
        "customers",
        "customer_id",
        "signup_at",
        (
            Field("customer_id", _ID, required=True),
            Field("email", "email"),
            Field("name"),
            Field("region"),
            Field("country"),
            Field("segment"),
            Field("age_band"),
            Field("gender"),
            Field("language"),
            Field("signup_at", _TIME),
        ),
    ),
    "orders": KindSpec(
        "orders",
        "order_id",
        "ordered_at",
        (
            Field("order_id", _ID, required=True),
            Field("customer_id", _ID, required=True),
            Field("ordered_at", _TIME, required=True),
            Field("amount", "amount", required=True),
            Field("currency", "currency", default="NOK"),
            Field("product_line"),
            Field("channel"),
        ),
    ),
    "tickets": KindSpec(
        "tickets",
        "ticket_id",
        "created_at",
        (
            Field("ticket_id", _ID, required=True),
            Field("created_at", _TIME, required=True),
            Field("customer_id", _ID),
            Field("channel"),
            Field("first_response_at", _TIME),
            Field("resolved_at", _TIME),
            Field("contacts", "contacts"),
            Field("reopened", "bool"),
            Field("category"),
            Field("team"),
            Field("agent"),
        ),
    ),
    "complaints": KindSpec(
        "complaints",
        "complaint_id",
        "created_at",
        (
            Field("complaint_id", _ID, required=True),
            Field("created_at", _TIME, required=True),
            Field("category", required=True),
            Field("customer_id", _ID),
            Field("severity"),
            Field("status", "status", default="open"),
            Field("resolved_at", _TIME),
            Field("channel"),
        ),
    ),
    "responses": KindSpec(
        "responses",
        "response_id",
        "submitted_at",
        (
            Field("response_id", _ID, required=True),
            Field("submitted_at", _TIME, required=True),
            Field("customer_id", _ID),
            Field("survey"),
            Field("touchpoint"),
            Field("nps", "nps"),
            Field("csat", "csat"),
            Field("ces", "ces"),
            Field("comment"),
            Field("channel"),
            Field("language"),
        ),
    ),
}
for _kind, _spec in SPECS.items():
    _spec.aliases.update(_COMMON_ALIASES)
    _spec.aliases.update(dict.fromkeys(_EVENT_ALIASES, _spec.event_field or ""))
    _spec.aliases.update(_KIND_ALIASES[_kind])

_SEPARATORS = re.compile(r"[\s\-./]+")


def normalize(header: str) -> str:
    """Fold a header name for matching: ``' Kunde-ID '`` → ``'kunde_id'``."""
    return _SEPARATORS.sub("_", header.strip().lower()).strip("_")


def spec_for(kind: str) -> KindSpec:
    """The spec of ``kind``; an unknown kind is a fatal error listing the known ones."""
    try:
        return SPECS[kind]
    except KeyError:
        raise KundepulsError(
            f"unknown kind {kind!r}: use one of {', '.join(KINDS)}", exit_code=1
        ) from None


@dataclass
class ColumnMap:
    """Which contract field each column of a file feeds; the rest become attributes."""

    fields: dict[str, str]
    extras: list[str]


def match_columns(spec: KindSpec, columns: list[str]) -> ColumnMap:
    """Map a file's columns to ``spec``'s fields; missing required columns are fatal.

    A column named exactly like a field wins over an alias for the same field; a second
    column for a field that is already taken is kept as an attribute.
    """
    known = {f.name for f in spec.fields}
    fields: dict[str, str] = {}
    taken: set[str] = set()
    ordered = sorted(columns, key=lambda c: normalize(c) not in known)
    for column in ordered:
        key = normalize(column)
        target = key if key in known else spec.aliases.get(key, "")
        if target in known and target not in taken:
            fields[column] = target
            taken.add(target)
    extras = [c for c in columns if c not in fields and c.strip()]
    missing = [name for name in spec.required if name not in taken]
    if missing:
        found = ", ".join(repr(c) for c in columns[:12]) or "none"
        raise KundepulsError(
            f"{spec.kind}: missing required column(s) {', '.join(missing)} "
            f"(found columns: {found})",
            exit_code=1,
        )
    return ColumnMap(fields, extras)
