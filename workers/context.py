"""What a worker process needs, built once per process from the settings (never at import)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
import os
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from ocr_service.config import Settings, get_settings
from ocr_service.domain import Limits, OcrOptions
from storage.db import make_engine, session_factory
from storage.objects import ObjectStore, open_object_store

FanOut = Callable[[str, int, list[tuple[int, int]], int], None]


@dataclass(frozen=True)
class WorkerContext:
    sessions: sessionmaker[Session]
    store: ObjectStore
    limits: Limits
    opts: OcrOptions
    scratch_root: Path
    executor: Executor | None
    lease_seconds: int = 60
    fanout_pages: int = 16
    fanout: FanOut | None = None  # service mode: split large PDFs into page-range jobs
    requeue: Callable[[str], None] | None = None


def build_context(
    settings: Settings, *, processes: int | None = None, fanout: FanOut | None = None, requeue: Callable[[str], None] | None = None
) -> WorkerContext:
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
        lease_seconds=settings.lease_seconds,
        fanout_pages=settings.fanout_pages,
        fanout=fanout,
        requeue=requeue,
    )


_CONTEXTS: dict[int, WorkerContext] = {}


def get_context() -> WorkerContext:
    """The context of an RQ job process, which receives only ids; one per process.

    Keyed by process id: RQ forks a work-horse per job, and a forked child must not use the
    database connections and sockets of the worker it was forked from.
    RQ workers run one job at a time, so each runs its pages in its own process (start one
    worker per core); large PDFs fan out to page-range jobs that all workers share.
    """
    pid = os.getpid()
    if pid not in _CONTEXTS:
        _CONTEXTS.clear()
        _CONTEXTS[pid] = rq_context()
    return _CONTEXTS[pid]


def rq_context() -> WorkerContext:
    from workers.queue import RQDocumentQueue

    settings = get_settings()
    assert settings.redis_url, "RQ workers need OCR_REDIS_URL"
    queue = RQDocumentQueue(settings.redis_url, settings.queue_name)
    return build_context(settings, processes=1, fanout=queue.enqueue_parts, requeue=queue.enqueue)
