"""Plain data types shared by the pipeline, extractors, storage and API.

A leaf module: it imports nothing of ours, and nothing heavy (no OpenCV, no Tesseract), so the
API process can use these types without pulling in the OCR engine.

Coordinates are pixels of the page image the words were read from, origin top-left, at
``OcrPage.dpi``. A born-digital PDF page (text taken from its own text layer) uses the same
convention, its points scaled to ``dpi``.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any


def nfc(text: str) -> str:
    """Vietnamese text is NFC everywhere: the one normalization used at every boundary."""
    return unicodedata.normalize("NFC", text)


# Vietnam keeps UTC+7 all year (no daylight saving since 1975): a fixed offset is exact for
# every date this service handles, and needs no time-zone database on the machine.
VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


def local_time(moment: datetime) -> datetime:
    """An instant as Vietnam's clock shows it.

    A naive value is UTC: that is how timestamps are stored (SQLite drops the offset, so
    every timestamp is written in UTC; see ``storage.dossiers.create_dossier``).
    """
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM)


def local_date(moment: datetime) -> date:
    """The calendar day in Vietnam of an instant: what dates a dossier (unit validity, periods, rollout)."""
    return local_time(moment).date()


class MediaType(str, enum.Enum):
    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    TIFF = "image/tiff"

    @property
    def is_image(self) -> bool:
        return self is not MediaType.PDF


@dataclass(frozen=True, slots=True)
class BBox:
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def as_list(self) -> list[int]:
        return [self.x0, self.y0, self.x1, self.y1]


@dataclass(frozen=True, slots=True)
class Word:
    """One recognized word. ``confidence`` is Tesseract's, 0–100; born-digital words get 100."""

    text: str
    bbox: BBox
    confidence: float
    block: int = 0
    line: int = 0


def words_to_text(words: tuple[Word, ...] | list[Word]) -> str:
    """Words joined into lines (by block and line number), blocks separated by a blank line."""
    lines: list[str] = []
    current: tuple[int, int] | None = None
    for word in words:
        key = (word.block, word.line)
        if current is None:
            lines.append(word.text)
        elif key == current:
            lines[-1] += " " + word.text
        else:
            if word.block != current[0]:
                lines.append("")
            lines.append(word.text)
        current = key
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class OcrPage:
    """The result for one page.

    ``ocred`` is False for a born-digital PDF page whose own text layer was used.
    ``image_path`` is the page image (as OCRed, before binarization) kept for the searchable
    PDF; None for a born-digital page, whose original page is copied into the output instead.
    """

    index: int
    width: int
    height: int
    dpi: int
    text: str
    words: tuple[Word, ...]
    ocred: bool
    hocr: str = ""
    image_path: str | None = None
    rotation: int = 0
    skew_degrees: float = 0.0
    preprocessing: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # Post-correction (pipeline.correct): the page's text as Tesseract read it, and each change
    # as {index, raw, corrected, rule}; empty when nothing was corrected.
    raw_text: str = ""
    corrections: tuple[dict[str, Any], ...] = ()
    # Texts of the QR codes decoded on the page (pipeline.codes), for the extractors.
    codes: tuple[str, ...] = ()

    @property
    def mean_confidence(self) -> float | None:
        confident = [w.confidence for w in self.words if w.confidence >= 0]
        if not confident:
            return None
        return round(sum(confident) / len(confident), 2)


@dataclass(frozen=True, slots=True)
class Triage:
    """What ingest learned about a file before any expensive work."""

    media_type: MediaType
    sha256: str
    size: int
    page_count: int
    repaired: bool = False


@dataclass(frozen=True, slots=True)
class OcrDocument:
    sha256: str
    media_type: MediaType
    pages: tuple[OcrPage, ...]

    @property
    def text(self) -> str:
        """The full text, pages separated by a form feed."""
        return "\f".join(p.text for p in self.pages)

    @property
    def ocred_pages(self) -> list[int]:
        return [p.index for p in self.pages if p.ocred]


@dataclass(frozen=True, slots=True)
class Limits:
    """Input limits, checked before anything is stored or queued (cheap checks first)."""

    max_bytes: int = 250 * 1024 * 1024
    max_pages: int = 500
    max_pixels: int = 120_000_000


@dataclass(frozen=True, slots=True)
class PreprocessOptions:
    """Which OpenCV steps run. Each can be switched off, so the bench can ablate it."""

    orientation: bool = True
    crop_card: bool = True
    blank_pictures: bool = True
    deskew: bool = True
    upscale: bool = True
    remove_red: bool = True
    denoise: bool = True
    normalize_contrast: bool = True
    binarize: bool = True
    drop_specks: bool = True
    remove_rulings: bool = True
    # A faded page whose table is too faint for the ink's test is found by its grid on the grey
    # page, so it is binarized like other faded tables (preprocess.has_faint_grid).
    faint_table: bool = True
    target_dpi: int = 300


@dataclass(frozen=True, slots=True)
class OcrOptions:
    language: str = "vie"
    psm: int = 3
    dpi: int = 300
    timeout_seconds: float = 180.0
    min_text_layer_chars: int = 20
    # Re-order Tesseract's words into blocks by an X-Y cut (pipeline.layout): two-column
    # headers, number | date lines and signature blocks read block by block.
    reading_order: bool = True
    # The reading order also cuts at a table's rulings found by the ruling removal: header cells
    # closer than a channel read whole, rows as rows, the table apart from the line above it.
    table_rulings: bool = True
    # Table rows read as junk (a word under 50) read again between their rulings, all in one
    # extra Tesseract call per page (pipeline.tables); kept only where they read surer.
    reread_table_rows: bool = True
    # A column of item numbers ("1.", "2.", ...) Tesseract read as one line of vertical text, read
    # again crop by crop in one extra Tesseract call (pipeline.stacked); kept only where surer.
    reread_stacked: bool = True
    # Drop low-confidence words with no letter or digit: a seal's or signature's strokes read as dashes.
    drop_debris: bool = True
    # Vietnamese post-correction of letters-only tokens (pipeline.correct), each change traced.
    correct: bool = True
    # Marks restored by the syllable bigram model (pipeline.diacritics), each change traced.
    restore_marks: bool = True
    # Numbers read below the ID review threshold re-read alone, digits only, in one extra
    # Tesseract call per page (pipeline.digits); an unsure re-read sends the word to review.
    reread_digits: bool = True
    # Decode QR codes (a chip card's, a one-stop receipt's) for the extractors to cross-check.
    read_codes: bool = True
    preprocess: PreprocessOptions = field(default_factory=PreprocessOptions)


class DocumentStatus(str, enum.Enum):
    """Where a document is in its life. The database owns this state, not the queue.

        uploaded ──► queued ──► processing ──► done
            │           ▲           │
            │           └───────────┤ (worker died or transient error: retried)
            ▼                       ▼
          failed ◄──────────────── failed ──► queued (reprocess on request)

    ``uploaded``: the original is stored whole; ``queued``: a job exists; ``processing``: a
    worker holds it; ``done``: exactly one record exists; ``failed``: ``error_code`` says why
    (an input error is permanent, an engine error may be reprocessed).
    """

    UPLOADED = "uploaded"
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"

    def can_become(self, new: "DocumentStatus") -> bool:
        return new in _TRANSITIONS[self]


class ReviewStatus(str, enum.Enum):
    """Whether a record needs a person to look at it.

        not_required ──┐
                       ├──► verified   (a QA reviewer saved it: a new version)
        needs_review ──┘

    ``needs_review``: extraction flagged it (storage.reviews lists why); ``not_required``:
    nothing was flagged; ``verified``: a reviewer checked and saved it (the latest version).
    """

    NEEDS_REVIEW = "needs_review"
    NOT_REQUIRED = "not_required"
    VERIFIED = "verified"


_TRANSITIONS: dict[DocumentStatus, frozenset[DocumentStatus]] = {
    DocumentStatus.UPLOADED: frozenset({DocumentStatus.QUEUED, DocumentStatus.FAILED}),
    DocumentStatus.QUEUED: frozenset({DocumentStatus.PROCESSING, DocumentStatus.FAILED}),
    DocumentStatus.PROCESSING: frozenset({DocumentStatus.DONE, DocumentStatus.FAILED, DocumentStatus.QUEUED}),
    DocumentStatus.DONE: frozenset({DocumentStatus.QUEUED}),
    DocumentStatus.FAILED: frozenset({DocumentStatus.QUEUED}),
}


def page_to_dict(page: OcrPage) -> dict:
    """A page as plain JSON (words compact: [text, x0, y0, x1, y1, confidence, block, line])."""
    return {
        "index": page.index,
        "width": page.width,
        "height": page.height,
        "dpi": page.dpi,
        "text": page.text,
        "words": [[w.text, *w.bbox.as_list(), w.confidence, w.block, w.line] for w in page.words],
        "ocred": page.ocred,
        "hocr": page.hocr,
        "rotation": page.rotation,
        "skew_degrees": page.skew_degrees,
        "preprocessing": list(page.preprocessing),
        "warnings": list(page.warnings),
        "raw_text": page.raw_text,
        "corrections": [dict(c) for c in page.corrections],
        "codes": list(page.codes),
    }


def page_from_dict(data: dict, *, image_path: str | None = None) -> OcrPage:
    return OcrPage(
        index=data["index"],
        width=data["width"],
        height=data["height"],
        dpi=data["dpi"],
        text=data["text"],
        words=tuple(Word(w[0], BBox(w[1], w[2], w[3], w[4]), w[5], w[6], w[7]) for w in data["words"]),
        ocred=data["ocred"],
        hocr=data.get("hocr", ""),
        image_path=image_path,
        rotation=data.get("rotation", 0),
        skew_degrees=data.get("skew_degrees", 0.0),
        preprocessing=tuple(data.get("preprocessing", ())),
        warnings=tuple(data.get("warnings", ())),
        raw_text=data.get("raw_text", ""),
        corrections=tuple(data.get("corrections", ())),
        codes=tuple(data.get("codes", ())),
    )


# --- Dossier facts for the digitization indicators (loaded by storage.stats) ------------------

# The Decision 766 indicators this service computes (ocr_service.indicators), by stable key.
DIGITIZATION_INDICATORS = ("dossier_digitization", "result_digitization", "reuse")


@dataclass(frozen=True, slots=True)
class AttachmentFacts:
    """A document attached to a dossier, as the indicators read it."""

    document_id: str
    role: str  # "component" | "result"
    status: str  # the document's DocumentStatus value
    has_record: bool
    reused: bool
    error_code: str | None = None
    filename: str = ""


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """One dossier with what the indicators need: no applicant data."""

    id: str
    code: str
    procedure_code: str
    procedure_name: str
    returns_paper_result: bool
    unit_code: str
    received_at: datetime
    attachments: tuple[AttachmentFacts, ...] = ()
