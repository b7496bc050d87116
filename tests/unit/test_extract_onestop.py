"""The QR code of a paper issued through a one-stop system: parsing, fields and the ID cross-check."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from extractors.base import Extraction, extract
from extractors.onestop import OneStopPayload, parse_one_stop
from extractors.review import apply_field_changes, value_kind
from extractors.schema import FIELDS_BY_TYPE
from ocr_service.domain import MediaType, OcrDocument, page_from_dict

DOSSIER = "000.00.24.H06-240315-0012"
PROCEDURE = "2.000986.000.00.00.H06"


# --- parsing -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            json.dumps({"MaHoSo": DOSSIER, "MaTTHC": PROCEDURE, "MaDinhDanh": "024223789971",
                        "TenGiayTo": "Trích lục khai sinh", "HeThong": "Hệ thống thông tin giải quyết TTHC tỉnh Bắc Giang",
                        "ThoiGian": "2024-03-15T09:30:00+07:00"}, ensure_ascii=False),
            OneStopPayload(DOSSIER, PROCEDURE, "024223789971", "Trích lục khai sinh",
                           "Hệ thống thông tin giải quyết TTHC tỉnh Bắc Giang",
                           datetime(2024, 3, 15, 9, 30, tzinfo=timezone(timedelta(hours=7)))),
            id="json",
        ),
        pytest.param(
            f"ma_ho_so={DOSSIER}&ma_thu_tuc=1.001193&so_dinh_danh=024 223 789 971&thoi_gian=15/03/2024 09:30",
            OneStopPayload(DOSSIER, "1.001193", "024223789971", issued_at=datetime(2024, 3, 15, 9, 30)),
            id="ampersand-snake-case",
        ),
        pytest.param(
            f"MAHOSO={DOSSIER};MATTHC={PROCEDURE};TENGIAYTO=Quyết   định",
            OneStopPayload(DOSSIER, PROCEDURE, title="Quyết định"),
            id="semicolon-upper-case",
        ),
        pytest.param(
            f"dossier_code={DOSSIER}|procedure_code={PROCEDURE}|id_number=123456789|time=2024-03-15",
            OneStopPayload(DOSSIER, PROCEDURE, "123456789", issued_at=date(2024, 3, 15)),
            id="pipe-english-cmnd",
        ),
        pytest.param(
            f"Mã hồ sơ: {DOSSIER}\nMã TTHC: {PROCEDURE}\nThời gian: 15/03/2024\nHệ thống: Một cửa điện tử",
            OneStopPayload(DOSSIER, PROCEDURE, issuer="Một cửa điện tử", issued_at=date(2024, 3, 15)),
            id="lines-vietnamese-labels",
        ),
        pytest.param(
            f"https://dichvucong.bacgiang.gov.vn/tra-cuu?MaHoSo={DOSSIER}&MaTTHC={PROCEDURE}&TenGiayTo=Tr%C3%ADch+l%E1%BB%A5c",
            OneStopPayload(DOSSIER, PROCEDURE, title="Trích lục"),
            id="url",
        ),
        pytest.param("H12.22-221201-0001", OneStopPayload("H12.22-221201-0001"), id="bare-dossier-code"),
        pytest.param("g22.61-240315-0012", OneStopPayload("G22.61-240315-0012"), id="bare-lower-case"),
        pytest.param("\ufeffMaTTHC=1.001193", OneStopPayload(procedure_code="1.001193"), id="procedure-only-bom"),
    ],
)
def test_parse_one_stop(text: str, expected: OneStopPayload) -> None:
    assert parse_one_stop(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "1|2|3",
        # a chip card's code
        "024165329388|121234567|Đào Khánh Kiều|08051965|Nữ|Thôn Thượng, Biển Động, Lục Ngạn, Bắc Giang|15032021",
        "https://dichvucong.gov.vn/",
        "https://example.com/?q=H12.22-221201-0001",  # a code under a key we do not know
        "{not json",
        "[\"H12.22-221201-0001\"]",
        json.dumps({"MaHoSo": {"value": DOSSIER}}),  # nested: not what the format says
        json.dumps({"MaHoSo": True}),
        "MaHoSo=ABC",
        "MaHoSo=",
        "MaHoSo=H12.22-221341-0001",  # month 13
        "MaHoSo=H12.22-220230-0001",  # 30 February
        "MaHoSo=H12.22-221201-01",  # sequence too short
        "MaTTHC=3.001193",
        "MaTTHC=1.00119",
        "MaTTHC=1.001193.000",
        f"MaHoSo={DOSSIER}&MaHoSo=H12.22-221201-0001",  # two different dossier codes
        "MaDinhDanh=024223789971&TenGiayTo=Trích lục khai sinh",  # nothing that names a dossier
        "MaHoSo=" + "A" * 5000,
        "H12.22-221201-0001 extra",
        "http://[abc?MaHoSo=H12.22-221201-0001",  # not an address urllib can split
        '{"MaHoSo": ' + "[" * 2000 + "]" * 2000 + "}",  # nested too deep for the JSON parser
    ],
)
def test_parse_one_stop_rejects(text: str) -> None:
    assert parse_one_stop(text) is None


@pytest.mark.parametrize(
    "extra, field",
    [
        ("MaDinhDanh=999223789971", "id_number"),  # unknown province code
        ("MaDinhDanh=0242237899", "id_number"),  # 10 digits
        ("ThoiGian=31/02/2024 09:30", "issued_at"),
        ("ThoiGian=hôm qua", "issued_at"),
        ("ThoiGian=15/03/2024 25:00", "issued_at"),
        ("TenGiayTo=" + "x" * 301, "title"),
    ],
)
def test_a_malformed_value_is_left_out(extra: str, field: str) -> None:
    payload = parse_one_stop(f"MaHoSo={DOSSIER}&{extra}")
    assert payload is not None and payload.dossier_code == DOSSIER and getattr(payload, field) is None


def test_a_key_given_twice_counts_only_when_it_agrees() -> None:
    same = parse_one_stop(f"MaHoSo={DOSSIER}&MaTTHC=1.001193&procedure_code=1.001193")
    assert same is not None and same.procedure_code == "1.001193"
    differ = parse_one_stop(f"MaHoSo={DOSSIER}&MaTTHC=1.001193&procedure_code=2.000986")
    assert differ is not None and differ.procedure_code is None and differ.dossier_code == DOSSIER


# --- on a document -------------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"


def _fixture(stem: str, *, codes: tuple[str, ...] = (), digits: tuple[str, str] | None = None) -> tuple[OcrDocument, dict]:
    """A stored OCR fixture with QR ``codes`` on its first page and, optionally, a word's text changed."""
    data = json.loads((FIXTURES / f"{stem}.json").read_text(encoding="utf-8"))
    pages = [page_from_dict(p) for p in data["pages"]]
    first = pages[0]
    words = first.words
    if digits is not None:
        old, new = digits
        assert any(old in w.text for w in words), old
        words = tuple(dataclasses.replace(w, text=w.text.replace(old, new)) if old in w.text else w for w in words)
    pages[0] = dataclasses.replace(first, words=words, codes=codes)
    return OcrDocument(data["sha256"], MediaType(data["media_type"]), tuple(pages)), data["truth"]


def _one_digit_off(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def _qr(number: str | None = None) -> str:
    return f"MaHoSo={DOSSIER}&MaTTHC={PROCEDURE}" + (f"&MaDinhDanh={number}" if number else "")


BIRTH = "birth_certificate-clean-000"


def test_birth_certificate_gets_the_codes_and_its_number_confirmed() -> None:
    doc, truth = _fixture(BIRTH, codes=(_qr(truth_id := "024223789971"),))
    assert truth["fields"]["id_number"] == truth_id
    e = extract(doc)
    f = e.fields
    assert f["qr_payload"]["value"] == _qr(truth_id) and f["qr_payload"]["page"] == 0 and f["qr_payload"]["bbox"] is None
    assert (f["dossier_code"]["value"], f["dossier_code"]["confidence"]) == (DOSSIER, 100.0)
    assert f["procedure_code"]["value"] == PROCEDURE and not f["procedure_code"]["needs_review"]
    assert f["id_number"]["value"] == truth_id and f["id_number"]["confidence"] >= 99 and not f["id_number"]["needs_review"]
    assert f["id_number"]["bbox"] is not None  # still the printed number's box
    assert e.citizen_ids == [truth_id]
    assert set(f) <= set(FIELDS_BY_TYPE["birth_certificate"])


def test_a_misread_digit_is_corrected_from_the_code() -> None:
    truth_id = "024223789971"
    doc, _truth = _fixture(BIRTH, codes=(_qr(truth_id),), digits=(truth_id, _one_digit_off(truth_id)))
    without = extract(_fixture(BIRTH, digits=(truth_id, _one_digit_off(truth_id)))[0])
    assert without.fields["id_number"]["value"] == _one_digit_off(truth_id)
    e = extract(doc)
    f = e.fields["id_number"]
    assert f["value"] == truth_id and f["raw"] == _one_digit_off(truth_id) and not f["needs_review"]
    assert e.citizen_ids == [truth_id]


def test_another_persons_number_is_a_mismatch_not_a_correction() -> None:
    truth_id = "024223789971"
    other = "024190123457"
    e = extract(_fixture(BIRTH, codes=(_qr(other),))[0])
    f = e.fields["id_number"]
    assert f["value"] == truth_id and f["needs_review"] and "qr_mismatch" in f["review_reasons"]
    assert e.needs_review and "id_number: qr_mismatch" in e.review_reasons
    assert e.citizen_ids == [] and other not in e.citizen_ids


def test_two_digits_off_is_another_number() -> None:
    truth_id = "024223789971"
    two_off = truth_id[:-2] + "00"
    f = extract(_fixture(BIRTH, codes=(_qr(two_off),))[0]).fields["id_number"]
    assert f["value"] == truth_id and "qr_mismatch" in f["review_reasons"]


def test_the_codes_number_links_nobody_the_paper_does_not_name() -> None:
    truth_id = "024223789971"
    # The printed number unreadable (words blanked): the QR's number is not filled in.
    doc, _ = _fixture(BIRTH, codes=(_qr(truth_id),), digits=(truth_id, "…"))
    e = extract(doc)
    assert e.fields.get("id_number") is None or e.fields["id_number"]["value"] != truth_id
    assert truth_id not in e.citizen_ids
    assert e.fields["dossier_code"]["value"] == DOSSIER


def test_a_corrected_number_is_checked_against_the_birth_date_again() -> None:
    # The QR names a number one digit off in the year digits: the birth date printed beside it disagrees.
    truth_id = "024223789971"
    qr_id = truth_id[:5] + "2" + truth_id[6:]  # born 2022 per the number; the paper says 2023
    e = extract(_fixture(BIRTH, codes=(_qr(qr_id),))[0])
    f = e.fields["id_number"]
    assert f["value"] == qr_id and "id_birth_year_mismatch" in f["review_reasons"]
    assert e.citizen_ids == []


def test_a_low_confidence_boxed_number_is_confirmed_by_the_code() -> None:
    stem = "residence_declaration-scan-001"
    doc, truth = _fixture(stem)
    before = extract(doc)
    number = truth["fields"]["id_number"]
    assert before.fields["id_number"]["value"] == number and before.fields["id_number"]["needs_review"]
    assert number not in before.citizen_ids
    after = extract(_fixture(stem, codes=(_qr(number),))[0])
    assert not after.fields["id_number"]["needs_review"] and number in after.citizen_ids
    assert set(after.citizen_ids) <= set(truth["citizen_ids"])


DECISION = "decision-scan-000"


def _decision(qr_id: str, digits: tuple[str, str] | None = None) -> Extraction:
    return extract(_fixture(DECISION, codes=(_qr(qr_id),), digits=digits)[0])


def test_decision_citizen_named_by_the_code_is_corrected_others_untouched() -> None:
    _doc, truth = _fixture(DECISION)
    ids = truth["citizen_ids"]
    assert len(ids) == 3
    e = _decision(ids[1], digits=(ids[1], _one_digit_off(ids[1])))
    values = [c["id_number"]["value"] for c in e.fields["citizens"]]
    assert values == ids and set(e.citizen_ids) == set(ids)
    assert e.fields["citizens"][1]["id_number"]["raw"] == _one_digit_off(ids[1])
    assert e.fields["dossier_code"]["value"] == DOSSIER and e.doc_type == "decision"


def test_decision_naming_several_people_none_of_them_the_codes() -> None:
    _doc, truth = _fixture(DECISION)
    e = _decision("024190123457")
    assert [c["id_number"]["value"] for c in e.fields["citizens"]] == truth["citizen_ids"]
    assert not any("qr_mismatch" in r for r in e.review_reasons)
    assert set(e.citizen_ids) == set(truth["citizen_ids"])


def test_a_chip_cards_code_is_not_a_one_stop_code_and_the_card_is_left_alone() -> None:
    card_qr = "024223789971||Nguyễn Văn An|01012022|Nam|Thôn Thượng|01012023"
    e = extract(_fixture(BIRTH, codes=(card_qr,))[0])
    assert not {"qr_payload", "dossier_code"} & set(e.fields)
    from tests.unit.test_extract_identity import CARD_LINES, CARD_QR, _card_doc

    card = extract(_card_doc(CARD_LINES, (CARD_QR, _qr())))
    assert card.doc_type == "id_card_front" and "dossier_code" not in card.fields
    assert card.fields["qr_payload"]["value"] == CARD_QR


# --- schema and review ----------------------------------------------------------------------------

@pytest.mark.parametrize("doc_type", sorted(set(FIELDS_BY_TYPE) - {"id_card_front"}))
def test_every_type_but_the_card_publishes_the_codes(doc_type: str) -> None:
    assert {"qr_payload", "dossier_code", "procedure_code"} <= set(FIELDS_BY_TYPE[doc_type])
    assert value_kind(doc_type, "dossier_code") == "text"


def test_a_reviewer_may_correct_the_codes_as_text() -> None:
    fields = extract(_fixture(BIRTH, codes=(_qr(),))[0]).fields
    new, made = apply_field_changes(fields, doc_type="birth_certificate", changes=[("dossier_code", " H12.22-221201-0001 ")])
    assert new["dossier_code"]["value"] == "H12.22-221201-0001" and made[0]["old"] == DOSSIER
    assert "dossier_code" not in FIELDS_BY_TYPE["id_card_front"]
