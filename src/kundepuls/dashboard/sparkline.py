"""A sparkline as SVG geometry, drawn on the server so it shows without JavaScript.

The line joins the periods that have a value (a period without data breaks it), the band
is each period's 95 % interval, and a dashed line marks the target when there is one.

>>> from datetime import date
>>> from kundepuls.dashboard.service import Point
>>> pts = [Point(date(2026, 11, d), v, v - 1, v + 1, 50, False) for d, v in [(2, 1.0), (9, 3.0)]]
>>> s = shape(pts, None)
>>> s.lines
['0.0,28.0 200.0,12.0']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kundepuls.dashboard.service import Point

WIDTH, HEIGHT, PAD = 200.0, 40.0, 4.0


@dataclass(frozen=True)
class Shape:
    """Polyline point lists, band polygons, the target's y and the last point."""

    lines: list[str]
    bands: list[str]
    target_y: float | None
    last: tuple[float, float] | None
    low_points: list[tuple[float, float]]


def _finite(*values: float) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def shape(points: Sequence[Point], target: float | None) -> Shape:
    """Coordinates in a ``WIDTH`` × ``HEIGHT`` box for the sparkline of ``points``."""
    ys = [v for p in points for v in (p.value, p.low, p.high) if _finite(v)]
    if target is not None and ys:
        ys.append(target)
    if not ys:
        return Shape([], [], None, None, [])
    top, bottom = max(ys), min(ys)
    if top == bottom:
        top, bottom = top + 1, bottom - 1
    step = WIDTH / max(len(points) - 1, 1)

    def y(value: float) -> float:
        return round(PAD + (top - value) / (top - bottom) * (HEIGHT - 2 * PAD), 1)

    lines: list[str] = []
    bands: list[str] = []
    run: list[str] = []
    band: list[tuple[float, float, float]] = []
    low_points = []
    for i, p in enumerate(points):
        x = round(i * step, 1)
        if not _finite(p.value):
            lines, bands, run, band = _flush(lines, bands, run, band)
            continue
        run.append(f"{x},{y(p.value)}")
        if p.low_sample:
            low_points.append((x, y(p.value)))
        if _finite(p.low, p.high):
            band.append((x, y(p.low), y(p.high)))
    lines, bands, _, _ = _flush(lines, bands, run, band)
    last = next(
        ((round(i * step, 1), y(p.value)) for i, p in reversed(list(enumerate(points)))
         if _finite(p.value)),
        None,
    )  # fmt: skip
    return Shape(lines, bands, y(target) if target is not None else None, last, low_points)


def _flush(
    lines: list[str], bands: list[str], run: list[str], band: list[tuple[float, float, float]]
) -> tuple[list[str], list[str], list[str], list[tuple[float, float, float]]]:
    if len(run) == 1:  # a lone period: a short tick so it is visible
        x, value = run[0].split(",")
        run = [f"{float(x) - 2},{value}", f"{float(x) + 2},{value}"]
    if run:
        lines.append(" ".join(run))
    if len(band) >= 2:
        upper = [f"{x},{hi}" for x, _lo, hi in band]
        lower = [f"{x},{lo}" for x, lo, _hi in reversed(band)]
        bands.append(" ".join(upper + lower))
    return lines, bands, [], []
