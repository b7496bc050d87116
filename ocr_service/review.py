"""A reviewer's save, and the page images the review page shows.

A save turns corrections to fields and to OCR words into a new version of the record:

    check the version it was made on (a stale one is a VersionConflict)
    → apply and verify the corrections (extractors.review; NFC; ID numbers checked as extraction does)
    → when words changed: the record's text, hOCR and searchable PDF are derived again from the
      words and stored under new keys (the previous version's objects are never overwritten)
    → commit the version, checked again in the UPDATE itself, with the record verified and its
      citizen links made from the verified fields

Page images: the searchable PDF's page rendered at a moderate resolution. Its geometry is the
OCR's (after deskew and rotation), so the word boxes fall on the words; cached in the store.
"""

from __future__ import annotations

import copy
import re
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from extractors.review import apply_field_changes, linked, verify
from ocr_service.domain import DocumentStatus, MediaType, OcrDocument, nfc, page_from_dict, words_to_text
from ocr_service.errors import InvalidCorrection, NotFound, VersionConflict
from ocr_service.pipeline.rasterize import render_preview
from ocr_service.pipeline.render import render_hocr, replace_text_layers
from ocr_service.record import mean_confidence
from storage import dossiers as dossier_repo
from storage import repository as repo
from storage import reviews
from storage.db import transaction
from storage.objects import ObjectStore, derived_key
from storage.tables import Record, RecordVersion

MAX_WORD_CHARS = 200
PREVIEW_DPI = 110
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class WordChange:
    page: int
    index: int
    text: str


@dataclass(frozen=True, slots=True)
class Correction:
    """What a reviewer saves: the version they corrected, field values by path, word texts."""

    expected_version: int
    fields: tuple[tuple[str, Any], ...] = ()
    words: tuple[WordChange, ...] = ()
    comment: str | None = None


@dataclass(frozen=True)
class Saved:
    record: Record
    version: RecordVersion
    changes: list[dict[str, Any]] = field(default_factory=list)


def apply_word_changes(pages: Sequence[dict[str, Any]], changes: Sequence[WordChange]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The record's pages with corrected words (confidence 100: a person read them), their text
    derived again; and what changed. Raises ``InvalidCorrection`` listing every bad change."""
    new = copy.deepcopy(list(pages))
    problems: list[dict[str, object]] = []
    made: list[dict[str, Any]] = []
    touched: set[int] = set()
    seen: set[tuple[int, int]] = set()
    for change in changes:
        target = f"page {change.page} word {change.index}"
        text = " ".join(_CONTROL.sub(" ", nfc(change.text)).split())
        problem = None
        if (change.page, change.index) in seen:
            problem = "corrected_twice"
        elif not 0 <= change.page < len(new) or not 0 <= change.index < len(new[change.page]["words"]):
            problem = "no_such_word"
        elif not new[change.page]["ocred"]:
            problem = "born_digital_page"  # its words are the PDF's own text, not OCR
        elif not text:
            problem = "empty_word"
        elif len(text) > MAX_WORD_CHARS:
            problem = "too_long"
        seen.add((change.page, change.index))
        if problem:
            problems.append({"target": target, "problem": problem})
            continue
        word = new[change.page]["words"][change.index]
        if word[0] == text:
            continue
        made.append({"kind": "word", "target": {"page": change.page, "index": change.index}, "old": word[0], "new": text})
        word[0], word[5] = text, 100.0
        touched.add(change.page)
    if problems:
        raise InvalidCorrection(
            "Some word corrections cannot be saved: " + "; ".join(f"{p['target']}: {p['problem']}" for p in problems), details=problems
        )
    for index in touched:
        page = page_from_dict(new[index])
        new[index]["text"] = words_to_text(page.words)
        new[index]["mean_confidence"] = page.mean_confidence
    return new, made


def save_correction(
    *,
    sessions: sessionmaker[Session],
    store: ObjectStore,
    scratch: Path,
    document_id: str,
    actor: reviews.Actor,
    correction: Correction,
) -> Saved:
    with transaction(sessions) as session:
        record = _done_record(session, document_id)
        if record.version != correction.expected_version:
            raise VersionConflict(
                f"The record is at version {record.version}, not {correction.expected_version}: someone saved it since. "
                "Reload it and correct again."
            )
        snapshot = {"pages": record.pages, "fields": record.fields, "doc_type": record.doc_type, "pdf_key": record.pdf_key,
                    "text_key": record.text_key, "hocr_key": record.hocr_key, "sha256": record.document.sha256,
                    "media_type": record.document.media_type, "id": record.id}

    fields, field_changes = apply_field_changes(snapshot["fields"], doc_type=snapshot["doc_type"], changes=correction.fields)
    pages, word_changes = apply_word_changes(snapshot["pages"], correction.words)
    fields = verify(fields)
    new_version = correction.expected_version + 1
    values: dict[str, Any] = {
        "fields": fields,
        "pages": pages,
        "text": "\f".join(p["text"] for p in pages),
        "citizen_ids": [number for number, _name in linked(fields)],
        "text_key": snapshot["text_key"],
        "hocr_key": snapshot["hocr_key"],
        "pdf_key": snapshot["pdf_key"],
    }
    if word_changes:
        doc = OcrDocument(snapshot["sha256"], MediaType(snapshot["media_type"]), tuple(page_from_dict(p) for p in pages))
        values["mean_confidence"] = mean_confidence(doc)
        values.update(_store_outputs(store, scratch, document_id, new_version, doc, snapshot["pdf_key"]))

    changes = field_changes + word_changes
    comment = (correction.comment or "").strip()[:2000] or None
    with transaction(sessions) as session:
        version = reviews.commit_version(
            session,
            record_id=snapshot["id"],
            expected_version=correction.expected_version,
            actor=actor,
            at=datetime.now(UTC),
            changes=changes,
            comment=comment,
            values=values,
        )
        dossier_repo.replace_citizen_links(session, record_id=snapshot["id"], people=linked(fields))
        record = session.get(Record, snapshot["id"])
        assert record is not None
        session.refresh(record)
    return Saved(record=record, version=version, changes=changes)


def _store_outputs(store: ObjectStore, scratch: Path, document_id: str, version: int, doc: OcrDocument, pdf_key: str) -> dict[str, str]:
    """Text, hOCR and searchable PDF of the corrected words, under keys no earlier version used."""
    folder = f"versions/{version}-{uuid.uuid4().hex[:8]}"
    keys = {
        "text_key": derived_key(document_id, f"{folder}/text.txt"),
        "hocr_key": derived_key(document_id, f"{folder}/document.hocr"),
        "pdf_key": derived_key(document_id, f"{folder}/searchable.pdf"),
    }
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="correction-") as tmp:
        work = Path(tmp)
        (work / "text.txt").write_text(doc.text, encoding="utf-8")
        (work / "document.hocr").write_text(render_hocr(doc.pages, title="document"), encoding="utf-8")
        store.download(pdf_key, work / "previous.pdf")
        replace_text_layers(work / "previous.pdf", doc.pages, work / "searchable.pdf")
        store.put_file(keys["text_key"], work / "text.txt", "text/plain; charset=utf-8")
        store.put_file(keys["hocr_key"], work / "document.hocr", "text/html; charset=utf-8")
        store.put_file(keys["pdf_key"], work / "searchable.pdf", "application/pdf")
    return keys


def _done_record(session: Session, document_id: str) -> Record:
    document = repo.get_document(session, document_id)
    if document.status != DocumentStatus.DONE.value or document.record is None:
        raise NotFound(f"Document {document_id} has no record yet (status: {document.status}).")
    return document.record


def page_preview(*, store: ObjectStore, scratch: Path, document_id: str, pdf_key: str, index: int, dpi: int = PREVIEW_DPI) -> str:
    """The object key of page ``index``'s preview (JPEG), rendered from the searchable PDF once and cached.

    Every version's PDF has the same page images, so the preview serves them all.
    """
    key = derived_key(document_id, f"previews/page-{index + 1:05d}-{dpi}dpi.jpg")
    if store.exists(key):
        return key
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="preview-") as tmp:
        work = Path(tmp)
        store.download(pdf_key, work / "searchable.pdf")
        render_preview(work / "searchable.pdf", index, work / "page.jpg", dpi=dpi)
        store.put_file(key, work / "page.jpg", "image/jpeg")  # a concurrent render may have stored it first: same image
    return key
