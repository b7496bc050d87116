"""Seed data invariants: the unit history is consistent over time, the procedure list is complete."""

from __future__ import annotations

import unicodedata
from dataclasses import fields
from datetime import date

import pytest

from storage.seed import procedures, units
from storage.seed.units import UnitSeed

TODAY = date(2026, 12, 1)
BEFORE_REFORM = date(2024, 1, 1)
REFORM = units.REFORM_2025
KINDS = {
    "province": {"tỉnh", "thành phố"},
    "district": {"thành phố", "huyện", "thị xã", "quận"},
    "commune": {"xã", "phường", "thị trấn"},
}
ALL = units.all_units()
OLD_COMMUNES = [u for u in ALL if u.level == "commune" and u.valid_to is not None]


def _change_days() -> list[date]:
    return sorted({u.valid_from for u in ALL} | {u.valid_to for u in ALL if u.valid_to is not None})


def _segment_starts(unit: UnitSeed) -> list[date]:
    """The first day of every stretch of ``unit``'s validity over which nothing else changes."""
    return [unit.valid_from] + [d for d in _change_days() if unit.valid_on(d) and d != unit.valid_from]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [s for item in value for s in _strings(item)]
    return []


# --- Procedures ----------------------------------------------------------------------------


def test_exactly_25_procedures_with_unique_codes() -> None:
    codes = [p.code for p in procedures.all_procedures()]
    assert len(codes) == 25
    assert len(set(codes)) == 25
    assert codes == [f"DA06-{i:02d}" for i in range(1, 26)]


def test_procedures_are_well_formed() -> None:
    for p in procedures.all_procedures():
        assert p.level in {"commune", "district", "province"}, p.code
        assert p.typical_components, p.code
        assert p.short_name_en.isascii(), p.code
        if p.returns_paper_result:
            assert p.result_title, p.code
    assert len({p.name for p in procedures.all_procedures()}) == 25


def test_by_code() -> None:
    assert procedures.by_code("DA06-09").result_title == "Giấy khai sinh"
    assert procedures.by_code("DA06-03").returns_paper_result is False  # residence: no book since 2023
    with pytest.raises(KeyError):
        procedures.by_code("DA06-26")


# --- Unit identity and validity ---------------------------------------------------------------


def test_identity_is_code_and_valid_from() -> None:
    keys = [u.key for u in ALL]
    assert len(keys) == len(set(keys))


def test_a_code_names_at_most_one_unit_on_any_day() -> None:
    for day in _change_days():
        codes = [u.code for u in units.units_valid_on(day)]
        assert len(codes) == len(set(codes)), day


def test_units_are_well_formed() -> None:
    for u in ALL:
        assert u.level in units.LEVELS, u
        assert u.kind in KINDS[u.level], u
        assert u.valid_from >= units.MODEL_START, u
        assert u.valid_to is None or u.valid_to > u.valid_from, u
        assert (u.parent_code is None) == (u.level == "province"), u
        assert len(u.code) == {"province": 2, "district": 3, "commune": 5}[u.level], u


def test_no_unit_is_valid_on_or_after_its_end() -> None:
    for u in ALL:
        if u.valid_to is not None:
            assert not u.valid_on(u.valid_to)
            assert u not in units.units_valid_on(u.valid_to)


def test_every_parent_exists_over_the_whole_validity_of_the_child() -> None:
    rank = {level: i for i, level in enumerate(units.LEVELS)}
    for child in ALL:
        if child.parent_code is None:
            continue
        for day in _segment_starts(child):
            parent = units.unit_on(child.parent_code, day)
            assert parent is not None, (child.key, day)
            assert rank[parent.level] < rank[child.level], (child.key, day)


def test_every_successor_is_valid_the_day_its_predecessor_ends() -> None:
    for u in ALL:
        if u.successor_code is not None:
            assert u.valid_to is not None, u
            assert units.unit_on(u.successor_code, u.valid_to) is not None, u


# --- The hierarchy before and after the 2025 reform ----------------------------------------


def test_before_the_reform_province_has_ten_districts_with_communes() -> None:
    province = units.unit_on("24", BEFORE_REFORM)
    assert province is not None and province.name == "Bắc Giang"
    below = units.descendants("24", BEFORE_REFORM)
    districts = [u for u in below if u.level == "district"]
    communes = [u for u in below if u.level == "commune"]
    assert len(districts) == 10
    assert {d.parent_code for d in districts} == {"24"}
    for district in districts:
        assert len([c for c in communes if c.parent_code == district.code]) >= 4, district
    assert {c.parent_code for c in communes} <= {d.code for d in districts}
    assert len(communes) >= 50


def test_after_the_reform_there_are_no_districts() -> None:
    valid = units.units_valid_on(REFORM)
    assert not [u for u in valid if u.level == "district"]
    assert [u.code for u in valid if u.level == "province"] == ["24"]
    assert all(u.parent_code == "24" for u in valid if u.level == "commune")
    for old in (u for u in OLD_COMMUNES if u.valid_to == REFORM):
        successor = units.unit_on(old.successor_code or "", REFORM)
        assert successor is not None and successor.level == "commune", old


def test_every_old_commune_rolls_up_to_a_unit_valid_today() -> None:
    for old in OLD_COMMUNES:
        code = units.current_successor(old.code, today=TODAY)
        assert code is not None and units.unit_on(code, TODAY) is not None, old


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("07291", "07288"),  # Xã Tân Sỏi -> Xã Yên Thế
        ("07246", "07246"),  # Xã Canh Nậu -> Xã Xuân Lương, which took its code
        ("07252", "07264"),  # Xã Tam Tiến -> the new Xã Tam Tiến, under another code
        ("07702", "07682"),  # Yên Dũng -> Thành phố Bắc Giang (2025-01-01) -> Phường Tân An
        ("07663", "07663"),  # Tuấn Đạo, the one commune not merged
        ("24", "24"),  # Bắc Giang -> the new Bắc Ninh
        ("27", "24"),  # old Bắc Ninh -> the new Bắc Ninh
        ("221", None),  # Yên Dũng -> Thành phố Bắc Giang -> district level abolished
        ("222", None),
    ],
)
def test_current_successor(code: str, expected: str | None) -> None:
    assert units.current_successor(code, today=TODAY) == expected


def test_viet_yen_is_one_unit_whose_kind_changes() -> None:
    assert units.unit_on("222", date(2024, 1, 31)).kind == "huyện"  # type: ignore[union-attr]
    assert units.unit_on("222", date(2024, 2, 1)).kind == "thị xã"  # type: ignore[union-attr]
    assert units.unit_on("07777", date(2024, 2, 1)).kind == "phường"  # type: ignore[union-attr]


def test_ancestors_follow_the_parent_of_the_day() -> None:
    assert [u.code for u in units.ancestors("07702", date(2024, 12, 31))] == ["221", "24"]
    assert [u.code for u in units.ancestors("07702", date(2025, 1, 1))] == ["213", "24"]
    assert [u.code for u in units.ancestors("07288", TODAY)] == ["24"]
    with pytest.raises(KeyError):
        units.ancestors("07291", TODAY)


# --- Name lookup ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        ("Tân Sỏi", None, {("07291", "Xã Tân Sỏi")}),
        ("xa tan soi", None, {("07291", "Xã Tân Sỏi")}),
        ("  XÃ   TÂN SỎI, ", None, {("07291", "Xã Tân Sỏi")}),
        ("Huyện Yên Thế", None, {("215", "Huyện Yên Thế")}),
        ("Yên Thế", TODAY, {("07288", "Xã Yên Thế")}),
        ("TP. Bắc Giang", None, {("213", "Thành phố Bắc Giang")}),
        ("Bắc Ninh", TODAY, {("24", "Tỉnh Bắc Ninh")}),
        ("thi xa viet yen", None, {("222", "Thị xã Việt Yên")}),
        ("Phường Bích Động", date(2024, 6, 1), {("07777", "Phường Bích Động")}),
        ("Thị trấn Bích Động", date(2024, 6, 1), set()),
        ("Hà Nội", None, set()),
    ],
)
def test_find_by_name(text: str, day: date | None, expected: set[tuple[str, str]]) -> None:
    assert {(u.code, u.full_name) for u in units.find_by_name(text, day)} == expected


def test_find_by_name_accepts_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Xã Tân Sỏi")
    assert [u.code for u in units.find_by_name(decomposed)] == ["07291"]


# --- Text hygiene ---------------------------------------------------------------------------


def test_all_strings_are_nfc() -> None:
    records: list[object] = [*ALL, *procedures.all_procedures()]
    for record in records:
        for f in fields(record):  # type: ignore[arg-type]
            for text in _strings(getattr(record, f.name)):
                assert unicodedata.is_normalized("NFC", text), (record, f.name)
                assert text == text.strip() and "  " not in text, (record, f.name)


def test_rollout_dates_cover_every_level() -> None:
    assert set(units.ROLLOUT_DATES) == set(units.LEVELS)
    assert units.ROLLOUT_DATES["province"] < units.ROLLOUT_DATES["district"] < units.ROLLOUT_DATES["commune"]
