"""Turn one page of an input into pixels, or into words when a PDF page is born digital.

One page at a time, written to a scratch directory, so a 300-page PDF runs in bounded memory.
This is the only module that calls poppler (through pdf2image, ``pdftotext`` and ``pdftoppm``)
and translates its errors. pdf2image is imported where it is used: the API process renders the
review page's previews (``render_preview``, plain ``pdftoppm``) and never loads it.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ocr_service.domain import BBox, Word, nfc, words_to_text
from ocr_service.errors import CorruptFile, EngineError

_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True, slots=True)
class PageImage:
    """A page's pixels (RGB or greyscale uint8) and the resolution they were made at or claim."""

    pixels: np.ndarray
    dpi: int | None


@dataclass(frozen=True, slots=True)
class TextLayer:
    width: int
    height: int
    dpi: int
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return words_to_text(self.words)


def pdf_text_layer(path: Path, index: int, *, dpi: int, timeout: float) -> TextLayer:
    """The words of a PDF page's own text layer, boxes scaled from points to ``dpi`` pixels."""
    page = index + 1
    try:
        result = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise EngineError("poppler-utils (pdftotext) is not installed.") from exc
    except subprocess.TimeoutExpired as exc:
        raise EngineError(f"Reading the text layer of page {page} took longer than {timeout:.0f} s.") from exc
    if result.returncode != 0:
        raise CorruptFile(f"Page {page} of the PDF cannot be read: {result.stderr.decode(errors='replace').strip()[:160]}")
    return _parse_bbox_layout(result.stdout, dpi)


def _parse_bbox_layout(xhtml: bytes, dpi: int) -> TextLayer:
    scale = dpi / 72.0
    root = ET.fromstring(xhtml)
    page_el = root.find(f".//{_XHTML}page")
    if page_el is None:
        return TextLayer(0, 0, dpi, ())
    width = round(float(page_el.get("width", 0)) * scale)
    height = round(float(page_el.get("height", 0)) * scale)
    words: list[Word] = []
    line_no = 0
    for block_no, block in enumerate(page_el.iter(f"{_XHTML}block")):
        for line in block.iter(f"{_XHTML}line"):
            for word_el in line.iter(f"{_XHTML}word"):
                text = nfc((word_el.text or "").strip())
                if not text:
                    continue
                box = BBox(
                    round(float(word_el.get("xMin", 0)) * scale),
                    round(float(word_el.get("yMin", 0)) * scale),
                    round(float(word_el.get("xMax", 0)) * scale),
                    round(float(word_el.get("yMax", 0)) * scale),
                )
                words.append(Word(text=text, bbox=box, confidence=100.0, block=block_no, line=line_no))
            line_no += 1
    return TextLayer(width, height, dpi, tuple(words))


def has_usable_text(layer: TextLayer, *, min_chars: int) -> bool:
    """A born-digital page: enough real letters and digits in its own text layer."""
    alnum = sum(ch.isalnum() for word in layer.words for ch in word.text)
    return alnum >= min_chars


def rasterize_pdf_page(path: Path, index: int, *, dpi: int, scratch: Path, timeout: float) -> PageImage:
    """Render one page with poppler at ``dpi`` into ``scratch`` and load it."""
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFPopplerTimeoutError, PDFSyntaxError

    try:
        paths = convert_from_path(
            str(path),
            dpi=dpi,
            first_page=index + 1,
            last_page=index + 1,
            output_folder=str(scratch),
            fmt="ppm",
            paths_only=True,
            timeout=timeout,
        )
    except PDFInfoNotInstalledError as exc:
        raise EngineError("poppler-utils (pdftoppm) is not installed.") from exc
    except PDFPopplerTimeoutError as exc:
        raise EngineError(f"Rasterizing page {index + 1} took longer than {timeout:.0f} s.") from exc
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise CorruptFile(f"Page {index + 1} of the PDF cannot be rasterized.") from exc
    if not paths:
        raise CorruptFile(f"Page {index + 1} of the PDF rendered no image.")
    page_path = Path(paths[0])
    try:
        with Image.open(page_path) as img:
            pixels = np.asarray(img.convert("RGB") if img.mode not in ("L", "RGB") else img)
    finally:
        page_path.unlink(missing_ok=True)
    return PageImage(pixels=pixels, dpi=dpi)


def render_preview(pdf: Path, index: int, out: Path, *, dpi: int, timeout: float = 60.0, quality: int = 80) -> None:
    """Page ``index`` of ``pdf`` as a JPEG at ``dpi`` (a preview for people, not for OCR), written to ``out``."""
    stem = out.with_suffix("")
    command = [
        "pdftoppm", "-f", str(index + 1), "-l", str(index + 1), "-r", str(dpi),
        "-jpeg", "-jpegopt", f"quality={quality}", "-singlefile", str(pdf), str(stem),
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise EngineError("poppler-utils (pdftoppm) is not installed.") from exc
    except subprocess.TimeoutExpired as exc:
        raise EngineError(f"Rendering a preview of page {index + 1} took longer than {timeout:.0f} s.") from exc
    made = stem.with_suffix(".jpg")
    if result.returncode != 0 or not made.is_file():
        raise CorruptFile(f"Page {index + 1} cannot be rendered: {result.stderr.decode(errors='replace').strip()[:160]}")
    if made != out:
        made.replace(out)


def load_image_frame(path: Path, frame: int) -> PageImage:
    """One frame of an image file (TIFFs may hold many), as RGB or greyscale, with its claimed DPI."""
    try:
        with Image.open(path) as img:
            img.seek(frame)
            dpi = _image_dpi(img)
            if img.mode in ("L", "RGB"):
                converted = img.copy()
            elif img.mode in ("1", "I;16", "I", "F") or img.mode.startswith("I;"):
                converted = img.convert("L")
            else:
                converted = img.convert("RGB")
            return PageImage(pixels=np.asarray(converted), dpi=dpi)
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptFile(f"Page {frame + 1} of the image cannot be decoded.") from exc


def _image_dpi(img: Image.Image) -> int | None:
    dpi = img.info.get("dpi")
    if not dpi:
        return None
    try:
        value = round(float(dpi[0]))
    except (TypeError, ValueError, IndexError):
        return None
    # Many cameras and phone apps write 72 or 96 regardless of the real resolution.
    return value if 100 <= value <= 1200 else None
