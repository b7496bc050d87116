"""``create_app()``: the FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from ocr_service import web

from ocr_service.api.routes import auth, citizens, documents, dossiers, health, reviews, schema, stats
from ocr_service.api.state import AppState
from ocr_service.config import Settings, get_settings
from ocr_service.errors import OcrServiceError
from ocr_service.domain import DocumentStatus
from storage import repository as repo
from storage.db import make_engine, session_factory, transaction, upgrade
from storage.objects import open_object_store
from storage.reference import sync_reference_data
from workers.queue import DocumentQueue, InProcessQueue, RQDocumentQueue


def build_state(settings: Settings, *, queue: DocumentQueue | None = None) -> AppState:
    url = settings.effective_database_url
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        sync_reference_data(session)
    store = open_object_store(settings)
    if queue is None:
        queue = RQDocumentQueue(settings.redis_url, settings.queue_name) if settings.redis_url else _embedded_queue(settings)
    secret = settings.secret_key or _embedded_secret(settings.data_dir)
    return AppState(settings=settings, engine=engine, sessions=sessions, store=store, queue=queue, secret=secret)


def _embedded_secret(data_dir: Path) -> str:
    """The embedded default keeps a random session secret in its data directory (service mode must set one)."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _embedded_queue(settings: Settings) -> InProcessQueue:
    # Imported here: only the embedded default runs OCR inside the API process.
    from workers.context import build_context
    from workers.jobs import run_document

    context = build_context(settings)
    queue = InProcessQueue(lambda document_id: run_document(context, document_id))
    # The in-process queue lives in memory: after a restart, re-queue what it was holding.
    with transaction(context.sessions) as session:
        documents = repo.unfinished_documents(session)
        unfinished = [d.id for d in documents]
        for document in documents:
            if document.status == DocumentStatus.PROCESSING.value:
                repo.set_status(session, document, DocumentStatus.QUEUED)
                document.lease_until = None
    for document_id in unfinished:
        queue.enqueue(document_id)
    return queue


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
    async def service_error(request: Request, exc: OcrServiceError) -> Response:
        if web.is_page_request(request):
            return web.error_page(request, exc)
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid')}" if where else "The request is not valid."
        return JSONResponse({"error": {"code": "validation_failed", "message": message}}, status_code=422)

    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(dossiers.router)
    app.include_router(documents.router)
    app.include_router(citizens.router)
    app.include_router(reviews.router)
    app.include_router(stats.router)
    app.include_router(stats.metrics_router)
    app.include_router(schema.router)
    web.mount(app)
    return app
