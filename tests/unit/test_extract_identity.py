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


@pytest.mark.parametrize(
    "text, code",
    [("G22.61-240315-0012", "G22.61-240315-0012"), ("https://dichvucong.bacgiang.gov.vn/tra-cuu?MaHoSo=000.00.24.H05-240315-0012", "000.00.24.H05-240315-0012")],
)
def test_decode_one_stop_qr(text: str, code: str) -> None:
    qr = decode_qr_payload(text)
    assert qr is not None and qr.kind == "one_stop" and qr.dossier_code == code


@pytest.mark.parametrize("text", ["", "hello", "999165329388||X|01011990|Nam|A|01012020", "1|2|3"])
def test_decode_rejects_other_text(text: str) -> None:
    assert decode_qr_payload(text) is None
