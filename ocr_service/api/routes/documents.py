"""Documents: upload (202, queued), status and record, and the stored files."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import unicodedata
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from ocr_service.api.deps import DocumentDep, SessionDep, StateDep, require_roles
from ocr_service.api.schemas import DocumentPublic, ErrorResponse, UploadAccepted
from ocr_service.domain import DocumentStatus
from ocr_service.errors import FileTooLarge, NotFound
from ocr_service.api.state import AppState
from ocr_service.intake import Intake, ingest_file
from storage import reviews

router = APIRouter(prefix="/v1/documents", tags=["documents"], responses={401: {"model": ErrorResponse}})

_CHUNK = 1024 * 1024


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[require_roles("clerk", "admin", "system")],
    responses={413: {"model": ErrorResponse}, 415: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)
async def upload_document(state: StateDep, file: Annotated[UploadFile, File()]) -> UploadAccepted:
    """Store the file whole, record it and queue it. Bad input is rejected with its error code (and kept in quarantine)."""
    intake = await receive_upload(state, file)
    return UploadAccepted(document_id=intake.document_id, status=intake.status.value, sha256=intake.sha256, duplicate=intake.duplicate)


@asynccontextmanager
async def spooled(state: AppState, file: UploadFile) -> AsyncIterator[tuple[Path, str]]:
    """The upload copied to a scratch file (never whole in memory) with its SHA-256; removed afterwards."""
    max_bytes = state.settings.limits().max_bytes
    state.settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=state.settings.data_dir, prefix="upload-") as tmp:
        path = Path(tmp) / "upload"
        digest = await run_in_threadpool(_spool, file, path, max_bytes)
        yield path, digest


async def ingest_spooled(state: AppState, path: Path, *, filename: str, sha256: str) -> Intake:
    """Ingest a spooled upload; raise its InputError (after quarantining it) if it is rejected."""
    intake = await run_in_threadpool(
        ingest_file,
        path,
        filename=filename,
        sessions=state.sessions,
        store=state.store,
        queue=state.queue,
        limits=state.settings.limits(),
        sha256=sha256,
    )
    if intake.error is not None:
        raise intake.error
    return intake


async def receive_upload(state: AppState, file: UploadFile) -> Intake:
    async with spooled(state, file) as (path, digest):
        return await ingest_spooled(state, path, filename=file.filename or "upload", sha256=digest)


def _spool(upload: UploadFile, path: Path, max_bytes: int) -> str:
    written = 0
    digest = hashlib.sha256()
    with path.open("wb") as out:
        while chunk := upload.file.read(_CHUNK):
            written += len(chunk)
            if written > max_bytes:
                raise FileTooLarge(f"The file is larger than {max_bytes / 1_048_576:.0f} MB. Split it or scan at a lower resolution.")
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


@router.get("/{document_id}", responses={404: {"model": ErrorResponse}})
def get_document(document: DocumentDep) -> DocumentPublic:
    return DocumentPublic.model_validate(document)


def _stream(state: StateDep, key: str, media_type: str, filename: str) -> StreamingResponse:
    size = state.store.size(key)
    return StreamingResponse(
        state.store.open_stream(key),
        media_type=media_type,
        headers={"Content-Length": str(size), "Content-Disposition": content_disposition(filename)},
    )


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name (Vietnamese file names are the norm)."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode().replace('"', "") or "document"
    return f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _record_key(document: DocumentDep, attribute: str, session: SessionDep, version: int | None = None) -> str:
    """The object key of a derived file: of the record as it is, or of one of its versions."""
    if document.status != DocumentStatus.DONE.value or document.record is None:
        raise NotFound(f"Document {document.id} has no record yet (status: {document.status}).")
    if version is None:
        return getattr(document.record, attribute)
    row = reviews.version_of(session, document.record.id, version)
    if row is None:
        raise NotFound(f"The record of document {document.id} has no version {version}.")
    return getattr(row, attribute)


VersionQuery = Annotated[int | None, Query(ge=1, description="A version of the record (1 = the OCR as read); the latest when omitted.")]


@router.get("/{document_id}/text", response_class=StreamingResponse)
def get_text(document: DocumentDep, state: StateDep, session: SessionDep, version: VersionQuery = None) -> StreamingResponse:
    key = _record_key(document, "text_key", session, version)
    return _stream(state, key, "text/plain; charset=utf-8", f"{document.id}.txt")


@router.get("/{document_id}/hocr", response_class=StreamingResponse)
def get_hocr(document: DocumentDep, state: StateDep, session: SessionDep, version: VersionQuery = None) -> StreamingResponse:
    key = _record_key(document, "hocr_key", session, version)
    return _stream(state, key, "text/html; charset=utf-8", f"{document.id}.hocr")


@router.get("/{document_id}/pdf", response_class=StreamingResponse)
def get_pdf(document: DocumentDep, state: StateDep, session: SessionDep, version: VersionQuery = None) -> StreamingResponse:
    key = _record_key(document, "pdf_key", session, version)
    return _stream(state, key, "application/pdf", f"{document.id}.pdf")


@router.get("/{document_id}/original", response_class=StreamingResponse)
def get_original(document: DocumentDep, state: StateDep) -> StreamingResponse:
    media_type = document.media_type or "application/octet-stream"
    return _stream(state, document.original_key, media_type, document.filename)
