"""REST routes of improvement actions."""

from fastapi import APIRouter, Response

from kundepuls.actions import service
from kundepuls.actions.schemas import ActionCreate, ActionOut, ActionUpdate, EffectOut
from kundepuls.deps import Permission, SessionDep, SettingsDep, api_guard

router = APIRouter(
    prefix="/api/v1/actions", tags=["actions"], dependencies=[api_guard(Permission.COMMENT)]
)


@router.get("")
def list_actions(session: SessionDep, status: str | None = None) -> list[ActionOut]:
    """Improvement actions, newest start first."""
    return [ActionOut.model_validate(a) for a in service.list_actions(session, status)]


@router.post("", status_code=201)
def add_action(data: ActionCreate, session: SessionDep) -> ActionOut:
    """Record an improvement action."""
    return ActionOut.model_validate(service.add_action(session, data))


@router.get("/{action_id}")
def get_action(action_id: int, session: SessionDep) -> ActionOut:
    """One action."""
    return ActionOut.model_validate(service.get_action(session, action_id))


@router.patch("/{action_id}")
def update_action(action_id: int, data: ActionUpdate, session: SessionDep) -> ActionOut:
    """Change some fields of an action."""
    return ActionOut.model_validate(service.update_action(session, action_id, data))


@router.delete("/{action_id}", status_code=204)
def delete_action(action_id: int, session: SessionDep) -> Response:
    """Delete an action."""
    service.delete_action(session, action_id)
    return Response(status_code=204)


@router.get("/{action_id}/effect")
def effect(
    action_id: int,
    session: SessionDep,
    settings: SettingsDep,
    compare: str | None = None,
    before_days: int | None = None,
    kpi: str | None = None,
    expected: float | None = None,
) -> EffectOut:
    """The action's measured effect: before/after, time series and diff-in-diff."""
    return service.measure_effect(
        session,
        action_id,
        tz=settings.tz,
        compare=compare,
        before_days=before_days,
        kpi=kpi,
        expected=expected,
    )
