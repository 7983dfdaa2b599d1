"""The settings of the overview: which KPIs it shows, in what order, and their targets.

Targets are the KPI domain's own (``kpi target`` on the CLI, ``PUT /api/v1/kpis/{key}/
target``): this page sets and clears the target for all rows; segment targets stay with
the CLI and the API. Problems are collected per form field, so the page can show each one
next to its field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kundepuls.accounts import audit
from kundepuls.config import Settings
from kundepuls.dashboard import repository
from kundepuls.dashboard.service import chosen
from kundepuls.kit.errors import KundepulsError
from kundepuls.kit.i18n import plain_number
from kundepuls.kpis import catalog as cat
from kundepuls.kpis import service as kpis

MAX_TILES = 24


@dataclass
class Row:
    """One KPI on the settings page."""

    kpi: cat.Kpi
    shown: bool
    position: int | None
    target: float | None
    segment_targets: int


class FieldErrors(KundepulsError):
    """The form had problems; ``fields`` maps a field name to (problem, its parameters)."""

    status_code = 422

    def __init__(self, fields: dict[str, tuple[str, dict[str, Any]]]) -> None:
        super().__init__("; ".join(f"{name}: {code}" for name, (code, _) in fields.items()))
        self.fields = fields


def rows(session: Session, settings: Settings) -> list[Row]:
    """Every KPI: shown ones first in their order, then the rest in catalogue order."""
    registry = kpis.registry(session, settings)
    shown = chosen(session, registry)
    overall = {t.kpi: t.value for t in registry.targets if not t.where}
    segments: dict[str, int] = {}
    for target in registry.targets:
        if target.where:
            segments[target.kpi] = segments.get(target.kpi, 0) + 1
    order = shown + [key for key in registry.kpis if key not in shown]
    return [
        Row(
            registry.kpis[key],
            key in shown,
            shown.index(key) + 1 if key in shown else None,
            overall.get(key),
            segments.get(key, 0),
        )
        for key in order
    ]


def bounds(kpi: cat.Kpi) -> tuple[float | None, float | None]:
    """The values a target of ``kpi`` can take (None: open)."""
    if kpi.stat.method == "nps":
        return -100.0, 100.0
    if kpi.unit == "%":
        return 0.0, 100.0
    if kpi.key == "ces":
        return 1.0, 7.0
    if kpi.key == "csat_mean":
        return 1.0, 5.0
    if kpi.unit in ("hours", "currency", "count", "orders/customer") or kpi.method == "rate":
        return 0.0, None
    return None, None


def parse_number(text: str, lang: str) -> float:
    """A number as a reader of ``lang`` writes it (``12,5`` in Bokmål, ``12.5`` in English)."""
    value = float(plain_number(text, lang))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _target(kpi: cat.Kpi, text: str, lang: str) -> tuple[float | None, tuple[str, Any] | None]:
    if not text.strip():
        return None, None
    try:
        value = parse_number(text, lang)
    except ValueError:
        return None, ("not_number", {})
    low, high = bounds(kpi)
    if (low is not None and value < low) or (high is not None and value > high):
        return None, ("out_of_range", {"low": low, "high": high})
    return value, None


def save(
    session: Session,
    settings: Settings,
    actor: audit.Actor,
    form: Mapping[str, str],
    lang: str,
) -> None:
    """Apply the settings form: ``show_<key>``, ``position_<key>``, ``target_<key>``."""
    registry = kpis.registry(session, settings)
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    shown: list[tuple[int, int, str]] = []
    targets: dict[str, float | None] = {}
    for index, (key, kpi) in enumerate(registry.kpis.items()):
        value, problem = _target(kpi, form.get(f"target_{key}", ""), lang)
        if problem is not None:
            errors[f"target_{key}"] = problem
        targets[key] = value
        if form.get(f"show_{key}"):
            text = form.get(f"position_{key}", "").strip()
            if text and not (text.isdigit() and 1 <= int(text) <= 999):
                errors[f"position_{key}"] = ("bad_position", {})
                continue
            shown.append((int(text) if text else 999, index, key))
    if not shown:
        errors["tiles"] = ("none_shown", {})
    elif len(shown) > MAX_TILES:
        errors["tiles"] = ("too_many", {"most": MAX_TILES})
    if errors:
        raise FieldErrors(errors)
    order = [key for _, _, key in sorted(shown)]
    repository.save_tiles(session, order)
    changed = _save_targets(session, settings, registry, targets)
    audit.record(
        session,
        actor,
        "dashboard.settings",
        object_type="dashboard",
        object_id="overview",
        details={"tiles": order, "targets": changed},
    )


def _save_targets(
    session: Session,
    settings: Settings,
    registry: kpis.Registry,
    targets: dict[str, float | None],
) -> dict[str, float | None]:
    overall = {t.kpi: t.value for t in registry.targets if not t.where}
    changed: dict[str, float | None] = {}
    for key, value in targets.items():
        if value == overall.get(key):
            continue
        if value is None:
            kpis.clear_target(session, settings, key)
        else:
            kpis.set_target(session, settings, key, value)
        changed[key] = value
    return changed
