"""Rows for the digitization indicators and figures for the operations panel.

Reads only; the computing is done elsewhere (``ocr_service.indicators``, ``ocr_service.operations``)
on the plain rows returned here. Timestamps are compared as UTC instants (see
``storage.dossiers.create_dossier``: SQLite keeps wall times, so everything is stored in UTC).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ocr_service.domain import AttachmentFacts, DocumentStatus, DossierFacts, ReviewStatus
from storage.tables import Document, Dossier, DossierDocument, Procedure, Record


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _dossier_filter(query: Select, *, start: datetime, end: datetime, unit_codes: Collection[str] | None) -> Select:
    query = query.where(Dossier.received_at >= _utc(start), Dossier.received_at < _utc(end))
    if unit_codes is not None:
        query = query.where(Dossier.unit_code.in_(sorted(unit_codes)))
    return query


def load_dossier_facts(
    session: Session, *, start: datetime, end: datetime, unit_codes: Collection[str] | None = None
) -> list[DossierFacts]:
    """Dossiers received in [start, end), with their attachments and each document's state.

    ``unit_codes`` narrows by code (any period) before the exact, dated scope check the
    indicators make; None loads every unit. Two queries whatever the number of dossiers.
    """
    attachments: dict[str, list[AttachmentFacts]] = {}
    linked = _dossier_filter(
        select(
            DossierDocument.dossier_id,
            DossierDocument.role,
            DossierDocument.reused,
            Document.id,
            Document.status,
            Document.error_code,
            Document.filename,
            Record.id,
        )
        .join(Dossier, Dossier.id == DossierDocument.dossier_id)
        .join(Document, Document.id == DossierDocument.document_id)
        .outerjoin(Record, Record.document_id == Document.id)
        .order_by(DossierDocument.created_at, DossierDocument.id),
        start=start,
        end=end,
        unit_codes=unit_codes,
    )
    connection = session.connection()  # Core rows: no ORM loading for tens of thousands of plain tuples
    for dossier_id, role, reused, document_id, status, error_code, filename, record_id in connection.execute(linked):
        attachments.setdefault(dossier_id, []).append(
            AttachmentFacts(
                document_id=document_id,
                role=role,
                status=status,
                has_record=record_id is not None,
                reused=bool(reused),
                error_code=error_code,
                filename=filename,
            )
        )
    dossiers = _dossier_filter(
        select(
            Dossier.id,
            Dossier.code,
            Dossier.procedure_code,
            Procedure.name,
            Procedure.returns_paper_result,
            Dossier.unit_code,
            Dossier.received_at,
        )
        .join(Procedure, Procedure.code == Dossier.procedure_code)
        .order_by(Dossier.received_at, Dossier.code),
        start=start,
        end=end,
        unit_codes=unit_codes,
    )
    return [
        DossierFacts(
            id=row[0],
            code=row[1],
            procedure_code=row[2],
            procedure_name=row[3],
            returns_paper_result=bool(row[4]),
            unit_code=row[5],
            received_at=_utc(row[6]),
            attachments=tuple(attachments.get(row[0], ())),
        )
        for row in connection.execute(dossiers)
    ]


# --- operations ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finished:
    """A document digitized recently: when it was uploaded, when its record was written, its pages."""

    uploaded_at: datetime
    finished_at: datetime
    pages: int


def documents_by_status(session: Session) -> dict[str, int]:
    counts = {s.value: 0 for s in DocumentStatus}
    for status, count in session.execute(select(Document.status, func.count()).group_by(Document.status)):
        counts[status] = count
    return counts


def failed_by_error_code(session: Session) -> dict[str, int]:
    query = select(Document.error_code, func.count()).where(Document.status == DocumentStatus.FAILED.value).group_by(Document.error_code)
    counts: dict[str, int] = {}
    for code, count in session.execute(query):
        counts[code or "unknown"] = counts.get(code or "unknown", 0) + count
    return counts


def finished_since(session: Session, since: datetime) -> Sequence[Finished]:
    query = (
        select(Document.created_at, Document.finished_at, Record.page_count)
        .join(Record, Record.document_id == Document.id)
        .where(Document.status == DocumentStatus.DONE.value, Document.finished_at >= _utc(since))
    )
    return [Finished(_utc(created), _utc(finished), pages) for created, finished, pages in session.execute(query)]


def pages_digitized_total(session: Session) -> int:
    """Pages of every record: a counter that only grows (reprocessing replaces a record's pages)."""
    return int(session.scalar(select(func.coalesce(func.sum(Record.page_count), 0))) or 0)


def review_backlog(session: Session) -> tuple[int, datetime | None]:
    """Records waiting in the review queue (``review_status`` needs_review, as ``storage.reviews``
    queues them): how many, and when the oldest was written."""
    waiting = Record.review_status == ReviewStatus.NEEDS_REVIEW.value
    count, oldest = session.execute(select(func.count(), func.min(Record.created_at)).where(waiting)).one()
    return int(count), (_utc(oldest) if oldest is not None else None)
