"""``kundepuls survey …``: define surveys, send campaigns, preview, see response rates."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kundepuls.config import get_settings
from kundepuls.kit.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy import Engine

survey_app = typer.Typer(help="Define surveys, send them, and see how they are answered.")


def _engine() -> Engine:
    from kundepuls.db import engine_for

    return engine_for(get_settings().database_url)


@survey_app.command("create")
def create(file: Annotated[Path, typer.Argument(help="Survey definition (YAML).")]) -> None:
    """Create a survey from FILE, or a new version of it when the definition changed.

    See src/kundepuls/surveys/examples/etter-kjop.yaml for a commented example.
    """
    from kundepuls.db import session_scope
    from kundepuls.surveys import service
    from kundepuls.surveys.definitions import load_definition

    definition = load_definition(file)
    with session_scope(_engine()) as session:
        survey, new = service.save_survey(session, definition)
        key, version = survey.key, survey.version
    state = "created" if new and version == 1 else "new version" if new else "unchanged"
    typer.echo(f"survey {key}: version {version} ({state})")


@survey_app.command("list")
def list_() -> None:
    """Every survey, its version, when it is sent, and its response rate."""
    from kundepuls.db import session_scope
    from kundepuls.surveys import service, triggers

    with session_scope(_engine()) as session:
        surveys = service.list_surveys(session)
        rates = {r["survey"]: r for r in _totals(service.response_rates(session))}
        if not surveys:
            typer.echo("no surveys yet (kundepuls survey create FILE)")
        for survey in surveys:
            d = service.definition_of(survey)
            r = rates.get(survey.key, {"sent": 0, "answered": 0})
            typer.echo(
                f"{survey.key}  v{survey.version}  {triggers.describe(d)}  "
                f"sent {r['sent']}, answered {r['answered']}"
            )


def _totals(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    totals: dict[str, dict[str, object]] = {}
    for row in rows:
        t = totals.setdefault(
            str(row["survey"]), {"survey": row["survey"], "sent": 0, "answered": 0}
        )
        t["sent"] = int(str(t["sent"])) + int(str(row["sent"]))
        t["answered"] = int(str(t["answered"])) + int(str(row["answered"]))
    return list(totals.values())


@survey_app.command("show")
def show(
    key: str,
    version: Annotated[int | None, typer.Option(help="A given version.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    qr: Annotated[Path | None, typer.Option(help="Write the link's QR code (SVG) here.")] = None,
) -> None:
    """A survey's definition, links, widget snippet and response rate per channel."""
    from kundepuls.db import session_scope
    from kundepuls.surveys import service, sharing

    settings = get_settings()
    with session_scope(_engine()) as session:
        survey = service.get_survey(session, key, version)
        out = sharing.survey_out(survey, settings)
        rates = service.response_rates(session, key)
        if qr is not None:
            qr.write_text(sharing.qr_svg(sharing.share_link(survey, settings, "qr")), "utf-8")
    if fmt == "json":
        typer.echo(json.dumps({**out.model_dump(mode="json"), "response_rates": rates}, indent=2))
        return
    typer.echo(f"{out.key} v{out.version}: {out.title}")
    typer.echo(f"sent: {out.sent}; touchpoint: {out.touchpoint or '-'}; anonymous: {out.anonymous}")
    for q in out.definition["questions"]:
        typer.echo(f"  - {q['id']} ({q['type']}){' follow-up' if q.get('follow_up') else ''}")
    typer.echo(f"link: {out.link}\nQR code: {out.qr_code}\nembed:\n{out.embed}")
    for r in rates:
        rate = "-" if r["rate"] is None else f"{r['rate']} %"
        typer.echo(
            f"  {r['channel']:<7} {r['touchpoint'] or '-'}: sent {r['sent']}, "
            f"opened {r['opened']}, answered {r['answered']}, skipped {r['skipped']}, "
            f"response rate {rate}"
        )
    if qr is not None:
        typer.echo(f"QR code written to {qr}")


@survey_app.command("send")
def send(
    key: str,
    where: Annotated[
        list[str] | None, typer.Option(help="FIELD=VALUE on customer fields/attributes.")
    ] = None,
    segment: Annotated[str | None, typer.Option(help="Shorthand for --where segment=…")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many invitations.")] = None,
    wave: Annotated[str | None, typer.Option(help="Campaign name (default: today).")] = None,
    deliver: Annotated[bool, typer.Option(help="Send the due emails now.")] = True,
) -> None:
    """Invite a segment to a survey now (fatigue, consent and quiet hours apply)."""
    from kundepuls.db import session_scope
    from kundepuls.surveys import outbox, triggers
    from kundepuls.surveys.distribution import Policy

    settings = get_settings()
    filters = dict(_pair(w) for w in where or [])
    if segment:
        filters["segment"] = segment
    now = datetime.now(UTC)
    with session_scope(_engine()) as session:
        report = triggers.campaign(
            session,
            settings,
            key,
            where=filters,
            wave=wave or now.date().isoformat(),
            limit=limit,
            now=now,
            policy=Policy.from_settings(settings),
        )
    typer.echo(f"survey {key}: {report}")
    if deliver:
        typer.echo(f"emails: {outbox.drain(_engine(), settings)}")


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"--where {text!r}: expected FIELD=VALUE")
    return name.strip(), value.strip()


@survey_app.command("preview")
def preview(
    key: str,
    language: Annotated[str, typer.Option(help="nb, nn or en.")] = "nb",
    html: Annotated[Path | None, typer.Option(help="Also write the HTML email here.")] = None,
) -> None:
    """Show the email and the questions as a respondent in LANGUAGE would see them."""
    from kundepuls.db import session_scope
    from kundepuls.surveys import service, texts
    from kundepuls.surveys.distribution import render_email

    if language not in texts.LANGUAGES:
        raise UsageError(f"--language {language!r}: use nb, nn or en")
    settings = get_settings()
    with session_scope(_engine()) as session:
        definition = service.definition_of(service.get_survey(session, key))
    text, body, subject, _headers = render_email(
        definition, language, "PREVIEW", settings, "invitation"
    )
    typer.echo(f"Subject: {subject}\n\n{text}\n--- page ---")
    for q in definition.questions:
        scale = f" [{q.scale[0]}–{q.scale[1]}]" if q.is_score else ""
        typer.echo(f"{q.id}: {q.label(language, definition.company)}{scale}")
        if q.follow_up:
            low, high = q.scale
            for score in sorted({low, (low + high) // 2, high}):
                typer.echo(f"  after {score}: {definition.follow_up_text(q, score, language)}")
        for option in q.options:
            typer.echo(f"  ( ) {option.label.get(language) or next(iter(option.label.values()))}")
    if html is not None:
        html.write_text(body, "utf-8")
