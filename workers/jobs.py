"""Jobs: thin, and they take ids. The database owns the document's state (DocumentStatus).

Permanent errors (bad input, engine failure on the file) mark the document failed and return
normally, so the queue does not retry them; transient ones (storage, database) propagate and
the queue retries with backoff.

Exactly one record per document, whatever happens to workers:
- a job *claims* the document (status processing, ``attempts`` + 1, a lease) and renews the
  lease while it works; only the holder of the latest attempt may finish it;
- a worker that dies stops renewing; ``sweep`` re-queues documents whose lease expired;
- a duplicate delivery of a finished job sees ``done`` and returns; the record is unique per
  document and replaced, never added, on reprocessing.

Large PDFs (service mode) fan out: ``process_document`` enqueues page-range jobs
(``process_part``) and a ``finish_document`` job that depends on them all.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ocr_service.domain import DocumentStatus, MediaType, OcrDocument, page_from_dict, page_to_dict
from ocr_service.errors import EngineError, InputError, RetriesExhausted, TransientError
from ocr_service.pipeline.run import PageTask, process_page, run_pipeline, write_outputs
from ocr_service.pipeline.triage import triage
from ocr_service.record import PIPELINE_VERSION, mean_confidence, page_summary
from extractors.base import extract
from extractors.review import name_conflicts
from storage import dossiers as dossier_repo
from storage import repository as repo
from storage import reviews
from storage.db import transaction
from storage.objects import derived_key
from workers.context import WorkerContext, get_context

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4


@dataclass(frozen=True, slots=True)
class Claim:
    document_id: str
    attempt: int
    original_key: str
    media_type: str | None
    sha256: str


# --- RQ entry points (enqueued by dotted path) ---------------------------------------------


def process_document(document_id: str) -> str:
    return run_document(get_context(), document_id)


def process_part(document_id: str, attempt: int, start: int, end: int) -> str:
    return run_part(get_context(), document_id, attempt, start, end)


def finish_document(document_id: str, attempt: int, page_count: int) -> str:
    return run_finish(get_context(), document_id, attempt, page_count)


# --- the work --------------------------------------------------------------------------------


def run_document(ctx: WorkerContext, document_id: str) -> str:
    claim = _claim(ctx, document_id)
    if claim is None:
        return "skipped"
    try:
        return _run_claimed(ctx, claim)
    except Exception:
        # Transient trouble or a bug: back to queued, so the queue's retry can claim it at once
        # (attempts are capped in _claim, so a document that always crashes ends up failed).
        _release(ctx, claim)
        raise


def _run_claimed(ctx: WorkerContext, claim: Claim) -> str:
    document_id = claim.document_id
    with _lease(ctx, claim), tempfile.TemporaryDirectory(dir=ctx.scratch_root, prefix="doc-") as tmp:
        work = Path(tmp)
        source = work / "original"
        ctx.store.download(claim.original_key, source)
        try:
            if ctx.fanout is not None and claim.media_type == MediaType.PDF.value:
                pages = triage(source, ctx.limits).page_count
                if pages > ctx.fanout_pages:
                    ranges = [(s, min(s + ctx.fanout_pages, pages)) for s in range(0, pages, ctx.fanout_pages)]
                    ctx.fanout(document_id, claim.attempt, ranges, pages)
                    log.info("document %s: %d pages fanned out in %d jobs", document_id, pages, len(ranges))
                    return "fanned_out"
            result = run_pipeline(source, limits=ctx.limits, opts=ctx.opts, scratch=work / "pages", executor=ctx.executor)
        except (InputError, EngineError) as exc:
            return _fail(ctx, claim, exc)
        return _complete(ctx, claim, result, source, work)


def run_part(ctx: WorkerContext, document_id: str, attempt: int, start: int, end: int) -> str:
    """OCR pages [start, end) of a claimed document and store them as a part for ``run_finish``."""
    claim = _current_claim(ctx, document_id, attempt)
    if claim is None:
        return "superseded"
    with _lease(ctx, claim), tempfile.TemporaryDirectory(dir=ctx.scratch_root, prefix="part-") as tmp:
        work = Path(tmp)
        source = work / "original"
        ctx.store.download(claim.original_key, source)
        tasks = [PageTask(source, MediaType.PDF, i, work, ctx.opts) for i in range(start, end)]
        pages = list(ctx.executor.map(process_page, tasks) if ctx.executor else map(process_page, tasks))
        for page in pages:
            if page.image_path:
                ctx.store.put_file(_part_key(document_id, attempt, f"page-{page.index:05d}.jpg"), Path(page.image_path), "image/jpeg", overwrite=True)
        part = work / "part.json"
        part.write_text(json.dumps([page_to_dict(p) for p in pages], ensure_ascii=False), encoding="utf-8")
        ctx.store.put_file(_part_key(document_id, attempt, f"pages-{start:05d}.json"), part, "application/json", overwrite=True)
    return "part_done"


def run_finish(ctx: WorkerContext, document_id: str, attempt: int, page_count: int) -> str:
    claim = _current_claim(ctx, document_id, attempt)
    if claim is None:
        return "superseded"
    with _lease(ctx, claim), tempfile.TemporaryDirectory(dir=ctx.scratch_root, prefix="finish-") as tmp:
        work = Path(tmp)
        source = work / "original"
        ctx.store.download(claim.original_key, source)
        pages = []
        for start in range(0, page_count, ctx.fanout_pages):
            part = work / f"pages-{start:05d}.json"
            ctx.store.download(_part_key(document_id, attempt, part.name), part)
            for data in json.loads(part.read_text(encoding="utf-8")):
                image = None
                if data["ocred"]:
                    image = work / f"page-{data['index']:05d}.jpg"
                    ctx.store.download(_part_key(document_id, attempt, image.name), image)
                pages.append(page_from_dict(data, image_path=str(image) if image else None))
        result = OcrDocument(sha256=claim.sha256, media_type=MediaType.PDF, pages=tuple(sorted(pages, key=lambda p: p.index)))
        return _complete(ctx, claim, result, source, work)


def sweep(ctx: WorkerContext) -> int:
    """Re-queue documents whose worker died (their lease expired). Returns how many."""
    now = datetime.now(UTC)
    requeued: list[str] = []
    with transaction(ctx.sessions) as session:
        for document in repo.expired_leases(session, now=now):
            repo.set_status(session, document, DocumentStatus.QUEUED)
            document.lease_until = None
            requeued.append(document.id)
    for document_id in requeued:
        log.warning("document %s: worker lease expired, re-queued", document_id)
        if ctx.requeue is not None:
            ctx.requeue(document_id)
    return len(requeued)


# --- claim, lease, finish ----------------------------------------------------------------------


def _claim(ctx: WorkerContext, document_id: str) -> Claim | None:
    with transaction(ctx.sessions) as session:
        document = repo.get_document(session, document_id, for_update=True)
        status = DocumentStatus(document.status)
        if status in (DocumentStatus.DONE, DocumentStatus.FAILED):
            return None  # a duplicate delivery of a finished job
        if status is DocumentStatus.PROCESSING and document.lease_until and _aware(document.lease_until) > datetime.now(UTC):
            return None  # another worker holds it and is alive
        if document.attempts >= MAX_ATTEMPTS:
            exhausted = RetriesExhausted(f"Processing failed {document.attempts} times. An operator can reprocess the document.")
            repo.set_status(session, document, DocumentStatus.FAILED, error_code=exhausted.code, error_message=exhausted.message)
            document.lease_until = None
            return None
        repo.set_status(session, document, DocumentStatus.PROCESSING)
        document.lease_until = datetime.now(UTC) + timedelta(seconds=ctx.lease_seconds)
        return Claim(document.id, document.attempts, document.original_key, document.media_type, document.sha256)


def _current_claim(ctx: WorkerContext, document_id: str, attempt: int) -> Claim | None:
    with transaction(ctx.sessions) as session:
        document = repo.get_document(session, document_id)
        if document.status != DocumentStatus.PROCESSING.value or document.attempts != attempt:
            return None
        return Claim(document.id, attempt, document.original_key, document.media_type, document.sha256)


@contextmanager
def _lease(ctx: WorkerContext, claim: Claim) -> Iterator[None]:
    """Renew the document's lease in the background while the work runs."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(ctx.lease_seconds / 4):
            try:
                with transaction(ctx.sessions) as session:
                    repo.renew_lease(session, claim.document_id, claim.attempt, until=datetime.now(UTC) + timedelta(seconds=ctx.lease_seconds))
            except Exception:  # noqa: BLE001 - a missed renewal is retried; the lease has slack
                log.warning("document %s: lease renewal failed", claim.document_id, exc_info=True)

    thread = threading.Thread(target=renew, name=f"lease-{claim.document_id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _release(ctx: WorkerContext, claim: Claim) -> None:
    try:
        with transaction(ctx.sessions) as session:
            document = repo.get_document(session, claim.document_id, for_update=True)
            if document.attempts == claim.attempt and document.status == DocumentStatus.PROCESSING.value:
                repo.set_status(session, document, DocumentStatus.QUEUED)
                document.lease_until = None
    except TransientError:
        log.warning("document %s: could not release after a transient error; its lease will expire", claim.document_id)


def _fail(ctx: WorkerContext, claim: Claim, exc: InputError | EngineError) -> str:
    log.warning("document %s failed: %s", claim.document_id, exc.code)
    with transaction(ctx.sessions) as session:
        document = repo.get_document(session, claim.document_id, for_update=True)
        if document.attempts == claim.attempt and document.status == DocumentStatus.PROCESSING.value:
            repo.set_status(session, document, DocumentStatus.FAILED, error_code=exc.code, error_message=exc.message)
            document.lease_until = None
    return DocumentStatus.FAILED.value


def _complete(ctx: WorkerContext, claim: Claim, result: OcrDocument, source: Path, work: Path) -> str:
    document_id = claim.document_id
    try:
        outputs = write_outputs(result, source, work / "out", stem="document")
    except (InputError, EngineError) as exc:
        return _fail(ctx, claim, exc)
    keys = {
        "text_key": derived_key(document_id, "text.txt"),
        "hocr_key": derived_key(document_id, "document.hocr"),
        "pdf_key": derived_key(document_id, "searchable.pdf"),
    }
    ctx.store.put_file(keys["text_key"], outputs.text, "text/plain; charset=utf-8", overwrite=True)
    ctx.store.put_file(keys["hocr_key"], outputs.hocr, "text/html; charset=utf-8", overwrite=True)
    ctx.store.put_file(keys["pdf_key"], outputs.pdf, "application/pdf", overwrite=True)
    extraction = extract(result)

    with transaction(ctx.sessions) as session:
        document = repo.get_document(session, document_id, for_update=True)
        if document.attempts != claim.attempt or document.status != DocumentStatus.PROCESSING.value:
            log.warning("document %s: attempt %d superseded, result discarded", document_id, claim.attempt)
            return "superseded"
        document.page_count = len(result.pages)
        record = repo.save_record(
            session,
            document_id=document_id,
            values={
                "text": result.text,
                "pages": [page_summary(p, with_words=True) for p in result.pages],
                "page_count": len(result.pages),
                "ocred_pages": result.ocred_pages,
                "mean_confidence": mean_confidence(result),
                "doc_type": extraction.doc_type,
                "fields": extraction.fields,
                "citizen_ids": extraction.citizen_ids,
                "needs_review": extraction.needs_review,
                "pipeline_version": PIPELINE_VERSION,
                **keys,
            },
        )
        dossier_repo.replace_citizen_links(session, record_id=record.id, people=extraction.citizens)
        elsewhere = dossier_repo.names_linked_elsewhere(session, extraction.citizen_ids, record_id=record.id)
        conflicts = name_conflicts(extraction.fields, extraction.citizens, elsewhere)
        reviews.start_review(session, record, flags=reviews.flags_of([*extraction.review_reasons, *conflicts]))
        repo.set_status(session, document, DocumentStatus.DONE)
        document.lease_until = None
    log.info("document %s done: %d pages, %d citizens named", document_id, len(result.pages), len(extraction.citizen_ids))
    return DocumentStatus.DONE.value


def _part_key(document_id: str, attempt: int, name: str) -> str:
    return derived_key(document_id, f"parts/a{attempt}/{name}")


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
