"""Jobs: thin, and they take ids. The database owns the document's state (DocumentStatus).

Permanent errors (bad input, engine failure on the file) mark the document failed and return
normally, so the queue does not retry them; transient ones (storage, database) propagate and
the queue retries with backoff. Finishing twice is harmless: the record is unique per document.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from ocr_service.domain import DocumentStatus
from ocr_service.errors import EngineError, InputError
from ocr_service.pipeline.run import run_pipeline, write_outputs
from ocr_service.record import PIPELINE_VERSION, mean_confidence, page_summary
from storage import repository as repo
from storage.db import transaction
from storage.objects import derived_key
from workers.context import WorkerContext, get_context

log = logging.getLogger(__name__)


def process_document(document_id: str) -> str:
    """RQ entry point (enqueued by dotted path)."""
    return run_document(get_context(), document_id)


def run_document(ctx: WorkerContext, document_id: str) -> str:
    with transaction(ctx.sessions) as session:
        document = repo.get_document(session, document_id, for_update=True)
        if document.status in (DocumentStatus.DONE.value, DocumentStatus.FAILED.value):
            return document.status  # a duplicate delivery of a finished job
        repo.set_status(session, document, DocumentStatus.PROCESSING)
        original_key = document.original_key

    with tempfile.TemporaryDirectory(dir=ctx.scratch_root, prefix="doc-") as tmp:
        work = Path(tmp)
        source = work / "original"
        ctx.store.download(original_key, source)
        try:
            result = run_pipeline(source, limits=ctx.limits, opts=ctx.opts, scratch=work / "pages", executor=ctx.executor)
            outputs = write_outputs(result, source, work / "out", stem="document")
        except (InputError, EngineError) as exc:
            log.warning("document %s failed: %s", document_id, exc.code)
            with transaction(ctx.sessions) as session:
                document = repo.get_document(session, document_id, for_update=True)
                repo.set_status(session, document, DocumentStatus.FAILED, error_code=exc.code, error_message=exc.message)
            return DocumentStatus.FAILED.value

        keys = {
            "text_key": derived_key(document_id, "text.txt"),
            "hocr_key": derived_key(document_id, "document.hocr"),
            "pdf_key": derived_key(document_id, "searchable.pdf"),
        }
        ctx.store.put_file(keys["text_key"], outputs.text, "text/plain; charset=utf-8", overwrite=True)
        ctx.store.put_file(keys["hocr_key"], outputs.hocr, "text/html; charset=utf-8", overwrite=True)
        ctx.store.put_file(keys["pdf_key"], outputs.pdf, "application/pdf", overwrite=True)

    with transaction(ctx.sessions) as session:
        document = repo.get_document(session, document_id, for_update=True)
        document.page_count = len(result.pages)
        repo.save_record(
            session,
            document_id=document_id,
            values={
                "text": result.text,
                "pages": [page_summary(p, with_words=True) for p in result.pages],
                "page_count": len(result.pages),
                "ocred_pages": result.ocred_pages,
                "mean_confidence": mean_confidence(result),
                "doc_type": None,
                "fields": {},
                "citizen_ids": [],
                "needs_review": False,
                "pipeline_version": PIPELINE_VERSION,
                **keys,
            },
        )
        repo.set_status(session, document, DocumentStatus.DONE)
    log.info("document %s done: %d pages", document_id, len(result.pages))
    return DocumentStatus.DONE.value
