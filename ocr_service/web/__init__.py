"""The staff web app: server-rendered Vietnamese pages over the same API, state and principals.

``mount(app)`` adds the pages and their static files to the FastAPI app. Pages sign in with the
session cookie the API's ``/v1/auth/login`` also sets; their JavaScript calls the JSON API with it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from ocr_service.errors import OcrServiceError
from ocr_service.web import clerk, qa
from ocr_service.web import dashboard  # after clerk and qa: its link comes last in the header
from ocr_service.web.deps import LoginRequired, login_redirect
from ocr_service.web.messages import error_text_vi
from ocr_service.web.routes import router
from ocr_service.web.templates import render

STATIC_DIR = Path(__file__).parent / "static"


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(LoginRequired, login_redirect)  # type: ignore[arg-type]
    app.include_router(router)
    app.include_router(clerk.router)
    app.include_router(qa.router)
    app.include_router(dashboard.router)


def is_page_request(request: Request) -> bool:
    """A browser asking for a page (not the JSON API, health or metrics)."""
    path = request.url.path
    if path.startswith(("/v1/", "/health", "/metrics", "/static/", "/docs", "/openapi")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_page(request: Request, exc: OcrServiceError) -> HTMLResponse:
    titles = {401: "Chưa đăng nhập", 403: "Không có quyền", 404: "Không tìm thấy"}
    return render(
        request, "error.html", status_code=exc.http_status,
        title=titles.get(exc.http_status, "Đã có lỗi xảy ra"), message=error_text_vi(exc.code),
    )
