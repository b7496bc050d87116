"""Vietnamese parsing for extraction (extractors/text.py): table-driven, pure."""

from __future__ import annotations

import re
from datetime import date

import pytest

from extractors.text import (
    capitalize_name,
    date_in_words,
    find_dates,
    fold,
    label_pattern,
    name_problems,
    number_in_words,
    parse_date,
    parse_document_number,
    parse_sex,
    spell_date_words,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ngày 06 tháng 01 năm 2022", date(2022, 1, 6)),
        ("Biển Động, ngày 26 tháng 10 năm 2024", date(2024, 10, 26)),
        ("06/01/2022", date(2022, 1, 6)),
        ("6-1-2022", date(2022, 1, 6)),
        ("6.1.2022", date(2022, 1, 6)),
        ("sinh ngày 18/03/1948, số", date(1948, 3, 18)),
        ("Ngày hai mươi lăm, tháng mười, năm hai nghìn không trăm hai mươi ba", date(2023, 10, 25)),
        ("Ngày mồng hai, tháng chín, năm hai nghìn không trăm hai mươi lăm", date(2025, 9, 2)),
        ("ngay 6 thang 1 nam 2022", date(2022, 1, 6)),  # diacritics lost
        ("Trung Sơn, ngày 23 thóng 8 năm 2025", date(2025, 8, 23)),  # one letter misread
        ("31/02/2022", None),  # no such day
        ("Số 12/2021", None),
        ("", None),
    ],
    ids=lambda v: str(v)[:30],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_find_dates_in_order_without_overlap() -> None:
    found = find_dates("Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27 tháng 01 năm 2021; hạn đến 25/08/2027.")
    assert [(d.value, d.form) for d in found] == [(date(2021, 1, 27), "decree30"), (date(2027, 8, 25), "figures")]


@pytest.mark.parametrize(
    "words, n",
    [
        ("không", 0), ("chín", 9), ("mười", 10), ("mười lăm", 15), ("hai mươi", 20), ("hai mươi mốt", 21),
        ("ba mươi tư", 34), ("hai mươi lăm", 25), ("một trăm linh năm", 105), ("một trăm lẻ năm", 105),
        ("hai nghìn không trăm mười", 2010), ("hai nghìn không trăm hai mươi ba", 2023),
        ("một nghìn chín trăm chín mươi tư", 1994), ("hai ngàn", 2000), ("hai hai", None), ("mười xyz", None),
    ],
)
def test_number_in_words(words: str, n: int | None) -> None:
    assert number_in_words(words) == n


@pytest.mark.parametrize("day", [date(2023, 10, 25), date(2010, 9, 20), date(2024, 4, 14), date(2021, 1, 1),
                                 date(1999, 12, 31), date(2005, 5, 5), date(2020, 11, 10)])
def test_date_in_words_round_trip(day: date) -> None:
    assert parse_date(date_in_words(day)) == day
    assert spell_date_words(date_in_words(day)) == date_in_words(day)  # a right spelling stays


@pytest.mark.parametrize(
    "read, spelled",
    [
        ("Ngày mồng chín, tháng ba, năm hai nghìn không trắm mười ba", "Ngày mồng chín, tháng ba, năm hai nghìn không trăm mười ba"),
        ("Ngày hai mưoi mốt, tháng mưòi, năm một nghìn chín trăm chín mười mốt",
         "Ngày hai mươi mốt, tháng mười, năm một nghìn chín trăm chín mươi mốt"),
        ("NGÀY MÙNG BÔN, THÁNG TƯ", "NGÀY MÙNG BỐN, THÁNG TƯ"),
        ("Ngày mười lăm xyz", "Ngày mười lăm xyz"),  # a word outside the vocabulary is left as read
    ],
)
def test_a_date_in_words_is_spelled_by_its_closed_vocabulary(read: str, spelled: str) -> None:
    assert spell_date_words(read) == spelled


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Số: 187/QĐ-XPVPHC", "187/QĐ-XPVPHC"),
        ("Số: 415/QĐ-UBND", "415/QĐ-UBND"),
        ("Nghị định số 07/2021/NĐ-CP", "07/2021/NĐ-CP"),
        ("Số: 37/TTr-LĐTBXH", "37/TTR-LĐTBXH"),
        ("Số: 12 / UBND - VP", "12/UBND-VP"),
        ("không có số", None),
    ],
)
def test_parse_document_number(text: str, expected: str | None) -> None:
    number = parse_document_number(text)
    assert (str(number) if number else None) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("TRẦN ĐỨC THẮNG", "Trần Đức Thắng"), ("trần  đức thắng", "Trần Đức Thắng"), ("ĐỖ THỊ ÁNH", "Đỗ Thị Ánh"),
     ("NGUYỄN VĂN HÙNG", "Nguyễn Văn Hùng")],
)
def test_capitalize_name(raw: str, expected: str) -> None:
    assert capitalize_name(raw) == expected


@pytest.mark.parametrize(
    "name, problems",
    [("Nguyễn Văn Hùng", []), ("Diệp Diệu Bảo Châu", []), ("Nguyễn", ["name_word_count"]),
     ("Trần Đức Thẳắng", ["name_syllable"]), ("Mông Văn Hùng", ["name_unknown_surname"])],
)
def test_name_problems(name: str, problems: list[str]) -> None:
    assert name_problems(name) == problems


@pytest.mark.parametrize("text, sex", [("Nam", "Nam"), ("Nữ", "Nữ"), ("NỮ", "Nữ"), ("Nam.", "Nam"), ("Nử", None), ("", None)])
def test_parse_sex(text: str, sex: str | None) -> None:
    assert parse_sex(text) == sex


@pytest.mark.parametrize(
    "label, text",
    [
        ("Ngày, tháng, năm sinh", "Ngay, thang, nam sinh: 01/02/2003"),
        ("Ngày, tháng, năm sinh", "Ngày tháng năm sinh 01/02/2003"),
        ("Ngày, tháng, năm sinh", "- Ngày,. tháng, năm sinh: 01/02/2003"),
        ("Số định danh cá nhân", "4. Số định danh cá nhân: 024"),
        ("Họ, chữ đệm, tên", "Ho, chu dem, ten: A"),
    ],
)
def test_label_pattern_is_tolerant(label: str, text: str) -> None:
    assert re.search(label_pattern(label), fold(text))


def test_label_pattern_does_not_match_inside_words() -> None:
    assert not re.search(label_pattern("Giới tính"), fold("Giới tínhx"))
    assert not re.search(label_pattern("Năm sinh"), fold("Tháng năm sinhhoạt"))


def test_fold_keeps_offsets() -> None:
    text = "Nơi đăng ký khai sinh: Ủy ban"
    assert len(fold(text)) == len(text)
    assert fold(text) == "noi dang ky khai sinh: uy ban"


def test_a_misread_surname_is_repaired_only_when_one_surname_fits() -> None:
    from extractors.text import repair_surname

    assert repair_surname("Lễ Trọng Thủy") == "Lê Trọng Thủy"  # the same letters, other marks
    assert repair_surname("Nguyên Đức Quốc Bảo") == "Nguyễn Đức Quốc Bảo"
    assert repair_surname("Phaạm Xuân Chiến") == "Phạm Xuân Chiến"  # one letter away
    assert repair_surname("Trần Thị Lan") == "Trần Thị Lan"  # known: untouched
    assert repair_surname("Xyz Thị Lan") == "Xyz Thị Lan"  # nothing fits: left as read


def test_a_repaired_surname_still_goes_to_review() -> None:
    from extractors.common import kind_name

    value, _start, _end, problems = kind_name("LỄ TRỌNG THỦY")
    assert value == "Lê Trọng Thủy" and "name_unknown_surname" in problems


def test_a_name_after_skipped_letters_may_be_cut_and_goes_to_review() -> None:
    from extractors.common import kind_name

    value, _start, _end, problems = kind_name("-Đỉnh Kim Thơm")
    assert value == "Kim Thơm" and "name_may_be_cut" in problems
    value, _start, _end, problems = kind_name(": Đinh Kim Thơm")
    assert value == "Đinh Kim Thơm" and "name_may_be_cut" not in problems


@pytest.mark.parametrize(("item", "tidy"), [("Chủ tịch, các PCT UBND thành phố,", "Chủ tịch, các PCT UBND thành phố"),
                                            ("Lưu: VT; LĐTBXH.", "Lưu: VT, LĐTBXH"), ("UBND tỉnh (b/c);", "UBND tỉnh (b/c)"),
                                            ("Như Điều 3;", "Như Điều 3"), ("Như Điều3,", "Như Điều 3"), ("UBND tỉnh (b/C);", "UBND tỉnh (b/c)"),
                                            ("Sở Tư pháp (để B/C)", "Sở Tư pháp (để b/c)")])
def test_recipient_items_lose_their_list_punctuation(item: str, tidy: str) -> None:
    from extractors.administrative import _tidy_recipient

    assert _tidy_recipient(item) == tidy


def test_a_name_followed_by_a_broken_word_may_be_cut() -> None:
    from extractors.common import kind_name

    value, _start, _end, problems = kind_name("CHU THANH NGỌC DI}P")
    assert value == "Chu Thanh Ngọc" and "name_may_be_cut" in problems
    _value, _start, _end, problems = kind_name("CHU THANH NGỌC Năm sinh: 2000")
    assert "name_may_be_cut" not in problems
