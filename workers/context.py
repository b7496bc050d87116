"""What a worker process needs, built once per process from the settings (never at import)."""

from __future__ import annotations

from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from ocr_service.config import Settings, get_settings
from ocr_service.domain import Limits, OcrOptions
from storage.db import make_engine, session_factory
from storage.objects import ObjectStore, open_object_store


@dataclass(frozen=True)
class WorkerContext:
    sessions: sessionmaker[Session]
    store: ObjectStore
    limits: Limits
    opts: OcrOptions
    scratch_root: Path
    executor: Executor | None


def build_context(settings: Settings, *, processes: int | None = None) -> WorkerContext:
    scratch = settings.data_dir / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    processes = settings.ocr_processes if processes is None else processes
    executor = ProcessPoolExecutor(max_workers=processes) if processes > 1 else None
    return WorkerContext(
        sessions=session_factory(make_engine(settings.effective_database_url)),
        store=open_object_store(settings),
        limits=settings.limits(),
        opts=settings.ocr_options(),
        scratch_root=scratch,
        executor=executor,
    )


@lru_cache(maxsize=1)
def get_context() -> WorkerContext:
    """The context of an RQ worker process, which receives only document ids."""
    return build_context(get_settings())
