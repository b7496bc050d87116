"""Tests for the synthetic document generator in samples/."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import numpy as np
import pytest
from PIL import Image

from samples.corpus import COMMITTED, COMMITTED_DIR, generate_corpus, generate_sample, load_truth, write_sample
from samples.degrade import TIERS, make_born_digital_pdf, make_multipage_tiff
from samples.documents import ALL_DOC_TYPES, render_document
from samples.layout import Truth
from samples.people import (
    PROVINCE_CODES, cccd_for, century_sex_digit, parse_cccd, random_person,
)
from samples.vntext import date_in_words, decree30_date, money_words, number_words


def _nfc(s: str) -> bool:
    return unicodedata.is_normalized("NFC", s)


def _all_strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from _all_strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _all_strings(v)


# ---------------------------------------------------------------------------
# people
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("birth,sex,digit", [
    (dt.date(1985, 3, 12), "Nam", "0"), (dt.date(1999, 12, 31), "Nữ", "1"),
    (dt.date(2000, 1, 1), "Nam", "2"), (dt.date(2023, 10, 25), "Nữ", "3"),
])
def test_cccd_century_sex_digit(birth, sex, digit):
    rng = np.random.default_rng(1)
    number = cccd_for(birth, sex, "024", rng)
    assert len(number) == 12 and number.isdigit()
    assert number[:3] == "024"
    assert number[3] == digit == century_sex_digit(birth, sex)
    assert number[4:6] == f"{birth.year % 100:02d}"
    parsed = parse_cccd(number)
    assert parsed["sex"] == sex and parsed["birth_year"] == birth.year and parsed["province"] == "Bắc Giang"


def test_cccd_rejects_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        cccd_for(dt.date(1985, 1, 1), "Nam", "999", rng)
    with pytest.raises(ValueError):
        cccd_for(dt.date(1885, 1, 1), "Nam", "024", rng)
    with pytest.raises(ValueError):
        cccd_for(dt.date(1985, 1, 1), "male", "024", rng)


def test_province_codes_are_real_ones():
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["024"] == "Bắc Giang"
    assert PROVINCE_CODES["027"] == "Bắc Ninh"
    assert PROVINCE_CODES["079"] == "Hồ Chí Minh"
    assert len(PROVINCE_CODES) == 63
    assert all(len(k) == 3 and k.isdigit() for k in PROVINCE_CODES)


def test_random_people_have_consistent_ids():
    rng = np.random.default_rng(7)
    for _ in range(200):
        p = random_person(rng)
        parsed = parse_cccd(p.id_number)
        assert parsed["sex"] == p.sex
        assert parsed["birth_year"] == p.date_of_birth.year
        assert p.id_number[:3] == p.province_code
        assert _nfc(p.full_name) and 2 <= len(p.full_name.split()) <= 5


def test_vietnamese_number_and_date_words():
    assert number_words(2023) == "hai nghìn không trăm hai mươi ba"
    assert number_words(2005) == "hai nghìn không trăm linh năm"
    assert number_words(1985) == "một nghìn chín trăm tám mươi lăm"
    assert number_words(21) == "hai mươi mốt"
    assert number_words(15) == "mười lăm"
    assert money_words(2_000_000) == "Hai triệu đồng"
    assert money_words(360_000) == "Ba trăm sáu mươi nghìn đồng"
    assert date_in_words(dt.date(2023, 10, 25)) == \
        "Ngày hai mươi lăm, tháng mười, năm hai nghìn không trăm hai mươi ba"
    assert decree30_date(dt.date(2022, 1, 6)) == "ngày 06 tháng 01 năm 2022"
    assert decree30_date(dt.date(2024, 3, 15)) == "ngày 15 tháng 3 năm 2024"


# ---------------------------------------------------------------------------
# documents and tiers
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered():
    """One clean page per doc type (seed 0), rendered once for the module."""
    return {d: generate_sample(d, 0, "clean", seed=0) for d in ALL_DOC_TYPES}


@pytest.mark.parametrize("doc_type", ALL_DOC_TYPES)
def test_truth_lines_nfc_and_inside_page(rendered, doc_type):
    img, truth = rendered[doc_type]
    assert truth.doc_type == doc_type and truth.tier == "clean" and truth.dpi == 300
    assert list(img.size) == truth.page_size
    assert truth.lines, "no truth lines"
    w, h = img.size
    for ln in truth.lines:
        assert ln.text.strip() and ln.text == " ".join(ln.text.split())
        x0, y0, x1, y1 = ln.bbox
        assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, (ln.text, ln.bbox)
    assert truth.text == "\n".join(ln.text for ln in truth.lines)
    blocks = [ln.block for ln in truth.lines]
    assert blocks == sorted(blocks), "blocks are not in reading order"
    for s in _all_strings(truth.to_dict()):
        assert _nfc(s), s
    json.dumps(truth.to_dict(), ensure_ascii=False)  # serialisable
    for number in truth.citizen_ids:
        assert len(number) == 12 and number.isdigit() and number in truth.text.replace("|", "")


@pytest.mark.parametrize("doc_type", ["decision", "birth_certificate"])
def test_header_reading_order(rendered, doc_type):
    """The left header block (agency) comes before the right one (national motto)."""
    _, truth = rendered[doc_type]
    texts = [ln.text for ln in truth.lines]
    motto = texts.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert texts[motto + 1] == "Độc lập - Tự do - Hạnh phúc"
    assert motto >= 2 and truth.lines[0].block < truth.lines[motto].block
    left = truth.lines[:motto]
    assert all(ln.bbox[2] <= truth.lines[motto].bbox[0] + 5 for ln in left)  # entirely left of the motto
    assert truth.lines[0].bbox[1] <= truth.lines[motto].bbox[1] + 20  # same band at the top
    if doc_type == "decision":
        assert texts[motto + 2].startswith("Số: ")
        assert ", ngày " in texts[motto + 3]


def test_decision_fields(rendered):
    _, truth = rendered["decision"]
    f = truth.fields
    assert f["document_type"] == "QUYẾT ĐỊNH"
    dt.date.fromisoformat(f["issue_date"])
    assert f"Số: {f['document_number']}" in truth.text
    assert f["subject"].startswith("Về việc") or f["subject"].startswith("Về ")
    assert f["signer_name"] == truth.lines[-1].text  # signature block is last
    assert f["recipients"][0] == "Như Điều 3" and f["recipients"][-1].startswith("Lưu: VT")
    assert 1 <= len(f["citizens"]) <= 3
    for c in f["citizens"]:
        assert c["full_name"] in truth.text and c["id_number"] in truth.text
        assert parse_cccd(c["id_number"])["sex"] == c["sex"]
        assert parse_cccd(c["id_number"])["birth_year"] == int(c["date_of_birth"][:4])
    assert truth.citizen_ids == [c["id_number"] for c in f["citizens"]]
    # recipients block comes before the signature block
    nhan = next(i for i, ln in enumerate(truth.lines) if ln.text == "Nơi nhận:")
    sig = next(i for i, ln in enumerate(truth.lines) if ln.text == (f["signing_authority"] or f["signer_title"]))
    assert nhan < sig


def test_other_fields(rendered):
    b = rendered["birth_certificate"][1].fields
    assert parse_cccd(b["id_number"])["birth_year"] == int(b["date_of_birth"][:4])
    assert b["date_of_birth_in_words"].startswith("Ngày ")
    r = rendered["residence_declaration"][1].fields
    assert r["phone"].isdigit() and len(r["phone"]) == 10
    assert set(r) >= {"addressee", "household_head_id_number", "members", "request_content", "current_residence"}
    c = rendered["id_card_front"][1].fields
    assert c["nationality"] == "Việt Nam" and c["full_name"] == c["full_name"].upper()
    assert c["expiry_date"] is None or c["expiry_date"] > c["date_of_birth"]


def test_every_doc_type_renders_every_tier(rendered):
    for doc_type in ALL_DOC_TYPES:
        clean = rendered[doc_type]
        for tier in TIERS:
            img, truth = generate_sample(doc_type, 0, tier, seed=0, clean=clean)
            assert truth.tier == tier
            assert truth.lines == clean[1].lines  # boxes stay in the clean page
            if tier == "hard":
                assert 150 <= truth.dpi <= 200
                assert img.width == pytest.approx(clean[0].width * truth.dpi / 300, abs=1)
            else:
                assert truth.dpi == 300 and img.size == clean[0].size
            m = np.array(truth.meta["degradation"]["transform"])
            assert m.shape == (2, 3)
            # the transform puts the text of a truth line where the degraded image has ink
            gray = np.asarray(img.convert("L"), dtype=np.float32)
            ln = max(truth.lines, key=lambda l: l.bbox[2] - l.bbox[0])
            x0, y0, x1, y1 = ln.bbox
            corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float) @ m.T
            cx0, cy0 = np.floor(corners.min(axis=0)).astype(int)
            cx1, cy1 = np.ceil(corners.max(axis=0)).astype(int)
            inside = gray[max(0, cy0):cy1, max(0, cx0):cx1]
            assert inside.size and inside.min() < np.median(gray) - 60, (doc_type, tier)


def test_formats_record_dpi(tmp_path):
    img, truth = generate_sample("plain_text", 0, "hard", seed=0)
    for ext in ("png", "jpg", "tiff", "pdf"):
        path, truth_path = write_sample(img, truth, tmp_path / f"x.{ext}")
        assert load_truth(path).dpi == truth.dpi
        if ext == "pdf":
            assert path.read_bytes().startswith(b"%PDF")
            continue
        with Image.open(path) as im:
            assert round(im.info["dpi"][0]) == truth.dpi
    pages = [Image.new("L", (200, 300), 255), Image.new("L", (200, 300), 200)]
    make_multipage_tiff(pages, tmp_path / "multi.tiff", 300)
    with Image.open(tmp_path / "multi.tiff") as im:
        assert im.n_frames == 2 and round(im.info["dpi"][0]) == 300


def test_born_digital_pdf_has_text_layer(rendered, tmp_path):
    _, truth = rendered["decision"]
    path = tmp_path / "d.pdf"
    make_born_digital_pdf(truth.lines, path, None, line_fonts=truth.meta["line_fonts"])
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"/Type /Font" in data and b"/Subtype /Image" not in data


def test_same_seed_same_bytes(tmp_path):
    kw = dict(seed=5, per_type=1, tiers=("clean", "scan", "hard"), doc_types=("decision", "id_card_front"))
    a = generate_corpus(tmp_path / "a", **kw)
    b = generate_corpus(tmp_path / "b", **kw)
    assert [p.name for p in a] == [p.name for p in b]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
        ta, tb = (p.with_name(p.name[: -len(p.suffix)] + ".truth.json") for p in (pa, pb))
        assert ta.read_bytes() == tb.read_bytes()
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["count"] == len(a) == 6
    assert {s["file"] for s in manifest["samples"]} == {p.name for p in a}
    # a different seed gives a different document
    img1, t1 = generate_sample("decision", 0, "clean", seed=5)
    img2, t2 = generate_sample("decision", 0, "clean", seed=6)
    assert t1.text != t2.text


def test_content_comes_from_seed_type_and_index(rendered):
    """A sample's content depends only on (seed, doc_type, n), not on the other types generated."""
    _, expected = rendered["plain_text"]
    _, t = render_document("plain_text", np.random.default_rng([0, ALL_DOC_TYPES.index("plain_text"), 0]))
    assert t.text == expected.text and t.fields == expected.fields


def test_committed_samples_are_present_and_small():
    if not COMMITTED_DIR.is_dir():
        pytest.skip("committed samples not generated")
    total = 0
    for c in COMMITTED:
        path = COMMITTED_DIR / c.name
        assert path.is_file(), path
        truth = load_truth(path)
        assert isinstance(truth, Truth) and truth.doc_type == c.doc_type and truth.tier == c.tier
        total += path.stat().st_size + path.with_name(path.name[: -len(path.suffix)] + ".truth.json").stat().st_size
    assert total < 2_500_000


@pytest.mark.parametrize("doc_type", ["decision", "birth_certificate"])
def test_issued_papers_carry_a_one_stop_qr_code_on_some_pages(doc_type):
    """Some of the issued papers carry a one-stop QR code: drawn clear of the text, decodable, in the truth."""
    from extractors.onestop import parse_one_stop
    from ocr_service.pipeline.codes import read_qr_codes

    with_code = 0
    for n in range(6):
        img, truth = generate_sample(doc_type, n, "clean", seed=3)
        box = truth.meta.get("one_stop_qr")
        if box is None:
            assert not {"qr_payload", "dossier_code", "procedure_code"} & set(truth.fields)
            continue
        with_code += 1
        payload = parse_one_stop(truth.fields["qr_payload"])
        assert payload is not None and _nfc(truth.fields["qr_payload"])
        assert (payload.dossier_code, payload.procedure_code) == (truth.fields["dossier_code"], truth.fields["procedure_code"])
        assert payload.id_number in truth.citizen_ids
        for ln in truth.lines:  # clear of every line of text
            x0, y0, x1, y1 = ln.bbox
            assert x1 <= box[0] or x0 >= box[2] or y1 <= box[1] or y0 >= box[3], ln.text
        codes = read_qr_codes(np.asarray(img.convert("L")), dpi=truth.dpi)
        assert [c.text for c in codes] == [truth.fields["qr_payload"]]
        _, digital = generate_sample(doc_type, n, "digital", seed=3)  # a text layer only: no code
        assert "qr_payload" not in digital.fields and "one_stop_qr" not in digital.meta
    assert 0 < with_code < 6


def test_a_one_stop_code_leaves_the_rest_of_the_page_as_it_was(monkeypatch):
    """The code is drawn from the generator after the content and style: the text is the same either way."""
    import samples.documents as documents

    rng_args = [0, ALL_DOC_TYPES.index("birth_certificate"), 1]
    _, with_code = render_document("birth_certificate", np.random.default_rng(rng_args))
    assert "qr_payload" in with_code.fields
    monkeypatch.setattr(documents, "ONE_STOP_SHARE", 0.0)
    _, without = render_document("birth_certificate", np.random.default_rng(rng_args))
    assert "qr_payload" not in without.fields
    assert without.text == with_code.text and without.font == with_code.font
