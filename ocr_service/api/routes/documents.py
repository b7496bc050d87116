"""Documents: upload (202, queued), status and record, and the stored files."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, UploadFile, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from ocr_service.api.deps import DocumentDep, PrincipalDep, StateDep, require_roles
from ocr_service.api.schemas import DocumentPublic, ErrorResponse, UploadAccepted
from ocr_service.domain import DocumentStatus
from ocr_service.errors import FileTooLarge, NotFound
from ocr_service.intake import ingest_file

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
    limits = state.settings.limits()
    with tempfile.TemporaryDirectory(dir=state.settings.data_dir, prefix="upload-") as tmp:
        path = Path(tmp) / "upload"
        await run_in_threadpool(_spool, file, path, limits.max_bytes)
        intake = await run_in_threadpool(
            ingest_file,
            path,
            filename=file.filename or "upload",
            sessions=state.sessions,
            store=state.store,
            queue=state.queue,
            limits=limits,
        )
    if intake.error is not None:
        raise intake.error
    return UploadAccepted(document_id=intake.document_id, status=intake.status.value, sha256=intake.sha256, duplicate=intake.duplicate)


def _spool(upload: UploadFile, path: Path, max_bytes: int) -> None:
    written = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(_CHUNK):
            written += len(chunk)
            if written > max_bytes:
                raise FileTooLarge(f"The file is larger than {max_bytes / 1_048_576:.0f} MB. Split it or scan at a lower resolution.")
            out.write(chunk)


@router.get("/{document_id}", responses={404: {"model": ErrorResponse}})
def get_document(document: DocumentDep, principal: PrincipalDep) -> DocumentPublic:
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


def _record_key(document: DocumentDep, attribute: str) -> str:
    if document.status != DocumentStatus.DONE.value or document.record is None:
        raise NotFound(f"Document {document.id} has no record yet (status: {document.status}).")
    return getattr(document.record, attribute)


@router.get("/{document_id}/text", response_class=StreamingResponse)
def get_text(document: DocumentDep, state: StateDep) -> StreamingResponse:
    return _stream(state, _record_key(document, "text_key"), "text/plain; charset=utf-8", f"{document.id}.txt")


@router.get("/{document_id}/hocr", response_class=StreamingResponse)
def get_hocr(document: DocumentDep, state: StateDep) -> StreamingResponse:
    return _stream(state, _record_key(document, "hocr_key"), "text/html; charset=utf-8", f"{document.id}.hocr")


@router.get("/{document_id}/pdf", response_class=StreamingResponse)
def get_pdf(document: DocumentDep, state: StateDep) -> StreamingResponse:
    return _stream(state, _record_key(document, "pdf_key"), "application/pdf", f"{document.id}.pdf")


@router.get("/{document_id}/original", response_class=StreamingResponse)
def get_original(document: DocumentDep, state: StateDep) -> StreamingResponse:
    media_type = document.media_type or "application/octet-stream"
    return _stream(state, document.original_key, media_type, document.filename)
