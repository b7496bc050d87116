"""Trend charts drawn on the server as inline SVG: no chart library, no network.

``trend_chart`` turns a series of (period, rate) into the geometry a template draws: a polyline
per run of periods with data (a period with no data breaks the line rather than dropping to 0),
a dot per period, the 80 % line where full points start, and vertical marks on the rollout
dates and the 2025 reorganization, placed inside their month by day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 400, 190
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 12, 30


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    label: str  # "tháng 6/2023: 81,2 % (130/160)"


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    label: str
    kind: str


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    lines: tuple[str, ...]  # SVG polyline points
    dots: tuple[Dot, ...]
    marks: tuple[Mark, ...]
    ticks: tuple[Tick, ...]
    y_ticks: tuple[tuple[float, str], ...]
    threshold_y: float
    empty: bool


@dataclass(frozen=True, slots=True)
class Point:
    start: date  # first day of the period
    end: date
    rate: float | None
    label: str  # the dot's tooltip


def _y(rate: float) -> float:
    return TOP + (1 - rate) * (HEIGHT - TOP - BOTTOM)


def trend_chart(points: Sequence[Point], events: Sequence[tuple[date, str, str]], *, threshold: float = 0.8) -> Chart:
    """``events``: (date, label, kind). Periods are equally wide; a mark sits at its day within its period."""
    n = max(len(points), 1)
    step = (WIDTH - LEFT - RIGHT) / n

    def x_of(index: float) -> float:
        return LEFT + index * step

    dots, lines, run = [], [], []
    for i, p in enumerate(points):
        if p.rate is None:
            if run:
                lines.append(" ".join(run))
            run = []
            continue
        dot = Dot(round(x_of(i + 0.5), 1), round(_y(p.rate), 1), p.label)
        dots.append(dot)
        run.append(f"{dot.x},{dot.y}")
    if run:
        lines.append(" ".join(run))

    marks = []
    for day, label, kind in events:
        for i, p in enumerate(points):
            if p.start <= day <= p.end:
                span = (p.end - p.start).days + 1
                marks.append(Mark(round(x_of(i + (day - p.start).days / span), 1), label, kind))
                break

    every = max(1, round(n / 8))  # at most about eight labels under the axis
    ticks = tuple(Tick(round(x_of(i + 0.5), 1), _short(p.start, p.end)) for i, p in enumerate(points) if i % every == 0)
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        lines=tuple(lines),
        dots=tuple(dots),
        marks=tuple(marks),
        ticks=ticks,
        y_ticks=tuple((round(_y(v), 1), f"{int(v * 100)}%") for v in (0.0, 0.5, 1.0)),
        threshold_y=round(_y(threshold), 1),
        empty=not dots,
    )


def _short(start: date, end: date) -> str:
    """An axis label: "T6/23" for a month, "Q2/23" for a quarter, "2023" for a year."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months <= 1:
        return f"T{start.month}/{start.year % 100:02d}"
    if months <= 3:
        return f"Q{(start.month - 1) // 3 + 1}/{start.year % 100:02d}"
    return str(start.year)
