"""Page dependencies: the signed-in staff member, or a redirect to the login page.

The JSON API answers 401; a page sends the browser to ``/login?next=…`` instead, saying why
(signed out, or the session expired).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse

from ocr_service.api.deps import SESSION_COOKIE, Principal, SessionDep, StateDep
from ocr_service.auth import read_session
from ocr_service.errors import Forbidden
from storage import dossiers as dossier_repo


class LoginRequired(Exception):
    def __init__(self, next_path: str, *, expired: bool) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.expired = expired


def login_redirect(_request: Request, exc: LoginRequired) -> RedirectResponse:
    reason = "&reason=expired" if exc.expired else ""
    response = RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}{reason}", status_code=303)
    if exc.expired:
        response.delete_cookie(SESSION_COOKIE)
    return response


def optional_staff(request: Request, session: SessionDep, state: StateDep) -> Principal | None:
    """The staff member the session cookie names, if it is valid and the account is active."""
    token = request.cookies.get(SESSION_COOKIE, "")
    account_id = read_session(token, secret=state.secret) if token else None
    account = dossier_repo.find_staff(session, account_id=account_id) if account_id else None
    if account is None:
        return None
    principal = Principal(kind="staff", id=account.id, name=account.username, role=account.role, unit_code=account.unit_code)
    request.state.principal = principal
    request.state.full_name = account.full_name
    return principal


def staff_page(request: Request, principal: Annotated[Principal | None, Depends(optional_staff)]) -> Principal:
    if principal is None:
        next_path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(next_path, expired=SESSION_COOKIE in request.cookies)
    return principal


StaffPageDep = Annotated[Principal, Depends(staff_page)]


def page_roles(*roles: str):  # type: ignore[no-untyped-def]
    """A page for some roles only; others get the error page (403), not a redirect loop."""

    def check(principal: StaffPageDep) -> Principal:
        if principal.role not in roles:
            raise Forbidden("Tài khoản của bạn không có quyền mở trang này.")
        return principal

    return Depends(check)
