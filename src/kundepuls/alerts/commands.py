"""``kundepuls alerts``: rules on KPIs, and what they would send now."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kundepuls.config import get_settings

app = typer.Typer(help="Alert rules on KPIs, delivered by email and webhook.", no_args_is_help=True)


@app.command("list")
def list_command(
    events: Annotated[bool, typer.Option("--events", help="List recent events instead.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the alert rules (or, with --events, what they announced)."""
    from kundepuls.alerts import service
    from kundepuls.alerts.schemas import AlertEventOut, AlertRuleOut
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        if events:
            found = [AlertEventOut.model_validate(e) for e in service.list_events(session)]
            lines = [f"{e.id:>5}  {e.at:%Y-%m-%d %H:%M}  rule {e.rule_id}  {e.kind:<8} "
                     f"{e.subject}" for e in found]  # fmt: skip
            rows = [e.model_dump(mode="json") for e in found]
        else:
            rules = [AlertRuleOut.model_validate(r) for r in service.list_rules(session)]
            lines = [_rule_line(r) for r in rules]
            rows = [r.model_dump(mode="json") for r in rules]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for line in lines:
        typer.echo(line)


def _rule_line(rule: object) -> str:
    from kundepuls.alerts.schemas import AlertRuleOut

    assert isinstance(rule, AlertRuleOut)
    limit = f" {rule.direction} {rule.threshold:g}" if rule.threshold is not None else ""
    to = ", ".join(x for x in (rule.emails, rule.webhook_url) if x)
    return (
        f"{rule.id:>4}  {rule.kind:<9} {rule.kpi}{limit}  [{rule.segment or 'all'}]  "
        f"{rule.window_days} d  → {to}"
    )


@app.command("add")
def add_command(
    kpi: Annotated[str, typer.Argument(help="The KPI, e.g. nps.")],
    kind: Annotated[str, typer.Option(help="threshold, change or anomaly.")] = "threshold",
    below: Annotated[float | None, typer.Option(help="Alert when the KPI is below this.")] = None,
    above: Annotated[float | None, typer.Option(help="Alert when the KPI is above this.")] = None,
    direction: Annotated[
        str, typer.Option(help="change/anomaly: worse, below, above or any.")
    ] = "worse",
    where: Annotated[
        list[str] | None, typer.Option("--where", help="Segment DIM=VALUE (repeatable).")
    ] = None,
    window: Annotated[int, typer.Option(help="Days each evaluation looks at.")] = 7,
    email: Annotated[
        list[str] | None, typer.Option("--email", help="Send to (repeatable).")
    ] = None,
    webhook: Annotated[str | None, typer.Option(help="Webhook URL (Slack-compatible).")] = None,
    secret: Annotated[str | None, typer.Option(help="Webhook signing secret.")] = None,
    name: Annotated[str | None, typer.Option(help="A name for the rule.")] = None,
    lang: Annotated[str, typer.Option(help="nb or en.")] = "nb",
) -> None:
    """Add a rule: threshold (--below/--above X), change or anomaly, on a KPI."""
    from pydantic import ValidationError

    from kundepuls.alerts import service
    from kundepuls.alerts.schemas import AlertRuleCreate
    from kundepuls.db import engine_for, session_scope
    from kundepuls.kit.errors import UsageError

    if below is not None and above is not None:
        raise UsageError("give either --below or --above, not both")
    threshold = below if below is not None else above
    if kind == "threshold":
        direction = "above" if above is not None else "below"
    try:
        data = AlertRuleCreate(
            kpi=kpi, kind=kind, name=name, where=where or [], direction=direction,
            threshold=threshold, window_days=window, emails=email or [], webhook_url=webhook,
            webhook_secret=secret, lang=lang,
        )  # fmt: skip
    except ValidationError as error:
        first = error.errors()[0]
        raise UsageError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        rule = service.add_rule(session, settings, data)
        rule_id = rule.id
    typer.echo(f"alert rule {rule_id} added")


@app.command("remove")
def remove_command(rule_id: Annotated[int, typer.Argument(help="The rule's id.")]) -> None:
    """Remove a rule with its history."""
    from kundepuls.alerts import service
    from kundepuls.db import engine_for, session_scope

    with session_scope(engine_for(get_settings().database_url)) as session:
        service.remove_rule(session, rule_id)
    typer.echo(f"alert rule {rule_id} removed")


@app.command("test")
def check_command(
    rule_id: Annotated[int | None, typer.Argument(help="Only this rule.")] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Evaluate for real and send what is due.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Evaluate the rules now and show what would be sent (--send: record and send it)."""
    from kundepuls.alerts import service, tasks
    from kundepuls.db import engine_for, session_scope

    settings = get_settings()
    with session_scope(engine_for(settings.database_url)) as session:
        checks = service.evaluate_all(session, settings, dry_run=not send, rule_id=rule_id)
    sent = tasks.deliver_alerts() if send else None
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in checks], ensure_ascii=False))
    else:
        for check in checks:
            typer.echo(f"rule {check.rule_id} ({check.name}): {check.explanation}")
            if check.text:
                typer.echo(f"  {check.subject}\n  " + check.text.replace("\n", "\n  "))
    if sent is not None:
        typer.echo(f"sent {sent['sent']}, to retry {sent['retry']}, failed {sent['failed']}")
