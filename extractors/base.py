"""What extraction produces for a document. Issue #4 adds a classifier and one extractor per type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extractors.identity import find_id_numbers
from ocr_service.domain import OcrDocument


@dataclass(frozen=True, slots=True)
class Extraction:
    doc_type: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    citizens: tuple[tuple[str, str | None], ...] = ()  # (12-digit ID number, full name if known)
    needs_review: bool = False

    @property
    def citizen_ids(self) -> list[str]:
        return list(dict.fromkeys(number for number, _ in self.citizens))


def extract(doc: OcrDocument) -> Extraction:
    """Every well-formed 12-digit personal ID number the document names links it to that citizen."""
    citizens = tuple((m.number, None) for m in find_id_numbers(doc.text) if m.kind == "cccd")
    return Extraction(citizens=citizens)
