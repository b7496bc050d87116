"""The place names the extractors check against stay the same as the unit gazetteer's."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.gazetteer import canonical_place, is_known_place, names_unknown_province, normalize_place
from extractors.units_data import UNITS
from storage.seed.units import all_units


def test_copy_matches_storage_seed() -> None:
    assert set(UNITS) == {(u.kind, u.name, u.level) for u in all_units()}


def test_the_gso_list_agrees_with_the_seed_gazetteer_where_both_name_a_code() -> None:
    from datetime import date

    from extractors.places_data import BAC_GIANG_GSO_2024

    gso = {code: (kind, name) for code, kind, name in BAC_GIANG_GSO_2024}
    assert len(gso) == len(BAC_GIANG_GSO_2024) == 219  # 10 districts, 209 communes, one code each
    day = date(2024, 2, 1)  # the list's date
    listed = [u for u in all_units() if u.valid_on(day) and len(u.code) in (3, 5)]
    assert listed and all(gso[u.code] == (u.kind, u.name) for u in listed)


def test_a_commune_outside_the_seed_subset_is_known_by_its_gso_name() -> None:
    assert normalize_place("xã Biến Động, huyện Lục Ngạn, tỉnh Bắc Giang") == "xã Biển Động, huyện Lục Ngạn, tỉnh Bắc Giang"


def test_canonical_place_restores_diacritics() -> None:
    assert canonical_place("Luc Ngan") == "Lục Ngạn"
    assert canonical_place("huyện Lục Ngạn") == "Lục Ngạn"
    assert canonical_place("Nowhere") is None
    assert is_known_place("Tân Sỏi") and not is_known_place("Tan Soi")


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("Tố dân phố số 14, xầ Tăng Tiến, huyện Việt Yên, tính Bắc Giang",
         "Tổ dân phố số 14, xã Tăng Tiến, huyện Việt Yên, tỉnh Bắc Giang"),
        ("Bệnh viện Sản Nhi tính Bắc Giang", "Bệnh viện Sản Nhi tỉnh Bắc Giang"),
        ("Công an huyện Yên Thể, tỉnh Bắc Giang", "Công an huyện Yên Thế, tỉnh Bắc Giang"),
        ("THÔN ĐÔNG, XẪ HỒNG THÁI", "THÔN ĐÔNG, XÃ HỒNG THÁI"),
    ],
)
def test_addresses_get_their_kinds_and_known_names_respelled(read: str, expected: str) -> None:
    assert normalize_place(read) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Số 211, đường Hùng Vương; thời hạn tạm trú đến ngày 18/05/2023",  # nothing to respell
        "Công an xã Đông Thẳng",  # a commune the gazetteer does not know, not at the start: left as read
        "Bản Khe Nghè, Ngọc Vân, Tân Yên",  # names without a kind
        "Tinh thần trách nhiệm",  # a kind's letters not followed by a place
    ],
)
def test_addresses_without_a_certain_respelling_are_left_alone(text: str) -> None:
    assert normalize_place(text) == text


def test_the_syllable_models_place_names_are_the_gazetteers() -> None:
    from storage.seed.units import gazetteer_text

    corpus = Path(__file__).resolve().parents[2] / "data" / "legal-corpus" / "don-vi-hanh-chinh.txt"
    assert corpus.read_text(encoding="utf-8") == gazetteer_text(), "regenerate it: see data/legal-corpus/SOURCES.md"
    from extractors.places_data import corpus_text

    gso = corpus.with_name("don-vi-hanh-chinh-gso.txt")
    assert gso.read_text(encoding="utf-8") == corpus_text(), "regenerate it: see data/legal-corpus/SOURCES.md"


@pytest.mark.parametrize(("address", "unknown"), [
    ("Xã Ngọc Thiện, huyện Tân Yên, tỉnh Bắc", True),
    ("xã Ngọc Thiện, huyện Tân Yên, tỉnh Bắc Giang", False),
    ("Xã Ngọc Thiện, huyện Tân Yên, TỈNH BẮC GIANG.", False),
    ("thôn Đông, xã Tân Tiến, tỉnh Thừa Thiên Huế", False),
    ("phường Tân Phong, thành phố Lai Châu, tỉnh Lai Châu", False),
    ("số 12 phố Huế, quận Hai Bà Trưng, thành phố Hà Nội", False),
    ("thôn 3, xã Yên Mỹ, tinh Băc Giag", True),
])
def test_an_address_naming_no_province_is_flagged(address: str, unknown: bool) -> None:
    from extractors.common import kind_place

    assert names_unknown_province(address) is unknown
    found = kind_place(address)
    assert found is not None and ("unknown_province" in found[3]) is unknown
