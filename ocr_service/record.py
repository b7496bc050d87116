"""The record's public JSON shape, built from an ``OcrDocument`` (CLI output and database row alike)."""

from __future__ import annotations

from typing import Any

from ocr_service.domain import OcrDocument, OcrPage

PIPELINE_VERSION = "1"


def page_summary(page: OcrPage, *, with_words: bool) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "index": page.index,
        "text": page.text,
        "mean_confidence": page.mean_confidence,
        "ocred": page.ocred,
        "width": page.width,
        "height": page.height,
        "dpi": page.dpi,
        "rotation": page.rotation,
        "skew_degrees": page.skew_degrees,
        "preprocessing": list(page.preprocessing),
        "warnings": list(page.warnings),
    }
    if with_words:
        # Compact: [text, x0, y0, x1, y1, confidence, block, line] — the QA review draws these.
        summary["words"] = [[w.text, *w.bbox.as_list(), w.confidence, w.block, w.line] for w in page.words]
    return summary


def mean_confidence(doc: OcrDocument) -> float | None:
    confident = [w.confidence for p in doc.pages if p.ocred for w in p.words if w.confidence >= 0]
    return round(sum(confident) / len(confident), 2) if confident else None


def record_json(doc: OcrDocument, *, document_id: str, with_words: bool = False) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "sha256": doc.sha256,
        "media_type": doc.media_type.value,
        "page_count": len(doc.pages),
        "ocred_pages": doc.ocred_pages,
        "mean_confidence": mean_confidence(doc),
        "pages": [page_summary(p, with_words=with_words) for p in doc.pages],
        "doc_type": None,
        "fields": {},
        "citizen_ids": [],
        "pipeline_version": PIPELINE_VERSION,
    }
