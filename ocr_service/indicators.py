"""Digitization indicators of Decision 766/QĐ-TTg, computed exactly and explainably.

Pure functions over plain rows (``domain.DossierFacts``, loaded by ``storage.stats``): no
database, no clock except the ``today`` they are given. README "Digitization indicators" has
the same definitions for readers of the API.

Definitions
    Day of a dossier: the calendar day in Vietnam (UTC+7) of ``received_at``. Periods and
    rollout dates compare days, so a dossier received at 23:30 on 31/05/2023 (Vietnam time)
    belongs to May and to the day before the commune rollout, whatever the offset it was sent in.

    Unit and level: the unit version valid on that day (``storage.seed.units``); its level
    decides the rollout date, its ancestors on that day place it in the drill-down.

    Mandatory or voluntary: a dossier counts toward the rates only from its level's rollout
    date (``ROLLOUT_DATES``: province 2022-06-01, district 2022-12-01, commune 2023-06-01).
    Earlier dossiers are counted apart, as voluntary, with the same figures but no score.

    Digitized attachment: its document reached status ``done`` and has its record; a reused
    attachment (``POST /v1/dossiers/{code}/reuse``, which accepts only a digitized document)
    counts as digitized while its document has its record. Anything else is not: uploaded,
    queued or processing (``pending``), ``failed`` (with its error code), or done without a
    record (``no_record``, which the state machine should never produce).

    Components digitized: the dossier has at least one component and every one is digitized.
    Result digitized: at least one result attached and every result digitized.
    Result required: the procedure returns a paper result (``returns_paper_result``).

    Indicators, over the mandatory dossiers received in the period:
    - dossier digitization: components digitized and, when a result is required, result
      digitized ÷ dossiers received;
    - result digitization: result digitized ÷ dossiers whose procedure returns a result;
    - reuse: at least one component reused ÷ dossiers received.
    A zero denominator is "no data" (rate and score None), never 0 %.

Scoring (as Decision 766 scores an indicator, per issue #7): a rate of 80 % or more earns the
indicator's full points; below, rate × max points ÷ 80 %. The max points per indicator are
``DEFAULT_MAX_POINTS``: equal weights of 10 chosen by us, not taken from the decision's
appendix; set the real ones with ``OCR_STATS_MAX_POINTS`` (see ``config.Settings``).

Units through history: ``rollup="historical"`` counts each dossier under the units that
existed on its day (a district before 2025-07-01, the new commune after); ``"current"`` maps
each dossier's unit through its successor chain to the unit valid today, and a unit whose chain
ends (a district: the level was abolished) to its nearest ancestor that has one (the province).
"""

from __future__ import annotations

import bisect
import calendar
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from ocr_service.domain import DIGITIZATION_INDICATORS, AttachmentFacts, DocumentStatus, DossierFacts, local_date
from storage.reference import is_within
from storage.seed import units as unit_seed
from storage.seed.units import REFORM_2025, ROLLOUT_DATES, UnitSeed

DOSSIER, RESULT, REUSE = INDICATORS = DIGITIZATION_INDICATORS
INDICATOR_NAMES = {
    DOSSIER: "Tỷ lệ số hóa hồ sơ",
    RESULT: "Tỷ lệ số hóa kết quả",
    REUSE: "Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
}
FULL_POINTS_AT = 0.80
DEFAULT_MAX_POINTS: Mapping[str, float] = {DOSSIER: 10.0, RESULT: 10.0, REUSE: 10.0}

LEVEL_NAMES = {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã"}
GROUPINGS = ("month", "quarter", "year", "none")
ROLLUPS = ("historical", "current")
SUBSETS = ("denominator", "numerator", "missing", "voluntary", "all")

# Attachment states; the first two are digitized.
DONE, REUSED, PENDING, FAILED, NO_RECORD = "done", "reused", "pending", "failed", "no_record"
DIGITIZED_STATES = frozenset({DONE, REUSED})


def score(rate: float | None, max_points: float) -> float | None:
    """766's rule: full points from 80 %; below, rate × max ÷ 80 %. No data, no score."""
    if rate is None:
        return None
    if rate >= FULL_POINTS_AT:
        return max_points
    return round(rate * max_points / FULL_POINTS_AT, 4)


def vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# Units change only on a few dates: between two of them every lookup gives the same answer, so
# lookups are made (and cached) on the first day of the stretch a day falls in. Exact, and it
# turns tens of thousands of dossier-days into a handful of keys.
_CHANGES = sorted({u.valid_from for u in unit_seed.all_units()} | {u.valid_to for u in unit_seed.all_units() if u.valid_to})


def stretch_start(day: date) -> date:
    """The first day of the stretch of days with the same units as ``day``."""
    i = bisect.bisect_right(_CHANGES, day) - 1
    return _CHANGES[i] if i >= 0 else day


@lru_cache(maxsize=4096)
def _unit_on(code: str, stretch: date) -> UnitSeed | None:
    return unit_seed.unit_on(code, stretch)


# --- one dossier ---------------------------------------------------------------------------------


def attachment_state(attachment: AttachmentFacts) -> str:
    if attachment.reused and attachment.has_record:
        return REUSED
    if attachment.status == DocumentStatus.DONE.value:
        return DONE if attachment.has_record else NO_RECORD
    if attachment.status == DocumentStatus.FAILED.value:
        return FAILED
    return PENDING


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str  # Vietnamese, for people


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the indicators make of one dossier; ``reasons`` says why (built only when asked)."""

    dossier: DossierFacts
    day: date
    unit: UnitSeed | None  # None: no unit with this code on that day (not counted at all)
    mandatory: bool
    component_states: tuple[str, ...]
    result_states: tuple[str, ...]

    @property
    def level(self) -> str | None:
        return self.unit.level if self.unit else None

    @property
    def components_digitized(self) -> bool:
        return bool(self.component_states) and all(s in DIGITIZED_STATES for s in self.component_states)

    @property
    def result_required(self) -> bool:
        return self.dossier.returns_paper_result

    @property
    def result_digitized(self) -> bool:
        return bool(self.result_states) and all(s in DIGITIZED_STATES for s in self.result_states)

    @property
    def reused(self) -> bool:
        return REUSED in self.component_states

    @property
    def digitized(self) -> bool:
        return self.components_digitized and (self.result_digitized or not self.result_required)

    def in_denominator(self, indicator: str) -> bool:
        return indicator != RESULT or self.result_required

    def in_numerator(self, indicator: str) -> bool:
        if indicator == DOSSIER:
            return self.digitized
        if indicator == RESULT:
            return self.result_required and self.result_digitized
        return self.reused

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return _reasons(self)

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    @property
    def explanation(self) -> str:
        return " ".join(r.text for r in self.reasons)


def assess(dossier: DossierFacts) -> Assessment:
    """Classify one dossier: its day in Vietnam, its unit then, mandatory or not, its attachments' states."""
    day = local_date(dossier.received_at)
    unit = _unit_on(dossier.unit_code, stretch_start(day))
    return Assessment(
        dossier=dossier,
        day=day,
        unit=unit,
        mandatory=unit is not None and day >= ROLLOUT_DATES[unit.level],
        component_states=tuple(attachment_state(a) for a in dossier.attachments if a.role == "component"),
        result_states=tuple(attachment_state(a) for a in dossier.attachments if a.role == "result"),
    )


_STATE_TEXT = {
    PENDING: "đang chờ xử lý",
    FAILED: "xử lý lỗi",
    NO_RECORD: "xong nhưng không có bản ghi",
}


def _describe(attachments: list[AttachmentFacts]) -> str:
    parts = []
    for a in attachments:
        state = attachment_state(a)
        if state in DIGITIZED_STATES:
            continue
        detail = _STATE_TEXT[state] + (f" ({a.error_code})" if state == FAILED and a.error_code else "")
        parts.append(f"«{a.filename or a.document_id[:8]}» {detail}")
    return "; ".join(parts)


def _reasons(a: Assessment) -> tuple[Reason, ...]:
    """Machine-readable reason codes, each with its Vietnamese sentence, in reading order."""
    d, day, unit = a.dossier, a.day, a.unit
    components = [x for x in d.attachments if x.role == "component"]
    results = [x for x in d.attachments if x.role == "result"]
    reasons: list[Reason] = []

    if unit is None:
        reasons.append(Reason("unknown_unit", f"Không có đơn vị mã {d.unit_code} vào ngày {vn_date(day)}: hồ sơ không được tính."))
    else:
        start, level = ROLLOUT_DATES[unit.level], LEVEL_NAMES[unit.level]
        where = f"Tiếp nhận ngày {vn_date(day)} tại {unit.full_name} ({level}),"
        if a.mandatory:
            reasons.append(Reason("mandatory", f"{where} từ ngày bắt buộc số hóa của {level} ({vn_date(start)}): được tính vào tỷ lệ."))
        else:
            reasons.append(Reason("voluntary_before_rollout", f"{where} trước ngày bắt buộc số hóa của {level} ({vn_date(start)}): chỉ tính là tự nguyện."))

    if not components:
        reasons.append(Reason("no_components", "Chưa có thành phần hồ sơ nào được đính kèm."))
    elif a.components_digitized:
        reasons.append(Reason("components_digitized", f"Cả {len(components)} thành phần hồ sơ đã số hóa."))
    else:
        missing = sum(s not in DIGITIZED_STATES for s in a.component_states)
        reasons.append(Reason("components_not_digitized", f"{missing}/{len(components)} thành phần chưa số hóa: {_describe(components)}."))

    if not a.result_required:
        reasons.append(Reason("result_not_required", "Thủ tục không trả kết quả giấy: không xét số hóa kết quả."))
    elif a.result_digitized:
        reasons.append(Reason("result_digitized", "Kết quả giải quyết đã số hóa."))
    elif not results:
        reasons.append(Reason("result_missing", "Thủ tục trả kết quả giấy nhưng chưa có kết quả nào được đính kèm."))
    else:
        reasons.append(Reason("result_not_digitized", f"Kết quả chưa số hóa: {_describe(results)}."))

    reused = sum(s == REUSED for s in a.component_states)
    if reused:
        reasons.append(Reason("component_reused", f"{reused} thành phần dùng lại từ dữ liệu đã số hóa."))
    else:
        reasons.append(Reason("no_reuse", "Không có thành phần nào dùng lại dữ liệu đã số hóa."))

    if unit is not None:
        if a.digitized:
            reasons.append(Reason("digitized", "Hồ sơ được tính là đã số hóa."))
        else:
            reasons.append(Reason("not_digitized", "Hồ sơ chưa được tính là đã số hóa."))
    return tuple(reasons)


# --- counting ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str
    numerator: int
    denominator: int
    max_points: float

    @property
    def rate(self) -> float | None:
        return None if self.denominator == 0 else self.numerator / self.denominator

    @property
    def score(self) -> float | None:
        return score(self.rate, self.max_points)


@dataclass(slots=True)
class Tally:
    received: int = 0
    digitized: int = 0
    result_required: int = 0
    result_digitized: int = 0
    reused: int = 0

    def add(self, a: Assessment) -> None:
        self.received += 1
        self.digitized += a.digitized
        self.result_required += a.result_required
        self.result_digitized += a.result_required and a.result_digitized
        self.reused += a.reused

    def indicators(self, max_points: Mapping[str, float]) -> tuple[Indicator, ...]:
        return (
            Indicator(DOSSIER, self.digitized, self.received, max_points[DOSSIER]),
            Indicator(RESULT, self.result_digitized, self.result_required, max_points[RESULT]),
            Indicator(REUSE, self.reused, self.received, max_points[REUSE]),
        )


@dataclass(slots=True)
class Figures:
    """Mandatory dossiers (the rates and scores) and voluntary ones (before rollout), apart."""

    mandatory: Tally = field(default_factory=Tally)
    voluntary: Tally = field(default_factory=Tally)

    def add(self, a: Assessment) -> None:
        (self.mandatory if a.mandatory else self.voluntary).add(a)


# --- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    label: str  # "2024-03", "2024-Q1", "2024"
    start: date
    end: date  # inclusive


def period_of(day: date, group_by: str) -> Period:
    if group_by == "month":
        first, last = date(day.year, day.month, 1), date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        return Period(f"{day.year}-{day.month:02d}", first, last)
    if group_by == "quarter":
        q = (day.month - 1) // 3
        first = date(day.year, 3 * q + 1, 1)
        end_month = 3 * q + 3
        return Period(f"{day.year}-Q{q + 1}", first, date(day.year, end_month, calendar.monthrange(day.year, end_month)[1]))
    if group_by == "year":
        return Period(str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown grouping {group_by!r}")


def periods(start: date, end: date, group_by: str) -> list[Period]:
    """The periods covering [start, end], clipped to it (a partial first or last period)."""
    if group_by == "none":
        return []
    found: list[Period] = []
    day = start
    while day <= end:
        p = period_of(day, group_by)
        found.append(Period(p.label, max(p.start, start), min(p.end, end)))
        day = date.fromordinal(p.end.toordinal() + 1)
    return found


# --- scope and drill-down ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatsQuery:
    start: date
    end: date  # inclusive
    unit: str | None = None  # the scope: this unit and the units below it (through history)
    level: str | None = None  # only dossiers received at this level
    group_by: str = "month"
    rollup: str = "historical"
    viewer_unit: str | None = None  # the principal's unit: it sees only its scope


@dataclass(frozen=True, slots=True)
class Row:
    """A drill-down row: a unit version under the scope, and how it relates to the scope."""

    unit: UnitSeed
    relation: str  # "child" (a unit below), "direct" (received at the scope unit itself), "predecessor" (merged into it)

    @property
    def key(self) -> str:
        return f"{self.unit.code}@{self.unit.valid_from.isoformat()}"


class Placer:
    """Puts assessed dossiers in scope and in drill-down rows; memoizes unit lookups for one query."""

    def __init__(self, query: StatsQuery, *, today: date) -> None:
        self.query = query
        self.today = today
        self._within: dict[tuple[str | None, str, date], bool] = {}
        self._paths: dict[tuple[str, date], tuple[UnitSeed, ...]] = {}

    def within(self, scope: str | None, code: str, day: date) -> bool:
        key = (scope, code, stretch_start(day))
        if key not in self._within:
            self._within[key] = is_within(scope, code, key[2])
        return self._within[key]

    def selects(self, a: Assessment) -> bool:
        q = self.query
        return (
            a.unit is not None
            and q.start <= a.day <= q.end
            and (q.level is None or a.level == q.level)
            and self.within(q.viewer_unit, a.dossier.unit_code, a.day)
            and self.within(q.unit, a.dossier.unit_code, a.day)
        )

    def path(self, a: Assessment) -> tuple[UnitSeed, ...]:
        """The dossier's unit and its ancestors, top-down: on its day, or rolled up to today's units."""
        assert a.unit is not None
        key = (a.unit.code, stretch_start(a.day))
        if key not in self._paths:
            if self.query.rollup == "current":
                self._paths[key] = self._current_path(a.unit, key[1])
            else:
                self._paths[key] = (*reversed(unit_seed.ancestors(a.unit.code, key[1])), a.unit)
        return self._paths[key]

    def _current_path(self, unit: UnitSeed, day: date) -> tuple[UnitSeed, ...]:
        for candidate in (unit, *unit_seed.ancestors(unit.code, day)):
            code = unit_seed.current_successor(candidate.code, today=self.today)
            if code is not None:
                now = unit_seed.unit_on(code, self.today)
                assert now is not None
                return (*reversed(unit_seed.ancestors(code, self.today)), now)
        raise ValueError(f"unit {unit.code} rolls up to no unit valid on {self.today}")

    def row(self, a: Assessment) -> Row:
        path = self.path(a)
        scope = self.query.unit
        if scope is None:
            return Row(path[0], "child")
        for i, unit in enumerate(path):
            if unit.code == scope:
                return Row(unit, "direct") if i == len(path) - 1 else Row(path[i + 1], "child")
        # In the scope through succession only (merged into it): the highest unit that is.
        for unit in path:
            if self.within(scope, unit.code, a.day):
                return Row(unit, "predecessor")
        return Row(path[-1], "predecessor")


# --- the report ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    query: StatsQuery
    summary: Figures
    by_level: dict[str, Figures]
    series: list[tuple[Period, Figures]]
    rows: list[tuple[Row, Figures]]


def select(dossiers: Iterable[DossierFacts], query: StatsQuery, *, today: date) -> Iterator[tuple[Assessment, Row]]:
    """The dossiers a query covers, assessed, each with its drill-down row. Reports and lists share it."""
    placer = Placer(query, today=today)
    for dossier in dossiers:
        a = assess(dossier)
        if placer.selects(a):
            yield a, placer.row(a)


def report(dossiers: Iterable[DossierFacts], query: StatsQuery, *, today: date) -> Report:
    summary = Figures()
    by_level = {level: Figures() for level in unit_seed.LEVELS}
    buckets = periods(query.start, query.end, query.group_by)
    series = {p.label: Figures() for p in buckets}
    rows: dict[str, tuple[Row, Figures]] = {}
    for a, row in select(dossiers, query, today=today):
        summary.add(a)
        by_level[a.level or ""].add(a)
        if buckets:
            series[period_of(a.day, query.group_by).label].add(a)
        rows.setdefault(row.key, (row, Figures()))[1].add(a)
    ordered = sorted(
        rows.values(),
        key=lambda item: (_RELATION_ORDER[item[0].relation], unit_seed.LEVELS.index(item[0].unit.level), item[0].unit.code, item[0].unit.valid_from),
    )
    return Report(query, summary, by_level, [(p, series[p.label]) for p in buckets], ordered)


_RELATION_ORDER = {"direct": 0, "child": 1, "predecessor": 2}


def in_subset(a: Assessment, indicator: str, subset: str) -> bool:
    """Which dossiers stand behind a figure: the denominator, the numerator, the difference, the voluntary."""
    if subset == "all":
        return True
    if subset == "voluntary":
        return not a.mandatory and a.in_denominator(indicator)
    if not a.mandatory or not a.in_denominator(indicator):
        return False
    if subset == "denominator":
        return True
    counted = a.in_numerator(indicator)
    return counted if subset == "numerator" else not counted


def events(start: date, end: date) -> list[dict[str, str]]:
    """Dates worth marking on a trend chart within [start, end]: the rollouts and the 2025 reform."""
    marks = [
        {"date": day.isoformat(), "kind": "rollout", "level": level, "label": f"Bắt buộc {LEVEL_NAMES[level]}"}
        for level, day in ROLLOUT_DATES.items()
    ]
    marks.append({"date": REFORM_2025.isoformat(), "kind": "reorganization", "level": "", "label": "Sắp xếp ĐVHC"})
    return [m for m in marks if start <= date.fromisoformat(m["date"]) <= end]


def max_points_from(overrides: Mapping[str, float] | None) -> dict[str, float]:
    """The defaults with the configured ones (``Settings`` has checked their keys and values)."""
    return {**DEFAULT_MAX_POINTS, **{k: float(v) for k, v in (overrides or {}).items()}}
