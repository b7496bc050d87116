"""Repository functions for dossiers, their documents, citizen links, the access log, staff and idempotency."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ocr_service.errors import Conflict, NotFound
from storage.repository import new_id
from storage.tables import (
    AccessLog,
    CitizenLink,
    Document,
    Dossier,
    DossierDocument,
    IdempotencyKey,
    Procedure,
    Record,
    StaffAccount,
)

ROLES = ("component", "result")


def create_dossier(
    session: Session,
    *,
    code: str,
    procedure_code: str,
    unit_code: str,
    received_at: datetime,
    applicant_id_number: str,
    created_by: str,
) -> Dossier:
    if session.get(Procedure, procedure_code) is None:
        raise NotFound(f"Procedure {procedure_code} does not exist.")
    if session.scalars(select(Dossier.id).where(Dossier.code == code)).first() is not None:
        raise Conflict(f"Dossier {code} already exists.")
    dossier = Dossier(
        id=new_id(),
        code=code,
        procedure_code=procedure_code,
        unit_code=unit_code,
        # In UTC: SQLite keeps a timestamp's wall time and drops its offset, so a +07:00 value
        # would read back seven hours off. Read back naive, it is UTC (domain.local_date).
        received_at=received_at.astimezone(UTC),
        applicant_id_number=applicant_id_number,
        status="received",
        created_by=created_by,
    )
    session.add(dossier)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent create with the same code
        raise Conflict(f"Dossier {code} already exists.") from exc
    return dossier


def get_dossier(session: Session, code: str) -> Dossier:
    dossier = session.scalars(select(Dossier).where(Dossier.code == code)).one_or_none()
    if dossier is None:
        raise NotFound(f"Dossier {code} not found.")
    return dossier


def attach(
    session: Session, *, dossier: Dossier, document_id: str, role: str, reused: bool = False, reused_from: str | None = None
) -> DossierDocument:
    """Attach a document to a dossier once per role; attaching again returns the existing link."""
    existing = session.scalars(
        select(DossierDocument).where(
            DossierDocument.dossier_id == dossier.id, DossierDocument.document_id == document_id, DossierDocument.role == role
        )
    ).one_or_none()
    if existing is not None:
        return existing
    link = DossierDocument(
        id=new_id(),
        dossier_id=dossier.id,
        document_id=document_id,
        role=role,
        reused=reused,
        reused_from_dossier_id=reused_from,
    )
    session.add(link)
    session.flush()
    return link


def dossier_units_of_document(session: Session, document_id: str) -> Sequence[tuple[str, datetime]]:
    """(unit code, received_at) of every dossier the document is attached to: what scopes its visibility."""
    rows = session.execute(
        select(Dossier.unit_code, Dossier.received_at)
        .join(DossierDocument, DossierDocument.dossier_id == Dossier.id)
        .where(DossierDocument.document_id == document_id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def first_dossier_of_document(session: Session, document_id: str) -> str | None:
    return session.scalars(
        select(DossierDocument.dossier_id).where(DossierDocument.document_id == document_id).order_by(DossierDocument.created_at)
    ).first()


def replace_citizen_links(session: Session, *, record_id: str, people: Sequence[tuple[str, str | None]]) -> None:
    for link in session.scalars(select(CitizenLink).where(CitizenLink.record_id == record_id)):
        session.delete(link)
    session.flush()
    seen: set[str] = set()
    for id_number, full_name in people:
        if id_number in seen:
            continue
        seen.add(id_number)
        session.add(CitizenLink(record_id=record_id, id_number=id_number, full_name=full_name))
    session.flush()


def names_linked_elsewhere(session: Session, id_numbers: Sequence[str], *, record_id: str) -> dict[str, set[str]]:
    """The names other records give to each of these ID numbers (links without a name left out)."""
    found: dict[str, set[str]] = {}
    if id_numbers:
        rows = session.execute(
            select(CitizenLink.id_number, CitizenLink.full_name).where(
                CitizenLink.id_number.in_(list(id_numbers)), CitizenLink.record_id != record_id, CitizenLink.full_name.is_not(None)
            )
        )
        for number, name in rows:
            found.setdefault(number, set()).add(name)
    return found


def records_naming(session: Session, id_number: str) -> Sequence[tuple[Record, Document]]:
    rows = session.execute(
        select(Record, Document)
        .join(CitizenLink, CitizenLink.record_id == Record.id)
        .join(Document, Document.id == Record.document_id)
        .where(CitizenLink.id_number == id_number)
        .order_by(Record.created_at)
    ).all()
    return [(row[0], row[1]) for row in rows]


def log_access(
    session: Session, *, principal_kind: str, principal_id: str, principal_name: str, action: str, id_number: str, record_ids: list[str]
) -> None:
    session.add(
        AccessLog(
            principal_kind=principal_kind,
            principal_id=principal_id,
            principal_name=principal_name,
            action=action,
            citizen_id_number=id_number,
            record_ids=record_ids,
        )
    )
    session.flush()


def access_log_for(session: Session, id_number: str) -> Sequence[AccessLog]:
    return session.scalars(select(AccessLog).where(AccessLog.citizen_id_number == id_number).order_by(AccessLog.at)).all()


# --- staff ------------------------------------------------------------------------------------


def create_staff(session: Session, *, username: str, full_name: str, password_hash: str, role: str, unit_code: str | None) -> StaffAccount:
    if session.scalars(select(StaffAccount.id).where(StaffAccount.username == username)).first():
        raise Conflict(f"Account {username} already exists.")
    account = StaffAccount(
        id=new_id(), username=username, full_name=full_name, password_hash=password_hash, role=role, unit_code=unit_code, active=True
    )
    session.add(account)
    session.flush()
    return account


def upsert_staff(session: Session, *, username: str, full_name: str, password_hash: str, role: str, unit_code: str | None) -> StaffAccount:
    """Create the account, or give an existing one this name, password, role and unit (and make it active)."""
    account = session.scalars(select(StaffAccount).where(StaffAccount.username == username)).one_or_none()
    if account is None:
        return create_staff(session, username=username, full_name=full_name, password_hash=password_hash, role=role, unit_code=unit_code)
    account.full_name, account.password_hash, account.role, account.unit_code, account.active = full_name, password_hash, role, unit_code, True
    session.flush()
    return account


def find_staff(session: Session, *, username: str | None = None, account_id: str | None = None) -> StaffAccount | None:
    query = select(StaffAccount)
    query = query.where(StaffAccount.username == username) if username is not None else query.where(StaffAccount.id == account_id)
    account = session.scalars(query).one_or_none()
    return account if account is not None and account.active else None


# --- idempotency ------------------------------------------------------------------------------


def find_idempotent(session: Session, *, principal_id: str, key: str) -> IdempotencyKey | None:
    return session.scalars(
        select(IdempotencyKey).where(IdempotencyKey.principal_id == principal_id, IdempotencyKey.key == key)
    ).one_or_none()


def save_idempotent(
    session: Session, *, principal_id: str, key: str, request_hash: str, status_code: int, response: dict[str, Any]
) -> None:
    session.add(IdempotencyKey(principal_id=principal_id, key=key, request_hash=request_hash, status_code=status_code, response=response))
    session.flush()
