"""The digitization statistics as the API, the CSV export and the dashboard serve them.

Validates a query against the units and the caller's scope, loads the rows
(``storage.stats``), computes (``ocr_service.indicators``) and shapes the result
(``api.stats_schemas``). The dashboard calls the same functions as the API, so their figures
cannot differ.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from ocr_service import indicators as ind
from ocr_service.api.stats_schemas import (
    AttachmentExplained,
    ChartEvent,
    Counts,
    DigitizationStats,
    DossierExplained,
    DossierList,
    Figures,
    IndicatorValue,
    LevelFigures,
    PeriodFigures,
    PeriodRange,
    ReasonPublic,
    Scope,
    UnitRow,
)
from ocr_service.domain import VIETNAM, AttachmentFacts, local_date
from ocr_service.errors import Forbidden, ValidationFailed
from storage import stats as stats_repo
from storage.reference import codes_within, is_within
from storage.seed import units as unit_seed

MAX_SPAN_DAYS = 10 * 366


def today_in_vietnam() -> date:
    return local_date(datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class StatsParams:
    """The query as a caller gives it (strings and optional dates), before checking."""

    unit: str | None = None
    level: str | None = None
    start: date | None = None
    end: date | None = None
    group_by: str = "month"
    rollup: str = "historical"

    def query_string(self, **changes: object) -> str:
        values = {"unit": self.unit, "level": self.level, "from": self.start, "to": self.end, "group_by": self.group_by, "rollup": self.rollup}
        values.update(changes)
        return urlencode({k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v not in (None, "")})


def check(params: StatsParams, *, viewer_unit: str | None, today: date) -> tuple[StatsParams, ind.StatsQuery]:
    """The checked query (defaults filled in), or a 4xx: unknown unit, reversed dates, outside the caller's scope."""
    end = params.end or today
    months = end.year * 12 + end.month - 1 - 11  # by default the twelve months to date
    start = params.start or date(months // 12, months % 12 + 1, 1)
    if start > end:
        raise ValidationFailed("from: must not be after to.")
    if (end - start).days > MAX_SPAN_DAYS:
        raise ValidationFailed("from, to: at most ten years at a time.")
    if params.level is not None and params.level not in unit_seed.LEVELS:
        raise ValidationFailed(f"level: one of {', '.join(unit_seed.LEVELS)}.")
    if params.group_by not in ind.GROUPINGS:
        raise ValidationFailed(f"group_by: one of {', '.join(ind.GROUPINGS)}.")
    if params.rollup not in ind.ROLLUPS:
        raise ValidationFailed(f"rollup: one of {', '.join(ind.ROLLUPS)}.")
    unit = params.unit or viewer_unit
    if unit is not None:
        versions = [u for u in unit_seed.all_units() if u.code == unit]
        if not versions:
            raise ValidationFailed(f"unit: no administrative unit with code {unit}.")
        if params.rollup == "current" and not any(u.valid_on(today) for u in versions):
            raise ValidationFailed(f"unit: {unit} no longer exists; use rollup=historical to see its history.")
        if viewer_unit is not None and not any(is_within(viewer_unit, unit, u.valid_from) for u in versions):
            raise Forbidden(f"Unit {unit} is outside your unit's scope.")
    checked = StatsParams(unit=unit, level=params.level, start=start, end=end, group_by=params.group_by, rollup=params.rollup)
    query = ind.StatsQuery(start=start, end=end, unit=unit, level=params.level, group_by=params.group_by, rollup=params.rollup, viewer_unit=viewer_unit)
    return checked, query


def _load(session: Session, query: ind.StatsQuery) -> list:
    codes: frozenset[str] | None = None
    for scope in (query.unit, query.viewer_unit):
        if scope is not None:
            codes = codes_within(scope) if codes is None else codes & codes_within(scope)
    start = datetime.combine(query.start, time(), VIETNAM)
    end = datetime.combine(query.end + timedelta(days=1), time(), VIETNAM)
    return stats_repo.load_dossier_facts(session, start=start, end=end, unit_codes=codes)


# --- statistics ----------------------------------------------------------------------------------


def _indicator_values(tally: ind.Tally, max_points: Mapping[str, float]) -> list[IndicatorValue]:
    return [
        IndicatorValue(
            key=i.key,
            name=ind.INDICATOR_NAMES[i.key],
            numerator=i.numerator,
            denominator=i.denominator,
            rate=None if i.rate is None else round(i.rate, 6),
            score=i.score,
            max_points=i.max_points,
            status="no_data" if i.rate is None else "ok",
        )
        for i in tally.indicators(max_points)
    ]


def _counts(tally: ind.Tally) -> Counts:
    return Counts(
        received=tally.received,
        digitized=tally.digitized,
        result_required=tally.result_required,
        result_digitized=tally.result_digitized,
        reused=tally.reused,
    )


def _figures(figures: ind.Figures, max_points: Mapping[str, float]) -> dict:
    return {
        "indicators": _indicator_values(figures.mandatory, max_points),
        "mandatory": _counts(figures.mandatory),
        "voluntary": _counts(figures.voluntary),
    }


def digitization(session: Session, params: StatsParams, query: ind.StatsQuery, *, today: date, max_points: Mapping[str, float]) -> DigitizationStats:
    report = ind.report(_load(session, query), query, today=today)
    rows = []
    for row, figures in report.rows:
        has_children = row.unit.level != "commune" and row.relation != "direct"
        rows.append(
            UnitRow(
                row=row.key,
                unit_code=row.unit.code,
                unit_name=row.unit.full_name,
                level=row.unit.level,
                valid_from=row.unit.valid_from,
                valid_to=row.unit.valid_to,
                relation=row.relation,  # type: ignore[arg-type]
                drill=params.query_string(unit=row.unit.code) if has_children else None,
                dossiers=params.query_string(row=row.key),
                **_figures(figures, max_points),
            )
        )
    return DigitizationStats(
        scope=Scope(
            unit_code=query.unit,
            unit_name=scope_name(query.unit, query),
            level=query.level,
            rollup=query.rollup,  # type: ignore[arg-type]
        ),
        period=PeriodRange(start=query.start, end=query.end, group_by=query.group_by),
        rollout_dates=dict(unit_seed.ROLLOUT_DATES),
        full_points_at=ind.FULL_POINTS_AT,
        max_points=dict(max_points),
        events=[ChartEvent(**e) for e in ind.events(query.start, query.end)],
        summary=Figures(**_figures(report.summary, max_points)),
        by_level=[
            LevelFigures(level=level, level_name=ind.LEVEL_NAMES[level], **_figures(figures, max_points))
            for level, figures in report.by_level.items()
            if query.level in (None, level)
        ],
        series=[PeriodFigures(period=p.label, start=p.start, end=p.end, **_figures(figures, max_points)) for p, figures in report.series],
        rows=rows,
        query=params.query_string(),
    )


def scope_versions(code: str, start: date, end: date) -> list[unit_seed.UnitSeed]:
    """The versions of a unit code in force during [start, end] (its last one if none was)."""
    versions = sorted((u for u in unit_seed.all_units() if u.code == code), key=lambda u: u.valid_from)
    during = [u for u in versions if u.valid_from <= end and (u.valid_to is None or u.valid_to > start)]
    return during or versions[-1:]


def scope_name(code: str | None, query: ind.StatsQuery) -> str | None:
    """"Tỉnh Bắc Giang → Tỉnh Bắc Ninh": every unit the code named during the period, in order."""
    if code is None:
        return None
    names: list[str] = []
    for unit in scope_versions(code, query.start, query.end):
        if unit.full_name not in names:
            names.append(unit.full_name)
    return " → ".join(names)


# --- the dossiers behind a figure ------------------------------------------------------------------


def _attachment(a: AttachmentFacts) -> AttachmentExplained:
    state = ind.attachment_state(a)
    return AttachmentExplained(
        document_id=a.document_id,
        filename=a.filename,
        role=a.role,
        status=a.status,
        reused=a.reused,
        has_record=a.has_record,
        error_code=a.error_code,
        state=state,  # type: ignore[arg-type]
        digitized=state in ind.DIGITIZED_STATES,
    )


def explain(a: ind.Assessment, row: ind.Row) -> DossierExplained:
    d = a.dossier
    return DossierExplained(
        code=d.code,
        procedure_code=d.procedure_code,
        procedure_name=d.procedure_name,
        unit_code=d.unit_code,
        unit_name=a.unit.full_name if a.unit else None,
        level=a.level,
        received_at=d.received_at,
        received_day=a.day,
        mandatory=a.mandatory,
        row=row.key,
        counted={k: (a.in_numerator(k) if a.in_denominator(k) else None) for k in ind.INDICATORS},
        reason_codes=list(a.reason_codes),
        reasons=[ReasonPublic(code=r.code, text=r.text) for r in a.reasons],
        explanation=a.explanation,
        components=[_attachment(x) for x in d.attachments if x.role == "component"],
        results=[_attachment(x) for x in d.attachments if x.role == "result"],
    )


@dataclass(frozen=True, slots=True)
class ListOptions:
    """Which dossiers behind a figure: the indicator, the subset of it, a drill-down row, a page."""

    indicator: str = ind.DOSSIER
    subset: str = "denominator"
    row: str | None = None
    limit: int = 100
    offset: int = 0


def dossiers(session: Session, query: ind.StatsQuery, *, today: date, options: ListOptions) -> DossierList:
    if options.indicator not in ind.INDICATORS:
        raise ValidationFailed(f"indicator: one of {', '.join(ind.INDICATORS)}.")
    if options.subset not in ind.SUBSETS:
        raise ValidationFailed(f"subset: one of {', '.join(ind.SUBSETS)}.")
    chosen = [
        (a, r)
        for a, r in ind.select(_load(session, query), query, today=today)
        if (options.row is None or r.key == options.row) and ind.in_subset(a, options.indicator, options.subset)
    ]
    return DossierList(
        indicator=options.indicator,
        subset=options.subset,
        total=len(chosen),
        limit=options.limit,
        offset=options.offset,
        items=[explain(a, r) for a, r in chosen[options.offset : options.offset + options.limit]],
    )


# --- CSV -------------------------------------------------------------------------------------------

_BOM = "\ufeff"  # so that spreadsheet programs read the Vietnamese as UTF-8


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def stats_csv(stats: DigitizationStats) -> str:
    """One line per figure set: the summary, each level, each period, each drill-down row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["section", "period", "start", "end", "row", "unit_code", "unit_name", "level", "relation"]
    for key in ind.INDICATORS:
        header += [f"{key}_numerator", f"{key}_denominator", f"{key}_rate", f"{key}_score", f"{key}_max_points"]
    writer.writerow([*header, "voluntary_received", "voluntary_digitized"])
    start, end = stats.period.start.isoformat(), stats.period.end.isoformat()
    scope = [stats.scope.unit_code or "", stats.scope.unit_name or ""]

    def line(prefix: list[str], figures: Figures) -> None:
        values: list[object] = []
        for i in figures.indicators:
            values += [i.numerator, i.denominator, _rate(i.rate), "" if i.score is None else f"{i.score:.4f}", i.max_points]
        writer.writerow([*prefix, *values, figures.voluntary.received, figures.voluntary.digitized])

    line(["summary", "", start, end, "", *scope, stats.scope.level or "", ""], stats.summary)
    for lf in stats.by_level:
        line(["level", "", start, end, "", *scope, lf.level, ""], lf)
    for pf in stats.series:
        line(["period", pf.period, pf.start.isoformat(), pf.end.isoformat(), "", *scope, stats.scope.level or "", ""], pf)
    for r in stats.rows:
        line(["unit", "", start, end, r.row, r.unit_code, r.unit_name, r.level, r.relation], r)
    return _BOM + out.getvalue()


def dossiers_csv(items: Iterable[DossierExplained]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["code", "procedure_code", "unit_code", "unit_name", "level", "received_at", "received_day", "mandatory", *ind.INDICATORS, "reason_codes", "explanation"]
    )
    for d in items:
        counted = ["" if d.counted[k] is None else int(bool(d.counted[k])) for k in ind.INDICATORS]
        writer.writerow(
            [d.code, d.procedure_code, d.unit_code, d.unit_name or "", d.level or "", d.received_at.isoformat(), d.received_day.isoformat(),
             int(d.mandatory), *counted, " ".join(d.reason_codes), d.explanation]
        )
    return _BOM + out.getvalue()
