"""Stored analyses: the comment_analyses table on SQLite and PostgreSQL, the job, the CLI."""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kundepuls.facts.models import Customer, Response
from kundepuls.kit.errors import KundepulsError
from kundepuls.text import commands
from kundepuls.text.models import CommentAnalysis
from kundepuls.text.service import analyze_pending, analyze_responses, discover_themes
from tests.conftest import CliRun

WHEN = datetime(2026, 11, 3, 12, tzinfo=UTC)


def add_responses(session: Session) -> None:
    session.add(Customer(customer_id="c1", name="Kari Nordmann", language="nn"))
    session.add_all(
        [
            Response(
                response_id="r1",
                submitted_at=WHEN,
                customer_id="c1",
                nps=3,
                comment="Kari her. Leveringa var treig, ring meg på 912 34 567",
            ),
            Response(
                response_id="r2",
                submitted_at=WHEN,
                nps=10,
                comment="Leveringen var ikke rask, men kundeservice var kjempehyggelig",
            ),
            Response(response_id="r3", submitted_at=WHEN, nps=8, comment=None),
            Response(response_id="r4", submitted_at=WHEN, csat=2, comment="   "),
            Response(
                response_id="r5",
                submitted_at=WHEN,
                comment="<script>x</script> skriv til ola@example.no",
            ),
        ]
    )
    session.flush()


def test_analyze_pending_stores_each_comment_once(session: Session) -> None:
    add_responses(session)
    assert analyze_pending(session) == 4
    session.commit()
    rows = {r.response_id: r for r in session.scalars(select(CommentAnalysis))}
    assert set(rows) == {"r1", "r2", "r4", "r5"}
    r1 = rows["r1"]
    assert r1.language == "nn"
    assert r1.sentiment == "negative"
    assert r1.masked_comment == "[navn] her. Leveringa var treig, ring meg på [telefon]"
    assert r1.themes[0]["theme"] == "delivery"
    assert r1.model_version.startswith("lexicon-")
    assert r1.analysed_at.tzinfo is not None
    r2 = rows["r2"]
    assert [(t["theme"], t["sentiment"]) for t in r2.themes] == [
        ("delivery", "negative"),
        ("customer_service", "positive"),
    ]
    assert rows["r5"].masked_comment == "<script>x</script> skriv til [e-post]"
    # Safe to run twice: nothing is pending, and a full run replaces rather than duplicates.
    assert analyze_pending(session) == 0
    assert analyze_responses(session, pending_only=False) == 4
    session.commit()
    assert len(session.scalars(select(CommentAnalysis)).all()) == 4


def test_the_analysis_goes_when_the_response_goes(session: Session) -> None:
    add_responses(session)
    analyze_pending(session)
    session.commit()
    session.delete(session.get(Response, "r2"))
    session.commit()
    session.expire_all()
    assert session.get(CommentAnalysis, "r2") is None


def test_discover_themes_from_the_store(session: Session) -> None:
    session.add_all(
        Response(response_id=f"p{i}", submitted_at=WHEN, comment=text)
        for i, text in enumerate(
            [f"musikken var for høy {i}" for i in range(4)]
            + [f"fant ingen gavekort {i}" for i in range(4)]
        )
    )
    session.flush()
    analyze_pending(session)
    clusters = discover_themes(session, n_clusters=2)
    assert sorted(c.size for c in clusters) == [4, 4]


def test_reanalyze_command(
    database_url: str, session: Session, kundepuls_cli: Callable[..., CliRun]
) -> None:
    add_responses(session)
    session.commit()
    result = kundepuls_cli("text", "reanalyze")
    assert result.returncode == 0, result.stderr
    assert "Analysed 4 comments." in result.stdout
    assert "Built-in reading only" in result.stdout
    session.expire_all()
    assert session.get(CommentAnalysis, "r2") is not None


def test_analyze_command_reads_lines_and_csv(
    tmp_path: Path, kundepuls_cli: Callable[..., CliRun]
) -> None:
    lines = tmp_path / "comments.txt"
    lines.write_text(
        "Leveringen var ikke rask, men kundeservice var kjempehyggelig\n\n😀\nmail meg: a@b.no\n",
        "utf-8",
    )
    result = kundepuls_cli("text", "analyze", str(lines))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["sentiment"] == "positive"
    assert [t["theme"] for t in out[0]["themes"]] == ["delivery", "customer_service"]
    assert set(out[0]) == {"language", "sentiment", "score", "themes", "masked"}
    assert out[3]["masked"] == "mail meg: [e-post]"

    table = tmp_path / "comments.csv"
    table.write_text('id,comment\n1,"Elendig, aldri igjen"\n2,"Great staff, thanks"\n', "utf-8")
    result = kundepuls_cli("text", "analyze", str(table))
    assert [json.loads(x)["sentiment"] for x in result.stdout.splitlines()] == [
        "negative",
        "positive",
    ]


def test_analyze_command_from_stdin_and_bad_files(
    tmp_path: Path, kundepuls_cli: Callable[..., CliRun]
) -> None:
    import subprocess
    import sys

    from tests.support import SRC

    child = subprocess.run(
        [sys.executable, "-m", "kundepuls", "text", "analyze", "-"],
        input=b"Kjempefornoyd!\n\xff\xfe junk \x00\n",
        capture_output=True,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert len(child.stdout.decode().splitlines()) == 2

    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\n1,hei\n", "utf-8")
    result = kundepuls_cli("text", "analyze", str(bad))
    assert result.returncode == 2
    assert "column named 'comment'" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(KundepulsError, match=r"nope.txt: cannot read"):
        commands._read(str(tmp_path / "nope.txt"))


def test_the_job_analyses_new_comments_once(database_url: str, session: Session) -> None:
    from kundepuls.text.tasks import analyze_new_comments

    add_responses(session)
    session.commit()
    assert analyze_new_comments(database_url) == 4
    assert analyze_new_comments() == 0  # the settings point at the same store
    session.add(Response(response_id="r9", submitted_at=WHEN, comment="Topp!"))
    session.commit()
    assert analyze_new_comments(database_url) == 1
