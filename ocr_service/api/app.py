"""``create_app()``: the FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ocr_service.api.routes import documents, health
from ocr_service.api.state import AppState
from ocr_service.config import Settings, get_settings
from ocr_service.errors import OcrServiceError
from storage.db import make_engine, session_factory, upgrade
from storage.objects import open_object_store
from workers.queue import DocumentQueue, InProcessQueue, RQDocumentQueue


def build_state(settings: Settings, *, queue: DocumentQueue | None = None) -> AppState:
    url = settings.effective_database_url
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    store = open_object_store(settings)
    if queue is None:
        queue = RQDocumentQueue(settings.redis_url, settings.queue_name) if settings.redis_url else _embedded_queue(settings)
    return AppState(settings=settings, engine=engine, sessions=sessions, store=store, queue=queue)


def _embedded_queue(settings: Settings) -> InProcessQueue:
    # Imported here: only the embedded default runs OCR inside the API process.
    from workers.context import build_context
    from workers.jobs import run_document

    context = build_context(settings)
    return InProcessQueue(lambda document_id: run_document(context, document_id))


def create_app(settings: Settings | None = None, *, state: AppState | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.ocr = state or build_state(settings or get_settings())
        yield

    app = FastAPI(
        title="OCR service for one-stop shops",
        description="Digitizes dossier documents (Decision 06/QĐ-TTg) and serves their text and fields.",
        version="0.1.0",
        lifespan=lifespan,
    )

    @app.exception_handler(OcrServiceError)
    async def service_error(_request: Request, exc: OcrServiceError) -> JSONResponse:
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid')}" if where else "The request is not valid."
        return JSONResponse({"error": {"code": "validation_failed", "message": message}}, status_code=422)

    app.include_router(health.router)
    app.include_router(documents.router)
    return app
