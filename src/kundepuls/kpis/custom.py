"""Custom KPIs and targets, declared in the KPI file (``KUNDEPULS_KPI_FILE``) or the API.

A custom KPI is built from the same blocks as the built-in ones::

    kpis:
      - key: delivery_csat
        label: {nb: CSAT levering, en: Delivery CSAT}
        table: responses
        type: share                  # share | mean | median | count | ratio
        condition: csat >= 4         # share: which units count as a success
        unit: csat is not None       # optional: which rows are units (n)
        filter: touchpoint == 'delivery'
      - key: orders_with_complaint_14d
        table: orders
        type: share
        condition: followed_by(complaints, 14)
        higher_is_better: false
    targets:
      nps: 40
      first_response_hours: {value: 4, segments: [{where: {region: Nord}, value: 6}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kundepuls.kpis import catalog as cat
from kundepuls.kpis.dimensions import suggest
from kundepuls.kpis.expressions import EVENT_TIME, DefinitionError, compile_expr

TYPES = ("share", "mean", "median", "count", "ratio")
_FIELDS = {
    "key", "label", "table", "time", "type", "condition", "unit", "value", "filter",
    "numerator", "scale", "higher_is_better", "unit_label", "description",
}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """A target for a KPI, for all rows or for one segment (``where`` dimension values)."""

    kpi: str
    value: float
    where: tuple[tuple[str, str], ...] = ()


def build(definition: dict[str, Any], origin: str = "definition") -> cat.Kpi:
    """A KPI declaration from a custom definition, or a :class:`DefinitionError`.

    Examples
    --------
    >>> kpi = build({"key": "delivery_csat", "table": "responses", "type": "share",
    ...              "condition": "csat >= 4", "filter": "touchpoint == 'delivery'"})
    >>> kpi.method, kpi.custom
    ('wilson', True)
    """
    if not isinstance(definition, dict):
        raise DefinitionError(f"{origin}: a KPI definition is a mapping of fields")
    key = str(definition.get("key", "")).strip()
    here = f"{origin} {key or '(no key)'}"
    if not key or not key.replace("_", "").isalnum():
        raise DefinitionError(f"{here}, field 'key': use letters, digits and _")
    unknown = set(definition) - _FIELDS
    if unknown:
        name = sorted(unknown)[0]
        raise DefinitionError(f"{here}, field {name!r}: unknown field{suggest(name, _FIELDS)}")
    table = definition.get("table")
    if table not in EVENT_TIME:
        raise DefinitionError(f"{here}, field 'table': use one of {', '.join(EVENT_TIME)}")
    kind = definition.get("type")
    if kind not in TYPES:
        raise DefinitionError(f"{here}, field 'type': use one of {', '.join(TYPES)}")
    stat = _stat(kind, definition, here)
    label = definition.get("label", key)
    nb, en = (label.get("nb", key), label.get("en", key)) if isinstance(label, dict) else (
        str(label), str(label))  # fmt: skip
    where = definition.get("filter")
    return cat.Kpi(
        key=key,
        label_nb=nb,
        label_en=en,
        unit=str(definition.get("unit_label", "%" if kind == "share" else "")),
        higher_is_better=bool(definition.get("higher_is_better", True)),
        table=table,
        time_column=str(definition.get("time", EVENT_TIME[table])),
        stat=stat,
        description=str(definition.get("description", f"custom {kind} KPI")),
        where=compile_expr(where, f"{here}, field 'filter'") if where else None,
        custom=True,
    )


def _stat(kind: str, definition: dict[str, Any], here: str) -> cat.Stat:
    def expr(name: str, required: bool = True) -> cat.Expr | None:
        text = definition.get(name)
        if text is None:
            if required:
                raise DefinitionError(f"{here}, field {name!r}: required for type {kind}")
            return None
        return compile_expr(str(text), f"{here}, field {name!r}")

    unit = expr("unit", required=False)
    if kind == "share":
        return cat.Share(expr("condition"), unit)  # type: ignore[arg-type]
    if kind == "mean":
        return cat.Mean(expr("value"), unit)  # type: ignore[arg-type]
    if kind == "median":
        return cat.Median(expr("value"), unit)  # type: ignore[arg-type]
    if kind == "count":
        return cat.Count(unit)
    numerator = definition.get("numerator")
    if not isinstance(numerator, dict) or numerator.get("table") not in EVENT_TIME:
        raise DefinitionError(
            f"{here}, field 'numerator': give {{table: ..., filter: ...}} with a fact table"
        )
    num_filter = numerator.get("filter")
    return cat.Rate(
        numerator["table"],
        EVENT_TIME[numerator["table"]],
        float(definition.get("scale", 100)),
        numerator_where=compile_expr(num_filter, f"{here}, field 'numerator.filter'")
        if num_filter
        else None,
    )


def parse_targets(raw: Any, origin: str) -> list[Target]:
    """Targets from the file's ``targets`` mapping."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise DefinitionError(f"{origin}, field 'targets': a mapping of KPI key to target")
    out = []
    for key, spec in raw.items():
        if isinstance(spec, int | float):
            out.append(Target(str(key), float(spec)))
            continue
        if not isinstance(spec, dict) or not isinstance(spec.get("value"), int | float):
            raise DefinitionError(f"{origin}, targets.{key}: give a number or {{value: ...}}")
        out.append(Target(str(key), float(spec["value"])))
        for segment in spec.get("segments", []) or []:
            where = segment.get("where") if isinstance(segment, dict) else None
            if not isinstance(where, dict) or not isinstance(segment.get("value"), int | float):
                raise DefinitionError(
                    f"{origin}, targets.{key}.segments: give {{where: {{DIM: VALUE}}, value: N}}"
                )
            pairs = tuple(sorted((str(k), str(v)) for k, v in where.items()))
            out.append(Target(str(key), float(segment["value"]), pairs))
    return out


def load_file(path: Path) -> tuple[list[cat.Kpi], list[Target]]:
    """Custom KPIs and targets declared in the KPI file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise DefinitionError(f"KUNDEPULS_KPI_FILE {path}: cannot read it ({error})") from None
    except yaml.YAMLError as error:
        raise DefinitionError(f"KUNDEPULS_KPI_FILE {path}: not valid YAML ({error})") from None
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path}: expected the keys 'kpis' and/or 'targets'")
    definitions = raw.get("kpis") or []
    if not isinstance(definitions, list):
        raise DefinitionError(f"{path}, field 'kpis': a list of KPI definitions")
    kpis = [build(d, f"{path.name}: kpis[{i}]") for i, d in enumerate(definitions)]
    return kpis, parse_targets(raw.get("targets"), path.name)
