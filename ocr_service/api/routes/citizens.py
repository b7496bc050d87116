"""The lookup other systems use: every digitized record naming a citizen. Every read is logged."""

from __future__ import annotations

from fastapi import APIRouter

from ocr_service.api.deps import Principal, PrincipalDep, SessionDep, can_see_document, log_citizen_read
from ocr_service.api.schemas import CitizenDocument, CitizenDocuments, ErrorResponse
from ocr_service.errors import ValidationFailed
from storage import dossiers as dossier_repo
from storage.tables import Dossier, DossierDocument

from sqlalchemy import select
from sqlalchemy.orm import Session

router = APIRouter(prefix="/v1/citizens", tags=["citizens"], responses={401: {"model": ErrorResponse}})


@router.get("/{id_number}/documents", responses={422: {"model": ErrorResponse}})
def citizen_documents(id_number: str, session: SessionDep, principal: PrincipalDep) -> CitizenDocuments:
    """Records naming this 12-digit (or 9-digit CMND) number that the caller may see, with their fields.

    The read is written to the access log (who, when, which citizen, which records), including
    a lookup that finds nothing.
    """
    return lookup_citizen(session, principal, id_number, action="citizen_documents")


MAX_DOSSIER_CODES = 20


def lookup_citizen(session: Session, principal: Principal, id_number: str, *, action: str) -> CitizenDocuments:
    """The lookup itself, for the API and the web page alike: always written to the access log."""
    if not (id_number.isdigit() and len(id_number) in (9, 12)):
        raise ValidationFailed("id_number: a 12-digit personal ID number (or a 9-digit CMND number).")
    found: list[CitizenDocument] = []
    for record, document in dossier_repo.records_naming(session, id_number):
        if not can_see_document(session, principal, document.id):
            continue
        rows = session.execute(
            select(Dossier.code, Dossier.unit_code, Dossier.received_at)
            .join(DossierDocument, DossierDocument.dossier_id == Dossier.id)
            .where(DossierDocument.document_id == document.id)
            .order_by(Dossier.received_at.desc())
        ).all()
        # Only the dossiers this principal may see; the most recent few (a document reused in
        # many dossiers would otherwise list them all), with how many there are.
        codes = [code for code, unit, received in rows if principal.sees(unit, received)]
        found.append(
            CitizenDocument(
                document_id=document.id,
                record_id=record.id,
                filename=document.filename,
                doc_type=record.doc_type,
                fields=record.fields,
                citizen_ids=record.citizen_ids,
                page_count=record.page_count,
                mean_confidence=record.mean_confidence,
                needs_review=record.needs_review,
                review_status=record.review_status,
                dossiers=codes[:MAX_DOSSIER_CODES],
                dossier_count=len(codes),
                digitized_at=record.updated_at,
            )
        )
    log_citizen_read(session, principal, action=action, id_number=id_number, record_ids=[d.record_id for d in found])
    return CitizenDocuments(id_number=id_number, documents=found)
