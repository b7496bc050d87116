"""Administrative units of Bắc Giang province, effective-dated, 2020-01-01 onwards.

What is modelled
    Province Bắc Giang (code 24), its ten district-level units and a subset of its communes
    (65 of the 209 listed in 2021, six to nine per district, grouped by the 2025 commune they
    merged into), plus the units that replaced them on 2025-07-01. History before 2020-01-01
    is out of scope: the 2019 commune merger round (Resolution 813/NQ-UBTVQH14 of 21 Nov 2019)
    is taken as already in force on that day. The old Bắc Ninh province (code 27) appears only
    as a province, so that its succession is recorded; its districts and communes are out of
    scope, and so are the new Bắc Ninh communes formed from the old Bắc Ninh area.

Codes
    Official GSO codes (the numbering of Decision 124/2004/QĐ-TTg): 2 digits for a province,
    3 for a district, 5 for a commune. Every code and name here was checked against the GSO
    list as published by the dvhcvn project (snapshots of 2021-11-01 and 2024-02-01) and, for
    the 2025 units, against Công văn 915/CTK-CSCL (province codes) and 1027/CTK-CSCL of
    25 June 2025 (commune codes). Before production, load the full official GSO list: the
    subset here is enough to exercise every kind of change, not to count a real province.

Identity rule: a unit is (code, valid_from)
    The GSO reuses codes. The merged Bắc Ninh took code 24 (Bắc Giang's, its seat being in
    Bắc Giang city), and each 2025 commune took the code of one of the units it absorbed, so
    ``07246`` is Xã Canh Nậu until 2025-07-01 and Xã Xuân Lương after. We keep the official
    codes and identify a unit *version* by (code, valid_from). The versions of one code never
    overlap, so on any given day a code names at most one unit. References are codes resolved
    by date: ``parent_code`` on the day in question, ``successor_code`` on the day the unit
    ends (its ``valid_to``). A change of name, kind or parent without a change of code is a
    new version whose predecessor names the same code as successor.

    Việt Yên is the worked example: Huyện Việt Yên became Thị xã Việt Yên on 2024-02-01
    (Resolution 938/NQ-UBTVQH15), keeping code 222 and its territory. It is modelled as two
    versions of 222 (huyện until 2024-02-01, successor 222; thị xã from then), not as a
    succession between different codes, because the dossiers of both periods belong to the
    same unit and carry the same code. Its towns and communes that became wards the same day
    (Bích Động, Nếnh, Hồng Thái, Quang Châu) get a second version the same way.

Changes modelled
    2024-02-01  Việt Yên: huyện -> thị xã; its 2 towns and 7 of its communes -> phường
                (938/NQ-UBTVQH15).
    2025-01-01  Resolution 1191/NQ-UBTVQH15: Huyện Yên Dũng (221) dissolved into Thành phố Bắc
                Giang (213), its communes keep their codes under the new parent, its towns
                and some communes become wards; Thị xã Chũ (224) formed from the town of Chũ
                and nine communes of Lục Ngạn, several of them becoming wards.
    2025-07-01  Resolution 202/2025/QH15 merges Bắc Giang and Bắc Ninh into the new Bắc Ninh
                (24); the Law on Organization of Local Government 72/2025/QH15 abolishes the
                district level (every district ends, successor None); Resolution
                1658/NQ-UBTVQH15 of 16 June 2025 merges the communes (each old commune's
                successor is the new commune, whose parent is the province directly).

Deviation from the original brief: it assumed new Bắc Ninh = 27 and every district ending on
2025-07-01. The official list gives 24 (so old Bắc Ninh, 27, is succeeded by 24), and Yên Dũng
ended on 2025-01-01 (successor 213), Huyện Việt Yên on 2024-02-01 (successor 222, the thị xã).

Effective dates: 938/NQ-UBTVQH15 from 2024-02-01 (press reports of the inauguration);
1191/NQ-UBTVQH15 from 2025-01-01 (Wikipedia articles on Yên Dũng and Tiến Dũng). Neither was
read in the Gazette text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ocr_service.domain import nfc
from ocr_service.vietnamese import PROVINCES

LEVELS = ("province", "district", "commune")

MODEL_START = date(2020, 1, 1)
VIET_YEN_TOWN = date(2024, 2, 1)  # Resolution 938/NQ-UBTVQH15
BAC_GIANG_2025 = date(2025, 1, 1)  # Resolution 1191/NQ-UBTVQH15
REFORM_2025 = date(2025, 7, 1)  # Resolution 202/2025/QH15, Law 72/2025/QH15, 1658/NQ-UBTVQH15

# Mandatory digitization start by level (Decision 06/QĐ-TTg, Decision 766/QĐ-TTg context).
# Project-supplied dates, not checked against the decisions' text.
ROLLOUT_DATES = {"province": date(2022, 6, 1), "district": date(2022, 12, 1), "commune": date(2023, 6, 1)}


@dataclass(frozen=True, slots=True)
class UnitSeed:
    """One version of an administrative unit; identity is ``(code, valid_from)``."""

    code: str
    name: str  # without the kind prefix: "Tân Sỏi", not "Xã Tân Sỏi"
    level: str  # "province" | "district" | "commune"
    parent_code: str | None  # resolved on the day in question
    valid_from: date
    valid_to: date | None  # exclusive end; None = still valid
    successor_code: str | None  # resolved on valid_to
    kind: str  # "tỉnh", "thành phố", "huyện", "thị xã", "xã", "phường", "thị trấn"

    @property
    def key(self) -> tuple[str, date]:
        return (self.code, self.valid_from)

    @property
    def full_name(self) -> str:
        """The name as written on documents: "Xã Tân Sỏi", "Thành phố Bắc Giang"."""
        return f"{self.kind[:1].upper()}{self.kind[1:]} {self.name}"

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


# --- Provinces ---------------------------------------------------------------------------

_PROVINCES = (
    UnitSeed("24", "Bắc Giang", "province", None, MODEL_START, REFORM_2025, "24", "tỉnh"),
    UnitSeed("27", "Bắc Ninh", "province", None, MODEL_START, REFORM_2025, "24", "tỉnh"),
    UnitSeed("24", "Bắc Ninh", "province", None, REFORM_2025, None, None, "tỉnh"),
)

# --- Districts of Bắc Giang --------------------------------------------------------------

# (code, kind, name, valid_from, valid_to, successor)
_DISTRICT_ROWS = (
    ("213", "thành phố", "Bắc Giang", MODEL_START, REFORM_2025, None),
    ("215", "huyện", "Yên Thế", MODEL_START, REFORM_2025, None),
    ("216", "huyện", "Tân Yên", MODEL_START, REFORM_2025, None),
    ("217", "huyện", "Lạng Giang", MODEL_START, REFORM_2025, None),
    ("218", "huyện", "Lục Nam", MODEL_START, REFORM_2025, None),
    ("219", "huyện", "Lục Ngạn", MODEL_START, REFORM_2025, None),
    ("220", "huyện", "Sơn Động", MODEL_START, REFORM_2025, None),
    ("221", "huyện", "Yên Dũng", MODEL_START, BAC_GIANG_2025, "213"),  # dissolved into the city
    ("222", "huyện", "Việt Yên", MODEL_START, VIET_YEN_TOWN, "222"),  # same unit, new kind
    ("222", "thị xã", "Việt Yên", VIET_YEN_TOWN, REFORM_2025, None),
    ("223", "huyện", "Hiệp Hòa", MODEL_START, REFORM_2025, None),
    ("224", "thị xã", "Chũ", BAC_GIANG_2025, REFORM_2025, None),  # split from Lục Ngạn
)

# --- Communes of Bắc Giang, 2020-01-01 to 2025-07-01 --------------------------------------

# A commune's history is its list of (from, district, kind) segments; each segment lasts until
# the next one starts, the last until the 2025 reform, when the commune merges into `merged_into`.
_ALWAYS = MODEL_START


def _always(district: str, kind: str) -> tuple[tuple[date, str, str], ...]:
    return ((_ALWAYS, district, kind),)


# (code, name, merged_into on 2025-07-01, history)
_OLD_COMMUNES: tuple[tuple[str, str, str, tuple[tuple[date, str, str], ...]], ...] = (
    # Thành phố Bắc Giang -> Phường Bắc Giang (07210), Phường Đa Mai (07228)
    ("07201", "Thọ Xương", "07210", _always("213", "phường")),
    ("07207", "Ngô Quyền", "07210", _always("213", "phường")),
    ("07210", "Hoàng Văn Thụ", "07210", _always("213", "phường")),
    ("07213", "Trần Phú", "07210", _always("213", "phường")),
    ("07225", "Xương Giang", "07210", _always("213", "phường")),
    ("07216", "Mỹ Độ", "07228", _always("213", "phường")),
    ("07228", "Đa Mai", "07228", _always("213", "phường")),
    # Huyện Yên Thế -> Xã Yên Thế, Xã Xuân Lương, Xã Đồng Kỳ, Xã Tam Tiến
    ("07288", "Phồn Xương", "07288", _always("215", "thị trấn")),
    ("07270", "Đồng Lạc", "07288", _always("215", "xã")),
    ("07291", "Tân Sỏi", "07288", _always("215", "xã")),
    ("07246", "Canh Nậu", "07246", _always("215", "xã")),
    ("07282", "Đồng Kỳ", "07282", _always("215", "xã")),
    ("07252", "Tam Tiến", "07264", _always("215", "xã")),  # the new Tam Tiến took 07264
    # Huyện Tân Yên -> Xã Tân Yên, Xã Nhã Nam
    ("07339", "Cao Thượng", "07339", _always("216", "thị trấn")),
    ("07336", "Cao Xá", "07339", _always("216", "xã")),
    ("07354", "Việt Lập", "07339", _always("216", "xã")),
    ("07306", "Nhã Nam", "07306", _always("216", "thị trấn")),
    ("07309", "Tân Trung", "07306", _always("216", "xã")),
    ("07327", "Liên Sơn", "07306", _always("216", "xã")),
    # Huyện Lạng Giang -> Xã Lạng Giang, Xã Kép, Xã Tân Dĩnh, Xã Tiên Lục
    ("07375", "Vôi", "07375", _always("217", "thị trấn")),
    ("07417", "Tân Hưng", "07375", _always("217", "xã")),
    ("07399", "Kép", "07399", _always("217", "thị trấn")),
    ("07432", "Tân Dĩnh", "07432", _always("217", "xã")),
    ("07393", "Tiên Lục", "07381", _always("217", "xã")),  # the new Tiên Lục took 07381
    ("07381", "Nghĩa Hưng", "07381", _always("217", "xã")),
    # Huyện Lục Nam -> Xã Lục Nam, Xã Bắc Lũng, Xã Đông Phú
    ("07444", "Đồi Ngô", "07444", _always("218", "thị trấn")),
    ("07480", "Chu Điện", "07444", _always("218", "xã")),
    ("07501", "Khám Lạng", "07498", _always("218", "xã")),
    ("07513", "Bắc Lũng", "07498", _always("218", "xã")),
    ("07450", "Đông Hưng", "07450", _always("218", "xã")),
    ("07453", "Đông Phú", "07450", _always("218", "xã")),
    # Huyện Lục Ngạn -> Xã Lục Ngạn, Xã Đèo Gia, Xã Tân Sơn
    ("07570", "Giáp Sơn", "07582", _always("219", "xã")),
    ("07588", "Tân Quang", "07582", _always("219", "xã")),
    ("07591", "Đồng Cốc", "07582", _always("219", "xã")),
    ("07594", "Tân Lập", "07594", _always("219", "xã")),
    ("07609", "Đèo Gia", "07594", _always("219", "xã")),
    ("07531", "Tân Sơn", "07531", _always("219", "xã")),
    # Lục Ngạn -> Thị xã Chũ on 2025-01-01 -> Phường Chũ (07525)
    ("07525", "Chũ", "07525", ((_ALWAYS, "219", "thị trấn"), (BAC_GIANG_2025, "224", "phường"))),
    ("07549", "Thanh Hải", "07525", ((_ALWAYS, "219", "xã"), (BAC_GIANG_2025, "224", "phường"))),
    ("07579", "Trù Hựu", "07525", ((_ALWAYS, "219", "xã"), (BAC_GIANG_2025, "224", "phường"))),
    # Huyện Sơn Động -> Xã Sơn Động, Xã Tây Yên Tử; Tuấn Đạo is the one commune left as it was
    ("07615", "An Châu", "07615", _always("220", "thị trấn")),
    ("07648", "Vĩnh An", "07615", _always("220", "xã")),
    ("07660", "An Bá", "07615", _always("220", "xã")),
    ("07616", "Tây Yên Tử", "07616", _always("220", "thị trấn")),
    ("07678", "Thanh Luận", "07616", _always("220", "xã")),
    ("07663", "Tuấn Đạo", "07663", _always("220", "xã")),
    # Yên Dũng -> Thành phố Bắc Giang on 2025-01-01 -> Phường Tân An, Xã Đồng Việt
    ("07682", "Tân An", "07682", ((_ALWAYS, "221", "thị trấn"), (BAC_GIANG_2025, "213", "phường"))),
    ("07702", "Quỳnh Sơn", "07682", ((_ALWAYS, "221", "xã"), (BAC_GIANG_2025, "213", "xã"))),
    ("07720", "Trí Yên", "07682", ((_ALWAYS, "221", "xã"), (BAC_GIANG_2025, "213", "xã"))),
    ("07723", "Lãng Sơn", "07682", ((_ALWAYS, "221", "xã"), (BAC_GIANG_2025, "213", "xã"))),
    ("07735", "Đức Giang", "07735", ((_ALWAYS, "221", "xã"), (BAC_GIANG_2025, "213", "xã"))),
    ("07747", "Đồng Việt", "07735", ((_ALWAYS, "221", "xã"), (BAC_GIANG_2025, "213", "xã"))),
    ("07750", "Đồng Phúc", "07735", ((_ALWAYS, "221", "xã"), (BAC_GIANG_2025, "213", "xã"))),
    # Việt Yên (thị xã from 2024-02-01) -> Phường Việt Yên, Phường Nếnh
    ("07777", "Bích Động", "07777", ((_ALWAYS, "222", "thị trấn"), (VIET_YEN_TOWN, "222", "phường"))),
    ("07783", "Hồng Thái", "07777", ((_ALWAYS, "222", "xã"), (VIET_YEN_TOWN, "222", "phường"))),
    ("07768", "Minh Đức", "07777", _always("222", "xã")),
    ("07765", "Nghĩa Trung", "07777", _always("222", "xã")),
    ("07795", "Nếnh", "07795", ((_ALWAYS, "222", "thị trấn"), (VIET_YEN_TOWN, "222", "phường"))),
    ("07807", "Quang Châu", "07795", ((_ALWAYS, "222", "xã"), (VIET_YEN_TOWN, "222", "phường"))),
    # Huyện Hiệp Hòa -> Xã Hiệp Hòa, Xã Xuân Cẩm
    ("07840", "Thắng", "07840", _always("223", "thị trấn")),
    ("07846", "Lương Phong", "07840", _always("223", "xã")),
    ("07867", "Đoan Bái", "07840", _always("223", "xã")),
    ("07879", "Đông Lỗ", "07840", _always("223", "xã")),
    ("07873", "Xuân Cẩm", "07870", _always("223", "xã")),
    ("07885", "Mai Đình", "07870", _always("223", "xã")),
)

# --- Communes formed on 2025-07-01 (Resolution 1658/NQ-UBTVQH15; codes from 1027/CTK-CSCL) ---

# (code, kind, name); parent is the new province, 24.
_NEW_COMMUNES = (
    ("07210", "phường", "Bắc Giang"),
    ("07228", "phường", "Đa Mai"),
    ("07288", "xã", "Yên Thế"),
    ("07246", "xã", "Xuân Lương"),
    ("07282", "xã", "Đồng Kỳ"),
    ("07264", "xã", "Tam Tiến"),
    ("07339", "xã", "Tân Yên"),
    ("07306", "xã", "Nhã Nam"),
    ("07375", "xã", "Lạng Giang"),
    ("07399", "xã", "Kép"),
    ("07432", "xã", "Tân Dĩnh"),
    ("07381", "xã", "Tiên Lục"),
    ("07444", "xã", "Lục Nam"),
    ("07498", "xã", "Bắc Lũng"),
    ("07450", "xã", "Đông Phú"),
    ("07582", "xã", "Lục Ngạn"),
    ("07594", "xã", "Đèo Gia"),
    ("07531", "xã", "Tân Sơn"),
    ("07525", "phường", "Chũ"),
    ("07615", "xã", "Sơn Động"),
    ("07616", "xã", "Tây Yên Tử"),
    ("07663", "xã", "Tuấn Đạo"),
    ("07682", "phường", "Tân An"),
    ("07735", "xã", "Đồng Việt"),
    ("07777", "phường", "Việt Yên"),
    ("07795", "phường", "Nếnh"),
    ("07840", "xã", "Hiệp Hòa"),
    ("07870", "xã", "Xuân Cẩm"),
)


def _build() -> tuple[UnitSeed, ...]:
    units: list[UnitSeed] = list(_PROVINCES)
    for code, kind, name, start, end, successor in _DISTRICT_ROWS:
        units.append(UnitSeed(code, name, "district", "24", start, end, successor, kind))
    for code, name, merged_into, history in _OLD_COMMUNES:
        for i, (start, district, kind) in enumerate(history):
            last = i == len(history) - 1
            end = REFORM_2025 if last else history[i + 1][0]
            successor = merged_into if last else code
            units.append(UnitSeed(code, name, "commune", district, start, end, successor, kind))
    for code, kind, name in _NEW_COMMUNES:
        units.append(UnitSeed(code, name, "commune", "24", REFORM_2025, None, None, kind))
    return tuple(units)


_UNITS = _build()


def all_units() -> tuple[UnitSeed, ...]:
    """Every unit version: provinces, then districts, then communes."""
    return _UNITS


def units_valid_on(day: date) -> tuple[UnitSeed, ...]:
    return tuple(u for u in _UNITS if u.valid_on(day))


def unit_on(code: str, day: date) -> UnitSeed | None:
    """The unit a code names on a given day (at most one, by the identity rule)."""
    return next((u for u in _UNITS if u.code == code and u.valid_on(day)), None)


def _require(code: str, day: date) -> UnitSeed:
    unit = unit_on(code, day)
    if unit is None:
        raise KeyError(f"no administrative unit with code {code!r} on {day.isoformat()}")
    return unit


def ancestors(code: str, day: date) -> tuple[UnitSeed, ...]:
    """The units above ``code`` on ``day``, nearest first (commune -> district -> province)."""
    chain: list[UnitSeed] = []
    unit = _require(code, day)
    while unit.parent_code is not None:
        unit = _require(unit.parent_code, day)
        chain.append(unit)
    return tuple(chain)


def descendants(code: str, day: date) -> tuple[UnitSeed, ...]:
    """Every unit below ``code`` on ``day``, at any depth, districts before their communes."""
    _require(code, day)
    valid = units_valid_on(day)
    found: list[UnitSeed] = []
    frontier = [code]
    while frontier:
        children = [u for u in valid if u.parent_code in frontier]
        found.extend(children)
        frontier = [u.code for u in children]
    return tuple(found)


def current_successor(code: str, *, today: date | None = None) -> str | None:
    """The code of the unit valid ``today`` that the history of ``code`` rolls up to.

    Starts from the earliest version of ``code`` and follows successor links (each resolved on
    the day its unit ended) until it reaches a unit valid today. Returns None when the chain
    ends without one (a district: the level was abolished).
    """
    today = today or date.today()
    versions = sorted((u for u in _UNITS if u.code == code), key=lambda u: u.valid_from)
    if not versions:
        raise KeyError(f"no administrative unit with code {code!r}")
    unit = versions[0]
    for _ in range(len(_UNITS)):
        if unit.valid_on(today):
            return unit.code
        if unit.valid_from > today or unit.valid_to is None or unit.successor_code is None:
            return None
        successor = unit_on(unit.successor_code, unit.valid_to)
        if successor is None:
            raise ValueError(f"successor {unit.successor_code!r} of {unit.key} is not valid on {unit.valid_to}")
        unit = successor
    raise ValueError(f"successor links of {code!r} form a cycle")


# --- Tolerant name lookup (extractor gazetteer) -------------------------------------------

# Kind prefixes as written in addresses, longest first so "thị xã" wins over "xã".
_KIND_WORDS = ("thành phố", "thị trấn", "thị xã", "phường", "huyện", "tỉnh", "xã")
_ABBREVIATIONS = {"tp": "thành phố", "tx": "thị xã", "tt": "thị trấn", "p": "phường", "h": "huyện", "x": "xã"}
_DOTTED_ONLY = {"p", "h", "x"}  # single letters count as a prefix only when followed by a dot


def fold(text: str) -> str:
    """Casefolded, without diacritics: "Tân Sỏi" -> "tan soi", "Đồng" -> "dong"."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", nfc(text).casefold()).strip(" \t,;:.-")


def _split_kind(query: str, *, folded: bool) -> list[tuple[str | None, str]]:
    """(kind, rest) readings of a query: with its kind prefix split off if it has one, and whole."""
    readings: list[tuple[str | None, str]] = []
    for kind in _KIND_WORDS:
        word = fold(kind) if folded else kind
        if query.startswith(word + " "):
            readings.append((kind, query[len(word) + 1 :].strip()))
            break
    match = re.match(r"(tp|tx|tt|p|h|x)(\.\s*|\s+)(?=\S)", query)
    if match and (match.group(1) not in _DOTTED_ONLY or "." in match.group(2)):
        readings.append((_ABBREVIATIONS[match.group(1)], query[match.end() :]))
    readings.append((None, query))
    return readings


_NAME_KEYS = tuple((u, _clean(u.name), fold(_clean(u.name))) for u in _UNITS)


def find_by_name(text: str, day: date | None = None) -> tuple[UnitSeed, ...]:
    """Units whose name matches ``text``, for the address gazetteer.

    Case-insensitive and NFC; the kind prefix is optional ("Tân Sỏi", "Xã Tân Sỏi", "x. Tân
    Sỏi") and, when given, must match. Exact (accented) matches win; only when there are none
    does a diacritic-folded match count ("xa tan soi", or "Phúc Hoà" for "Phúc Hòa"). With
    ``day``, only units valid that day; without, every version (several units share a name).
    """
    query = _clean(text)
    if not query:
        return ()
    keys = [k for k in _NAME_KEYS if day is None or k[0].valid_on(day)]
    for folded in (False, True):
        probe = fold(query) if folded else query
        for kind, rest in _split_kind(probe, folded=folded):
            hits = tuple(
                unit
                for unit, exact, loose in keys
                if (loose if folded else exact) == rest and (kind is None or unit.kind == kind)
            )
            if hits:
                return hits
    return ()



def gazetteer_text() -> str:
    """Every unit version written as an address line, "xã Tân Sỏi, huyện Yên Thế, tỉnh Bắc Giang.",
    and as a heading in capitals: the place names for the OCR's syllable model
    (``data/legal-corpus/don-vi-hanh-chinh.txt``; a unit test keeps that file equal to this)."""
    lines = []
    for unit in _UNITS:
        chain = [unit, *ancestors(unit.code, unit.valid_from)]
        lines.append(", ".join(f"{u.kind} {u.name}" for u in chain) + ".")
        lines.append(f"{unit.kind} {unit.name}".upper() + ".")
    # Every province an ID number can name as a birth place: a card's place of origin, a parent's
    # residence or a birth place may be anywhere ("Chi Lăng, Lạng Sơn").
    for name in PROVINCES.values():
        kind = "thành phố" if name in CENTRAL_CITIES else "tỉnh"
        lines.append(f"{kind} {name}.")
        lines.append(f"{kind} {name}".upper() + ".")
    return "\n".join(dict.fromkeys(lines)) + "\n"


# The five centrally-run cities among the provinces (thành phố trực thuộc trung ương).
CENTRAL_CITIES = frozenset({"Hà Nội", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"})
