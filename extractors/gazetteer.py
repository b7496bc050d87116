"""Place names checked against the unit gazetteer (Bắc Giang units, ``extractors.units_data``).

The gazetteer is a subset (every province and district of the model, some communes), so a
name it does not know is not an error; it helps where it knows the name: a place read with a
wrong diacritic ("Trung Sớn") is put back to its one known spelling ("Trung Sơn").
"""

from __future__ import annotations

from functools import cache

from extractors.text import clean_spaces, fold
from extractors.units_data import UNITS
from ocr_service.domain import nfc

KIND_PREFIXES = ("thành phố", "thị trấn", "thị xã", "phường", "huyện", "tỉnh", "xã")


@cache
def _by_folded() -> dict[str, frozenset[str]]:
    names: dict[str, set[str]] = {}
    for _kind, name, _level in UNITS:
        names.setdefault(fold(name), set()).add(nfc(name))
    return {k: frozenset(v) for k, v in names.items()}


def strip_kind(text: str) -> str:
    t = clean_spaces(text)
    for kind in KIND_PREFIXES:
        if fold(t).startswith(fold(kind) + " "):
            return t[len(kind) + 1:]
    return t


def canonical_place(text: str) -> str | None:
    """The gazetteer spelling of a unit name (kind prefix allowed), or None when unknown or ambiguous."""
    name = strip_kind(nfc(text))
    spellings = _by_folded().get(fold(name))
    if not spellings or len(spellings) != 1:
        return None
    return next(iter(spellings))


def is_known_place(text: str) -> bool:
    return nfc(strip_kind(text)) in {s for v in _by_folded().values() for s in v}
