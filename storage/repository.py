"""Repository functions: keyword-only arguments, a session passed in, no commits inside.

The caller owns the transaction (``storage.db.transaction``); these functions only read and
write rows, and enforce the document state machine.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ocr_service.domain import DocumentStatus
from ocr_service.errors import Conflict, NotFound
from storage.tables import ApiKey, Document, Record


def new_id() -> str:
    return str(uuid.uuid4())


def create_document(
    session: Session,
    *,
    sha256: str,
    original_key: str,
    filename: str,
    media_type: str | None,
    size_bytes: int,
    page_count: int | None,
    status: DocumentStatus = DocumentStatus.UPLOADED,
    error_code: str | None = None,
    error_message: str | None = None,
    quarantined: bool = False,
) -> Document:
    document = Document(
        id=new_id(),
        sha256=sha256,
        original_key=original_key,
        filename=filename[:255],
        media_type=media_type,
        size_bytes=size_bytes,
        page_count=page_count,
        status=status.value,
        error_code=error_code,
        error_message=error_message,
        attempts=0,
        quarantined=quarantined,
    )
    session.add(document)
    session.flush()
    return document


def get_document(session: Session, document_id: str, *, for_update: bool = False) -> Document:
    query = select(Document).where(Document.id == document_id)
    if for_update:
        query = query.with_for_update()
    document = session.scalars(query).one_or_none()
    if document is None:
        raise NotFound(f"Document {document_id} not found.")
    return document


def find_live_document(session: Session, *, sha256: str) -> Document | None:
    """A document with these bytes that is queued, processing or done (not failed)."""
    live = (DocumentStatus.QUEUED.value, DocumentStatus.PROCESSING.value, DocumentStatus.DONE.value)
    query = select(Document).where(Document.sha256 == sha256, Document.status.in_(live)).order_by(Document.created_at)
    return session.scalars(query.limit(1)).first()


def unfinished_documents(session: Session) -> Sequence[Document]:
    """Queued or processing documents: after an embedded restart, their in-memory jobs are gone."""
    live = (DocumentStatus.QUEUED.value, DocumentStatus.PROCESSING.value)
    return session.scalars(select(Document).where(Document.status.in_(live)).order_by(Document.created_at)).all()


def stale_queued(session: Session, *, older_than: datetime) -> Sequence[Document]:
    """Queued documents untouched since ``older_than``: their job may have been lost with Redis."""
    query = select(Document).where(Document.status == DocumentStatus.QUEUED.value, Document.updated_at < older_than)
    return session.scalars(query.order_by(Document.created_at)).all()


def list_documents(session: Session, *, limit: int = 100, offset: int = 0) -> Sequence[Document]:
    return session.scalars(select(Document).order_by(Document.created_at.desc()).limit(limit).offset(offset)).all()


def set_status(
    session: Session,
    document: Document,
    status: DocumentStatus,
    *,
    error_code: str | None = None,
    error_message: str | None = None,
) -> None:
    current = DocumentStatus(document.status)
    if current is not status and not current.can_become(status):
        raise Conflict(f"Document {document.id} cannot go from {current.value} to {status.value}.")
    now = datetime.now(UTC)
    document.status = status.value
    if status is DocumentStatus.PROCESSING:
        document.attempts = (document.attempts or 0) + 1
        document.started_at = now
    if status in (DocumentStatus.DONE, DocumentStatus.FAILED):
        document.finished_at = now
    if status is DocumentStatus.FAILED:
        document.error_code = error_code
        document.error_message = error_message
    elif status in (DocumentStatus.QUEUED, DocumentStatus.DONE):
        document.error_code = None
        document.error_message = None
    session.flush()


def renew_lease(session: Session, document_id: str, attempt: int, *, until: datetime) -> bool:
    """Extend the lease of the attempt that holds the document; False if it no longer does."""
    document = session.get(Document, document_id)
    if document is None or document.attempts != attempt or document.status != DocumentStatus.PROCESSING.value:
        return False
    document.lease_until = until
    session.flush()
    return True


def expired_leases(session: Session, *, now: datetime) -> Sequence[Document]:
    query = (
        select(Document)
        .where(Document.status == DocumentStatus.PROCESSING.value, Document.lease_until.is_not(None), Document.lease_until < now)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).all()


def save_record(session: Session, *, document_id: str, values: dict[str, Any]) -> Record:
    """Create or replace the one record of a document (reprocessing replaces, never duplicates)."""
    record = session.scalars(select(Record).where(Record.document_id == document_id)).one_or_none()
    if record is None:
        record = Record(id=new_id(), document_id=document_id, **values)
        session.add(record)
    else:
        for name, value in values.items():
            setattr(record, name, value)
    session.flush()
    return record


def get_record(session: Session, *, document_id: str) -> Record | None:
    return session.scalars(select(Record).where(Record.document_id == document_id)).one_or_none()


# --- API keys -------------------------------------------------------------------------------

KEY_PREFIX = "ocrk_"


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(session: Session, *, name: str, role: str, unit_code: str | None) -> tuple[ApiKey, str]:
    """A new key; the plain key is returned once and only its hash is stored."""
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        id=new_id(), prefix=plain[: len(KEY_PREFIX) + 6], key_hash=hash_api_key(plain), name=name, role=role, unit_code=unit_code
    )
    session.add(row)
    session.flush()
    return row, plain


def find_api_key(session: Session, *, plain: str) -> ApiKey | None:
    row = session.scalars(select(ApiKey).where(ApiKey.key_hash == hash_api_key(plain))).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    return row
