"""Enqueueing documents: RQ on Redis in service mode, an in-process worker in the embedded default.

The API process uses this module only: RQ jobs are enqueued by dotted path, so the API never
imports OpenCV or Tesseract. Job ids are deterministic (one job per document at a time).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from ocr_service.errors import QueueUnavailable, TransientError

log = logging.getLogger(__name__)

JOB_PATH = "workers.jobs.process_document"
PART_PATH = "workers.jobs.process_part"
FINISH_PATH = "workers.jobs.finish_document"
JOB_TIMEOUT_SECONDS = 60 * 60
RETRY_INTERVALS = (10, 60, 300)
# RQ drops a worker from its registry when its heartbeat is older than the worker TTL (420 s
# by default); one older than this is reported unhealthy before that happens.
HEARTBEAT_STALE_SECONDS = 420


def job_id(document_id: str) -> str:
    return f"document-{document_id}"


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    name: str
    state: str  # RQ's worker state (idle, busy, suspended, ...); embedded: idle, busy, stopped
    last_heartbeat: datetime | None
    healthy: bool


class DocumentQueue(Protocol):
    def enqueue(self, document_id: str) -> None:
        """Queue the document for processing; raise ``QueueUnavailable`` if it cannot be queued."""

    def ping(self) -> None: ...

    def depth(self) -> int:
        """Jobs waiting for a worker (not those being worked on)."""

    def workers(self) -> list[WorkerInfo]:
        """The workers taking this queue's jobs, and whether each is alive."""


class RQDocumentQueue:
    def __init__(self, redis_url: str, name: str) -> None:
        from redis import Redis
        from rq import Queue

        self.redis = Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=10)
        self.queue = Queue(name, connection=self.redis)

    def enqueue(self, document_id: str) -> None:
        from redis.exceptions import RedisError
        from rq import Retry

        try:
            self.queue.enqueue(
                JOB_PATH,
                document_id,
                job_id=job_id(document_id),
                job_timeout=JOB_TIMEOUT_SECONDS,
                retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
                result_ttl=24 * 3600,
                failure_ttl=7 * 24 * 3600,
            )
        except RedisError as exc:
            raise QueueUnavailable() from exc

    def enqueue_parts(self, document_id: str, attempt: int, ranges: list[tuple[int, int]], page_count: int) -> None:
        """Page-range jobs any worker may take, and a finishing job that runs when all are done."""
        from rq import Retry

        retry = Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS))
        prefix = f"{job_id(document_id)}-a{attempt}"
        parts = [
            self.queue.enqueue(
                PART_PATH,
                document_id,
                attempt,
                start,
                end,
                job_id=f"{prefix}-p{start}",
                job_timeout=JOB_TIMEOUT_SECONDS,
                retry=retry,
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
            )
            for start, end in ranges
        ]
        self.queue.enqueue(
            FINISH_PATH,
            document_id,
            attempt,
            page_count,
            job_id=f"{prefix}-finish",
            depends_on=parts,
            job_timeout=JOB_TIMEOUT_SECONDS,
            retry=retry,
            result_ttl=24 * 3600,
            failure_ttl=7 * 24 * 3600,
        )

    def ping(self) -> None:
        from redis.exceptions import RedisError

        try:
            self.redis.ping()
        except RedisError as exc:
            raise QueueUnavailable() from exc

    def depth(self) -> int:
        from redis.exceptions import RedisError

        try:
            return int(self.queue.count)
        except RedisError as exc:
            raise QueueUnavailable() from exc

    def workers(self) -> list[WorkerInfo]:
        """From RQ's worker registry: every worker listening on this queue, with its heartbeat."""
        from redis.exceptions import RedisError
        from rq import Worker

        now = datetime.now(UTC)
        try:
            found = Worker.all(connection=self.redis, queue=self.queue)
            infos = []
            for worker in found:
                beat = worker.last_heartbeat
                beat = beat.replace(tzinfo=UTC) if beat is not None and beat.tzinfo is None else beat
                state = str(worker.get_state())
                fresh = beat is not None and (now - beat).total_seconds() <= HEARTBEAT_STALE_SECONDS
                infos.append(WorkerInfo(name=worker.name, state=state, last_heartbeat=beat, healthy=fresh and state != "suspended"))
        except RedisError as exc:
            raise QueueUnavailable() from exc
        return sorted(infos, key=lambda w: w.name)


class InProcessQueue:
    """A background thread that runs jobs in this process; transient errors are retried with backoff."""

    def __init__(self, run: Callable[[str], str], *, retry_intervals: tuple[float, ...] = (1, 5, 15)) -> None:
        self._run = run
        self._retry_intervals = retry_intervals
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ocr-worker")
        self._pending: set[Future[str]] = set()
        self._lock = threading.Lock()
        self._running = 0
        self._stopped = False

    def enqueue(self, document_id: str) -> None:
        future = self._pool.submit(self._attempt, document_id)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[str]) -> None:
        with self._lock:
            self._pending.discard(future)

    def _attempt(self, document_id: str) -> str:
        with self._lock:
            self._running += 1
        try:
            return self._attempts(document_id)
        finally:
            with self._lock:
                self._running -= 1

    def _attempts(self, document_id: str) -> str:
        for attempt, delay in enumerate((*self._retry_intervals, None)):
            try:
                return self._run(document_id)
            except TransientError as exc:
                if delay is None:
                    log.error("document %s: giving up after %d attempts: %s", document_id, attempt + 1, exc.code)
                    raise
                log.warning("document %s: %s, retrying in %ss", document_id, exc.code, delay)
                time.sleep(delay)
            except Exception:
                log.exception("document %s: job crashed", document_id)
                raise
        raise AssertionError("unreachable")

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def join(self, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.pending():
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError("in-process queue did not drain in time")
            time.sleep(0.05)

    def ping(self) -> None:
        return None

    def depth(self) -> int:
        with self._lock:
            return max(len(self._pending) - self._running, 0)

    def workers(self) -> list[WorkerInfo]:
        """The one in-process worker thread: busy, idle (it starts on the first job), or stopped."""
        with self._lock:
            state = "stopped" if self._stopped else ("busy" if self._running else "idle")
        return [WorkerInfo(name="in-process", state=state, last_heartbeat=None, healthy=state != "stopped")]

    def shutdown(self) -> None:
        with self._lock:
            self._stopped = True
        self._pool.shutdown(wait=True, cancel_futures=False)
