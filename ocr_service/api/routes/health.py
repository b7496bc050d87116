"""Liveness (the process answers) and readiness (database, queue and object store answer)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ocr_service.api.deps import StateDep
from ocr_service.errors import OcrServiceError

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live")
def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", responses={503: {"description": "A dependency is down"}})
def ready(state: StateDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    for name, ping in (("queue", state.queue.ping), ("object_store", state.store.ping)):
        try:
            ping()
            checks[name] = "ok"
        except OcrServiceError as exc:
            checks[name] = f"error: {exc.code}"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)
