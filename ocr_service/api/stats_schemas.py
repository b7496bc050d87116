"""Public shapes of the digitization statistics and the operations figures (API, CSV and dashboard)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class IndicatorValue(BaseModel):
    key: str
    name: str
    numerator: int
    denominator: int
    rate: float | None = Field(description="numerator ÷ denominator; null when the denominator is 0 (no data)")
    score: float | None = Field(description="max_points from 80 %; below, rate × max_points ÷ 80 %")
    max_points: float
    status: Literal["ok", "no_data"]


class Counts(BaseModel):
    received: int
    digitized: int
    result_required: int
    result_digitized: int
    reused: int


class Figures(BaseModel):
    indicators: list[IndicatorValue] = Field(description="over the mandatory dossiers")
    mandatory: Counts
    voluntary: Counts = Field(description="received before their level's rollout date: shown, not scored")


class LevelFigures(Figures):
    level: str
    level_name: str


class PeriodFigures(Figures):
    period: str
    start: date
    end: date


class UnitRow(Figures):
    row: str = Field(description="code@valid_from: the unit version this row counts")
    unit_code: str
    unit_name: str
    level: str
    valid_from: date
    valid_to: date | None
    relation: Literal["direct", "child", "predecessor"]
    drill: str | None = Field(description="query string of the same statistics one level down, if there is one")
    dossiers: str = Field(description="query string of the list of this row's dossiers (add indicator and subset)")


class Scope(BaseModel):
    unit_code: str | None
    unit_name: str | None
    level: str | None
    rollup: Literal["historical", "current"]


class PeriodRange(BaseModel):
    start: date
    end: date
    group_by: str
    timezone: str = "Asia/Ho_Chi_Minh"


class ChartEvent(BaseModel):
    date: date
    kind: Literal["rollout", "reorganization"]
    level: str
    label: str


class DigitizationStats(BaseModel):
    scope: Scope
    period: PeriodRange
    rollout_dates: dict[str, date]
    full_points_at: float
    max_points: dict[str, float]
    events: list[ChartEvent]
    summary: Figures
    by_level: list[LevelFigures]
    series: list[PeriodFigures]
    rows: list[UnitRow]
    query: str = Field(description="this statistics' query string, for links")


class ReasonPublic(BaseModel):
    code: str
    text: str


class AttachmentExplained(BaseModel):
    document_id: str
    filename: str
    role: str
    status: str
    reused: bool
    has_record: bool
    error_code: str | None
    state: Literal["done", "reused", "pending", "failed", "no_record"]
    digitized: bool


class DossierExplained(BaseModel):
    code: str
    procedure_code: str
    procedure_name: str
    unit_code: str
    unit_name: str | None
    level: str | None
    received_at: datetime
    received_day: date = Field(description="the day in Vietnam that dates the dossier")
    mandatory: bool
    row: str
    counted: dict[str, bool | None] = Field(description="per indicator: in its numerator (true/false), or not in its denominator (null)")
    reason_codes: list[str]
    reasons: list[ReasonPublic]
    explanation: str
    components: list[AttachmentExplained]
    results: list[AttachmentExplained]


class DossierList(BaseModel):
    indicator: str
    subset: str
    total: int
    limit: int
    offset: int
    items: list[DossierExplained]


class WorkerStatus(BaseModel):
    name: str
    state: str
    last_heartbeat: datetime | None
    healthy: bool


class OperationsFigures(BaseModel):
    at: datetime
    mode: Literal["embedded", "service"]
    queue_depth: int
    documents_by_status: dict[str, int]
    failed_by_error_code: dict[str, int]
    pages_per_minute: float = Field(description="pages of documents finished in the last window_minutes, per minute")
    window_minutes: int
    pages_digitized_total: int
    latency_window_hours: int
    latency_count: int
    latency_p50_seconds: float | None
    latency_p95_seconds: float | None
    review_backlog: int
    review_oldest_age_seconds: float | None
    workers: list[WorkerStatus]
    workers_healthy: int
