"""Dossiers (hồ sơ): create, read, upload components and results, reuse a digitized document."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Header, UploadFile, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from ocr_service.api.deps import DossierDep, SessionDep, StateDep, WriterDep, can_see_document
from ocr_service.api.routes.documents import ingest_spooled, spooled
from ocr_service.api.schemas import AttachmentPublic, DossierCreate, DossierPublic, ErrorResponse, ReuseRequest, UploadAccepted
from ocr_service.domain import DocumentStatus, local_date
from ocr_service.errors import Conflict, Forbidden, NotFound, ValidationFailed
from extractors.identity import cccd_problems
from storage import dossiers as dossier_repo
from storage import repository as repo
from storage.db import transaction
from storage.reference import unit_exists
from storage.tables import Dossier, IdempotencyKey

router = APIRouter(prefix="/v1/dossiers", tags=["dossiers"], responses={401: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})


def dossier_public(dossier: Dossier) -> DossierPublic:
    attachments = [
        AttachmentPublic(
            document_id=a.document_id,
            role=a.role,
            reused=a.reused,
            reused_from_dossier_id=a.reused_from_dossier_id,
            created_at=a.created_at,
            status=a.document.status,
            filename=a.document.filename,
            error_code=a.document.error_code,
        )
        for a in dossier.attachments
    ]
    return DossierPublic(
        id=dossier.id,
        code=dossier.code,
        procedure_code=dossier.procedure_code,
        procedure_name=dossier.procedure.name,
        unit_code=dossier.unit_code,
        received_at=dossier.received_at,
        applicant_id_number=dossier.applicant_id_number,
        status=dossier.status,
        components=[a for a in attachments if a.role == "component"],
        results=[a for a in attachments if a.role == "result"],
    )


@router.post("", status_code=status.HTTP_201_CREATED, responses={409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def create_dossier(body: DossierCreate, session: SessionDep, principal: WriterDep) -> DossierPublic:
    unit_code = body.unit_code or principal.unit_code
    if unit_code is None:
        raise ValidationFailed("unit_code: required for a principal without a unit.")
    received_at = body.received_at or datetime.now(UTC)
    if received_at.tzinfo is None:
        raise ValidationFailed("received_at: give a time zone offset (e.g. +07:00).")
    received_day = local_date(received_at)
    if not unit_exists(unit_code, received_day):
        raise ValidationFailed(f"unit_code: no unit {unit_code} on {received_day.isoformat()}.")
    if not principal.sees(unit_code, received_at):
        raise Forbidden(f"Your unit cannot receive dossiers for unit {unit_code}.")
    if problems := cccd_problems(body.applicant_id_number):
        raise ValidationFailed(f"applicant_id_number: not a valid personal ID number ({', '.join(problems)}).")
    dossier = dossier_repo.create_dossier(
        session,
        code=body.code,
        procedure_code=body.procedure_code,
        unit_code=unit_code,
        received_at=received_at,
        applicant_id_number=body.applicant_id_number,
        created_by=f"{principal.kind}:{principal.name}",
    )
    session.refresh(dossier)
    return dossier_public(dossier)


@router.get("/{code}")
def read_dossier(dossier: DossierDep) -> DossierPublic:
    return dossier_public(dossier)


@router.post(
    "/{code}/documents",
    status_code=status.HTTP_202_ACCEPTED,
    responses={413: {"model": ErrorResponse}, 415: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
async def upload_to_dossier(
    code: str,
    state: StateDep,
    file: Annotated[UploadFile, File()],
    principal: WriterDep,
    role: Annotated[Literal["component", "result"], Form()] = "component",
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> JSONResponse:
    """Stream the scan to storage, record it, queue it: 202 with the document id.

    The same bytes again give the same document (no second OCR). With an ``Idempotency-Key``
    header a retried request returns the first response instead of doing the work again.
    """
    with transaction(state.sessions) as session:
        dossier = dossier_repo.get_dossier(session, code)
        if not principal.sees(dossier.unit_code, dossier.received_at):
            raise NotFound(f"Dossier {code} not found.")

    async with spooled(state, file) as (path, digest):
        request_hash = hashlib.sha256(f"{code}\n{role}\n{digest}".encode()).hexdigest()
        if idempotency_key:
            with transaction(state.sessions) as session:
                earlier = dossier_repo.find_idempotent(session, principal_id=principal.id, key=idempotency_key)
            if earlier is not None:
                return _replay(earlier, request_hash)
        intake = await ingest_spooled(state, path, filename=file.filename or "upload", sha256=digest)

    body = UploadAccepted(
        document_id=intake.document_id, status=intake.status.value, sha256=intake.sha256, duplicate=intake.duplicate, dossier_code=code, role=role
    ).model_dump(mode="json")
    with transaction(state.sessions) as session:
        dossier = dossier_repo.get_dossier(session, code)
        dossier_repo.attach(session, dossier=dossier, document_id=intake.document_id, role=role)
        if idempotency_key:
            try:
                with session.begin_nested():
                    dossier_repo.save_idempotent(
                        session, principal_id=principal.id, key=idempotency_key, request_hash=request_hash, status_code=202, response=body
                    )
            except IntegrityError:
                pass  # a concurrent retry stored it first: same bytes, same document, same answer
    return JSONResponse(body, status_code=202)


def _replay(earlier: IdempotencyKey, request_hash: str) -> JSONResponse:
    if earlier.request_hash != request_hash:
        raise Conflict("This Idempotency-Key was already used for a different upload.")
    return JSONResponse(earlier.response, status_code=earlier.status_code, headers={"Idempotent-Replayed": "true"})


@router.post("/{code}/reuse", status_code=status.HTTP_201_CREATED, responses={409: {"model": ErrorResponse}})
def reuse_document(
    body: ReuseRequest, dossier: DossierDep, session: SessionDep, principal: WriterDep
) -> DossierPublic:
    """Attach an already digitized document instead of a new scan (the once-only principle)."""
    document = repo.get_document(session, body.document_id)
    if not can_see_document(session, principal, document.id):
        raise NotFound(f"Document {body.document_id} not found.")
    if document.status != DocumentStatus.DONE.value:
        raise Conflict(f"Document {document.id} is not digitized yet (status: {document.status}).")
    source = dossier_repo.first_dossier_of_document(session, document.id)
    dossier_repo.attach(session, dossier=dossier, document_id=document.id, role=body.role, reused=True, reused_from=source)
    session.refresh(dossier)
    return dossier_public(dossier)
