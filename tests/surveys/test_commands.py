"""``kundepuls survey …`` as a user runs it, in a child process."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.surveys.models import Invitation
from tests.conftest import run_in_process
from tests.support import run_cli
from tests.surveys.factories import SMTPServer, add_customer

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

DEFINITION = """\
key: kundeklubb
title:
  nb: Kundeklubben
  nn: Kundeklubben
  en: The customer club
touchpoint: relationship
questions:
  - id: nps
    type: nps
    follow_up: true
  - id: tema
    type: multiple_choice
    text:
      nb: Hva er viktigst for deg?
      nn: Kva er viktigast for deg?
      en: What matters most?
    options:
      - {value: pris, label: {nb: Pris, nn: Pris, en: Price}}
      - {value: service, label: {nb: Service, nn: Service, en: Service}}
"""


def _run(*args: str) -> str:
    """Run a command in this process (faster); ``run_cli`` covers the real entry point."""
    result = run_in_process(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_create_list_show_preview_and_send(
    tmp_path: Path, session: Session, settings: Settings, smtp: SMTPServer
) -> None:
    file = tmp_path / "kundeklubb.yaml"
    file.write_text(DEFINITION, encoding="utf-8")
    created = run_cli("survey", "create", str(file))
    assert created.returncode == 0, created.stderr
    assert "kundeklubb: version 1 (created)" in created.stdout
    assert "unchanged" in _run("survey", "create", str(file))
    file.write_text(DEFINITION.replace("relationship", "club"), encoding="utf-8")
    assert "version 2 (new version)" in _run("survey", "create", str(file))
    assert "kundeklubb  v2  manually" in _run("survey", "list")

    qr = tmp_path / "qr.svg"
    data = json.loads(_run("survey", "show", "kundeklubb", "--format", "json", "--qr", str(qr)))
    assert data["version"] == 2
    assert data["link"].startswith("http://testserver/l/")
    assert "<iframe" in data["embed"]
    assert qr.read_text().lstrip().startswith("<?xml")
    assert "response rate" not in _run("survey", "show", "kundeklubb")

    preview = _run("survey", "preview", "kundeklubb", "--language", "nn")
    assert "Kor sannsynleg er det at du vil tilrå oss" in preview
    assert "after 0: Kva kan vi gjere betre?" in preview

    add_customer(session, "a", segment="vip")
    add_customer(session, "b", segment="vip", email_address=None)
    add_customer(session, "c", segment="basis")
    session.commit()
    sent = _run("survey", "send", "kundeklubb", "--segment", "vip", "--no-deliver")
    assert "invited 1; skipped 1 no email address" in sent
    invitation = session.scalars(sa.select(Invitation).where(Invitation.status == "queued")).one()
    assert invitation.customer_id == "a"
    assert invitation.survey_version == 2
    assert "sent 0, answered 0" in _run("survey", "list")


def test_a_bad_definition_names_the_field(tmp_path: Path, settings: Settings) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(DEFINITION.replace("multiple_choice", "multi"), encoding="utf-8")
    result = run_cli("survey", "create", str(file))
    assert result.returncode == 2
    assert "questions[1].type" in result.stderr
    assert "Traceback" not in result.stderr
    assert "no surveys yet" in _run("survey", "list")
