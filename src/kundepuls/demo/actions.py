"""The demo's planted improvement, recorded as an improvement action (``/actions``).

The demo hides a real effect (:mod:`kundepuls.demo.planted`): weekend staffing in customer
service cut weekend first-response times from the build's improvement start. Recorded as
an action on the weekend with the weekdays as comparison group, the actions pages measure
that effect from the first page.
"""

from sqlalchemy.orm import Session

from kundepuls.actions import service
from kundepuls.actions.models import Action
from kundepuls.actions.schemas import ActionCreate
from kundepuls.demo.planted import Planted


def add_planted_action(session: Session, planted: Planted) -> Action:
    """Record the planted weekend staffing as a running action with its comparison group."""
    return service.add_action(
        session,
        ActionCreate(
            title=planted.improvement_name,
            kpi=planted.improvement_kpi,
            start_date=planted.improvement_start,
            segment="weekend=true",
            compare="weekend=false",
            owner="Kundeservice",
            description=(
                "Flere på vakt i kundeservice lørdag og søndag, så kundene får svar like "
                "raskt i helgene som på hverdager."
            ),
            expected_effect=-2.0,
            status="running",
        ),
    )
