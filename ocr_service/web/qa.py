"""QA pages: the review queue (Hàng đợi kiểm tra), the review page (Kiểm tra bản ghi) and a record's history.

The queue and the history render on the server through the same functions as the API; the
review page's script reads the page words and image and saves through the API
(``POST /v1/documents/{id}/corrections`` with the version it was opened at).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from extractors.base import DEFAULT_POLICY
from extractors.review import leaves, value_kind
from ocr_service.api.deps import Principal, SessionDep, visible_document
from ocr_service.api.routes.reviews import done_record, log_record_read, queue_units, record_history, review_queue_page
from ocr_service.web.deps import page_roles
from ocr_service.web.labels import DOC_TYPES_VI, REASON_CATEGORIES_VI, REVIEW_STATUS_VI, doc_type_text, field_label, problem_text, reason_text
from ocr_service.web.templates import NAV, NavItem, render
from storage import reviews
from storage.seed import units as unit_seed

router = APIRouter(include_in_schema=False)
ReviewerPage = Annotated[Principal, page_roles("qa", "admin")]
ReaderPage = Annotated[Principal, page_roles("clerk", "qa", "admin")]
PAGE_SIZE = 50

NAV.append(NavItem("Hàng đợi kiểm tra", "/kiem-tra", ("qa", "admin")))


def _filters(don_vi: str | None, loai: str | None, ly_do: str | None) -> dict[str, str]:
    return {k: v for k, v in (("don_vi", don_vi), ("loai", loai), ("ly_do", ly_do)) if v}


def _unit_label(code: str) -> str:
    versions = [u for u in unit_seed.all_units() if u.code == code]
    return f"{versions[-1].full_name} ({code})" if versions else code


@router.get("/kiem-tra", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: SessionDep,
    principal: ReviewerPage,
    don_vi: Annotated[str | None, Query(max_length=16)] = None,
    loai: Annotated[str | None, Query(max_length=64)] = None,
    ly_do: Annotated[str | None, Query(max_length=32)] = None,
    trang: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    reason = ly_do if ly_do in reviews.CATEGORIES else None
    queue = review_queue_page(
        session, principal, unit=don_vi or None, doc_type=loai or None, reason=reason, limit=PAGE_SIZE, offset=(trang - 1) * PAGE_SIZE
    )
    filters = _filters(don_vi, loai, reason)
    rows = [
        {
            "item": item,
            "doc_type": doc_type_text(item.doc_type),
            "categories": sorted({r.category for r in item.reasons}, key=reviews.CATEGORIES.index),
            "reasons": [reason_text(r.target, r.reason) for r in item.reasons],
            "href": f"/kiem-tra/{item.document_id}" + (f"?{urlencode(filters)}" if filters else ""),
        }
        for item in queue.items
    ]
    return render(
        request,
        "queue.html",
        rows=rows,
        total=queue.total,
        page=trang,
        pages=max(1, -(-queue.total // PAGE_SIZE)),
        filters=filters,
        units=[(code, _unit_label(code)) for code in queue_units(session, principal)],
        doc_types=DOC_TYPES_VI,
        categories=REASON_CATEGORIES_VI,
        query=urlencode(filters),
    )


@router.get("/kiem-tra/tiep-theo")
def next_record(
    session: SessionDep,
    principal: ReviewerPage,
    sau: Annotated[str | None, Query(max_length=36)] = None,
    don_vi: Annotated[str | None, Query(max_length=16)] = None,
    loai: Annotated[str | None, Query(max_length=64)] = None,
    ly_do: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """The highest-priority record still needing review other than the one just left; the queue when none is left."""
    filters = _filters(don_vi, loai, ly_do if ly_do in reviews.CATEGORIES else None)
    queue = review_queue_page(
        session, principal, unit=don_vi or None, doc_type=loai or None, reason=filters.get("ly_do"), limit=2, offset=0
    )
    following = next((i for i in queue.items if i.document_id != sau), None)
    suffix = f"?{urlencode(filters)}" if filters else ""
    if following is None:
        return RedirectResponse("/kiem-tra" + (f"{suffix}&" if suffix else "?") + "het=1", status_code=303)
    return RedirectResponse(f"/kiem-tra/{following.document_id}{suffix}", status_code=303)


def _record_context(document: Any, record: Any) -> dict[str, Any]:
    return {
        "document": document,
        "record": record,
        "doc_type": doc_type_text(record.doc_type),
        "review_text": REVIEW_STATUS_VI.get(record.review_status, record.review_status),
    }


def field_rows(record: Any, missing: list[str]) -> list[dict[str, Any]]:
    """The fields as the review page lists them, with what a reviewer needs to judge each one."""
    rows = []
    for path, leaf in leaves(record.fields):
        kind = value_kind(record.doc_type, path) or "text"
        value = leaf.get("value")
        rows.append({
            "path": path,
            "label": field_label(path),
            "kind": kind,
            "value": "" if value is None else str(value),
            "confidence": leaf.get("confidence"),
            "page": leaf.get("page"),
            "bbox": leaf.get("bbox"),
            "needs_review": bool(leaf.get("needs_review")),
            "corrected": bool(leaf.get("corrected")),
            "reasons": [problem_text(r) for r in leaf.get("review_reasons", ())],
        })
    for path in missing:
        kind = value_kind(record.doc_type, path)
        if kind is not None and not any(r["path"] == path for r in rows):
            rows.append({"path": path, "label": field_label(path), "kind": kind, "value": "", "confidence": None, "page": None,
                         "bbox": None, "needs_review": True, "corrected": False, "reasons": [problem_text("missing")]})
    return rows


@router.get("/kiem-tra/{document_id}", response_class=HTMLResponse)
def review_page(
    request: Request,
    document_id: str,
    session: SessionDep,
    principal: ReviewerPage,
    don_vi: Annotated[str | None, Query(max_length=16)] = None,
    loai: Annotated[str | None, Query(max_length=64)] = None,
    ly_do: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    document = visible_document(session, principal, document_id)
    record = done_record(document)
    log_record_read(session, principal, record, "web_review")
    flags = reviews.flags_by_record(session, [record.id])[record.id]
    missing = [f.target for f in flags if f.reason == "missing"]
    filters = _filters(don_vi, loai, ly_do)
    data = {
        "document_id": document.id,
        "version": record.version,
        "review_status": record.review_status,
        "pages": [{"index": p["index"], "width": p["width"], "height": p["height"], "ocred": p["ocred"]} for p in record.pages],
        "fields": field_rows(record, missing),
        "low_confidence": DEFAULT_POLICY.min_confidence,
        "next_url": "/kiem-tra/tiep-theo?" + urlencode({"sau": document.id, **filters}),
        "queue_url": "/kiem-tra" + (f"?{urlencode(filters)}" if filters else ""),
    }
    return render(
        request,
        "review.html",
        **_record_context(document, record),
        flags=[reason_text(f.target, f.reason) for f in flags],
        data=data,
        problems={code: problem_text(code) for code in _PROBLEM_CODES},
    )


_PROBLEM_CODES = ("not_a_date", "not_a_sex", "not_a_year", "id_length", "not_text", "too_long", "no_such_field", "corrected_twice",
                  "no_such_word", "born_digital_page", "empty_word", "id_sex_mismatch", "id_birth_year_mismatch",
                  "unknown_province_code", "implausible_birth_year", "not_12_digits")


@router.get("/kiem-tra/{document_id}/lich-su", response_class=HTMLResponse)
def history_page(request: Request, document_id: str, session: SessionDep, principal: ReaderPage) -> Response:
    document = visible_document(session, principal, document_id)
    record = done_record(document)
    log_record_read(session, principal, record, "web_history")
    history = record_history(session, document.id, record)
    versions = []
    for v in reversed(history.versions):
        changes = []
        for c in v.changes:
            if c.get("kind") == "word":
                target = f"Từ {c['target']['index'] + 1}, trang {c['target']['page'] + 1}"
            elif c.get("kind") == "field":
                target = field_label(c["target"])
            else:
                target = "Nhận dạng lại"
            changes.append({"kind": c.get("kind"), "target": target, "old": c.get("old"), "new": c.get("new")})
        versions.append({"v": v, "changes": changes})
    return render(
        request,
        "history.html",
        **_record_context(document, record),
        versions=versions,
        can_review=principal.role in ("qa", "admin"),
    )
