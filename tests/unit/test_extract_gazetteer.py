"""The place names the extractors check against stay the same as the unit gazetteer's."""

from __future__ import annotations

from extractors.gazetteer import canonical_place, is_known_place
from extractors.units_data import UNITS
from storage.seed.units import all_units


def test_copy_matches_storage_seed() -> None:
    assert set(UNITS) == {(u.kind, u.name, u.level) for u in all_units()}


def test_canonical_place_restores_diacritics() -> None:
    assert canonical_place("Luc Ngan") == "Lục Ngạn"
    assert canonical_place("huyện Lục Ngạn") == "Lục Ngạn"
    assert canonical_place("Nowhere") is None
    assert is_known_place("Tân Sỏi") and not is_known_place("Tan Soi")
