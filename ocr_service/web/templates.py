"""Jinja2 templates for the web app, with Vietnamese date filters and the role-based navigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ocr_service.domain import local_date, local_time
from ocr_service.web.messages import DEFAULT_ERROR_VI, ERROR_TEXT_VI

ROLE_NAMES = {"clerk": "Cán bộ tiếp nhận", "qa": "Cán bộ kiểm tra", "admin": "Quản trị", "system": "Hệ thống"}


@dataclass(frozen=True, slots=True)
class NavItem:
    """A link in the header, shown to the roles named."""

    label: str
    path: str
    roles: tuple[str, ...]


# Pages add their entry here, in the order the header shows them.
NAV: list[NavItem] = [NavItem("Trang chủ", "/", ("clerk", "qa", "admin"))]


def vi_date(value: date | datetime | str | None) -> str:
    """``dd/mm/yyyy`` as Vietnamese documents write dates; datetimes in Vietnam time."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = local_date(value)
    return value.strftime("%d/%m/%Y")


def vi_datetime(value: datetime | str | None) -> str:
    """``HH:MM dd/mm/yyyy`` in Vietnam time."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return local_time(value).strftime("%H:%M %d/%m/%Y")


def vi_month(value: date | datetime | str) -> str:
    """``tháng 6/2022``."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10] if len(value) > 7 else value + "-01")
    return f"tháng {value.month}/{value.year}"


def _build() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
    templates.env.filters.update(vi_date=vi_date, vi_datetime=vi_datetime, vi_month=vi_month)
    templates.env.globals.update(role_names=ROLE_NAMES, error_text_vi={**ERROR_TEXT_VI, "_default": DEFAULT_ERROR_VI})
    return templates


TEMPLATES = _build()


def render(request: Request, name: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page; the signed-in principal (if any) and its navigation come from the request."""
    principal = getattr(request.state, "principal", None)
    nav = [item for item in NAV if principal is not None and principal.role in item.roles]
    return TEMPLATES.TemplateResponse(request, name, {"principal": principal, "nav": nav, **context}, status_code=status_code)
