"""The pipeline, composed: ingest → rasterize → preprocess → OCR → outputs.

``run_pipeline`` only calls the stages in order. Pages are independent, so they are mapped
over an executor (a process pool: one Tesseract per core); each page task reads its own page
from the file, so memory stays bounded by the pages in flight, not by the document.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from ocr_service.domain import BBox, Limits, MediaType, OcrDocument, OcrOptions, OcrPage, Word
from ocr_service.errors import EngineError
from ocr_service.language import model as language_model
from ocr_service.pipeline.codes import blank_codes, read_qr_codes
from ocr_service.pipeline.correct import Correction, correct_words
from ocr_service.pipeline.diacritics import restore_diacritics
from ocr_service.pipeline.digits import WHITELIST, reread_digits
from ocr_service.pipeline.layout import reading_order, without_debris
from ocr_service.pipeline.ocr import OcrTimeout, detect_orientation, ocr_image, ocr_strip
from ocr_service.pipeline.preprocess import MIN_VERTICAL_RULINGS, erase, find_rulings, preprocess, rotate_quarter, to_gray
from ocr_service.pipeline.rasterize import (
    PageImage,
    has_usable_text,
    load_image_frame,
    pdf_text_layer,
    rasterize_pdf_page,
    words_to_text,
)
from ocr_service.pipeline.render import render_hocr, render_searchable_pdf
from ocr_service.pipeline.stacked import reread_stacked
from ocr_service.pipeline.tables import reread_rows
from ocr_service.pipeline.triage import scanned_page_dpi, triage

log = logging.getLogger(__name__)

# OpenCV single-threaded in every process that runs pages, for the reason Tesseract is
# (``OMP_THREAD_LIMIT=1``): the service reads one page per core, and OpenCV's own threads on a
# busy core only add their synchronization. Finding a CT01 page's rulings took 0.24 s of CPU
# with two threads and 0.14 s with one. (Here, not in the package: the API imports triage.)
cv2.setNumThreads(1)

# A page that reads this badly upright is checked for a 90/180/270° rotation.
_POOR_MEAN_CONFIDENCE = 55.0
_MIN_WORDS = 8
_MIN_OSD_CONFIDENCE = 1.5
# The digit re-read's strip: one uniform block; English's model reads lone digits more
# consistently than Vietnamese's on the bench (both are installed with Tesseract on Debian).
_STRIP_PSM = 6
_STRIP_LANGUAGE = "eng"
# A stack of table rows is read as sparse text: each cell's words found on their own.
_SPARSE_PSM = 11
# Item numbers cropped from a column Tesseract took for vertical text, set side by side: one line.
_LINE_PSM = 7


@dataclass(frozen=True, slots=True)
class PageTask:
    """Everything one page needs, picklable for a worker process."""

    source: Path
    media_type: MediaType
    index: int
    scratch: Path
    opts: OcrOptions


@dataclass(frozen=True, slots=True)
class Outputs:
    text: Path
    hocr: Path
    pdf: Path


def run_pipeline(
    source: Path,
    *,
    limits: Limits,
    opts: OcrOptions,
    scratch: Path,
    executor: Executor | None = None,
    on_page: Callable[[OcrPage, int], None] | None = None,
) -> OcrDocument:
    """Digitize one file. Raises an ``InputError`` for bad input before any OCR runs."""
    # Ingest: type, size, pages, encryption, damage (a one-frame image's truncation is found
    # where its page is loaded, before its OCR).
    triaged = triage(source, limits, decode=False)
    scratch.mkdir(parents=True, exist_ok=True)
    tasks = [PageTask(source, triaged.media_type, i, scratch, opts) for i in range(triaged.page_count)]
    # Rasterize, preprocess and OCR each page, in parallel when an executor is given.
    results = executor.map(process_page, tasks) if executor is not None else map(process_page, tasks)
    pages: list[OcrPage] = []
    for page in results:
        pages.append(page)
        if on_page is not None:
            on_page(page, triaged.page_count)
    return OcrDocument(sha256=triaged.sha256, media_type=triaged.media_type, pages=tuple(pages))


def write_outputs(doc: OcrDocument, source: Path, out_dir: Path, *, stem: str) -> Outputs:
    """Plain text (pages separated by form feeds), hOCR and the searchable PDF, as derived files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = Outputs(text=out_dir / f"{stem}.txt", hocr=out_dir / f"{stem}.hocr", pdf=out_dir / f"{stem}.pdf")
    outputs.text.write_text(doc.text, encoding="utf-8")
    outputs.hocr.write_text(render_hocr(doc.pages, title=stem), encoding="utf-8")
    original_pdf = source if doc.media_type is MediaType.PDF else None
    render_searchable_pdf(doc.pages, outputs.pdf, original_pdf=original_pdf)
    return outputs


def process_page(task: PageTask) -> OcrPage:
    """One page: its own text layer if it is born digital, else pixels through preprocess and OCR."""
    opts = task.opts
    if task.media_type is MediaType.PDF:
        layer = pdf_text_layer(task.source, task.index, dpi=opts.dpi, timeout=opts.timeout_seconds)
        if has_usable_text(layer, min_chars=opts.min_text_layer_chars):
            return OcrPage(
                index=task.index,
                width=layer.width,
                height=layer.height,
                dpi=layer.dpi,
                text=layer.text,
                words=layer.words,
                ocred=False,
            )
        # A scan is rendered at its own resolution (up to opts.dpi); preprocess upscales it after
        # removing its noise. Born-digital pages without usable text render at opts.dpi.
        native = scanned_page_dpi(task.source, task.index)
        dpi = min(opts.dpi, max(native, 72)) if native else opts.dpi
        image = rasterize_pdf_page(task.source, task.index, dpi=dpi, scratch=task.scratch, timeout=opts.timeout_seconds)
    else:
        image = load_image_frame(task.source, task.index)
    return ocr_page_image(image, index=task.index, opts=opts, scratch=task.scratch)


def ocr_page_image(image: PageImage, *, index: int, opts: OcrOptions, scratch: Path) -> OcrPage:
    prep = preprocess(image.pixels, dpi=image.dpi, opts=opts.preprocess)
    warnings: list[str] = []
    # QR codes: decoded for the extractors, then blanked so OCR does not read them as text.
    codes = read_qr_codes(to_gray(prep.display), dpi=prep.dpi) if opts.read_codes else ()
    prep = replace(prep, gray=blank_codes(prep.gray, codes))
    # Rulings: table borders and digit boxes, which Tesseract reads as "|", "[" or "_" and which
    # join cells into one line; erased at the resolution OCR sees, after the QR codes are blanked
    # (their module columns look like rulings).
    # A table's rulings are kept for the reading order: cells closer than a channel are cut there.
    table: tuple[BBox, ...] = ()
    if opts.preprocess.remove_rulings:
        # Faint lines are looked for on the grey page only where the copy is noisy or faded.
        rulings = find_rulings(prep.gray, dpi=prep.dpi, min_vertical_lines=MIN_VERTICAL_RULINGS, faint=prep.noisy)
        cleaned = erase(prep.gray, rulings.mask)
        if cleaned is not prep.gray:
            prep = replace(prep, gray=cleaned, steps=prep.steps + ("rulings",))
            table = rulings.lines if opts.table_rulings else ()
    try:
        words, hocr = _ocr(prep.gray, prep.dpi, opts, table)
    except OcrTimeout as exc:
        # Engine trouble degrades this page, not the document.
        log.warning("page %d: %s", index + 1, exc.message)
        words, hocr = (), ""
        warnings.append(exc.code)

    rotation = 0
    if opts.preprocess.orientation and _reads_badly(words):
        rotation, confidence = detect_orientation(prep.gray, timeout=opts.timeout_seconds)
        if rotation and confidence >= _MIN_OSD_CONFIDENCE:
            turned = preprocess(rotate_quarter(image.pixels, rotation), dpi=image.dpi, opts=opts.preprocess)
            turned_words, turned_hocr = _ocr(turned.gray, turned.dpi, opts)
            if _mean(turned_words) > _mean(words):
                prep, words, hocr = turned, turned_words, turned_hocr
                warnings = [w for w in warnings if w != OcrTimeout.code]
            else:
                rotation = 0
        else:
            rotation = 0

    # Post-correction: letters-only tokens the orthography says are misread, then marks the
    # syllable model restores; raw text kept.
    raw_text, corrections = "", ()
    raw_words = words
    if opts.correct:
        words, changes = correct_words(words, language_model() if opts.restore_marks else None)
        if opts.restore_marks:
            words, restored = restore_diacritics(words, language_model(), noisy=prep.noisy)
            changes += restored
        corrections = tuple(c.as_dict() for c in changes)
    # Doubtful numbers re-read alone, digits only, in one Tesseract call (one for one: the
    # correction indexes above stay valid); a re-read that cannot be trusted caps confidence.
    if opts.reread_digits and words:
        rebuilt = frozenset(int(c["index"]) for c in corrections if c["rule"] == "date_separator")
        words, changes = _reread_digits(words, prep.gray, prep.dpi, opts, index, rebuilt)
        corrections += tuple(c.as_dict() for c in changes)
    if corrections:
        raw_text = words_to_text(raw_words)

    image_path = scratch / f"page-{index:05d}.jpg"
    display = prep.display if prep.display.ndim == 2 else cv2.cvtColor(prep.display, cv2.COLOR_RGB2BGR)
    if not cv2.imwrite(str(image_path), np.ascontiguousarray(display), [cv2.IMWRITE_JPEG_QUALITY, 80]):
        raise EngineError(f"The image of page {index + 1} could not be written.")
    if not words and not warnings:
        warnings.append("no_text_found")
    height, width = prep.gray.shape[:2]
    return OcrPage(
        index=index,
        width=width,
        height=height,
        dpi=prep.dpi,
        text=words_to_text(words),
        words=words,
        ocred=True,
        hocr=hocr,
        image_path=str(image_path),
        rotation=rotation,
        skew_degrees=prep.skew_degrees,
        preprocessing=prep.steps + (("orientation",) if rotation else ()),
        warnings=tuple(warnings),
        raw_text=raw_text,
        corrections=corrections,
        codes=tuple(code.text for code in codes),
    )


def _ocr(gray: np.ndarray, dpi: int, opts: OcrOptions, rulings: tuple[BBox, ...] = ()) -> tuple[tuple[Word, ...], str]:
    result = ocr_image(gray, language=opts.language, psm=opts.psm, dpi=dpi, timeout=opts.timeout_seconds)
    words = result.words
    if opts.reread_stacked:
        words = _reread_stacked(words, gray, dpi, opts)
    if rulings and opts.reread_table_rows:
        words = _reread_rows(words, gray, dpi, opts, rulings)
    words = without_debris(words) if opts.drop_debris else words
    return (reading_order(words, rulings=rulings) if opts.reading_order else words), result.hocr


def _reread_rows(words: tuple[Word, ...], gray: np.ndarray, dpi: int, opts: OcrOptions, rulings: tuple[BBox, ...]) -> tuple[Word, ...]:
    def read(stack: np.ndarray) -> tuple[Word, ...]:
        return ocr_image(stack, language=opts.language, psm=_SPARSE_PSM, dpi=dpi, timeout=opts.timeout_seconds).words

    try:
        return reread_rows(words, gray, rulings, read)[0]
    except EngineError as exc:  # a timeout or a failure of this extra call: the first reading stands
        log.warning("table row re-read: %s", exc.message)
        return words


def _reread_stacked(words: tuple[Word, ...], gray: np.ndarray, dpi: int, opts: OcrOptions) -> tuple[Word, ...]:
    def read(strip: np.ndarray) -> tuple[Word, ...]:
        return ocr_image(strip, language=opts.language, psm=_LINE_PSM, dpi=dpi, timeout=opts.timeout_seconds).words

    try:
        return reread_stacked(words, gray, read)[0]
    except EngineError as exc:  # a timeout or a failure of this extra call: the first reading stands
        log.warning("stacked line re-read: %s", exc.message)
        return words


def _reread_digits(
    words: tuple[Word, ...], gray: np.ndarray, dpi: int, opts: OcrOptions, index: int, skip: frozenset[int]
) -> tuple[tuple[Word, ...], tuple[Correction, ...]]:
    def read(strip: np.ndarray) -> tuple[Word, ...]:
        return ocr_strip(strip, language=_STRIP_LANGUAGE, psm=_STRIP_PSM, dpi=dpi, whitelist=WHITELIST, timeout=opts.timeout_seconds)

    try:
        return reread_digits(words, gray, read, skip=skip)
    except EngineError as exc:  # a timeout or a failure of this extra call: the first reading stands
        log.warning("page %d: digit re-read: %s", index + 1, exc.message)
        return words, ()


def _mean(words: tuple[Word, ...]) -> float:
    confident = [w.confidence for w in words if w.confidence >= 0]
    return sum(confident) / len(confident) if confident else 0.0


def _reads_badly(words: tuple[Word, ...]) -> bool:
    return len(words) < _MIN_WORDS or _mean(words) < _POOR_MEAN_CONFIDENCE


def without_images(doc: OcrDocument) -> OcrDocument:
    """The document with scratch image paths dropped, once the searchable PDF holds the images."""
    return replace(doc, pages=tuple(replace(p, image_path=None) for p in doc.pages))
