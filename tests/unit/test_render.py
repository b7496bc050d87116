"""Searchable PDF and hOCR rendering (``ocr_service.pipeline.render``).

The pages are synthetic: Vietnamese words drawn with DejaVu Serif on an A4 page at 300 DPI,
their ink boxes recorded as the OCR words. The output is read back with the real poppler tools
(``pdftotext``, ``pdftoppm``) and pikepdf, the way a user's viewer or our extractors would.
"""

from __future__ import annotations

import html.parser
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ocr_service.domain import BBox, OcrPage, Word, nfc
from ocr_service.errors import CorruptFile, EngineError
from ocr_service.pipeline import render
from ocr_service.pipeline.render import (
    find_glyphless_font,
    render_hocr,
    render_searchable_pdf,
    replace_text_layers,
    text_layer,
    text_lines,
)

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None, reason="needs poppler-utils"
)

SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WIDTH, HEIGHT, DPI = 2480, 3508, 300
A4_POINTS = (595.2, 841.92)  # 2480 × 3508 px at 300 DPI
PT = 72 / DPI
XHTML = "{http://www.w3.org/1999/xhtml}"

# (block, line text): one column, so the reading order is the drawing order.
LINES = [
    (0, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    (0, "Độc lập - Tự do - Hạnh phúc"),
    (1, "QUYẾT ĐỊNH"),
    (1, "Về việc cấp giấy chứng nhận cho bà Nguyễn Thị Hương"),
    (2, "Số: 06/QĐ-TTg ngày 15 tháng 3 năm 2024"),
    (2, "Ngỗng ẩm ướt; Ỗ Ẫ Ậ Ừ ữ ỹ Ặ"),
    (2, "Điều 1. R&D a<b> x&amp;y “trích” 'đơn'"),
]
BORN_DIGITAL_TEXT = "Ủy ban nhân dân phường Bến Nghé QUYẾT ĐỊNH"


@dataclass(frozen=True)
class Rendered:
    pdf: Path
    scan: OcrPage
    original: Path


def draw_page(path: Path, lines: list[tuple[int, str]], *, noise: float = 3.0, top: int = 300) -> tuple[Word, ...]:
    """Draw ``lines`` on a scan-like greyscale A4 page (slight blur, paper noise); return the words and ink boxes."""
    font = ImageFont.truetype(SERIF, 50)  # 12 pt at 300 DPI
    img = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(img)
    words: list[Word] = []
    for line_no, (block, line) in enumerate(lines):
        baseline, x = top + line_no * 110 + block * 60, 250
        for word_no, text in enumerate(nfc(line).split()):
            box = draw.textbbox((x, baseline), text, font=font, anchor="ls")
            draw.text((x, baseline), text, font=font, anchor="ls", fill=15)
            confidence = -1.0 if (line_no, word_no) == (1, 0) else float(60 + (line_no * 7 + word_no * 3) % 40)
            words.append(Word(text=text, bbox=BBox(*box), confidence=confidence, block=block, line=line_no))
            x = box[2] + 22
    pixels = np.asarray(img.filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float32) * 0.9 + 15
    pixels += np.random.default_rng(6).normal(0, noise, pixels.shape)
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(path)
    return tuple(words)


def scan_page(path: Path, index: int, lines: list[tuple[int, str]] = LINES, **kwargs: float) -> OcrPage:
    words = draw_page(path, lines, **kwargs)
    return OcrPage(
        index=index, width=WIDTH, height=HEIGHT, dpi=DPI, text="", words=words, ocred=True, image_path=str(path)
    )


def make_original(path: Path, pages: int = 3) -> Path:
    """A born-digital PDF (fpdf2, embedded DejaVu Sans) with Vietnamese text on every page."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("DejaVu", fname=SANS)
    for n in range(pages):
        pdf.add_page()
        pdf.set_font("DejaVu", size=14)
        pdf.text(72, 100, f"{BORN_DIGITAL_TEXT} {n + 1}")
    pdf.output(str(path))
    return path


def blank_page(tmp: Path, size: tuple[int, int], dpi: int, *words: Word, name: str = "blank.png") -> OcrPage:
    """An OCRed page on a plain white image, for tests about the text layer alone."""
    Image.new("L", size, 255).save(tmp / name)
    return OcrPage(0, size[0], size[1], dpi, "", words, True, image_path=str(tmp / name))


def born_digital(index: int) -> OcrPage:
    return OcrPage(index=index, width=2480, height=3508, dpi=DPI, text="", words=(), ocred=False)


def pdftotext(pdf: Path, page: int, *extra: str) -> str:
    args = ["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", *extra, str(pdf), "-"]
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def pdftotext_boxes(pdf: Path, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    root = ET.fromstring(pdftotext(pdf, page, "-bbox"))
    return [
        (nfc(el.text or ""), tuple(float(el.get(k, "nan")) for k in ("xMin", "yMin", "xMax", "yMax")))
        for el in root.iter(f"{XHTML}word")
    ]


def render_gray(pdf: Path, page: int, tmp: Path, *, dpi: int = 100) -> np.ndarray:
    prefix = tmp / f"render-{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
        check=True,
    )
    return np.asarray(Image.open(prefix.with_suffix(".pgm")), dtype=np.float32)


def source_gray(image_path: str, shape: tuple[int, ...]) -> np.ndarray:
    with Image.open(image_path) as img:
        return np.asarray(img.convert("L").resize((shape[1], shape[0]), Image.Resampling.BOX), dtype=np.float32)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    tmp = tmp_path_factory.mktemp("render")
    original = make_original(tmp / "original.pdf")
    scan = scan_page(tmp / "page-0.png", 0)
    out = tmp / "out" / "searchable.pdf"
    render_searchable_pdf([scan, born_digital(1), scan_page(tmp / "page-2.png", 2)], out, original_pdf=original)
    return Rendered(pdf=out, scan=scan, original=original)


# --- the searchable PDF -----------------------------------------------------------------------


def test_pages_in_order_with_a4_size_in_points(rendered: Rendered) -> None:
    with pikepdf.open(rendered.pdf) as pdf:
        assert len(pdf.pages) == 3
        for n in (0, 2):
            assert [float(v) for v in pdf.pages[n].MediaBox] == pytest.approx([0, 0, *A4_POINTS], abs=1e-3)
        assert pdf.docinfo["/Producer"] == "ocr-service"


def test_pdftotext_returns_every_word_and_line(rendered: Rendered) -> None:
    text = nfc(pdftotext(rendered.pdf, 1))
    for word in rendered.scan.words:
        assert word.text in text
    # Word boundaries and line breaks survive, not just the letters.
    assert [line for line in text.splitlines() if line.strip()] == [nfc(line) for _, line in LINES]


def test_word_boxes_are_where_the_words_are(rendered: Rendered) -> None:
    """x matches each word's box; y spans the word's line (one font size and baseline per line)."""
    found = pdftotext_boxes(rendered.pdf, 1)
    words = rendered.scan.words
    assert [text for text, _ in found] == [w.text for w in words]
    for (text, (x0, y0, x1, y1)), word in zip(found, words, strict=True):
        line = [w.bbox for w in words if w.line == word.line]
        line_top, line_bottom = min(b.y0 for b in line) * PT, max(b.y1 for b in line) * PT
        assert x0 == pytest.approx(word.bbox.x0 * PT, abs=1.0), text
        assert x1 == pytest.approx(word.bbox.x1 * PT, abs=1.0), text
        assert y0 == pytest.approx(line_top, abs=1.0), text
        assert y1 == pytest.approx(line_bottom, abs=1.0), text
        assert y0 - 0.5 <= word.bbox.y0 * PT and word.bbox.y1 * PT <= y1 + 0.5, text


def test_born_digital_page_is_copied_unchanged(rendered: Rendered) -> None:
    assert BORN_DIGITAL_TEXT + " 2" in nfc(pdftotext(rendered.pdf, 2))
    with pikepdf.open(rendered.pdf) as out, pikepdf.open(rendered.original) as src:
        copied, source = out.pages[1], src.pages[1]
        assert copied.Contents.read_raw_bytes() == source.Contents.read_raw_bytes()
        assert copied.Contents.get("/Filter") == source.Contents.get("/Filter")
        assert list(copied.MediaBox) == list(source.MediaBox)
        assert "/XObject" not in copied.Resources  # not rasterized


def test_corrected_words_replace_the_text_layer_and_keep_the_images(rendered: Rendered, tmp_path: Path) -> None:
    pages = [rendered.scan, born_digital(1), replace(rendered.scan, index=2)]
    corrected = list(rendered.scan.words)
    target = next(i for i, w in enumerate(corrected) if w.text == "Hương")
    corrected[target] = replace(corrected[target], text="Hường")
    pages[0] = replace(rendered.scan, words=tuple(corrected))
    out = tmp_path / "v2.pdf"
    before = rendered.pdf.read_bytes()
    replace_text_layers(rendered.pdf, pages, out)

    assert rendered.pdf.read_bytes() == before  # the previous version is never touched
    first = nfc(pdftotext(out, 1))
    assert "Hường" in first and "Hương" not in first
    assert [line for line in first.splitlines() if line.strip()][3].endswith("Nguyễn Thị Hường")
    assert "Hương" in nfc(pdftotext(out, 3))  # an unchanged page keeps its words
    assert BORN_DIGITAL_TEXT + " 2" in nfc(pdftotext(out, 2))
    with pikepdf.open(out) as new, pikepdf.open(rendered.pdf) as old:
        for n in range(3):
            old_images = old.pages[n].Resources.get("/XObject", {})
            new_images = new.pages[n].Resources.get("/XObject", {})
            assert {k: v.read_raw_bytes() for k, v in new_images.items()} == {k: v.read_raw_bytes() for k, v in old_images.items()}
        assert new.pages[1].Contents.read_raw_bytes() == old.pages[1].Contents.read_raw_bytes()
        assert new.pages[0].Resources.Font["/f-0-0"].objgen == new.pages[2].Resources.Font["/f-0-0"].objgen  # one font
    assert np.abs(render_gray(out, 1, tmp_path) - render_gray(rendered.pdf, 1, tmp_path)).max() == 0  # still invisible


def test_text_layer_added_to_a_page_that_had_no_words(tmp_path: Path) -> None:
    page = blank_page(tmp_path, (600, 300), 100)
    render_searchable_pdf([page], tmp_path / "blank.pdf")
    replace_text_layers(tmp_path / "blank.pdf", [replace(page, words=(Word("Thêm", BBox(50, 50, 200, 100), 100),))], tmp_path / "v2.pdf")
    assert nfc(pdftotext(tmp_path / "v2.pdf", 1)).strip() == "Thêm"


def test_replacing_text_layers_checks_the_page_count(rendered: Rendered, tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="3 pages"):
        replace_text_layers(rendered.pdf, [rendered.scan], tmp_path / "x.pdf")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(EngineError):
        replace_text_layers(tmp_path / "bad.pdf", [rendered.scan], tmp_path / "y.pdf")


def test_inherited_page_attributes_are_kept(tmp_path: Path) -> None:
    """A page whose MediaBox, Resources and Rotate live on the page tree's root keeps them."""
    with pikepdf.open(make_original(tmp_path / "flat.pdf", pages=2)) as pdf:
        root, first = pdf.Root.Pages, pdf.pages[0]
        root.MediaBox, root.Resources, root.Rotate = first.MediaBox, first.Resources, 90
        for page in pdf.pages:
            del page.obj["/MediaBox"], page.obj["/Resources"]
        pdf.save(tmp_path / "inherited.pdf")
    out = tmp_path / "out.pdf"
    render_searchable_pdf([born_digital(1)], out, original_pdf=tmp_path / "inherited.pdf")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"Page rot:\s+90", info)
    assert BORN_DIGITAL_TEXT + " 2" in nfc(pdftotext(out, 1))


def test_pdf_is_valid_and_uses_the_glyphless_type0_font(rendered: Rendered) -> None:
    with pikepdf.open(rendered.pdf) as pdf:
        assert pdf.check_pdf_syntax() == []
        page = pdf.pages[0]
        image = page.Resources.XObject["/Im0"]
        assert image.Filter == "/DCTDecode" and image.ColorSpace == "/DeviceGray"
        assert (int(image.Width), int(image.Height)) == (WIDTH, HEIGHT)
        (font,) = page.Resources.Font.values()
        assert font.Subtype == "/Type0" and font.Encoding == "/Identity-H"
        cid = font.DescendantFonts[0]
        assert cid.Subtype == "/CIDFontType2" and int(cid.DW) == 500
        assert cid.CIDToGIDMap.read_bytes() == b"\x00\x01" * 65536
        assert "/FontFile2" in cid.FontDescriptor
        assert b"beginbfrange" in font.ToUnicode.read_bytes()
        assert [f.objgen for f in pdf.pages[2].Resources.Font.values()] == [font.objgen]  # one font per file


def test_text_layer_is_invisible(rendered: Rendered, tmp_path: Path) -> None:
    with pikepdf.open(rendered.pdf) as pdf:
        ops = pikepdf.parse_content_stream(pdf.pages[0])
    modes = [int(operands[0]) for operands, op in ops if str(op) == "Tr"]
    shown = [i for i, (_, op) in enumerate(ops) if str(op) in ("Tj", "TJ")]
    first_tr = next(i for i, (_, op) in enumerate(ops) if str(op) == "Tr")
    assert modes == [3] and shown and first_tr < shown[0]
    pixels = render_gray(rendered.pdf, 1, tmp_path)
    assert np.abs(pixels - source_gray(rendered.scan.image_path or "", pixels.shape)).mean() < 2.5


def test_greyscale_scan_stays_well_under_a_megabyte(tmp_path: Path) -> None:
    """A full A4 page of 12 pt text, scanned at 300 DPI in greyscale with some paper noise."""
    full_page = [(n // 4, LINES[n % len(LINES)][1]) for n in range(26)]
    page = scan_page(tmp_path / "full.png", 0, full_page, noise=2.0, top=250)
    out = tmp_path / "one.pdf"
    render_searchable_pdf([page], out)
    size = out.stat().st_size
    print(f"300 DPI greyscale A4 page, {len(page.words)} words: {size / 1024:.0f} KiB")
    assert size < 700 * 1024


def test_bilevel_image_is_embedded_as_one_bit(tmp_path: Path) -> None:
    page = scan_page(tmp_path / "gray.png", 0, LINES[:3], noise=0)
    with Image.open(page.image_path or "") as img:
        img.point(lambda v: 255 if v >= 128 else 0).convert("1").save(tmp_path / "bw.png")
    page = replace(page, image_path=str(tmp_path / "bw.png"))
    out = tmp_path / "bw.pdf"
    render_searchable_pdf([page], out)
    with pikepdf.open(out) as pdf:
        image = pdf.pages[0].Resources.XObject["/Im0"]
        assert int(image.BitsPerComponent) == 1 and image.Filter == "/FlateDecode"
    assert out.stat().st_size < 100 * 1024
    pixels = render_gray(out, 1, tmp_path)
    assert np.abs(pixels - source_gray(page.image_path or "", pixels.shape)).mean() < 2.5
    assert [w.text for w in page.words] == nfc(pdftotext(out, 1)).split()


@pytest.mark.parametrize(
    ("mode", "colour_space"),
    [("RGB", "/DeviceRGB"), ("RGB-grey", "/DeviceGray"), ("RGBA", "/DeviceRGB"), ("I;16", "/DeviceGray")],
    ids=["rgb", "grey-as-rgb", "rgba", "16-bit"],
)
def test_other_image_modes(tmp_path: Path, mode: str, colour_space: str) -> None:
    rng = np.random.default_rng(1)
    grey = rng.integers(0, 256, (350, 248), dtype=np.uint8)
    if mode == "RGB":
        img = Image.fromarray(np.stack([grey, grey // 2, 255 - grey], axis=2))
    elif mode == "RGB-grey":
        img = Image.fromarray(grey).convert("RGB")
    elif mode == "RGBA":
        img = Image.fromarray(np.stack([grey, grey, 255 - grey, grey], axis=2), mode="RGBA")
    else:
        img = Image.fromarray(grey.astype(np.uint16) * 257)
    img.save(tmp_path / "page.png")
    word = Word("xin", BBox(10, 10, 60, 30), 90)
    page = OcrPage(0, 248, 350, 30, "", (word,), True, image_path=str(tmp_path / "page.png"))
    render_searchable_pdf([page], tmp_path / "out.pdf")
    with pikepdf.open(tmp_path / "out.pdf") as pdf:
        assert pdf.pages[0].Resources.XObject["/Im0"].ColorSpace == colour_space
        assert [float(v) for v in pdf.pages[0].MediaBox] == pytest.approx([0, 0, 248 * 72 / 30, 350 * 72 / 30])


def test_page_without_words_has_no_font(tmp_path: Path) -> None:
    render_searchable_pdf([blank_page(tmp_path, (100, 100), 100)], tmp_path / "blank.pdf")
    with pikepdf.open(tmp_path / "blank.pdf") as pdf:
        assert "/Font" not in pdf.pages[0].Resources


def test_character_outside_the_bmp_becomes_one_replacement_character(tmp_path: Path) -> None:
    words = (
        Word("ký😀tự", BBox(100, 50, 400, 100), 90),
        Word("𠀧", BBox(450, 50, 500, 100), 90),
        Word("x\udc80y", BBox(550, 50, 600, 100), 90),  # a stray surrogate (surrogateescape)
    )
    render_searchable_pdf([blank_page(tmp_path, (1000, 200), 100, *words)], tmp_path / "o.pdf")
    assert pdftotext(tmp_path / "o.pdf", 1).split() == ["ký\ufffdtự", "\ufffd", "x\ufffdy"]


def test_touching_words_keep_their_boundary(tmp_path: Path) -> None:
    words = (
        Word("Hà", BBox(100, 50, 200, 100), 90),
        Word("Nội", BBox(200, 50, 300, 100), 90),  # touching
        Word("ơi", BBox(290, 52, 350, 98), 90),  # overlapping
    )
    render_searchable_pdf([blank_page(tmp_path, (1000, 200), 100, *words)], tmp_path / "o.pdf")
    assert pdftotext(tmp_path / "o.pdf", 1).split() == ["Hà", "Nội", "ơi"]


def test_words_without_line_numbers_are_split_into_lines() -> None:
    """Words left at block 0, line 0 must not be set as one half-page-high line."""
    words = [
        Word("một", BBox(10, 10, 50, 30), 90),
        Word("hai", BBox(10, 100, 50, 120), 90),
        Word("ba", BBox(60, 12, 90, 31), 90),
    ]
    lines = text_lines(words)
    assert [[w.text for w in line.words] for line in lines] == [["một", "ba"], ["hai"]]
    ops = text_layer(words, scale=1.0, page_height_pt=200)
    assert ops.count(b" Tf\n") == 2 and b"/f-0-0 21 Tf" in ops


# --- errors -----------------------------------------------------------------------------------


def test_missing_or_unreadable_image_is_an_engine_error(tmp_path: Path) -> None:
    page = OcrPage(0, 100, 100, 100, "", (), True, image_path=str(tmp_path / "gone.png"))
    with pytest.raises(EngineError, match="missing"):
        render_searchable_pdf([page], tmp_path / "o.pdf")
    (tmp_path / "junk.png").write_bytes(b"not an image")
    with pytest.raises(EngineError, match="cannot be read"):
        render_searchable_pdf([replace(page, image_path=str(tmp_path / "junk.png"))], tmp_path / "o.pdf")
    with pytest.raises(EngineError, match="not kept"):
        render_searchable_pdf([replace(page, image_path=None)], tmp_path / "o.pdf")


def test_born_digital_page_needs_its_original(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="original PDF"):
        render_searchable_pdf([born_digital(0)], tmp_path / "o.pdf")
    original = make_original(tmp_path / "orig.pdf", pages=1)
    with pytest.raises(EngineError, match="not in the original"):
        render_searchable_pdf([born_digital(3)], tmp_path / "o.pdf", original_pdf=original)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnothing else")
    with pytest.raises(CorruptFile):
        render_searchable_pdf([born_digital(0)], tmp_path / "o.pdf", original_pdf=tmp_path / "broken.pdf")
    with pytest.raises(EngineError, match="cannot be opened"):
        render_searchable_pdf([born_digital(0)], tmp_path / "o.pdf", original_pdf=tmp_path / "absent.pdf")


def test_encrypted_original_is_a_corrupt_file(tmp_path: Path) -> None:
    with pikepdf.open(make_original(tmp_path / "orig.pdf", pages=1)) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(CorruptFile, match="password"):
        render_searchable_pdf([born_digital(0)], tmp_path / "o.pdf", original_pdf=tmp_path / "locked.pdf")


def test_output_file_mode_follows_the_umask(tmp_path: Path) -> None:
    render_searchable_pdf([blank_page(tmp_path, (10, 10), 10)], tmp_path / "o.pdf")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "o.pdf").stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_failed_render_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    out = tmp_path / "doc.pdf"
    out.write_bytes(b"previous version")
    with pytest.raises(EngineError):
        render_searchable_pdf([born_digital(0)], out)
    with pytest.raises(EngineError, match="could not be written"), pytest.MonkeyPatch.context() as mp:
        mp.setattr(pikepdf.Pdf, "save", lambda *a, **k: (_ for _ in ()).throw(pikepdf.PdfError("disk full")))
        render_searchable_pdf([blank_page(tmp_path, (10, 10), 10)], out)
    assert out.read_bytes() == b"previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blank.png", "doc.pdf"]


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one page"):
        render_searchable_pdf([], tmp_path / "o.pdf")
    with pytest.raises(ValueError, match="jpeg_quality"):
        render_searchable_pdf([born_digital(0)], tmp_path / "o.pdf", jpeg_quality=0)


def test_glyphless_font_lookup_order(tmp_path: Path) -> None:
    real = find_glyphless_font()
    assert real.name == "pdf.ttf"
    (tmp_path / "tessdata").mkdir()
    shutil.copy(real, tmp_path / "tessdata" / "pdf.ttf")
    # TESSDATA_PREFIX first, as the tessdata folder (Tesseract 4+) or its parent (3.x).
    env_first = find_glyphless_font(environ={"TESSDATA_PREFIX": str(tmp_path / "tessdata")})
    assert env_first == tmp_path / "tessdata" / "pdf.ttf"
    assert find_glyphless_font(environ={"TESSDATA_PREFIX": str(tmp_path)}) == tmp_path / "tessdata" / "pdf.ttf"
    # Then the folder Tesseract names in `--list-langs`, then the common folders.
    if shutil.which("tesseract"):
        assert find_glyphless_font(environ={}, search_dirs=()).is_file()
    common = find_glyphless_font(environ={}, tesseract="no-such-tesseract", search_dirs=[str(tmp_path / "tessdata")])
    assert common == tmp_path / "tessdata" / "pdf.ttf"


def test_missing_glyphless_font_is_a_clear_engine_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match=r"pdf\.ttf.*TESSDATA_PREFIX") as err:
        find_glyphless_font(environ={"TESSDATA_PREFIX": str(tmp_path)}, tesseract="no-such-tesseract", search_dirs=())
    assert err.value.code == "ocr_engine_error"


def test_tesseract_is_not_asked_when_tessdata_prefix_has_the_font(tmp_path: Path) -> None:
    shutil.copy(find_glyphless_font(), tmp_path / "pdf.ttf")
    trap = tmp_path / "tesseract"
    trap.write_text("#!/bin/sh\ntouch " + str(tmp_path / "ran") + "\n")
    trap.chmod(0o755)
    assert find_glyphless_font(environ={"TESSDATA_PREFIX": str(tmp_path)}, tesseract=str(trap)) == tmp_path / "pdf.ttf"
    assert not (tmp_path / "ran").exists()


def test_missing_font_fails_the_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> bytes:
        raise EngineError("pdf.ttf is gone")

    monkeypatch.setattr(render, "glyphless_font_bytes", missing)
    page = blank_page(tmp_path, (100, 100), 100, Word("chữ", BBox(1, 1, 20, 10), 90))
    with pytest.raises(EngineError, match="pdf.ttf"):
        render_searchable_pdf([page], tmp_path / "o.pdf")
    assert not (tmp_path / "o.pdf").exists()


# --- hOCR ---------------------------------------------------------------------------------------


def hocr_elements(hocr: str, cls: str) -> list[ET.Element]:
    root = ET.fromstring(hocr.encode("utf-8"))
    return [el for el in root.iter() if el.get("class") == cls]


def test_hocr_has_every_word_with_its_box_and_confidence(rendered: Rendered) -> None:
    scan = rendered.scan
    hocr = render_hocr([scan, born_digital(1)], title="Quyết định <06> & phụ lục")
    root = ET.fromstring(hocr.encode("utf-8"))
    assert root.find(f"{XHTML}head/{XHTML}title").text == "Quyết định <06> & phụ lục"
    capabilities = root.find(f"{XHTML}head/{XHTML}meta[@name='ocr-capabilities']").get("content", "").split()
    assert {"ocr_page", "ocr_carea", "ocr_par", "ocr_line", "ocrx_word"} <= set(capabilities)

    pages = hocr_elements(hocr, "ocr_page")
    assert [p.get("title") for p in pages] == [
        f'image "{scan.image_path}"; bbox 0 0 2480 3508; ppageno 0; scan_res 300 300',
        "bbox 0 0 2480 3508; ppageno 1; scan_res 300 300",
    ]
    spans = hocr_elements(hocr, "ocrx_word")
    assert len(spans) == len(scan.words)
    for span, word in zip(spans, scan.words, strict=True):
        assert span.text == word.text
        expected = f"bbox {word.bbox.x0} {word.bbox.y0} {word.bbox.x1} {word.bbox.y1}"
        if word.confidence >= 0:
            expected += f"; x_wconf {round(word.confidence)}"
        assert span.get("title") == expected


def test_hocr_nests_blocks_lines_and_words(rendered: Rendered) -> None:
    hocr = render_hocr([rendered.scan])
    blocks = hocr_elements(hocr, "ocr_carea")
    assert len(blocks) == 3
    lines_per_block = [[line for line in block.iter() if line.get("class") == "ocr_line"] for block in blocks]
    assert [len(lines) for lines in lines_per_block] == [2, 2, 3]
    first_line = lines_per_block[0][0]
    assert [w.text for w in first_line] == LINES[0][1].split()
    assert first_line.get("title") == "bbox %d %d %d %d" % (
        min(w.bbox.x0 for w in rendered.scan.words if w.line == 0),
        min(w.bbox.y0 for w in rendered.scan.words if w.line == 0),
        max(w.bbox.x1 for w in rendered.scan.words if w.line == 0),
        max(w.bbox.y1 for w in rendered.scan.words if w.line == 0),
    )
    ids = [el.get("id") for el in ET.fromstring(hocr.encode()).iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_hocr_escapes_markup_and_drops_control_characters() -> None:
    words = (Word('a<b>&"c"', BBox(1, 2, 3, 4), 50.4), Word("x\x0cy\udc80", BBox(5, 6, 7, 8), 99.6))
    page = OcrPage(0, 10, 10, 300, "", words, True, image_path='dir/"odd" name.png')
    hocr = render_hocr([page], title="<&>")
    assert "a&lt;b&gt;&amp;" in hocr and "<b>" not in hocr.split("<body>")[1]
    assert [el.text for el in hocr_elements(hocr, "ocrx_word")] == ['a<b>&"c"', "xy\ufffd"]
    titles = [el.get("title") for el in hocr_elements(hocr, "ocrx_word")]
    assert titles == ["bbox 1 2 3 4; x_wconf 50", "bbox 5 6 7 8; x_wconf 100"]
    assert hocr_elements(hocr, "ocr_page")[0].get("title").startswith('image "dir/\\"odd\\" name.png"; ')

    class Collect(html.parser.HTMLParser):
        words: list[str] = []

        def handle_data(self, data: str) -> None:
            if data.strip():
                self.words.append(data.strip())

    parser = Collect()
    parser.feed(hocr)
    assert parser.words == ["<&>", 'a<b>&"c"', "xy\ufffd"]


def test_hocr_reads_back_through_the_ocr_parser(rendered: Rendered) -> None:
    """QA corrections are saved as hOCR and read back with the same parser as Tesseract's output."""
    ocr = pytest.importorskip("ocr_service.pipeline.ocr")
    parsed = ocr.parse_hocr_words(render_hocr([rendered.scan]))
    def key(w: Word) -> tuple[object, ...]:
        return (w.text, w.bbox, round(w.confidence) if w.confidence >= 0 else -1, w.block, w.line)

    assert [key(w) for w in parsed] == [key(w) for w in rendered.scan.words]


def test_empty_document_is_still_valid_hocr() -> None:
    hocr = render_hocr([])
    assert ET.fromstring(hocr.encode()).tag == f"{XHTML}html"
