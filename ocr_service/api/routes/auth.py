"""Staff sign-in: a signed session token (bearer, or the web app's cookie)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from ocr_service.api.deps import SESSION_COOKIE, PrincipalDep, SessionDep, StateDep
from ocr_service.api.schemas import ErrorResponse
from ocr_service.auth import issue_session, verify_password
from ocr_service.errors import Unauthenticated
from storage import dossiers as dossier_repo

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
    account = dossier_repo.find_staff(session, username=body.username)
    if account is None or not verify_password(body.password, account.password_hash):
        raise Unauthenticated("Wrong user name or password.")
    ttl = state.settings.session_ttl_minutes * 60
    token = issue_session(account.id, secret=state.secret, ttl_seconds=ttl)
    response.set_cookie(SESSION_COOKIE, token, max_age=ttl, httponly=True, samesite="lax", secure=state.settings.service_mode)
    return LoginResponse(token=token, expires_in=ttl, role=account.role, unit_code=account.unit_code)


@router.post("/logout", status_code=204)
def logout(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE)
    response.status_code = 204
    return response


@router.get("/me")
def me(principal: PrincipalDep) -> WhoAmI:
    return WhoAmI(kind=principal.kind, name=principal.name, role=principal.role, unit_code=principal.unit_code)
