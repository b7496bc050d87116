"""The admins' digitization dashboard: 766 indicators with scores, monthly trends with the rollout
dates marked, a drill-down table, the dossiers behind each figure, and a live operations panel.

The figures come from ``ocr_service.stats`` and ``ocr_service.operations``, the functions the JSON
API serves, so the page and the API cannot disagree. Charts are inline SVG drawn here.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ocr_service import indicators as ind
from ocr_service import operations, stats
from ocr_service.api.deps import Principal, SessionDep, StateDep
from ocr_service.api.routes.stats import ListDep, ParamsDep
from ocr_service.api.stats_schemas import DigitizationStats, IndicatorValue
from ocr_service.errors import ValidationFailed
from ocr_service.web.charts import Point, trend_chart
from ocr_service.web.deps import page_roles
from ocr_service.web.templates import NAV, NavItem, render, vi_date, vi_month
from storage.reference import is_within
from storage.seed import units as unit_seed

PATH = "/admin/digitization"
router = APIRouter(include_in_schema=False)
NAV.append(NavItem("Giám sát số hóa", PATH, ("admin",)))
AdminPage = Annotated[Principal, page_roles("admin")]

RELATION_NAMES = {"direct": "Tiếp nhận tại đơn vị", "child": "Đơn vị trực thuộc", "predecessor": "Đã sáp nhập vào"}
SUBSET_NAMES = {
    "denominator": "Hồ sơ thuộc mẫu số",
    "numerator": "Hồ sơ đạt (tử số)",
    "missing": "Hồ sơ chưa đạt",
    "voluntary": "Hồ sơ tự nguyện (trước ngày bắt buộc)",
    "all": "Tất cả hồ sơ",
}


def percent(rate: float | None) -> str:
    """"81,3 %" as Vietnamese writes it, cut (not rounded) to one decimal so 79,97 % never shows as
    80,0 %, the full-points threshold; "Không có dữ liệu" when there is no denominator."""
    if rate is None:
        return "Không có dữ liệu"
    return f"{math.floor(rate * 1000 + 1e-9) / 10:.1f}".replace(".", ",") + " %"


def number(value: int | float) -> str:
    """Thousands with a dot, decimals with a comma (cut to two): 18.375; 9,99."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    cut = math.floor(value * 100 + 1e-9) / 100
    return f"{cut:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _charts(result: DigitizationStats) -> list[tuple[str, object]]:
    events = [(e.date, f"{e.label} {vi_date(e.date)}", e.kind) for e in result.events]
    charts = []
    for position, key in enumerate(ind.INDICATORS):
        points = []
        for period in result.series:
            value: IndicatorValue = period.indicators[position]
            when = vi_month(period.start) if result.period.group_by == "month" else period.period
            tip = f"{when}: {percent(value.rate)}" + (f" ({number(value.numerator)}/{number(value.denominator)})" if value.rate is not None else "")
            points.append(Point(period.start, period.end, value.rate, tip))
        charts.append((ind.INDICATOR_NAMES[key], trend_chart(points, events, threshold=ind.FULL_POINTS_AT)))
    return charts


def _breadcrumbs(params: stats.StatsParams, principal: Principal, result: DigitizationStats) -> list[tuple[str, str | None]]:
    """Where the scope sits: the units above it (that the admin may open), then the scope itself."""
    crumbs: list[tuple[str, str | None]] = []
    if principal.unit_code is None:
        crumbs.append(("Toàn bộ", params.query_string(unit="")))
    code = result.scope.unit_code
    if code is not None:
        version = stats.scope_versions(code, result.period.start, result.period.end)[-1]
        for above in reversed(unit_seed.ancestors(version.code, version.valid_from)):
            if principal.unit_code is None or is_within(principal.unit_code, above.code, version.valid_from):
                crumbs.append((above.full_name, params.query_string(unit=above.code)))
        crumbs.append((result.scope.unit_name or code, None))
    return crumbs


@router.get(PATH, response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, state: StateDep, principal: AdminPage, params: ParamsDep) -> Response:
    today = stats.today_in_vietnam()
    try:
        checked, query = stats.check(params, viewer_unit=principal.unit_code, today=today)
    except ValidationFailed as exc:
        return render(request, "dashboard.html", status_code=422, problem=exc.message, params=params, result=None, levels=_levels())
    result = stats.digitization(session, checked, query, today=today, max_points=ind.max_points_from(state.settings.stats_max_points))
    return render(
        request,
        "dashboard.html",
        problem=None,
        params=checked,
        result=result,
        charts=_charts(result),
        crumbs=_breadcrumbs(checked, principal, result),
        ops=operations.snapshot(state),
        levels=_levels(),
        relation_names=RELATION_NAMES,
        percent=percent,
        number=number,
        indicator_keys=ind.INDICATORS,
    )


@router.get(f"{PATH}/dossiers", response_class=HTMLResponse)
def dossier_list(request: Request, session: SessionDep, principal: AdminPage, params: ParamsDep, options: ListDep) -> Response:
    today = stats.today_in_vietnam()
    checked, query = stats.check(params, viewer_unit=principal.unit_code, today=today)
    listing = stats.dossiers(session, query, today=today, options=options)
    list_query = checked.query_string(indicator=options.indicator, subset=options.subset, row=options.row)
    return render(
        request,
        "dashboard_dossiers.html",
        params=checked,
        listing=listing,
        indicator_name=ind.INDICATOR_NAMES[options.indicator],
        subset_name=SUBSET_NAMES[options.subset],
        list_query=list_query,
        scope=stats.scope_name(query.unit, query) or "toàn bộ",
        back=f"{PATH}?{checked.query_string()}",
        number=number,
    )


def _levels() -> list[tuple[str, str]]:
    return [(level, ind.LEVEL_NAMES[level]) for level in unit_seed.LEVELS]
