"""The 766 indicators on hand-computed fixtures: pure logic, no database.

Units are the real seed (storage/seed/units.py): Tỉnh Bắc Giang (24) with Huyện Yên Thế (215)
and its Xã Tân Sỏi (07291) until 2025-07-01, when Tân Sỏi merged into the new Xã Yên Thế
(07288, under the new Bắc Ninh, 24). Rollout: province 2022-06-01, district 2022-12-01,
commune 2023-06-01.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ocr_service import indicators as ind
from ocr_service.domain import AttachmentFacts, DossierFacts

VN = timezone(timedelta(hours=7))
TODAY = date(2026, 1, 15)
TAN_SOI, YEN_THE_DISTRICT, PROVINCE, YEN_THE_COMMUNE, LUC_NAM = "07291", "215", "24", "07288", "218"


def att(role: str = "component", status: str = "done", *, record: bool | None = None, reused: bool = False, error: str | None = None, name: str = "") -> AttachmentFacts:
    has_record = status == "done" if record is None else record
    return AttachmentFacts(document_id=f"doc-{role}-{status}", role=role, status=status, has_record=has_record, reused=reused, error_code=error, filename=name)


def dossier(code: str, unit: str, received: datetime, *attachments: AttachmentFacts, result: bool = True) -> DossierFacts:
    return DossierFacts(
        id=code, code=code, procedure_code="DA06-09" if result else "DA06-03", procedure_name="thủ tục",
        returns_paper_result=result, unit_code=unit, received_at=received, attachments=attachments,
    )


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


# --- scoring ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(None, None), (0.0, 0.0), (0.4, 5.0), (0.5, 6.25), (0.79, 9.875), (0.8, 10.0), (0.95, 10.0), (1.0, 10.0)],
)
def test_score_full_points_from_80_percent(rate: float | None, expected: float | None) -> None:
    assert ind.score(rate, 10.0) == expected


def test_max_points_are_configurable_and_checked() -> None:
    from functools import partial

    from ocr_service.config import Settings as AnySettings

    Settings = partial(AnySettings, database_url=None, redis_url=None, s3_endpoint=None)  # not the service settings `make test` exports
    assert ind.max_points_from({"reuse": 4}) == {"dossier_digitization": 10.0, "result_digitization": 10.0, "reuse": 4.0}
    assert Settings(stats_max_points={"reuse": 4}).stats_max_points == {"reuse": 4.0}
    with pytest.raises(ValueError, match="unknown indicator"):
        Settings(stats_max_points={"speed": 3})
    with pytest.raises(ValueError, match="positive"):
        Settings(stats_max_points={"reuse": 0})


# --- rollout: the day before and the day of each level's start, in Vietnam time ---------------


@pytest.mark.parametrize(
    ("unit", "received", "mandatory"),
    [
        (PROVINCE, local(2022, 5, 31, 23, 30), False),
        (PROVINCE, local(2022, 6, 1, 0, 0), True),
        (YEN_THE_DISTRICT, local(2022, 11, 30, 23, 30), False),
        (YEN_THE_DISTRICT, local(2022, 12, 1), True),
        (YEN_THE_DISTRICT, local(2022, 6, 1), False),  # the province's date does not apply to a district
        (TAN_SOI, local(2023, 5, 31, 23, 30), False),
        (TAN_SOI, local(2023, 6, 1, 0, 10), True),
        (TAN_SOI, datetime(2023, 5, 31, 16, 30, tzinfo=UTC), False),  # 23:30 in Vietnam
        (TAN_SOI, datetime(2023, 5, 31, 20, 0, tzinfo=UTC), True),  # 03:00 on 1 June in Vietnam
        (TAN_SOI, datetime(2023, 5, 31, 20, 0), True),  # naive, as SQLite returns it: UTC
    ],
    ids=lambda v: v.isoformat() if isinstance(v, datetime) else str(v),
)
def test_rollout_by_level_on_the_day_in_vietnam(unit: str, received: datetime, mandatory: bool) -> None:
    a = ind.assess(dossier("D", unit, received, att()))
    assert a.mandatory is mandatory
    assert ("mandatory" if mandatory else "voluntary_before_rollout") in a.reason_codes


def test_voluntary_explanation_names_the_rollout_date() -> None:
    a = ind.assess(dossier("D", TAN_SOI, local(2023, 5, 31, 23, 30), att()))
    assert "31/05/2023" in a.explanation and "01/06/2023" in a.explanation and "tự nguyện" in a.explanation


# --- one dossier: what counts as digitized, and why ------------------------------------------


@pytest.mark.parametrize(
    ("attachments", "result", "digitized", "result_counted", "reused", "codes"),
    [
        ((att(), att("result")), True, True, True, False, {"components_digitized", "result_digitized", "no_reuse", "digitized"}),
        ((att(),), True, False, False, False, {"components_digitized", "result_missing", "not_digitized"}),
        ((att(), att("result", "queued")), True, False, False, False, {"result_not_digitized", "not_digitized"}),
        ((att(),), False, True, None, False, {"result_not_required", "digitized"}),
        ((), False, False, None, False, {"no_components", "not_digitized"}),
        ((att("result"),), True, False, True, False, {"no_components", "result_digitized", "not_digitized"}),
        ((att(), att(status="failed", error="corrupt_file")), False, False, None, False, {"components_not_digitized"}),
        ((att(status="processing"),), False, False, None, False, {"components_not_digitized"}),
        ((att(status="done", record=False),), False, False, None, False, {"components_not_digitized"}),
        ((att(status="done", reused=True),), False, True, None, True, {"component_reused", "digitized"}),
        ((att(status="queued", record=True, reused=True),), False, True, None, True, {"component_reused"}),  # re-OCR of a reused record
        ((att(status="queued", reused=True),), False, False, None, False, {"components_not_digitized", "no_reuse"}),
    ],
    ids=[
        "components-and-result", "result-missing", "result-pending", "no-paper-result", "no-components",
        "result-only", "component-failed", "component-processing", "done-without-record", "reused",
        "reused-being-reprocessed", "reused-without-record",
    ],
)
def test_assessment(attachments: tuple[AttachmentFacts, ...], result: bool, digitized: bool, result_counted: bool | None, reused: bool, codes: set[str]) -> None:
    a = ind.assess(dossier("D", TAN_SOI, local(2024, 3, 15), *attachments, result=result))
    assert a.in_numerator(ind.DOSSIER) is digitized
    assert a.in_denominator(ind.RESULT) is (result_counted is not None)
    if result_counted is not None:
        assert a.in_numerator(ind.RESULT) is result_counted
    assert a.in_numerator(ind.REUSE) is reused
    assert codes <= set(a.reason_codes), a.reason_codes


def test_failed_component_is_explained_with_its_error_code() -> None:
    a = ind.assess(dossier("D", TAN_SOI, local(2024, 3, 15), att(name="tờ khai.pdf"), att(status="failed", error="corrupt_file", name="giấy chứng sinh.jpg"), result=False))
    assert "1/2 thành phần chưa số hóa" in a.explanation
    assert "«giấy chứng sinh.jpg» xử lý lỗi (corrupt_file)" in a.explanation


def test_unknown_unit_is_not_counted() -> None:
    a = ind.assess(dossier("D", TAN_SOI, local(2025, 8, 1), att()))  # Tân Sỏi merged on 2025-07-01
    assert a.unit is None and a.reason_codes[0] == "unknown_unit"
    assert not {"mandatory", "voluntary_before_rollout", "digitized", "not_digitized"} & set(a.reason_codes)
    q = ind.StatsQuery(start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert ind.report([a.dossier], q, today=TODAY).summary.mandatory.received == 0


# --- a hand-computed period ------------------------------------------------------------------

# Mandatory in June 2023 (commune rollout 1 June):
#   A commune: component + result digitized             -> digitized, result digitized
#   B commune: component, no result (required)          -> not digitized, result missing
#   C commune: reused component, no paper result        -> digitized, reuse
#   D commune: component failed, no paper result        -> not digitized
#   E district: component + reused component + result   -> digitized, result digitized, reuse
#   F province: no component, result digitized          -> not digitized, result digitized
# Voluntary: G commune at 23:30 on 31 May (day before the commune rollout), digitized.
# Outside: H at 00:30 on 1 July in Vietnam (17:30 UTC on 30 June).
#
# dossier digitization 3/6 = 50 %  -> 50/80 × 10 = 6.25
# result digitization  3/4 = 75 %  -> 75/80 × 10 = 9.375     (A, B, E, F return a result)
# reuse                2/6 = 33.3 % -> 33.3/80 × 10 = 4.1667
FIXTURE = [
    dossier("A", TAN_SOI, local(2023, 6, 5), att(), att("result")),
    dossier("B", TAN_SOI, local(2023, 6, 6), att()),
    dossier("C", TAN_SOI, local(2023, 6, 7), att(reused=True), result=False),
    dossier("D", TAN_SOI, local(2023, 6, 8), att(status="failed", error="corrupt_file"), result=False),
    dossier("E", YEN_THE_DISTRICT, local(2023, 6, 9), att(), att(reused=True), att("result")),
    dossier("F", PROVINCE, local(2023, 6, 10), att("result")),
    dossier("G", TAN_SOI, local(2023, 5, 31, 23, 30), att(), result=False),
    dossier("H", TAN_SOI, datetime(2023, 6, 30, 17, 30, tzinfo=UTC), att(), result=False),
]
PERIOD = ind.StatsQuery(start=date(2023, 5, 1), end=date(2023, 6, 30), unit=PROVINCE)


def _values(tally: ind.Tally) -> dict[str, tuple[int, int, float | None, float | None]]:
    return {i.key: (i.numerator, i.denominator, None if i.rate is None else round(i.rate, 4), i.score) for i in tally.indicators(ind.DEFAULT_MAX_POINTS)}


def test_hand_computed_period() -> None:
    r = ind.report(FIXTURE, PERIOD, today=TODAY)
    assert _values(r.summary.mandatory) == {
        "dossier_digitization": (3, 6, 0.5, 6.25),
        "result_digitization": (3, 4, 0.75, 9.375),
        "reuse": (2, 6, 0.3333, 4.1667),
    }
    assert (r.summary.voluntary.received, r.summary.voluntary.digitized) == (1, 1)
    assert {level: (f.mandatory.received, f.mandatory.digitized) for level, f in r.by_level.items()} == {
        "commune": (4, 2), "district": (1, 1), "province": (1, 0),
    }


def test_monthly_series_with_a_month_of_no_data() -> None:
    r = ind.report(FIXTURE, PERIOD, today=TODAY)
    assert [p.label for p, _ in r.series] == ["2023-05", "2023-06"]
    may = r.series[0][1]
    assert _values(may.mandatory)["dossier_digitization"] == (0, 0, None, None)  # no data, not 0 %
    assert may.voluntary.received == 1
    assert _values(r.series[1][1].mandatory) == _values(r.summary.mandatory)


def test_zero_result_denominator_is_no_data() -> None:
    only_no_result = [d for d in FIXTURE if not d.returns_paper_result]
    r = ind.report(only_no_result, PERIOD, today=TODAY)
    assert _values(r.summary.mandatory)["result_digitization"] == (0, 0, None, None)
    assert _values(r.summary.mandatory)["dossier_digitization"] == (1, 2, 0.5, 6.25)


def test_drill_down_province_district_commune() -> None:
    rows = {row.key: (row.relation, f.mandatory.received, f.voluntary.received) for row, f in ind.report(FIXTURE, PERIOD, today=TODAY).rows}
    assert rows == {"24@2020-01-01": ("direct", 1, 0), "215@2020-01-01": ("child", 5, 1)}
    district = ind.StatsQuery(start=PERIOD.start, end=PERIOD.end, unit=YEN_THE_DISTRICT)
    rows = {row.key: (row.relation, f.mandatory.received, f.voluntary.received) for row, f in ind.report(FIXTURE, district, today=TODAY).rows}
    assert rows == {"215@2020-01-01": ("direct", 1, 0), "07291@2020-01-01": ("child", 4, 1)}


def test_level_filter_and_viewer_scope() -> None:
    communes = ind.StatsQuery(start=PERIOD.start, end=PERIOD.end, level="commune")
    assert ind.report(FIXTURE, communes, today=TODAY).summary.mandatory.received == 4
    other_district = ind.StatsQuery(start=PERIOD.start, end=PERIOD.end, viewer_unit=LUC_NAM)
    assert ind.report(FIXTURE, other_district, today=TODAY).summary.mandatory.received == 0
    own = ind.StatsQuery(start=PERIOD.start, end=PERIOD.end, viewer_unit=YEN_THE_DISTRICT)
    assert ind.report(FIXTURE, own, today=TODAY).summary.mandatory.received == 5  # not the province's own F


@pytest.mark.parametrize(
    ("indicator", "subset", "codes"),
    [
        (ind.DOSSIER, "denominator", "ABCDEF"),
        (ind.DOSSIER, "numerator", "ACE"),
        (ind.DOSSIER, "missing", "BDF"),
        (ind.DOSSIER, "voluntary", "G"),
        (ind.RESULT, "denominator", "ABEF"),
        (ind.RESULT, "missing", "B"),
        (ind.REUSE, "numerator", "CE"),
        (ind.DOSSIER, "all", "ABCDEFG"),
    ],
)
def test_every_figure_opens_to_its_dossiers(indicator: str, subset: str, codes: str) -> None:
    found = [a.dossier.code for a, _row in ind.select(FIXTURE, PERIOD, today=TODAY) if ind.in_subset(a, indicator, subset)]
    assert "".join(sorted(found)) == codes


# --- the unit that changed on 2025-07-01 -------------------------------------------------------

REFORM = [
    dossier("old", TAN_SOI, local(2025, 6, 30, 23, 30), att(), result=False),  # Tân Sỏi, under Huyện Yên Thế
    dossier("new", YEN_THE_COMMUNE, local(2025, 7, 1, 0, 30), att(), result=False),  # the new Xã Yên Thế
    dossier("district", YEN_THE_DISTRICT, local(2025, 6, 2), att(), result=False),  # the district's own shop
]
AROUND = dict(start=date(2025, 6, 1), end=date(2025, 7, 31))


def _rows(query: ind.StatsQuery) -> dict[str, tuple[str, list[str]]]:
    found: dict[str, tuple[str, list[str]]] = {}
    for a, row in ind.select(REFORM, query, today=TODAY):
        found.setdefault(row.key, (row.relation, []))[1].append(a.dossier.code)
    return found


def test_before_and_after_the_change_counted_under_the_units_of_the_day() -> None:
    assert _rows(ind.StatsQuery(**AROUND, unit=PROVINCE)) == {
        "215@2020-01-01": ("child", ["old", "district"]),
        "07288@2025-07-01": ("child", ["new"]),
    }
    assert _rows(ind.StatsQuery(**AROUND, unit=PROVINCE, level="commune")) == {
        "215@2020-01-01": ("child", ["old"]),
        "07288@2025-07-01": ("child", ["new"]),
    }
    assert _rows(ind.StatsQuery(**AROUND, unit=YEN_THE_DISTRICT)) == {
        "07291@2020-01-01": ("child", ["old"]),
        "215@2020-01-01": ("direct", ["district"]),
    }
    # Today's Xã Yên Thế includes the history of the communes merged into it.
    assert _rows(ind.StatsQuery(**AROUND, unit=YEN_THE_COMMUNE)) == {
        "07288@2025-07-01": ("direct", ["new"]),
        "07291@2020-01-01": ("predecessor", ["old"]),
    }
    monthly = ind.report(REFORM, ind.StatsQuery(**AROUND, unit=PROVINCE), today=TODAY).series
    assert [(p.label, f.mandatory.received) for p, f in monthly] == [("2025-06", 2), ("2025-07", 1)]


def test_rolled_up_to_todays_units() -> None:
    assert _rows(ind.StatsQuery(**AROUND, unit=PROVINCE, rollup="current")) == {
        "24@2025-07-01": ("direct", ["district"]),  # the district level ended: its shop rolls up to the province
        "07288@2025-07-01": ("child", ["old", "new"]),
    }
    assert _rows(ind.StatsQuery(**AROUND, unit=YEN_THE_COMMUNE, rollup="current")) == {
        "07288@2025-07-01": ("direct", ["old", "new"]),
    }
    whole = _rows(ind.StatsQuery(**AROUND, rollup="current"))
    assert whole == {"24@2025-07-01": ("child", ["old", "new", "district"])}


# --- periods and chart marks -----------------------------------------------------------------


def test_periods_are_clipped_to_the_range() -> None:
    months = ind.periods(date(2024, 1, 15), date(2024, 3, 10), "month")
    assert [(p.label, p.start.isoformat(), p.end.isoformat()) for p in months] == [
        ("2024-01", "2024-01-15", "2024-01-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2024-03", "2024-03-01", "2024-03-10"),
    ]
    assert [p.label for p in ind.periods(date(2024, 2, 1), date(2024, 12, 31), "quarter")] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert [p.label for p in ind.periods(date(2023, 6, 1), date(2024, 1, 1), "year")] == ["2023", "2024"]
    assert ind.periods(date(2024, 1, 1), date(2024, 12, 31), "none") == []


def test_chart_marks_in_range() -> None:
    marks = ind.events(date(2023, 1, 1), date(2025, 12, 31))
    assert [(m["date"], m["kind"]) for m in marks] == [("2023-06-01", "rollout"), ("2025-07-01", "reorganization")]


def test_lookups_by_stretch_are_exact() -> None:
    """Units are looked up on the first day of the stretch a day falls in: the same answer, every day."""
    from storage.seed import units

    codes = sorted({u.code for u in units.all_units()})
    day = date(2019, 12, 25)
    while day < date(2026, 3, 1):
        stretch = ind.stretch_start(day)
        for code in codes:
            assert units.unit_on(code, day) == units.unit_on(code, stretch), (code, day)
            if units.unit_on(code, day) is not None:
                assert units.ancestors(code, day) == units.ancestors(code, stretch), (code, day)
        day += timedelta(days=3)
    assert ind.stretch_start(date(2025, 6, 30)) == date(2025, 1, 1) and ind.stretch_start(date(2025, 7, 1)) == date(2025, 7, 1)
