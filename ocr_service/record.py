"""The record's public JSON shape, built from an ``OcrDocument`` (CLI output and database row alike)."""

from __future__ import annotations

from typing import Any

from extractors.base import extract
from ocr_service.domain import OcrDocument, OcrPage, page_to_dict

PIPELINE_VERSION = "1"


def page_summary(page: OcrPage, *, with_words: bool) -> dict[str, Any]:
    """A page in the record: text, confidence, how it was read; words (compact) for the QA review."""
    summary = page_to_dict(page)
    del summary["hocr"]  # the document's hOCR is a derived file of its own
    summary["mean_confidence"] = page.mean_confidence
    if not with_words:
        del summary["words"]
    return summary


def mean_confidence(doc: OcrDocument) -> float | None:
    confident = [w.confidence for p in doc.pages if p.ocred for w in p.words if w.confidence >= 0]
    return round(sum(confident) / len(confident), 2) if confident else None


def record_json(doc: OcrDocument, *, document_id: str, with_words: bool = False) -> dict[str, Any]:
    extraction = extract(doc)
    return {
        "document_id": document_id,
        "sha256": doc.sha256,
        "media_type": doc.media_type.value,
        "page_count": len(doc.pages),
        "ocred_pages": doc.ocred_pages,
        "mean_confidence": mean_confidence(doc),
        "pages": [page_summary(p, with_words=with_words) for p in doc.pages],
        "doc_type": extraction.doc_type,
        "fields": extraction.fields,
        "citizen_ids": extraction.citizen_ids,
        "needs_review": extraction.needs_review,
        "pipeline_version": PIPELINE_VERSION,
    }
