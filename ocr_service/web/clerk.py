"""Clerk pages: receive a dossier (Tiếp nhận hồ sơ) and look a citizen up (Tra cứu công dân).

Both call the JSON API from the browser with the session cookie (create the dossier, upload each
scan with its Idempotency-Key, poll its status, reuse a document); the lookup renders on the
server through the same function as ``GET /v1/citizens/{id}/documents``, so it is logged alike.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from extractors.identity import PROVINCE_CODES
from extractors.review import leaves
from ocr_service.api.deps import Principal, SessionDep
from ocr_service.api.routes.citizens import lookup_citizen
from ocr_service.errors import ValidationFailed
from ocr_service.web.deps import page_roles
from ocr_service.web.labels import DOCUMENT_STATUS_VI, REVIEW_STATUS_VI, doc_type_text, field_label
from ocr_service.web.templates import NAV, NavItem, render
from storage.seed import units as unit_seed
from storage.tables import Procedure

router = APIRouter(include_in_schema=False)
ClerkPage = Annotated[Principal, page_roles("clerk", "admin")]

NAV.append(NavItem("Tiếp nhận hồ sơ", "/tiep-nhan", ("clerk", "admin")))
NAV.append(NavItem("Tra cứu công dân", "/tra-cuu", ("clerk", "admin")))

# Shown first on a card in the lookup: who the document is about, then what it is.
KEY_FIELDS = ("full_name", "id_number", "date_of_birth", "sex", "document_number", "issue_date", "subject", "registration_number")


def id_rules() -> dict[str, Any]:
    """What the page's script checks as the number is typed: the structure of extractors.identity."""
    return {"provinces": sorted(PROVINCE_CODES), "this_year": date.today().year}


def unit_name(code: str | None, day: date) -> str | None:
    unit = unit_seed.unit_on(code, day) if code else None
    return unit.full_name if unit else None


@router.get("/tiep-nhan", response_class=HTMLResponse)
def receive_page(request: Request, session: SessionDep, principal: ClerkPage) -> Response:
    today = date.today()
    procedures = session.scalars(select(Procedure).order_by(Procedure.code)).all()
    units = [] if principal.unit_code else sorted(
        ((u.code, u.full_name) for u in unit_seed.units_valid_on(today) if u.level == "commune"), key=lambda u: u[1]
    )
    return render(
        request,
        "receive.html",
        procedures=procedures,
        unit_code=principal.unit_code,
        unit_name=unit_name(principal.unit_code, today),
        units=units,
        id_rules=id_rules(),
        status_text=DOCUMENT_STATUS_VI,
    )


def _card(document: Any) -> dict[str, Any]:
    fields = [
        (field_label(path), leaf["value"])
        for path, leaf in leaves(document.fields)
        if path.rsplit(".", 1)[-1] in KEY_FIELDS and leaf["value"] not in (None, "")
    ]
    return {
        "document_id": document.document_id,
        "doc_type": doc_type_text(document.doc_type),
        "filename": document.filename,
        "fields": fields[:8],
        "page_count": document.page_count,
        "dossiers": document.dossiers,
        "dossier_count": document.dossier_count,
        "digitized_at": document.digitized_at,
        "review_status": document.review_status,
        "review_text": REVIEW_STATUS_VI.get(document.review_status, document.review_status),
    }


@router.get("/tra-cuu", response_class=HTMLResponse)
def lookup_page(request: Request, principal: ClerkPage) -> Response:
    return render(request, "lookup.html", id_number="", cards=None, error="", id_rules=id_rules())


@router.post("/tra-cuu", response_class=HTMLResponse)
def lookup_submit(request: Request, session: SessionDep, principal: ClerkPage, id_number: Annotated[str, Form()] = "") -> Response:
    """POST, not GET: the citizen's number stays out of URLs, browser history and proxies' logs."""
    number = "".join(ch for ch in id_number if ch.isdigit())
    try:
        found = lookup_citizen(session, principal, number, action="web_citizen_lookup")
    except ValidationFailed:
        return render(
            request, "lookup.html", status_code=422, id_number=id_number, cards=None, id_rules=id_rules(),
            error="Số định danh cá nhân gồm 12 chữ số (CMND cũ: 9 chữ số).",
        )
    return render(request, "lookup.html", id_number=number, cards=[_card(d) for d in found.documents], error="", id_rules=id_rules())
