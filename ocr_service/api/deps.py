"""FastAPI dependencies: state, a database session, the authenticated principal, looked-up objects.

Ownership and role checks live here, in the dependencies, not in each route.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from extractors.review import people
from ocr_service.api.state import AppState
from ocr_service.auth import SESSION_PREFIX, read_session
from ocr_service.domain import local_date
from ocr_service.errors import Forbidden, NotFound, Unauthenticated
from storage import dossiers as dossier_repo
from storage import repository as repo
from storage.db import transaction
from storage.reference import is_within
from storage.tables import Document, Dossier, Record

ROLES = ("clerk", "qa", "admin", "system")
SESSION_COOKIE = "ocr_session"


def get_state(request: Request) -> AppState:
    return request.app.state.ocr


StateDep = Annotated[AppState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    with transaction(state.sessions) as session:
        yield session


# scope="function": the transaction commits before the response is sent. With the default
# ("request") FastAPI sends the response first and commits after, so a client could be told 201
# and read nothing back (or be told 201 for a commit that then fails).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a system's API key or a staff account. ``unit_code`` None is province-wide."""

    kind: str
    id: str
    name: str
    role: str
    unit_code: str | None

    def sees(self, unit_code: str, on: datetime) -> bool:
        return is_within(self.unit_code, unit_code, local_date(on))


def get_principal(request: Request, session: SessionDep, state: StateDep) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    token = token or request.cookies.get(SESSION_COOKIE, "")
    if not token:
        raise Unauthenticated()
    if token.startswith(SESSION_PREFIX):
        account_id = read_session(token, secret=state.secret)
        account = dossier_repo.find_staff(session, account_id=account_id) if account_id else None
        if account is None:
            raise Unauthenticated("The session has expired. Sign in again.")
        return Principal(kind="staff", id=account.id, name=account.username, role=account.role, unit_code=account.unit_code)
    key = repo.find_api_key(session, plain=token)
    if key is None:
        raise Unauthenticated("The API key is not valid or has been revoked.")
    key.last_used_at = datetime.now(UTC)
    return Principal(kind="api_key", id=key.id, name=key.name, role=key.role, unit_code=key.unit_code)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: str):  # type: ignore[no-untyped-def]
    def check(principal: PrincipalDep) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"The {principal.role} role cannot do this.")
        return principal

    return Depends(check)


WriterDep = Annotated[Principal, require_roles("clerk", "admin", "system")]


def log_citizen_read(session: Session, principal: Principal, *, action: str, id_number: str, record_ids: list[str]) -> None:
    """Write a read of a citizen's records to the access log, with who read them."""
    dossier_repo.log_access(
        session,
        principal_kind=principal.kind,
        principal_id=principal.id,
        principal_name=principal.name,
        action=action,
        id_number=id_number,
        record_ids=record_ids,
    )


def log_record_read(session: Session, principal: Principal, record: Record, action: str) -> None:
    """One access-log entry per citizen the record names (linked, or an ID number in its fields).

    Every read of a record's content (fields, text, hOCR, PDF, the original scan, page words and
    images) goes through here: who read which citizen's record, when, and how.
    """
    numbers = dict.fromkeys(
        [*record.citizen_ids, *(p.id_number for p in people(record.fields) if isinstance(p.id_number, str) and len(p.id_number) == 12)]
    )
    for number in numbers:
        log_citizen_read(session, principal, action=action, id_number=number, record_ids=[record.id])


def can_see_document(session: Session, principal: Principal, document_id: str) -> bool:
    """A document is visible through any dossier it belongs to; one in no dossier, only province-wide."""
    if principal.unit_code is None:
        return True
    return any(principal.sees(unit, received) for unit, received in dossier_repo.dossier_units_of_document(session, document_id))


def visible_document(session: Session, principal: Principal, document_id: str) -> Document:
    document = repo.get_document(session, document_id)
    if not can_see_document(session, principal, document_id):
        raise NotFound(f"Document {document_id} not found.")  # not 403: do not confirm it exists
    return document


def get_document(document_id: str, session: SessionDep, principal: PrincipalDep) -> Document:
    return visible_document(session, principal, document_id)


DocumentDep = Annotated[Document, Depends(get_document)]


def get_dossier(code: str, session: SessionDep, principal: PrincipalDep) -> Dossier:
    dossier = dossier_repo.get_dossier(session, code)
    if not principal.sees(dossier.unit_code, dossier.received_at):
        raise NotFound(f"Dossier {code} not found.")
    return dossier


DossierDep = Annotated[Dossier, Depends(get_dossier)]
