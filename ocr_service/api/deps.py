"""FastAPI dependencies: state, a database session, the authenticated principal, the looked-up document.

Ownership and role checks live here, in the dependency, not in each route.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ocr_service.api.state import AppState
from ocr_service.errors import Forbidden, Unauthenticated
from storage import repository as repo
from storage.db import transaction
from storage.tables import Document

ROLES = ("clerk", "qa", "admin", "system")


def get_state(request: Request) -> AppState:
    return request.app.state.ocr


StateDep = Annotated[AppState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    with transaction(state.sessions) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a system's API key (or, later, a staff account)."""

    kind: str
    id: str
    name: str
    role: str
    unit_code: str | None


def get_principal(request: Request, session: SessionDep) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    key = repo.find_api_key(session, plain=token.strip())
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


def get_document(document_id: str, session: SessionDep, principal: PrincipalDep) -> Document:
    return repo.get_document(session, document_id)


DocumentDep = Annotated[Document, Depends(get_document)]
