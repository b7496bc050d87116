"""Staff sign-in: a signed session token (bearer, or the web app's cookie)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ocr_service.api.deps import SESSION_COOKIE, PrincipalDep, SessionDep, StateDep
from ocr_service.api.schemas import ErrorResponse
from ocr_service.api.state import AppState
from ocr_service.auth import issue_session, verify_password
from ocr_service.errors import Unauthenticated
from storage import dossiers as dossier_repo
from storage.tables import StaffAccount

router = APIRouter(prefix="/v1/auth", tags=["auth"])


class LoginRequest(BaseModel):
    username: str
    password: str


class LoginResponse(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_in: int
    role: str
    unit_code: str | None


class WhoAmI(BaseModel):
    kind: str
    name: str
    role: str
    unit_code: str | None


@router.post("/login", responses={401: {"model": ErrorResponse}})
def login(body: LoginRequest, session: SessionDep, state: StateDep, response: Response) -> LoginResponse:
    account, token, ttl = sign_in(session, state, body.username, body.password)
    set_session_cookie(response, token, ttl=ttl, secure=state.settings.service_mode)
    return LoginResponse(token=token, expires_in=ttl, role=account.role, unit_code=account.unit_code)


def sign_in(session: Session, state: AppState, username: str, password: str) -> tuple[StaffAccount, str, int]:
    """Check a staff member's password; their account, a signed session token and its lifetime (s)."""
    account = dossier_repo.find_staff(session, username=username)
    if account is None or not verify_password(password, account.password_hash):
        raise Unauthenticated("Wrong user name or password.")
    ttl = state.settings.session_ttl_minutes * 60
    return account, issue_session(account.id, secret=state.secret, ttl_seconds=ttl), ttl


def set_session_cookie(response: Response, token: str, *, ttl: int, secure: bool) -> None:
    # HttpOnly: page scripts never see the token; SameSite=Lax: no cross-site POST carries it.
    response.set_cookie(SESSION_COOKIE, token, max_age=ttl, httponly=True, samesite="lax", secure=secure)


@router.post("/logout", status_code=204)
def logout(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE)
    response.status_code = 204
    return response


@router.get("/me")
def me(principal: PrincipalDep) -> WhoAmI:
    return WhoAmI(kind=principal.kind, name=principal.name, role=principal.role, unit_code=principal.unit_code)
