"""Sign-in, sign-out and the home page. Feature pages live in modules of their own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ocr_service.api.deps import SESSION_COOKIE, SessionDep, StateDep
from ocr_service.api.routes.auth import set_session_cookie, sign_in
from ocr_service.errors import Unauthenticated
from ocr_service.web.deps import StaffPageDep, optional_staff
from ocr_service.web.templates import NAV, render

router = APIRouter(include_in_schema=False)


def _safe_next(next_path: str | None) -> str:
    # Only paths on this site: never redirect a signed-in user to another origin.
    if not next_path or not next_path.startswith("/") or next_path.startswith("//"):
        return "/"
    return next_path


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, session: SessionDep, state: StateDep, next: str = "/", reason: str = "") -> Response:
    if optional_staff(request, session, state) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    notice = "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại." if reason == "expired" else ""
    return render(request, "login.html", next=_safe_next(next), notice=notice, error="", username="")


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: SessionDep,
    state: StateDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        _account, token, ttl = sign_in(session, state, username.strip(), password)
    except Unauthenticated:
        return render(
            request, "login.html", status_code=401, next=_safe_next(next), notice="",
            error="Sai tên đăng nhập hoặc mật khẩu.", username=username,
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, token, ttl=ttl, secure=state.settings.service_mode)
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: StaffPageDep) -> Response:
    links = [item for item in NAV if principal.role in item.roles and item.path != "/"]
    return render(request, "home.html", links=links)
