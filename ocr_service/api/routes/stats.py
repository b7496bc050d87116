"""Digitization statistics (Decision 766 indicators), the dossiers behind each figure, operations figures, /metrics.

Who may read: the ``admin`` role (staff or API key) and ``system`` API keys, each within its
unit's scope. No applicant data is returned (dossier codes, procedures, units, document states).

``/metrics`` (Prometheus text format) needs the same bearer key or session, unless the
scraper's address is in ``OCR_METRICS_ALLOW_NETWORKS`` (a list of CIDRs, empty by default).
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ocr_service import indicators as ind
from ocr_service import operations, stats
from ocr_service.api.deps import Principal, SessionDep, StateDep, get_principal, require_roles
from ocr_service.api.schemas import ErrorResponse
from ocr_service.api.stats_schemas import DigitizationStats, DossierList, OperationsFigures
from ocr_service.errors import Forbidden

router = APIRouter(
    prefix="/v1/stats",
    tags=["stats"],
    responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)
metrics_router = APIRouter(tags=["stats"])

StatsReader = Annotated[Principal, require_roles("admin", "system")]


def stats_params(
    unit: Annotated[str | None, Query(max_length=16, description="scope: this unit and the units below it (default: yours, or the whole province)")] = None,
    level: Annotated[Literal["province", "district", "commune"] | None, Query(description="only dossiers received at this level")] = None,
    start: Annotated[date | None, Query(alias="from", description="first day (Vietnam time); default: 12 months to date")] = None,
    end: Annotated[date | None, Query(alias="to", description="last day, inclusive; default: today")] = None,
    group_by: Literal["month", "quarter", "year", "none"] = "month",
    rollup: Annotated[Literal["historical", "current"], Query(description="units as they were, or rolled up to today's")] = "historical",
) -> stats.StatsParams:
    return stats.StatsParams(unit=unit or None, level=level, start=start, end=end, group_by=group_by, rollup=rollup)


ParamsDep = Annotated[stats.StatsParams, Depends(stats_params)]


def _compute(session: SessionDep, state: StateDep, params: ParamsDep, principal: StatsReader) -> DigitizationStats:
    today = stats.today_in_vietnam()
    checked, query = stats.check(params, viewer_unit=principal.unit_code, today=today)
    return stats.digitization(session, checked, query, today=today, max_points=ind.max_points_from(state.settings.stats_max_points))


@router.get("/digitization")
def digitization(result: Annotated[DigitizationStats, Depends(_compute)]) -> DigitizationStats:
    """The three indicators with their scores, by level, by period and by unit one level down."""
    return result


@router.get("/digitization.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def digitization_csv(result: Annotated[DigitizationStats, Depends(_compute)]) -> Response:
    name = f"so-hoa-{result.scope.unit_code or 'toan-tinh'}-{result.period.start}-{result.period.end}.csv"
    return Response(stats.stats_csv(result), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'})


def list_options(
    indicator: Literal["dossier_digitization", "result_digitization", "reuse"] = "dossier_digitization",
    subset: Annotated[
        Literal["denominator", "numerator", "missing", "voluntary", "all"],
        Query(description="the figure's denominator, numerator, denominator less numerator, the voluntary dossiers, or all"),
    ] = "denominator",
    row: Annotated[str | None, Query(max_length=40, description="a drill-down row (code@valid_from) of these statistics")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> stats.ListOptions:
    return stats.ListOptions(indicator=indicator, subset=subset, row=row, limit=limit, offset=offset)


ListDep = Annotated[stats.ListOptions, Depends(list_options)]


def _listing(session: SessionDep, params: stats.StatsParams, principal: Principal, options: stats.ListOptions) -> DossierList:
    today = stats.today_in_vietnam()
    _checked, query = stats.check(params, viewer_unit=principal.unit_code, today=today)
    return stats.dossiers(session, query, today=today, options=options)


@router.get("/digitization/dossiers")
def digitization_dossiers(session: SessionDep, params: ParamsDep, principal: StatsReader, options: ListDep) -> DossierList:
    """The dossiers behind a figure, each with reason codes and a Vietnamese explanation."""
    return _listing(session, params, principal, options)


@router.get("/digitization/dossiers.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def digitization_dossiers_csv(session: SessionDep, params: ParamsDep, principal: StatsReader, options: ListDep) -> Response:
    """The same list as CSV, every dossier (no paging)."""
    listing = _listing(session, params, principal, replace(options, limit=10**9, offset=0))
    return Response(
        stats.dossiers_csv(listing.items),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ho-so-{listing.indicator}-{listing.subset}.csv"'},
    )


@router.get("/operations")
def operations_figures(state: StateDep, _principal: StatsReader) -> OperationsFigures:
    """Queue, throughput, failures, latency, review backlog and workers, computed now."""
    return operations.snapshot(state)


def _metrics_reader(request: Request, state: StateDep, session: SessionDep) -> None:
    client = request.client.host if request.client else ""
    networks = state.settings.metrics_allow_networks
    if client and networks:
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            address = None
        if address is not None and any(address in ipaddress.ip_network(n, strict=False) for n in networks):
            return
    principal = get_principal(request, session, state)
    if principal.role not in ("admin", "system"):
        raise Forbidden(f"The {principal.role} role cannot read metrics.")


@metrics_router.get("/metrics", response_class=Response, dependencies=[Depends(_metrics_reader)], responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
def metrics(state: StateDep) -> Response:
    """The operations figures in Prometheus' text format, computed at scrape time."""
    return Response(generate_latest(operations.registry(state)), media_type=CONTENT_TYPE_LATEST)
