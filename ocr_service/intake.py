"""Taking a file in: check it, store the original whole, record it, queue it — or reject it.

Used by the API upload route and the ``ingest`` CLI command alike. Nothing is lost: a file
that fails the checks is kept under ``quarantine/`` with a failed document saying why; a file
that passes is stored byte for byte (content-addressed, so the same bytes are stored once) and
queued. If it cannot be queued, its document row is removed and the caller gets a retryable
error: an upload is either stored and queued, or rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from ocr_service.domain import DocumentStatus, Limits
from ocr_service.errors import FileTooLarge, InputError, TransientError
from ocr_service.pipeline.triage import sha256_file, triage
from storage import repository as repo
from storage.db import transaction
from storage.objects import ObjectStore, original_key, quarantine_key
from workers.queue import DocumentQueue


@dataclass(frozen=True, slots=True)
class Intake:
    document_id: str
    sha256: str
    status: DocumentStatus
    error: InputError | None = None
    duplicate: bool = False


def ingest_file(
    path: Path,
    *,
    filename: str,
    sessions: sessionmaker[Session],
    store: ObjectStore,
    queue: DocumentQueue,
    limits: Limits,
    sha256: str | None = None,
) -> Intake:
    digest = sha256 or sha256_file(path)
    with transaction(sessions) as session:
        existing = repo.find_live_document(session, sha256=digest)
        if existing is not None:  # same bytes again: the same object and record, no second OCR
            return Intake(existing.id, digest, DocumentStatus(existing.status), duplicate=True)
    size = path.stat().st_size
    try:
        checked = triage(path, limits, sha256=digest)
    except InputError as error:
        # The original is kept, not lost; only a file over the size limit is not copied again.
        return _quarantine(path, filename=filename, sha256=digest, size=size, error=error, sessions=sessions, store=store)

    key = original_key(digest)
    store.put_file(key, path, checked.media_type.value)  # kept if already there: same bytes, same object
    with transaction(sessions) as session:
        document = repo.create_document(
            session,
            sha256=digest,
            original_key=key,
            filename=filename,
            media_type=checked.media_type.value,
            size_bytes=size,
            page_count=checked.page_count,
            status=DocumentStatus.QUEUED,
        )
        document_id = document.id
    try:
        queue.enqueue(document_id)
    except TransientError:
        with transaction(sessions) as session:
            session.delete(repo.get_document(session, document_id))
        raise
    return Intake(document_id=document_id, sha256=digest, status=DocumentStatus.QUEUED)


def _quarantine(
    path: Path,
    *,
    filename: str,
    sha256: str,
    size: int,
    error: InputError,
    sessions: sessionmaker[Session],
    store: ObjectStore,
) -> Intake:
    key = quarantine_key(sha256)
    if size > 0 and not isinstance(error, FileTooLarge):
        store.put_file(key, path, "application/octet-stream")
    with transaction(sessions) as session:
        document = repo.create_document(
            session,
            sha256=sha256,
            original_key=key,
            filename=filename,
            media_type=None,
            size_bytes=size,
            page_count=None,
            status=DocumentStatus.FAILED,
            error_code=error.code,
            error_message=error.message,
            quarantined=True,
        )
        return Intake(document_id=document.id, sha256=sha256, status=DocumentStatus.FAILED, error=error)
