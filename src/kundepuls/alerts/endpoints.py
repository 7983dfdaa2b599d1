"""REST routes of alerts: ``/api/v1/alerts``."""

from fastapi import APIRouter, status

from kundepuls.alerts import service
from kundepuls.alerts.schemas import AlertEventOut, AlertRuleCreate, AlertRuleOut
from kundepuls.deps import Permission, SessionDep, SettingsDep, api_guard

# Rules send data to outside addresses, so changing them is a settings permission.
router = APIRouter(
    prefix="/api/v1/alerts", tags=["alerts"], dependencies=[api_guard(Permission.MANAGE_SETTINGS)]
)


@router.get("")
def list_rules(session: SessionDep) -> list[AlertRuleOut]:
    """Every alert rule."""
    return [AlertRuleOut.model_validate(r) for r in service.list_rules(session)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_rule(data: AlertRuleCreate, session: SessionDep, settings: SettingsDep) -> AlertRuleOut:
    """Add an alert rule (threshold, change or anomaly) on a KPI and optional segment."""
    return AlertRuleOut.model_validate(service.add_rule(session, settings, data))


@router.get("/events")
def list_events(
    session: SessionDep, rule_id: int | None = None, limit: int = 100
) -> list[AlertEventOut]:
    """Recent alert events (fired and resolved), newest first."""
    found = service.list_events(session, rule_id, min(max(limit, 1), 1000))
    return [AlertEventOut.model_validate(e) for e in found]


@router.delete("/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_rule(rule_id: int, session: SessionDep) -> None:
    """Remove an alert rule with its history."""
    service.remove_rule(session, rule_id)
