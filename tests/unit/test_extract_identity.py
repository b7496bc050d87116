"""ID numbers checked against the birth date and sex printed beside them; QR payloads."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.identity import decode_qr_payload, find_id_numbers, id_problems


@pytest.mark.parametrize(
    "number, dob, sex, problems",
    [
        ("025063568526", date(1963, 3, 4), "Nam", []),
        ("024165329388", date(1965, 5, 8), "Nữ", []),
        ("024310960698", date(2010, 9, 20), "Nữ", []),  # born in the 2000s, female: digit 3
        ("024165329388", date(1966, 5, 8), "Nữ", ["id_birth_year_mismatch"]),
        ("024165329388", date(1965, 5, 8), "Nam", ["id_sex_mismatch"]),
        ("024265329388", None, None, ["implausible_birth_year"]),  # 2065
        ("999165329388", None, None, ["unknown_province_code"]),
        ("02416532938", None, None, ["not_12_digits"]),
        ("123456789", None, None, []),  # a 9-digit CMND has no structure to check
        ("024765329388", None, None, ["implausible_birth_year"]),  # century digit 7 is not in use
    ],
)
def test_id_problems(number: str, dob: date | None, sex: str | None, problems: list[str]) -> None:
    assert id_problems(number, date_of_birth=dob, sex=sex, today=date(2026, 1, 1)) == problems


def test_find_id_numbers_recognizes_cmnd() -> None:
    found = find_id_numbers("CMND số 123456789, CCCD 024 165 329 388")
    assert [(f.number, f.kind) for f in found] == [("123456789", "cmnd"), ("024165329388", "cccd")]


def test_decode_cccd_qr() -> None:
    qr = decode_qr_payload("024165329388|121234567|Đào Khánh Kiều|08051965|Nữ|Thôn Thượng, Biển Động, Lục Ngạn, Bắc Giang|15032021")
    assert qr is not None and qr.kind == "cccd"
    assert (qr.id_number, qr.old_id_number, qr.full_name, qr.date_of_birth, qr.sex, qr.issue_date) == (
        "024165329388", "121234567", "Đào Khánh Kiều", date(1965, 5, 8), "Nữ", date(2021, 3, 15))


def test_decode_cccd_qr_without_old_number() -> None:
    qr = decode_qr_payload("025063568526||Trần Xuân Hùng|04031963|Nam|Thôn Thượng|01012022")
    assert qr is not None and qr.old_id_number is None and qr.sex == "Nam"


@pytest.mark.parametrize("text", ["", "hello", "999165329388||X|01011990|Nam|A|01012020", "1|2|3",
                                  "H12.22-221201-0001"])  # a one-stop code: extractors.onestop
def test_decode_rejects_other_text(text: str) -> None:
    assert decode_qr_payload(text) is None


def _card_doc(text_lines: list[str], codes: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from ocr_service.domain import BBox, MediaType, OcrDocument, OcrPage, Word

    words = []
    for line_no, line in enumerate(text_lines):
        x = 100
        for token in line.split():
            words.append(Word(token, BBox(x, 100 + 60 * line_no, x + 20 * len(token), 140 + 60 * line_no), 70.0, 0, line_no))
            x += 20 * len(token) + 15
    page = OcrPage(0, 1500, 1250, 300, "", tuple(words), True, codes=codes)
    return OcrDocument(sha256="0" * 64, media_type=MediaType.PNG, pages=(page,))


CARD_LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card",
    "Số / No.: 024087584836", "Họ và tên / Full name:", "HOÀNG DUY ĐỨC DƯỢNG",
    "Ngày sinh / Date of birth: 22I08I1987", "Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam",
    "Nơi thường trú / Place of residence: Bản Khe Nghè, Ngọc Vân, Tân Yên, Bắc Giang",
]
CARD_QR = "024087584836|123456789|Hoàng Duy Đức Dương|22081987|Nam|Bản Khe Nghè, Ngọc Vân, Tân Yên, Bắc Giang|08122022"


def test_card_qr_fills_and_confirms_printed_fields() -> None:
    from extractors.base import extract

    result = extract(_card_doc(CARD_LINES, (CARD_QR,)))
    f = result.fields
    assert result.doc_type == "id_card_front"
    assert f["qr_payload"]["value"] == CARD_QR
    # A near-miss name and an unreadable date (I for /) are taken from the QR code, accepted.
    assert f["full_name"]["value"] == "Hoàng Duy Đức Dương" and not f["full_name"]["needs_review"]
    assert f["full_name"]["raw"] == "HOÀNG DUY ĐỨC DƯỢNG"
    assert f["date_of_birth"]["value"] == "1987-08-22" and not f["date_of_birth"]["needs_review"]
    assert f["old_id_number"]["value"] == "123456789" and f["issue_date"]["value"] == "2022-12-08"
    assert result.citizen_ids == ["024087584836"]  # the confirmed number links despite the low OCR confidence


def test_card_qr_of_another_person_is_a_mismatch_not_a_correction() -> None:
    from extractors.base import extract

    other = "024190123457||Trần Thị Lan|05031990|Nữ|Thôn Hố Cao, Cao Xá, Tân Yên, Bắc Giang|01012023"
    result = extract(_card_doc(CARD_LINES, (other,)))
    assert "qr_mismatch" in result.fields["full_name"]["review_reasons"]
    assert result.fields["full_name"]["value"] != "Trần Thị Lan"
    assert result.needs_review and "024190123457" not in result.citizen_ids


def test_card_expiry_with_misread_slashes_goes_to_review() -> None:
    from extractors.base import extract

    lines = [*CARD_LINES, "Có giá trị đến:", "2210812027"]
    expiry = extract(_card_doc(lines, ())).fields["expiry_date"]
    assert expiry["value"] == "2027-08-22" and expiry["needs_review"]
    assert "date_separator_misread" in expiry["review_reasons"]


@pytest.mark.parametrize("printed, corrected", [("024087584831", True), ("024087584811", False), ("02408758483", False)])
def test_card_number_is_corrected_from_the_qr_only_one_digit_off(printed: str, corrected: bool) -> None:
    from extractors.base import extract

    lines = [line.replace("024087584836", printed) for line in CARD_LINES]
    f = extract(_card_doc(lines, (CARD_QR,))).fields["id_number"]
    if corrected:
        assert f["value"] == "024087584836" and f["raw"] == printed
    else:
        assert f["value"] == printed and "qr_mismatch" in f["review_reasons"]


def test_card_label_read_without_its_slash_is_still_one_label() -> None:
    from extractors.base import extract

    # A faint "/" read below confidence is dropped as debris: "Quốc tịch Nationality: Việt Nam".
    lines = [line.replace("Quốc tịch / Nationality", "Quốc tịch Nationality").replace("Giới tính / Sex", "Giới tính Sex")
             for line in CARD_LINES]
    fields = extract(_card_doc(lines, ())).fields
    assert fields["nationality"]["value"] == "Việt Nam" and fields["sex"]["value"] == "Nam"
