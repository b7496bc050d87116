"""Is the system healthy: the operations figures, for the dashboard's panel and for Prometheus.

``snapshot`` computes them at the moment it is called, from the database (document states,
records, review flags) and the queue (depth, workers); the JSON endpoint, the dashboard and
the ``/metrics`` collector all call it, so they show the same figures.

    queue depth            jobs waiting for a worker (RQ queue length; embedded: waiting jobs)
    pages per minute       pages of the documents finished in the last WINDOW_MINUTES ÷ that
                           window (a document's pages count when the document finishes)
    failed by error code   documents in status failed, by their stable error code
    latency p50 / p95      upload (document created) to record (document done), over the
                           documents finished in the last LATENCY_WINDOW_HOURS; nearest rank
    review backlog         records in the review queue (needs_review), and the age of the oldest
    workers                RQ's worker registry with heartbeats; embedded: the in-process thread
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from ocr_service.api.stats_schemas import OperationsFigures, WorkerStatus
from ocr_service.errors import OcrServiceError
from storage import stats as stats_repo
from storage.db import transaction
from workers.queue import InProcessQueue

if TYPE_CHECKING:
    from ocr_service.api.state import AppState

WINDOW_MINUTES = 15
LATENCY_WINDOW_HOURS = 24


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in (0, 1]): a value that occurred, None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def snapshot(state: "AppState", *, now: datetime | None = None) -> OperationsFigures:
    now = now or datetime.now(UTC)
    with transaction(state.sessions) as session:
        by_status = stats_repo.documents_by_status(session)
        failed = stats_repo.failed_by_error_code(session)
        recent = stats_repo.finished_since(session, now - timedelta(hours=LATENCY_WINDOW_HOURS))
        pages_total = stats_repo.pages_digitized_total(session)
        backlog, oldest = stats_repo.review_backlog(session)
    window_start = now - timedelta(minutes=WINDOW_MINUTES)
    pages = sum(f.pages for f in recent if f.finished_at >= window_start)
    latencies = [(f.finished_at - f.uploaded_at).total_seconds() for f in recent]
    try:
        depth = state.queue.depth()
        workers = state.queue.workers()
    except OcrServiceError:  # the queue is down: no depth to report, and no worker is healthy
        depth, workers = -1, []
    return OperationsFigures(
        at=now,
        mode="embedded" if isinstance(state.queue, InProcessQueue) else "service",
        queue_depth=depth,
        documents_by_status=by_status,
        failed_by_error_code=dict(sorted(failed.items())),
        pages_per_minute=round(pages / WINDOW_MINUTES, 3),
        window_minutes=WINDOW_MINUTES,
        pages_digitized_total=pages_total,
        latency_window_hours=LATENCY_WINDOW_HOURS,
        latency_count=len(latencies),
        latency_p50_seconds=percentile(latencies, 0.50),
        latency_p95_seconds=percentile(latencies, 0.95),
        review_backlog=backlog,
        review_oldest_age_seconds=None if oldest is None else round((now - oldest).total_seconds(), 1),
        workers=[WorkerStatus(name=w.name, state=w.state, last_heartbeat=w.last_heartbeat, healthy=w.healthy) for w in workers],
        workers_healthy=sum(w.healthy for w in workers),
    )


class OperationsCollector(Collector):
    """Computes the figures at scrape time; nothing is kept between scrapes."""

    def __init__(self, state: "AppState") -> None:
        self.state = state

    def collect(self) -> Iterator[Metric]:
        figures = snapshot(self.state)
        yield from metric_families(figures)


def metric_families(f: OperationsFigures) -> Iterator[Metric]:
    depth = GaugeMetricFamily("ocr_queue_depth", "Jobs waiting for a worker (-1: the queue is unreachable).")
    depth.add_metric([], f.queue_depth)
    yield depth
    statuses = GaugeMetricFamily("ocr_documents", "Documents by status.", labels=["status"])
    for status, count in f.documents_by_status.items():
        statuses.add_metric([status], count)
    yield statuses
    failed = GaugeMetricFamily("ocr_documents_failed", "Documents in status failed, by error code.", labels=["error_code"])
    for code, count in f.failed_by_error_code.items():
        failed.add_metric([code], count)
    yield failed
    pages = CounterMetricFamily("ocr_pages_digitized", "Pages of every record written.")
    pages.add_metric([], f.pages_digitized_total)
    yield pages
    per_minute = GaugeMetricFamily("ocr_pages_per_minute", f"Pages of documents finished in the last {f.window_minutes} minutes, per minute.")
    per_minute.add_metric([], f.pages_per_minute)
    yield per_minute
    latency = GaugeMetricFamily(
        "ocr_upload_to_record_seconds", f"Upload-to-record latency over the documents finished in the last {f.latency_window_hours} hours.", labels=["quantile"]
    )
    for quantile, value in (("0.5", f.latency_p50_seconds), ("0.95", f.latency_p95_seconds)):
        if value is not None:
            latency.add_metric([quantile], value)
    yield latency
    finished = GaugeMetricFamily("ocr_documents_finished_recently", f"Documents finished in the last {f.latency_window_hours} hours.")
    finished.add_metric([], f.latency_count)
    yield finished
    backlog = GaugeMetricFamily("ocr_review_backlog", "Records flagged for review.")
    backlog.add_metric([], f.review_backlog)
    yield backlog
    oldest = GaugeMetricFamily("ocr_review_backlog_oldest_age_seconds", "Age of the oldest record flagged for review (0: none).")
    oldest.add_metric([], f.review_oldest_age_seconds or 0.0)
    yield oldest
    workers = GaugeMetricFamily("ocr_workers", "Workers by state and health.", labels=["state", "healthy"])
    counts: dict[tuple[str, str], int] = {}
    for w in f.workers:
        key = (w.state, "true" if w.healthy else "false")
        counts[key] = counts.get(key, 0) + 1
    for (state, healthy), count in sorted(counts.items()):
        workers.add_metric([state, healthy], count)
    yield workers
    healthy = GaugeMetricFamily("ocr_workers_healthy", "Workers whose heartbeat is fresh (embedded: the in-process thread runs).")
    healthy.add_metric([], f.workers_healthy)
    yield healthy


def registry(state: "AppState") -> CollectorRegistry:
    """A registry of our own (not the process-global default), holding only the operations collector."""
    reg = CollectorRegistry(auto_describe=False)
    reg.register(OperationsCollector(state))
    return reg
