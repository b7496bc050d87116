"""Searchable PDF and hOCR, both built from ``OcrPage.words`` (so a corrected word shows in both).

The searchable PDF is made the way Tesseract's PDF renderer and OCRmyPDF make it: each OCRed
page is its image drawn full page, with an invisible text layer on top (text render mode 3)
set in Tesseract's glyphless font ``pdf.ttf``. That font is embedded as a Type0 font with a
CIDFontType2 descendant, Identity-H encoding and every CID drawn with glyph 1, 500/1000 em wide.
Text is written as UTF-16BE code units (CID == code unit), and the ToUnicode CMap maps each code
back to itself, so ``pdftotext`` and viewers' copy and search return the Unicode text.

Each word is stretched with ``Tz`` to exactly its box's width. All words of a line share one font
size (the line's height) and one baseline (the line's bottom), as Tesseract does: extraction
then keeps the line together and the selection highlight covers the line's height. A space
glyph fills the gap between words of a line so extraction keeps word boundaries (where boxes
touch, a word's glyphs end a little early to leave room for it); extractors start a new line
where the baseline changes. A character outside the BMP is written as U+FFFD: with
CID == code unit it cannot be mapped back.

A born-digital page (``ocred=False``) is copied unchanged from the original PDF.

This is the only module that writes PDFs; pikepdf and Pillow errors met here are translated here.
"""

from __future__ import annotations

import functools
import html
import io
import os
import re
import subprocess
import uuid
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image, UnidentifiedImageError

from ocr_service.domain import BBox, OcrPage, Word
from ocr_service.errors import CorruptFile, EngineError

PRODUCER = "ocr-service"

_FONT_FILE = "pdf.ttf"
_FONT_NAME = "/GlyphLessFont"
_FONT_RESOURCE = "/f-0-0"
_IMAGE_RESOURCE = "/Im0"
_GLYPH_WIDTH = 500  # every glyph's advance, 1/1000 em: the CID font's /DW
_MIN_SPACE = 0.1  # narrowest space between words, in font sizes: poppler splits words from ~0.03
_COMMON_TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/usr/share/tesseract/tessdata",
    "/opt/homebrew/share/tessdata",
    "/opt/local/share/tessdata",
)
_LIST_LANGS_DIR = re.compile(r'"([^"]+)"')
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # control codes XML 1.0 forbids
_SURROGATE = re.compile("[\ud800-\udfff]")  # half a character: cannot be written as UTF-8 or UTF-16
_FONT_MISSING = (
    "Tesseract's glyphless font (pdf.ttf) was not found: install tesseract-ocr, or set TESSDATA_PREFIX "
    "to the folder that holds it."
)


# --- the searchable PDF -----------------------------------------------------------------------


def render_searchable_pdf(
    pages: Sequence[OcrPage],
    out_path: Path,
    *,
    original_pdf: Path | None = None,
    jpeg_quality: int = 75,
) -> None:
    """Write one searchable PDF with ``pages`` in order, atomically, to ``out_path``.

    OCRed pages become image + invisible text: the page is ``width × height`` pixels at ``dpi``
    and the image fills it, whatever its own pixel size. Born-digital pages are copied from
    ``original_pdf`` (page number ``page.index``), which they require.
    """
    if not pages:
        raise ValueError("A PDF needs at least one page.")
    if not 1 <= jpeg_quality <= 95:
        raise ValueError(f"jpeg_quality must be 1–95, not {jpeg_quality}.")
    with ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.new())
        source = _open_original(stack, original_pdf) if any(not p.ocred for p in pages) else None
        font = _add_glyphless_font(pdf, glyphless_font_bytes()) if any(p.ocred and p.words for p in pages) else None
        for page in pages:
            if page.ocred:
                _append_ocred_page(pdf, page, font=font, jpeg_quality=jpeg_quality)
            else:
                _append_original_page(pdf, source, page.index)
        pdf.trailer.Info = pdf.make_indirect(pikepdf.Dictionary(Producer=pikepdf.String(PRODUCER)))
        _save_atomically(pdf, out_path, min_version=source.pdf_version if source is not None else "")


def replace_text_layers(pdf_path: Path, pages: Sequence[OcrPage], out_path: Path) -> None:
    """Write a copy of a searchable PDF (made by ``render_searchable_pdf`` from ``pages``) whose
    OCRed pages carry the text layer of ``pages``' words: a corrected word is what search and
    copy then return. Everything outside the pages' text objects (the page images, born-digital
    pages) is kept as it is; ``pdf_path`` itself is not changed.
    """
    with ExitStack() as stack:
        try:
            pdf = stack.enter_context(pikepdf.open(pdf_path))
        except pikepdf.PdfError as exc:
            raise EngineError(f"The stored searchable PDF cannot be read: {str(exc)[:160]}") from exc
        if len(pdf.pages) != len(pages):
            raise EngineError(f"The searchable PDF has {len(pdf.pages)} pages, the record {len(pages)}.")
        font = _shared_font(pdf)
        for pdf_page, page in zip(pdf.pages, pages):
            if not page.ocred:
                continue
            try:
                kept = _without_text_objects(pikepdf.parse_content_stream(pdf_page))
                content = pikepdf.unparse_content_stream(kept) + b"\n"
            except pikepdf.PdfError as exc:
                raise EngineError(f"Page {page.index + 1} of the searchable PDF cannot be read: {str(exc)[:160]}") from exc
            if page.words:
                if font is None:
                    font = _add_glyphless_font(pdf, glyphless_font_bytes())
                scale = 72.0 / page.dpi
                content += text_layer(page.words, scale=scale, page_height_pt=page.height * scale)
                resources = pdf_page.obj.get("/Resources") or pikepdf.Dictionary()
                fonts = resources.get("/Font") or pikepdf.Dictionary()
                fonts[_FONT_RESOURCE] = font
                resources.Font = fonts
                pdf_page.obj.Resources = resources
            pdf_page.obj.Contents = _flate_stream(pdf, content)
        _save_atomically(pdf, out_path, min_version=pdf.pdf_version)


def _shared_font(pdf: pikepdf.Pdf) -> pikepdf.Object | None:
    """The glyphless font an OCRed page of ``pdf`` already uses (every page shares one)."""
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary())
        font = fonts.get(_FONT_RESOURCE)
        if font is not None and font.get("/BaseFont") == pikepdf.Name(_FONT_NAME):
            return font
    return None


def _without_text_objects(instructions: Iterable) -> list:  # type: ignore[type-arg]
    """A page's content-stream instructions less every BT … ET text object."""
    kept, in_text = [], False
    for instruction in instructions:
        operator = str(getattr(instruction, "operator", ""))
        if operator == "BT":
            in_text = True
        elif operator == "ET":
            in_text = False
        elif not in_text:
            kept.append(instruction)
    return kept


def _open_original(stack: ExitStack, path: Path | None) -> pikepdf.Pdf:
    if path is None:
        raise EngineError("A born-digital page can only be copied from its original PDF; none was given.")
    try:
        return stack.enter_context(pikepdf.open(path))
    except pikepdf.PasswordError as exc:
        raise CorruptFile("The original PDF is password-protected; its pages cannot be copied.") from exc
    except pikepdf.PdfError as exc:
        raise CorruptFile(f"The original PDF cannot be read: {str(exc)[:160]}") from exc
    except OSError as exc:
        raise EngineError(f"The original PDF cannot be opened: {exc.strerror or exc}") from exc


def _append_original_page(pdf: pikepdf.Pdf, source: pikepdf.Pdf | None, index: int) -> None:
    assert source is not None  # _open_original ran, or raised, when any page is born digital
    if not 0 <= index < len(source.pages):
        raise EngineError(f"Page {index + 1} is not in the original PDF ({len(source.pages)} pages).")
    try:
        pdf.pages.append(source.pages[index])
    except pikepdf.PdfError as exc:
        raise CorruptFile(f"Page {index + 1} of the original PDF cannot be copied: {str(exc)[:160]}") from exc


def _append_ocred_page(pdf: pikepdf.Pdf, page: OcrPage, *, font: pikepdf.Object | None, jpeg_quality: int) -> None:
    if page.dpi <= 0 or page.width <= 0 or page.height <= 0:
        raise ValueError(f"Page {page.index + 1} has no size or resolution: {page.width}×{page.height} at {page.dpi}.")
    if page.image_path is None:
        raise EngineError(f"Page {page.index + 1} was OCRed but its image was not kept; the PDF cannot be made.")
    scale = 72.0 / page.dpi
    width_pt, height_pt = page.width * scale, page.height * scale
    image = _image_xobject(pdf, Path(page.image_path), jpeg_quality=jpeg_quality)
    content = b"q\n%s 0 0 %s 0 0 cm\n%s Do\nQ\n" % (_num(width_pt), _num(height_pt), _IMAGE_RESOURCE.encode())
    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary({_IMAGE_RESOURCE: image}))
    if page.words and font is not None:
        content += text_layer(page.words, scale=scale, page_height_pt=height_pt)
        resources.Font = pikepdf.Dictionary({_FONT_RESOURCE: font})
    page_dict = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, round(width_pt, 4), round(height_pt, 4)],
        Resources=resources,
        Contents=_flate_stream(pdf, content),
    )
    pdf.pages.append(pikepdf.Page(pdf.make_indirect(page_dict)))


def _save_atomically(pdf: pikepdf.Pdf, out_path: Path, *, min_version: str = "") -> None:
    """Save next to ``out_path`` and rename, so readers never see half a PDF.

    Streams are written as they are (no decoding, no recompression): a copied born-digital
    page keeps its content stream byte for byte, and our own streams are compressed already.
    ``min_version`` keeps the original's PDF version, whose features copied pages may use.
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex}.tmp")  # not mkstemp: keep the umask's mode
    try:
        pdf.save(
            tmp,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            min_version=min_version,
        )
        os.replace(tmp, out_path)
    except pikepdf.PdfError as exc:
        raise EngineError(f"The searchable PDF could not be written: {str(exc)[:160]}") from exc
    except OSError as exc:
        raise EngineError(f"The searchable PDF could not be written: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _flate_stream(pdf: pikepdf.Pdf, data: bytes, **entries: object) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, zlib.compress(data, 9), **entries)
    stream.Filter = pikepdf.Name.FlateDecode
    return stream


def _num(value: float) -> bytes:
    """A PDF number: fixed point, no exponent, trailing zeros dropped."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return b"0" if text in ("", "-0") else text.encode()


# --- the page image -----------------------------------------------------------------------------


def _image_xobject(pdf: pikepdf.Pdf, path: Path, *, jpeg_quality: int) -> pikepdf.Stream:
    """The page image as an image XObject: bilevel as 1-bit Flate, anything else as JPEG."""
    img = _load_page_image(path)
    width, height = img.size
    if img.mode == "1":
        bits = np.packbits(np.asarray(img, dtype=bool), axis=1)  # rows padded to whole bytes, 1 = white
        return _flate_stream(
            pdf,
            bits.tobytes(),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=width,
            Height=height,
            ColorSpace=pikepdf.Name.DeviceGray,
            BitsPerComponent=1,
        )
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=jpeg_quality, optimize=True, progressive=True)  # progressive: ~7 % smaller
    stream = pikepdf.Stream(
        pdf,
        buf.getvalue(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=width,
        Height=height,
        ColorSpace=pikepdf.Name.DeviceGray if img.mode == "L" else pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
    )
    stream.Filter = pikepdf.Name.DCTDecode
    return stream


def _load_page_image(path: Path) -> Image.Image:
    try:
        with Image.open(path) as img:
            img.load()
            return _pdf_ready(img)
    except FileNotFoundError as exc:
        raise EngineError(f"The page image {path.name} is missing; the searchable PDF cannot be made.") from exc
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise EngineError(f"The page image {path.name} cannot be read: {str(exc)[:160]}") from exc


def _pdf_ready(img: Image.Image) -> Image.Image:
    """The image as mode ``1`` (bilevel), ``L`` or ``RGB``: the modes we embed."""
    if img.mode == "1":
        return img.copy()
    if img.mode.startswith("I;16"):
        img = Image.fromarray((np.asarray(img, dtype=np.uint32) >> 8).astype(np.uint8), mode="L")
    elif img.mode in ("I", "F"):
        img = img.convert("L")
    elif img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        img = Image.new("RGB", rgba.size, (255, 255, 255))
        img.paste(rgba, mask=rgba.getchannel("A"))
    elif img.mode != "L":
        img = img.convert("RGB")
    if img.mode == "RGB" and _is_grey(img):
        img = img.convert("L")
    if img.mode == "L" and _is_bilevel(img):
        return img.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)
    return img


def _is_grey(img: Image.Image) -> bool:
    pixels = np.asarray(img)
    return bool(np.array_equal(pixels[..., 0], pixels[..., 1]) and np.array_equal(pixels[..., 1], pixels[..., 2]))


def _is_bilevel(img: Image.Image) -> bool:
    histogram = img.histogram()
    return sum(histogram[1:255]) == 0


# --- the glyphless font -----------------------------------------------------------------------


def find_glyphless_font(
    *,
    environ: Mapping[str, str] | None = None,
    tesseract: str = "tesseract",
    search_dirs: Iterable[str] = _COMMON_TESSDATA_DIRS,
) -> Path:
    """Where Tesseract's ``pdf.ttf`` is: ``TESSDATA_PREFIX``, then Tesseract's own tessdata, then common dirs."""
    for directory in _font_dirs(os.environ if environ is None else environ, tesseract, search_dirs):
        font = directory / _FONT_FILE
        if font.is_file():
            return font
    raise EngineError(_FONT_MISSING)


def _font_dirs(environ: Mapping[str, str], tesseract: str, search_dirs: Iterable[str]) -> Iterator[Path]:
    """Candidate folders, lazily: Tesseract only runs when ``TESSDATA_PREFIX`` does not have the font."""
    if prefix := environ.get("TESSDATA_PREFIX"):
        yield Path(prefix)  # Tesseract 4 and later: the tessdata folder itself
        yield Path(prefix) / "tessdata"  # Tesseract 3: its parent
    if tessdata := _tesseract_tessdata_dir(tesseract):
        yield tessdata
    yield from (Path(d) for d in search_dirs)


def _tesseract_tessdata_dir(tesseract: str) -> Path | None:
    """The folder in ``tesseract --list-langs``' first line ('List of … languages in "DIR" (N):')."""
    try:
        result = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _LIST_LANGS_DIR.search(result.stdout + result.stderr)
    return Path(match.group(1)) if match else None


@functools.cache
def glyphless_font_bytes() -> bytes:
    """The font file, read once per process."""
    path = find_glyphless_font()
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EngineError(f"Tesseract's glyphless font {path} cannot be read: {exc.strerror or exc}") from exc


def _add_glyphless_font(pdf: pikepdf.Pdf, font_file: bytes) -> pikepdf.Object:
    """The Type0 font dictionary (indirect), shared by every page of ``pdf``."""
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name(_FONT_NAME),
        Flags=5,  # fixed pitch, symbolic
        FontBBox=[0, 0, _GLYPH_WIDTH, 1000],
        ItalicAngle=0,
        Ascent=1000,
        Descent=-1,  # box = [baseline − size, baseline]: the line's extent
        CapHeight=1000,
        StemV=80,
        FontFile2=_flate_stream(pdf, font_file, Length1=len(font_file)),
    )
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name(_FONT_NAME),
        CIDSystemInfo=pikepdf.Dictionary(
            Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
        ),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=_GLYPH_WIDTH,
        # As Tesseract: every CID is drawn with glyph 1, the font's one (empty) glyph.
        CIDToGIDMap=_flate_stream(pdf, b"\x00\x01" * 65536),
    )
    type0 = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type0,
        BaseFont=pikepdf.Name(_FONT_NAME),
        Encoding=pikepdf.Name("/Identity-H"),
        DescendantFonts=[pdf.make_indirect(cid_font)],
        ToUnicode=_flate_stream(pdf, _identity_to_unicode_cmap()),
    )
    return pdf.make_indirect(type0)


def _identity_to_unicode_cmap() -> bytes:
    """A ToUnicode CMap mapping each 2-byte code to the same UTF-16 code unit.

    A bfrange may only vary the last byte, hence a range per high byte. Surrogate halves
    (D800–DFFF) are left out: they are not characters, and ``_pdf_text`` never writes them.
    """
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF]
    chunks = [ranges[i : i + 100] for i in range(0, len(ranges), 100)]  # at most 100 per block
    body = "".join(f"{len(c)} beginbfrange\n" + "\n".join(c) + "\nendbfrange\n" for c in chunks)
    return (
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}"
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end\n"
    ).encode("ascii")


# --- the invisible text layer -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextLine:
    words: tuple[Word, ...]  # left to right

    @property
    def top(self) -> int:
        return min(w.bbox.y0 for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bbox.y1 for w in self.words)


def text_layer(words: Sequence[Word], *, scale: float, page_height_pt: float) -> bytes:
    """Content-stream operators drawing ``words`` invisibly in their boxes.

    ``scale`` turns image pixels into points (72 / dpi); PDF's y axis points up, hence
    ``page_height_pt``. One text object per line; within it, each word is set with ``Tz`` so it
    spans its box, followed by a space glyph stretched over the gap to the next word.
    """
    out = [b"BT\n3 Tr\n"]
    for line in text_lines(words):
        size = max((line.bottom - line.top) * scale, 1.0)
        baseline = page_height_pt - line.bottom * scale
        out.append(b"%s %s Tf\n" % (_FONT_RESOURCE.encode(), _num(size)))
        for codes, x0, x1, space_end in _word_runs(line, scale=scale, min_space=_MIN_SPACE * size):
            stretch = _stretch(x1 - x0, len(codes) // 2, size)
            out.append(b"1 0 0 1 %s %s Tm\n" % (_num(x0), _num(baseline)))
            out.append(b"%s Tz <%s> Tj\n" % (_num(stretch), codes.hex().upper().encode()))
            if space_end is not None:
                out.append(b"%s Tz <0020> Tj\n" % _num(_stretch(space_end - x1, 1, size)))
    out.append(b"ET\n")
    return b"".join(out)


def _word_runs(line: TextLine, *, scale: float, min_space: float) -> list[tuple[bytes, float, float, float | None]]:
    """Per word: its codes, where its glyphs start and end, and where the space after it ends (points).

    Glyphs span the word's box. When boxes touch or overlap, the word's glyphs end early to
    leave ``min_space`` for the space: extractors split words by the gap, not the space character.
    """
    runs: list[tuple[bytes, float, float, float | None]] = []
    for word, following in zip(line.words, [*line.words[1:], None]):
        codes = _pdf_text(word.text)
        x0, x1 = word.bbox.x0 * scale, word.bbox.x1 * scale
        if following is None:
            runs.append((codes, x0, x1, None))
            continue
        space_end = following.bbox.x0 * scale
        if space_end - x1 < min_space and space_end > x0:
            glyphs = len(codes) // 2  # at worst the space gets one glyph's share, as in Tesseract
            x1 = max(space_end - min_space, x0 + (space_end - x0) * glyphs / (glyphs + 1))
        runs.append((codes, x0, x1, max(space_end, x1 + min_space)))
    return runs


def _pdf_text(text: str) -> bytes:
    """The word as 2-byte codes (UTF-16BE); a character outside the BMP becomes U+FFFD.

    With Identity-H and CID == code unit, a surrogate pair would be two codes that each map
    to half a character, which extractors turn into two replacement characters anyway.
    """
    return "".join("\ufffd" if ord(ch) > 0xFFFF else ch for ch in _SURROGATE.sub("\ufffd", text)).encode("utf-16-be")


def _stretch(width_pt: float, glyphs: int, size: float) -> float:
    """The ``Tz`` percentage that makes ``glyphs`` glyphs span ``width_pt`` points (never 0)."""
    natural = glyphs * _GLYPH_WIDTH / 1000.0 * size
    return max(100.0 * width_pt / natural, 0.1) if natural > 0 else 100.0


def text_lines(words: Iterable[Word]) -> list[TextLine]:
    """Words grouped into lines by (block, line), in order of first appearance.

    A "line" whose words do not share a vertical band (e.g. every word left at the default
    line 0) is split into bands, so one font size never covers half a page.
    """
    groups: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        if word.text:
            groups.setdefault((word.block, word.line), []).append(word)
    lines: list[TextLine] = []
    for group in groups.values():
        bands: list[list[Word]] = []
        for word in group:
            band = next((b for b in bands if _same_band(b, word.bbox)), None)
            if band is None:
                bands.append([word])
            else:
                band.append(word)
        lines += [TextLine(tuple(sorted(b, key=lambda w: w.bbox.x0))) for b in bands]
    return lines


def _same_band(band: list[Word], box: BBox) -> bool:
    """Whether ``box`` overlaps the band vertically by at least half the smaller height."""
    top, bottom = min(w.bbox.y0 for w in band), max(w.bbox.y1 for w in band)
    overlap = min(bottom, box.y1) - max(top, box.y0)
    return overlap >= 0.5 * max(min(bottom - top, box.height), 1)


# --- hOCR ---------------------------------------------------------------------------------------

_HOCR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
 <head>
  <title>{title}</title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name="ocr-system" content="{producer}"/>
  <meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf"/>
 </head>
 <body>
"""


def render_hocr(pages: Sequence[OcrPage], *, title: str = "") -> str:
    """One hOCR 1.2 document for ``pages``, generated from their words (block → line → word).

    Each block is one ``ocr_carea`` holding one ``ocr_par``. A word with an unknown
    confidence (negative) gets no ``x_wconf``, as ``ocr.parse_hocr_words`` expects.
    """
    parts = [_HOCR_HEAD.format(title=_xml_text(title), producer=PRODUCER)]
    for page in pages:
        parts += _hocr_page(page)
    parts.append(" </body>\n</html>\n")
    return "".join(parts)


def _hocr_page(page: OcrPage) -> list[str]:
    n = page.index + 1
    props = [f"bbox 0 0 {page.width} {page.height}", f"ppageno {page.index}", f"scan_res {page.dpi} {page.dpi}"]
    if page.image_path:
        props.insert(0, "image " + _hocr_quote(page.image_path))
    out = [f'  <div class="ocr_page" id="page_{n}" title={_attr("; ".join(props))}>\n']
    blocks: dict[int, dict[int, list[Word]]] = {}
    for word in page.words:
        blocks.setdefault(word.block, {}).setdefault(word.line, []).append(word)
    line_no = word_no = 0
    for block_no, lines in enumerate(blocks.values(), start=1):
        block_box = _attr(_bbox_title(_union(w.bbox for ws in lines.values() for w in ws)))
        out.append(f'   <div class="ocr_carea" id="block_{n}_{block_no}" title={block_box}>\n')
        out.append(f'    <p class="ocr_par" id="par_{n}_{block_no}" title={block_box}>\n')
        for words in lines.values():
            line_no += 1
            line_box = _attr(_bbox_title(_union(w.bbox for w in words)))
            out.append(f'     <span class="ocr_line" id="line_{n}_{line_no}" title={line_box}>')
            for word in words:
                word_no += 1
                out.append(f"\n      {_hocr_word(word, f'word_{n}_{word_no}')}")
            out.append("\n     </span>\n")
        out.append("    </p>\n   </div>\n")
    out.append("  </div>\n")
    return out


def _hocr_word(word: Word, element_id: str) -> str:
    props = _bbox_title(word.bbox)
    if word.confidence >= 0:
        props += f"; x_wconf {round(word.confidence)}"
    return f'<span class="ocrx_word" id="{element_id}" title={_attr(props)}>{_xml_text(word.text)}</span>'


def _union(boxes: Iterable[BBox]) -> BBox:
    boxes = list(boxes)
    return BBox(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))


def _bbox_title(box: BBox) -> str:
    return f"bbox {box.x0} {box.y0} {box.x1} {box.y1}"


def _hocr_quote(value: str) -> str:
    """An hOCR string property value: double-quoted, with backslash escapes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attr(value: str) -> str:
    return '"' + html.escape(_xml_safe(value), quote=True) + '"'


def _xml_text(value: str) -> str:
    return html.escape(_xml_safe(value), quote=False)


def _xml_safe(value: str) -> str:
    """Control codes XML 1.0 forbids dropped, stray surrogates replaced: what stays parses and encodes."""
    return _SURROGATE.sub("\ufffd", _XML_INVALID.sub("", value))
