"""Place names checked against the unit gazetteer: the model's units (``extractors.units_data``,
including those formed on 2025-07-01) and every district and commune of Bắc Giang in the GSO list
(``extractors.places_data``).

A name it does not know (another province's commune) is not an error; it helps where it knows
the name: a place read with a wrong diacritic ("Trung Sớn", "xã Biến Động") is put back to its one
known spelling ("Trung Sơn", "Biển Động").
"""

from __future__ import annotations

import re
from functools import cache

from extractors.places_data import BAC_GIANG_GSO_2024
from extractors.text import clean_spaces, fold
from extractors.units_data import UNITS
from ocr_service.domain import nfc
from ocr_service.vietnamese import PROVINCES

# Kinds of place an address names, folded -> as printed; longest first so "thi xa" wins over "xa".
UNIT_KINDS = {"thanh pho": "thành phố", "thi tran": "thị trấn", "thi xa": "thị xã", "phuong": "phường",
              "huyen": "huyện", "tinh": "tỉnh", "xa": "xã"}
KIND_PREFIXES = tuple(UNIT_KINDS.values())


@cache
def _by_folded() -> dict[str, frozenset[str]]:
    names: dict[str, set[str]] = {}
    for name in [name for _kind, name, _level in UNITS] + [name for _code, _kind, name in BAC_GIANG_GSO_2024]:
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


VILLAGE_KINDS = {"to dan pho": "tổ dân phố", "khu pho": "khu phố", "thon": "thôn", "xom": "xóm"}
_KIND_AT = re.compile(r"(?:(?<=\s)|^)(?P<kind>" + "|".join(sorted({*UNIT_KINDS, *VILLAGE_KINDS}, key=len, reverse=True))
                      + r")\s+(?=\w)")


def normalize_place(text: str) -> str:
    """An address with the kinds of place spelled right and known unit names in their gazetteer
    spelling: "Tố dân phố số 14, xầ Tăng Tiến, huyện Việt Yên, tính Bắc Giang" → "Tổ dân phố số 14,
    xã Tăng Tiến, huyện Việt Yên, tỉnh Bắc Giang".

    Part by part (between commas and semicolons). A kind is respelled where it begins the part and
    a name follows, or anywhere in it when a name the gazetteer knows follows ("Công an xã …"); that
    name is then respelled too. The folded letters must match exactly, so only marks change, never a letter.
    """
    return "".join(_normalize_part(p) for p in re.split(r"([,;])", text))


def _normalize_part(part: str) -> str:
    folded = fold(part)
    for m in _KIND_AT.finditer(folded):
        kind = m["kind"]
        tail = part[m.end():].strip()
        known = canonical_place(tail) if kind in UNIT_KINDS else None
        # At the start of a part a kind needs no known name, only a name-like word after it
        # (capital or number: "Thôn Đông Bụt", "Xóm 3"); "tổ dân phố" cannot be anything else.
        at_start = not folded[: m.start()].strip() and (kind == "to dan pho" or tail[:1].isupper() or tail[:1].isdigit())
        if known is None and not at_start:
            continue
        printed = _like(part[m.start(): m.start() + len(kind)], UNIT_KINDS.get(kind) or VILLAGE_KINDS[kind])
        rest = part[m.start() + len(kind):]
        if known is not None:
            rest = rest[: len(rest) - len(rest.lstrip())] + _like(tail, known) + part[len(part.rstrip()):]
        return part[: m.start()] + printed + rest
    return part


def _like(original: str, spelled: str) -> str:
    """``spelled`` in the case of ``original``: all capitals, first capital, or as spelled."""
    if original.isupper() and len(original) > 1:
        return spelled.upper()
    if original[:1].isupper():
        return spelled[:1].upper() + spelled[1:]
    return spelled


def is_known_place(text: str) -> bool:
    return nfc(strip_kind(text)) in {s for v in _by_folded().values() for s in v}


_PROVINCES_FOLDED = frozenset(fold(name) for name in PROVINCES.values())


def names_unknown_province(text: str) -> bool:
    """Whether an address names a "tỉnh" that is none of the provinces (a line cut short: "tỉnh
    Bắc"; a misread). Every province's name is known, so this, unlike a commune, is an error."""
    for part in re.split(r"[,;]", text):
        folded = fold(clean_spaces(part))
        if folded.startswith("tinh ") and folded[len("tinh "):].strip(" .") not in _PROVINCES_FOLDED:
            return True
    return False
