"""Ingest checks: what a file is and whether it can be digitized, cheapest checks first.

Type comes from the content (magic bytes), never from the file name. pikepdf opens PDFs and
repairs what qpdf can; Pillow reads image headers. Every rejection is an ``InputError`` with a
stable code. This module is the only one that imports pikepdf's and Pillow's exception types.

Safe for the API process: it imports neither OpenCV nor Tesseract.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import pikepdf
from PIL import Image

from ocr_service.domain import Limits, MediaType, Triage
from ocr_service.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedPdf,
    FileTooLarge,
    ImageTooLarge,
    TooManyPages,
    UnsupportedType,
)

_SNIFF_BYTES = 1024
_CHUNK = 1024 * 1024


def sniff_media_type(head: bytes) -> MediaType:
    """The media type from a file's first bytes. A PDF header may follow a little junk."""
    if head.startswith(b"\xff\xd8\xff"):
        return MediaType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaType.PNG
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return MediaType.TIFF
    if b"%PDF-" in head[:_SNIFF_BYTES]:
        return MediaType.PDF
    raise UnsupportedType()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def triage(path: Path, limits: Limits, *, sha256: str | None = None, decode: bool = True) -> Triage:
    """Check a stored or uploaded file; raise an ``InputError`` subclass if it cannot be digitized.

    ``decode=False`` leaves out the full decode of a one-frame image (truncation), for a caller
    that decodes it next anyway and reports the same ``CorruptFile`` (the pipeline): at intake
    every file is decoded whole before it is accepted."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile()
    if size > limits.max_bytes:
        raise FileTooLarge(
            f"The file is {size / 1_048_576:.1f} MB; the limit is {limits.max_bytes / 1_048_576:.0f} MB. "
            "Split it or scan at a lower resolution."
        )
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    media_type = sniff_media_type(head)
    digest = sha256 or sha256_file(path)
    if media_type is MediaType.PDF:
        pages, repaired = _check_pdf(path, limits)
    else:
        pages, repaired = _check_image(path, media_type, limits, decode=decode), False
    return Triage(media_type=media_type, sha256=digest, size=size, page_count=pages, repaired=repaired)


def pdf_page_count(path: Path) -> int:
    with _open_pdf(path) as pdf:
        return len(pdf.pages)


def scanned_page_dpi(path: Path, index: int) -> int | None:
    """The resolution of the scan a PDF page is made of, when one image covers the page.

    A scanned PDF page is one image placed over the whole page; rendering it at its own
    resolution (not 300 DPI) hands the preprocessing the scanner's pixels, so noise is removed
    before upscaling instead of being enlarged with the page. None for born-digital pages (no
    page-sized image) or when the page cannot be read.
    """
    try:
        with pikepdf.open(path) as pdf:
            page = pdf.pages[index]
            box = page.mediabox
            width_in, height_in = (float(box[2]) - float(box[0])) / 72, (float(box[3]) - float(box[1])) / 72
            best = None
            for image in page.get_images().values():
                w, h = int(image.get("/Width", 0)), int(image.get("/Height", 0))
                if not w or not h or width_in <= 0 or height_in <= 0:
                    continue
                if int(page.get("/Rotate", 0)) % 180:
                    w, h = h, w
                # The same shape as the page (within 3 %): a full-page scan, not a logo.
                if abs((w / h) / (width_in / height_in) - 1) <= 0.03:
                    best = max(best or 0, round(w / width_in))
            return best
    except (pikepdf.PdfError, ValueError, RuntimeError, IndexError, KeyError, TypeError):
        return None


def _open_pdf(path: Path) -> pikepdf.Pdf:
    try:
        return pikepdf.open(path)
    except pikepdf.PasswordError as exc:
        raise EncryptedPdf() from exc
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        raise CorruptFile(f"The PDF cannot be read ({_first_line(exc)}). Export or scan it again.") from exc


def _check_pdf(path: Path, limits: Limits) -> tuple[int, bool]:
    with _open_pdf(path) as pdf:
        # qpdf reconstructs a damaged xref table and says so in its warnings.
        repaired = bool(pdf.get_warnings())
        try:
            pages = list(pdf.pages)
        except (pikepdf.PdfError, RuntimeError) as exc:
            raise CorruptFile(f"The PDF's page tree is damaged ({_first_line(exc)}).") from exc
        if not pages:
            raise CorruptFile("The PDF has no pages. Export or scan it again.")
        if len(pages) > limits.max_pages:
            raise TooManyPages(
                f"The PDF has {len(pages)} pages; the limit is {limits.max_pages}. Split it into smaller files."
            )
        for number, page in enumerate(pages, start=1):
            try:
                box = page.mediabox
                width_pt, height_pt = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
            except (pikepdf.PdfError, TypeError, ValueError, IndexError) as exc:
                raise CorruptFile(f"Page {number} of the PDF has no valid size.") from exc
            # Rasterized at 300 DPI; a poster-sized page would exhaust memory.
            pixels = (width_pt / 72 * 300) * (height_pt / 72 * 300)
            if pixels > limits.max_pixels:
                raise ImageTooLarge(f"Page {number} is too large to rasterize at 300 DPI ({pixels / 1e6:.0f} megapixels).")
    return len(pages), repaired


def _check_image(path: Path, media_type: MediaType, limits: Limits, *, decode: bool = True) -> int:
    """Header checks before any decode (decompression bombs), then a full decode to catch
    truncation (of every frame of a multi-frame image, whatever ``decode`` says)."""
    with warnings.catch_warnings():
        # Our own limit is checked below; Pillow's warning threshold is not ours to enforce.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as img:
                frames = getattr(img, "n_frames", 1)
                if frames > limits.max_pages:
                    raise TooManyPages(f"The image has {frames} pages; the limit is {limits.max_pages}.")
                for frame in range(frames):
                    img.seek(frame)
                    width, height = img.size
                    if width * height > limits.max_pixels:
                        raise ImageTooLarge(
                            f"Page {frame + 1} is {width}×{height} pixels; the limit is "
                            f"{limits.max_pixels / 1e6:.0f} megapixels. Scan at 300 DPI."
                        )
                    if width < 16 or height < 16:
                        raise CorruptFile(f"Page {frame + 1} is only {width}×{height} pixels.")
                    if decode or frames > 1:
                        img.load()
        except Image.DecompressionBombError as exc:
            raise ImageTooLarge() from exc
        except (ImageTooLarge, TooManyPages, CorruptFile):
            raise
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise CorruptFile(f"The image cannot be decoded ({_first_line(exc)}). Scan it again.") from exc
    return frames


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__
