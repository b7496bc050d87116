"""QA review: the queue, a record's history, corrections (new versions) and page images.

``qa`` and ``admin`` see the queue and correct; anyone who may see a document may read its
history and page images. Unit scoping as everywhere: another unit's record is a 404. Reading a
record's history or correcting it is a read of the citizens it names: written to the access log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from extractors.review import people
from ocr_service.api.deps import DocumentDep, Principal, SessionDep, StateDep, can_see_document, log_citizen_read, require_roles, visible_document
from ocr_service.api.schemas import (
    CorrectionRequest,
    CorrectionSaved,
    DossierRef,
    ErrorResponse,
    PageWords,
    RecordHistory,
    RecordVersionPublic,
    ReviewQueue,
    ReviewQueueItem,
    ReviewReason,
    WordPublic,
)
from ocr_service.domain import DocumentStatus
from ocr_service.errors import NotFound
from ocr_service.review import Correction, WordChange, page_preview, save_correction
from storage import reviews
from storage.db import transaction
from storage.reference import codes_within
from storage.tables import Document, Dossier, Record

router = APIRouter(tags=["review"], responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})

ReviewerDep = Annotated[Principal, require_roles("qa", "admin")]
Category = Annotated[str | None, Query(pattern="^(" + "|".join(reviews.CATEGORIES) + ")$", description="a reason category")]


def log_record_read(session: Session, principal: Principal, record: Record, action: str) -> None:
    """One access-log entry per citizen the record names (linked, or an ID number in its fields)."""
    numbers = dict.fromkeys(
        [*record.citizen_ids, *(p.id_number for p in people(record.fields) if isinstance(p.id_number, str) and len(p.id_number) == 12)]
    )
    for number in numbers:
        log_citizen_read(session, principal, action=action, id_number=number, record_ids=[record.id])


def queue_scope(principal: Principal, unit: str | None) -> frozenset[str] | None:
    """The unit codes whose dossiers the queue may show: the principal's scope, narrowed to ``unit``."""
    scope = codes_within(principal.unit_code) if principal.unit_code else None
    if unit:
        wanted = codes_within(unit)
        scope = wanted if scope is None else scope & wanted
    return scope


def review_queue_page(
    session: Session, principal: Principal, *, unit: str | None, doc_type: str | None, reason: str | None, limit: int, offset: int
) -> ReviewQueue:
    total, rows = reviews.queue(
        session, unit_codes=queue_scope(principal, unit), doc_type=doc_type, category=reason, limit=limit, offset=offset
    )
    rows = [(r, d) for r, d in rows if can_see_document(session, principal, d.id)]
    flags = reviews.flags_by_record(session, [r.id for r, _d in rows])
    items = [
        ReviewQueueItem(
            document_id=document.id,
            record_id=record.id,
            filename=document.filename,
            doc_type=record.doc_type,
            version=record.version,
            priority=record.review_priority,
            reasons=[ReviewReason(category=f.category, target=f.target, reason=f.reason) for f in flags[record.id]],  # type: ignore[arg-type]
            mean_confidence=record.mean_confidence,
            page_count=record.page_count,
            dossiers=[DossierRef(code=c, unit_code=u, received_at=at) for c, u, at in reviews.dossiers_of_document(session, document.id)],
            digitized_at=record.created_at,
        )
        for record, document in rows
    ]
    return ReviewQueue(total=total, limit=limit, offset=offset, items=items)


def queue_units(session: Session, principal: Principal) -> list[str]:
    """Unit codes of the dossiers the principal may filter the queue by."""
    query = select(Dossier.unit_code).distinct().order_by(Dossier.unit_code)
    if principal.unit_code:
        query = query.where(Dossier.unit_code.in_(sorted(codes_within(principal.unit_code))))
    return list(session.scalars(query))


@router.get("/v1/review/queue")
def get_review_queue(
    session: SessionDep,
    principal: ReviewerDep,
    unit: Annotated[str | None, Query(max_length=16, description="only dossiers of this unit (and the units below it)")] = None,
    doc_type: Annotated[str | None, Query(max_length=64)] = None,
    reason: Category = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ReviewQueue:
    """Records needing review that the caller may see, highest priority first (see storage.reviews)."""
    return review_queue_page(session, principal, unit=unit, doc_type=doc_type, reason=reason, limit=limit, offset=offset)


def done_record(document: Document) -> Record:
    if document.status != DocumentStatus.DONE.value or document.record is None:
        raise NotFound(f"Document {document.id} has no record yet (status: {document.status}).")
    return document.record


def review_state(document_id: str, record: Record) -> dict[str, object]:
    return {
        "document_id": document_id,
        "record_id": record.id,
        "version": record.version,
        "review_status": record.review_status,
        "verified_at": record.verified_at,
        "verified_by": record.verified_by,
    }


def record_history(session: Session, document_id: str, record: Record) -> RecordHistory:
    versions = [RecordVersionPublic.model_validate(v) for v in reviews.versions_of(session, record.id)]
    return RecordHistory(**review_state(document_id, record), versions=versions)  # type: ignore[arg-type]


@router.get("/v1/documents/{document_id}/history")
def get_history(document: DocumentDep, session: SessionDep, principal: Annotated[Principal, require_roles("clerk", "qa", "admin", "system")]) -> RecordHistory:
    """Every version of the record: who, when, what changed (old → new) and why. Version 1 is the OCR as read."""
    record = done_record(document)
    log_record_read(session, principal, record, "record_history")
    return record_history(session, document.id, record)


@router.post("/v1/documents/{document_id}/corrections", responses={409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
async def post_correction(document_id: str, body: CorrectionRequest, state: StateDep, principal: ReviewerDep) -> CorrectionSaved:
    """Save corrections to fields and OCR words as a new version; the record becomes verified.

    ``expected_version`` is the version the corrections were made on: if someone saved since,
    409 ``version_conflict``. Bad paths or values, and ID numbers that fail the extraction
    checks, are 422 ``invalid_correction`` with ``details`` (target, problem) for each.
    """
    # Its own short transactions, as uploads do: the save writes objects between two of them.
    with transaction(state.sessions) as session:
        done_record(visible_document(session, principal, document_id))
    correction = Correction(
        expected_version=body.expected_version,
        fields=tuple((f.key, f.value) for f in body.fields),
        words=tuple(WordChange(w.page, w.index, w.text) for w in body.words),
        comment=body.comment,
    )
    saved = await run_in_threadpool(
        save_correction,
        sessions=state.sessions,
        store=state.store,
        scratch=state.settings.data_dir / "scratch",
        document_id=document_id,
        actor=principal,
        correction=correction,
    )
    with transaction(state.sessions) as session:
        log_record_read(session, principal, saved.record, "record_correction")
    record = saved.record
    return CorrectionSaved(**review_state(document_id, record), changes=saved.changes, citizen_ids=record.citizen_ids)  # type: ignore[arg-type]


def record_page(record: Record, index: int) -> dict:
    if not 0 <= index < len(record.pages):
        raise NotFound(f"The record has no page {index}.")
    return record.pages[index]


@router.get("/v1/documents/{document_id}/pages/{index}/words")
def get_page_words(document: DocumentDep, index: int) -> PageWords:
    """The OCR words of page ``index`` (from 0) of the record as it is, with their boxes and confidences."""
    page = record_page(done_record(document), index)
    return PageWords(
        index=index,
        width=page["width"],
        height=page["height"],
        dpi=page["dpi"],
        ocred=page["ocred"],
        words=[WordPublic(index=i, text=w[0], bbox=w[1:5], confidence=w[5]) for i, w in enumerate(page["words"])],
    )


@router.get("/v1/documents/{document_id}/pages/{index}/image", response_class=StreamingResponse)
def get_page_image(document: DocumentDep, index: int, state: StateDep) -> StreamingResponse:
    """Page ``index`` (from 0) as the OCR saw it (deskewed, turned upright), as a JPEG at 110 DPI: the word boxes fall on it."""
    record = done_record(document)
    record_page(record, index)
    key = page_preview(store=state.store, scratch=state.settings.data_dir / "scratch", document_id=document.id, pdf_key=record.pdf_key, index=index)
    return StreamingResponse(
        state.store.open_stream(key),
        media_type="image/jpeg",
        headers={"Content-Length": str(state.store.size(key)), "Cache-Control": "private, max-age=86400"},
    )
