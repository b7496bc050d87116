"""The pipeline end to end on real Tesseract and poppler."""

from __future__ import annotations

import hashlib
import io
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pikepdf
import pytest
from fpdf import FPDF
from PIL import Image

from bench.metrics import score
from ocr_service.domain import Limits, MediaType, OcrOptions
from ocr_service.pipeline.run import run_pipeline, write_outputs
from tests.conftest import DECISION_LINES, FONT, draw_page

pytestmark = pytest.mark.integration
TRUTH = "\n".join(DECISION_LINES)
LIMITS = Limits()
OPTS = OcrOptions()


def _born_digital_pdf(path: Path, lines: tuple[str, ...]) -> None:
    pdf = FPDF(format="A4")
    pdf.add_font("LiberationSerif", fname=str(FONT))
    pdf.set_font("LiberationSerif", size=13)
    pdf.add_page()
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def _scanned_pdf(path: Path, image: Image.Image) -> None:
    image.convert("L").save(path, "PDF", resolution=300)


def test_image_page_ocr_is_accurate(tmp_path: Path, page_png: Path) -> None:
    doc = run_pipeline(page_png, limits=LIMITS, opts=OPTS, scratch=tmp_path)
    assert doc.media_type is MediaType.PNG
    assert doc.ocred_pages == [0]
    assert score(TRUTH, doc.text).cer < 0.02
    page = doc.pages[0]
    assert page.mean_confidence is not None and page.mean_confidence > 80
    assert page.image_path and Path(page.image_path).is_file()
    quyet = next(w for w in page.words if w.text == "QUYẾT")
    assert 240 <= quyet.bbox.x0 <= 270 and 290 <= quyet.bbox.y0 <= 330


def test_rotated_page_is_turned_upright(tmp_path: Path) -> None:
    path = tmp_path / "sideways.png"
    draw_page().rotate(90, expand=True).save(path, dpi=(300, 300))
    page = run_pipeline(path, limits=LIMITS, opts=OPTS, scratch=tmp_path / "s").pages[0]
    assert page.rotation == 90
    assert "orientation" in page.preprocessing
    assert score(TRUTH, page.text).cer < 0.03


def test_low_resolution_skewed_scan(tmp_path: Path) -> None:
    path = tmp_path / "skewed.jpg"
    draw_page().convert("L").rotate(3, fillcolor=255, resample=Image.BICUBIC).resize((1240, 1754)).save(
        path, quality=80, dpi=(150, 150)
    )
    page = run_pipeline(path, limits=LIMITS, opts=OPTS, scratch=tmp_path / "s").pages[0]
    assert {"deskew", "upscale"} <= set(page.preprocessing)
    assert page.dpi == 300
    assert score(TRUTH, page.text).cer < 0.04


def test_low_resolution_scanned_pdf_is_rendered_at_its_own_resolution(tmp_path: Path) -> None:
    # A 150-DPI scan in a PDF: rendered at 150 (not enlarged by poppler with its specks), then
    # cleaned and upscaled by the preprocessing.
    path = tmp_path / "scan-150.pdf"
    noisy = draw_page().convert("L").resize((1240, 1754))
    speckled = noisy.point(lambda v: v)  # a copy
    for i in range(0, 1240 * 1754, 211):  # salt and pepper
        speckled.putpixel((i % 1240, i // 1240), 0 if (i // 211) % 2 else 255)
    speckled.save(path, "PDF", resolution=150)
    page = run_pipeline(path, limits=LIMITS, opts=OPTS, scratch=tmp_path / "s").pages[0]
    assert {"denoise", "upscale"} <= set(page.preprocessing)
    assert page.dpi == 300
    assert score(TRUTH, page.text).cer < 0.04


def test_mixed_pdf_uses_text_layer_where_born_digital(tmp_path: Path) -> None:
    digital, scanned, mixed = tmp_path / "digital.pdf", tmp_path / "scanned.pdf", tmp_path / "mixed.pdf"
    _born_digital_pdf(digital, DECISION_LINES)
    _scanned_pdf(scanned, draw_page())
    with pikepdf.open(digital) as a, pikepdf.open(scanned) as b, pikepdf.new() as out:
        out.pages.extend([a.pages[0], b.pages[0]])
        out.save(mixed)
    original = mixed.read_bytes()

    with ProcessPoolExecutor(max_workers=2) as pool:
        doc = run_pipeline(mixed, limits=LIMITS, opts=OPTS, scratch=tmp_path / "s", executor=pool)
    assert doc.ocred_pages == [1]
    assert not doc.pages[0].ocred and doc.pages[0].words[0].confidence == 100.0
    assert score(TRUTH, doc.pages[0].text).cer == 0
    assert score(TRUTH, doc.pages[1].text).cer < 0.02
    assert doc.text.count("\f") == 1

    outputs = write_outputs(doc, mixed, tmp_path / "out", stem="mixed")
    assert mixed.read_bytes() == original  # the original is never rewritten
    assert doc.sha256 == hashlib.sha256(original).hexdigest()
    extracted = subprocess.run(["pdftotext", str(outputs.pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = extracted.split("\f")
    assert score(TRUTH, pages[0]).cer == 0
    assert score(TRUTH, pages[1]).cer < 0.02
    assert outputs.text.read_text(encoding="utf-8") == doc.text
    assert "ocrx_word" in outputs.hocr.read_text(encoding="utf-8")


def test_multipage_tiff(tmp_path: Path) -> None:
    path = tmp_path / "two.tiff"
    first = draw_page().convert("L")
    second = draw_page(("Trang thứ hai của hồ sơ", "Giấy khai sinh bản sao")).convert("L")
    first.save(path, save_all=True, append_images=[second], dpi=(300, 300), compression="tiff_deflate")
    doc = run_pipeline(path, limits=LIMITS, opts=OPTS, scratch=tmp_path / "s")
    assert [p.index for p in doc.pages] == [0, 1]
    assert "Trang thứ hai" in doc.pages[1].text


def test_blank_page_is_a_page_with_a_warning_not_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("L", (2480, 3508), 255).save(path, dpi=(300, 300))
    page = run_pipeline(path, limits=LIMITS, opts=OPTS, scratch=tmp_path / "s").pages[0]
    assert page.words == () and page.text == ""
    assert page.warnings == ("no_text_found",)


def test_signed_pdf_original_survives_byte_for_byte(tmp_path: Path) -> None:
    """A digitally signed result must keep its signature: the pipeline only ever writes derived files."""
    source = tmp_path / "signed.pdf"
    _born_digital_pdf(source, DECISION_LINES)
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        pdf.Root.AcroForm = pikepdf.Dictionary(SigFlags=3, Fields=pikepdf.Array())
        pdf.save(source)
    # An incremental update with signature bytes appended, as a signing tool writes it.
    with source.open("ab") as fh:
        fh.write(b"\n% signature placeholder /ByteRange [0 100 200 300] /Contents <3082>\n")
    before = source.read_bytes()
    doc = run_pipeline(source, limits=LIMITS, opts=OPTS, scratch=tmp_path / "s")
    write_outputs(doc, source, tmp_path / "out", stem="signed")
    assert source.read_bytes() == before
    assert doc.sha256 == hashlib.sha256(before).hexdigest()


def test_id_card_qr_code_is_read_and_fills_the_fields(tmp_path: Path) -> None:
    """The committed scan of a (synthetic) chip card: its QR code decodes, and the extracted
    fields agree with the generator's truth where the code carries them."""
    import json

    from extractors.base import extract

    sample = Path(__file__).resolve().parents[2] / "samples" / "documents" / "id_card_front-scan-000.jpg"
    truth = json.loads(sample.with_name("id_card_front-scan-000.truth.json").read_text(encoding="utf-8"))
    doc = run_pipeline(sample, limits=LIMITS, opts=OPTS, scratch=tmp_path)
    assert doc.pages[0].codes == (truth["meta"]["qr_payload"],)

    extraction = extract(doc)
    fields = extraction.fields
    for key in ("id_number", "date_of_birth", "sex", "place_of_residence"):
        assert fields[key]["value"] == truth["fields"][key], key
        assert not fields[key]["needs_review"], key
    assert fields["full_name"]["value"].casefold() == truth["fields"]["full_name"].casefold()
    assert extraction.citizen_ids == truth["citizen_ids"]

    # Without the code the same page still reads, by OCR alone.
    plain = run_pipeline(sample, limits=LIMITS, opts=OcrOptions(read_codes=False), scratch=tmp_path / "plain")
    assert plain.pages[0].codes == () and "qr_payload" not in extract(plain).fields
