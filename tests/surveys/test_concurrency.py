"""Racing posts of one invitation's link make one response, on both backends."""

import threading
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kundepuls.config import Settings
from kundepuls.db import session_scope
from kundepuls.facts.models import Response
from kundepuls.surveys import answering
from kundepuls.surveys.distribution import invite
from tests.surveys.factories import add_customer, add_survey


def test_simultaneous_first_answers_make_one_response(
    session: Session, engine: Engine, settings: Settings
) -> None:
    survey = add_survey(session)
    made = invite(
        session, survey, add_customer(session, "c1"), settings=settings, now=datetime.now(UTC)
    )
    session.commit()
    token = made.token
    assert token is not None
    start = threading.Barrier(5)
    errors: list[BaseException] = []

    def answer(score: int) -> None:
        try:
            start.wait(10)
            with session_scope(engine) as own:
                invitation, definition = answering.open_link(own, token, datetime.now(UTC))
                form = {"q_nps": [str(score)]}
                now = datetime.now(UTC)
                errors_, _answers = answering.record(
                    own, invitation, definition, form, "score", now
                )
                assert errors_ == {}
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    rows = session.scalars(sa.select(Response)).all()
    assert len(rows) == 1
    assert rows[0].nps in range(5)
