"""Vietnamese text parsing for extraction: pure functions, no I/O, no state.

- ``fold``: diacritics off, ``đ`` → ``d``, lower case, *one character out per character in*, so
  an offset in the folded text is the same offset in the original (labels are matched folded,
  values are read from the original).
- ``label_pattern``: a tolerant regex for a printed label ("Ngày, tháng, năm sinh" also finds
  "Ngay thang nam sinh", "Ngày. tháng, nãm sinh" …).
- dates in figures (``06/01/2022``, ``6-1-2022``, ``6.1.2022``), in the Decree 30 form
  (``ngày 06 tháng 01 năm 2022``) and in words (``Ngày hai mươi lăm, tháng mười, năm hai nghìn
  không trăm hai mươi ba``); Vietnamese numerals in words.
- document number and symbol (``187/QĐ-XPVPHC``), personal names (capitalization and a
  plausibility check), sex.

Every regex is verbose with named groups, applied to one line or a bounded window, and has no
nested unbounded repetition, so its run time is linear in its input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ocr_service.domain import nfc
from ocr_service.vietnamese import SURNAMES

# --- Folding ----------------------------------------------------------------------------


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    if ch.isascii():
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)
    stripped = "".join(c for c in base if not unicodedata.combining(c))
    if len(stripped) == 1:
        return stripped.lower()
    return ch if not stripped else stripped[0].lower()


def fold(text: str) -> str:
    """Diacritic-folded lower case, the same length as ``text`` (offsets carry over)."""
    return "".join(_fold_char(ch) for ch in text)


def clean_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def label_pattern(label: str) -> str:
    """A regex (for folded text) matching ``label`` with any punctuation or spacing between its words.

    The words are folded; between two words at most three non-alphanumeric characters (so a
    comma lost or a space doubled by OCR still matches); a trailing colon is optional.
    """
    words = re.findall(r"[0-9a-z]+", fold(label))
    if not words:
        raise ValueError(f"label without letters: {label!r}")
    return r"(?<![0-9a-z])" + r"[^0-9a-z\n]{0,3}".join(re.escape(w) for w in words) + r"(?![0-9a-z])[ \t]*[:;.]?"


# --- Numbers in words -------------------------------------------------------------------

_UNITS = {
    "khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6,
    "bay": 7, "tam": 8, "chin": 9,
}


def number_in_words(text: str) -> int | None:
    """A Vietnamese numeral in words, 0–9999: "hai nghìn không trăm hai mươi ba" → 2023.

    Accepts ``nghìn``/``ngàn``, ``mươi``/``mười``, ``lẻ``/``linh``, ``mốt``, ``tư``, ``lăm``.
    None if the words are not a well-formed numeral.
    """
    words = fold(clean_spaces(text)).replace(",", " ").split()
    if not words:
        return None
    total, group, pending = 0, 0, None
    for w in words:
        if w in _UNITS:
            if pending is not None:
                return None  # two digits in a row
            pending = _UNITS[w]
        elif w == "muoi":  # "mười" (10) or "X mươi" (X * 10): both fold to "muoi"
            group += pending * 10 if pending is not None else 10
            pending = None
        elif w == "tram":
            if pending is None:
                return None
            group += pending * 100
            pending = None
        elif w in ("nghin", "ngan"):
            total += (group + (pending or 0) or 1) * 1000
            group, pending = 0, None
        elif w in ("le", "linh"):
            if pending is not None:
                return None
        else:
            return None
    return total + group + (pending or 0)


# --- Dates ------------------------------------------------------------------------------

DATE_FIGURES = re.compile(
    r"""
    (?<![\d])
    (?P<day>[0-3]?\d) \s{0,2} (?P<sep>[/.\-]) \s{0,2}
    (?P<month>[01]?\d) \s{0,2} (?P=sep) \s{0,2}
    (?P<year>(?:19|20)\d\d)
    (?![\d])
    """,
    re.VERBOSE,
)

# Decree 30 form, on folded text: "ngay 06 thang 01 nam 2022" (one letter of each word may be misread)
DATE_DECREE30 = re.compile(
    r"""
    (?<![a-z])ng[a-z]y \s{0,3} (?P<day>[0-3]?\d) [\s,]{1,3}
    th[a-z]ng \s{0,3} (?P<month>[01]?\d) [\s,]{1,3}
    n[a-z]m \s{0,3} (?P<year>(?:19|20)\d\d)
    (?![\d])
    """,
    re.VERBOSE,
)

# In words, on folded text: "ngay hai muoi lam, thang muoi, nam hai nghin khong tram hai muoi ba"
_NUMWORD = r"(?:khong|mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|tram|nghin|ngan|le|linh)"
DATE_WORDS = re.compile(
    rf"""
    (?<![a-z])ngay \s{{1,3}} (?:(?:mong|mung)\s{{1,3}})? (?P<day>{_NUMWORD}(?:\s{{1,3}}{_NUMWORD}){{0,3}}) [\s,.]{{1,4}}
    thang \s{{1,3}} (?P<month>{_NUMWORD}(?:\s{{1,3}}{_NUMWORD}){{0,2}}) [\s,.]{{1,4}}
    nam \s{{1,3}} (?P<year>{_NUMWORD}(?:\s{{1,3}}{_NUMWORD}){{0,9}})
    (?![a-z])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class DateMatch:
    value: date
    start: int
    end: int
    form: str  # "figures", "decree30" or "words"


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Every well-formed date in ``text`` (any form), in order of appearance, without overlaps."""
    folded = fold(text)
    found: list[DateMatch] = []
    for m in DATE_DECREE30.finditer(folded):
        d = _make_date(int(m["year"]), int(m["month"]), int(m["day"]))
        if d:
            found.append(DateMatch(d, m.start(), m.end(), "decree30"))
    for m in DATE_WORDS.finditer(folded):
        day, month, year = number_in_words(m["day"]), number_in_words(m["month"]), number_in_words(m["year"])
        if None not in (day, month, year):
            d = _make_date(year, month, day)  # type: ignore[arg-type]
            if d and 1900 <= d.year <= 2100:
                found.append(DateMatch(d, m.start(), m.end(), "words"))
    for m in DATE_FIGURES.finditer(text):
        d = _make_date(int(m["year"]), int(m["month"]), int(m["day"]))
        if d:
            found.append(DateMatch(d, m.start(), m.end(), "figures"))
    found.sort(key=lambda d: d.start)
    kept: list[DateMatch] = []
    for d in found:
        if not kept or d.start >= kept[-1].end:
            kept.append(d)
    return kept


def parse_date(text: str) -> date | None:
    """The first date in ``text`` in any form, or None."""
    dates = find_dates(text)
    return dates[0].value if dates else None


_SPELLING = {
    "ngay": "ngày", "thang": "tháng", "mong": "mồng", "mung": "mùng", "khong": "không", "hai": "hai", "ba": "ba",
    "bon": "bốn", "tu": "tư", "nam": "năm", "lam": "lăm", "sau": "sáu", "bay": "bảy", "tam": "tám", "chin": "chín",
    "tram": "trăm", "nghin": "nghìn", "ngan": "ngàn", "le": "lẻ", "linh": "linh",
}
_TENS_DIGITS = {"hai", "ba", "bon", "nam", "sau", "bay", "tam", "chin"}


def spell_date_words(text: str) -> str:
    """A date in words with each word's marks as the closed vocabulary of numerals spells them:
    the letters are what was read, the marks are not to be trusted ("hai nghìn không trắm mười ba"
    → "trăm"). ``mười``/``mươi`` and ``một``/``mốt`` are told apart by the word before: "mươi"
    after a digit, "mốt" after "mươi". Words outside the vocabulary are left as read."""
    before = ["", ""]  # the previous word folded, and as spelled

    def respell(m: re.Match[str]) -> str:
        word, key = m.group(0), fold(m.group(0))
        if key == "muoi":
            spelled: str | None = "mươi" if before[0] in _TENS_DIGITS else "mười"
        elif key == "mot":
            spelled = "mốt" if before[1] == "mươi" else "một"
        else:
            spelled = _SPELLING.get(key)
        before[:] = [key, spelled or ""]
        if spelled is None:
            return word
        if word.isupper() and len(word) > 1:
            return spelled.upper()
        return spelled[0].upper() + spelled[1:] if word[0].isupper() else spelled

    return re.sub(r"[^\W\d_]+", respell, text)


def date_in_words(day: date) -> str:
    """The date in words as printed on birth certificates (the inverse of the words parser)."""
    day_words = f"mồng {words_for_number(day.day)}" if day.day <= 10 else words_for_number(day.day)
    return f"Ngày {day_words}, tháng {words_for_number(day.month, month=True)}, năm {words_for_number(day.year)}"


_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _two_digits(n: int, *, standalone: bool) -> str:
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGIT_WORDS[units] if standalone else f"linh {_DIGIT_WORDS[units]}"
    head = "mười" if tens == 1 else f"{_DIGIT_WORDS[tens]} mươi"
    if units == 0:
        return head
    if units == 5:
        tail = "lăm"
    elif units == 1 and tens > 1:
        tail = "mốt"
    elif units == 4 and tens > 1:
        tail = "tư"
    else:
        tail = _DIGIT_WORDS[units]
    return f"{head} {tail}"


def words_for_number(n: int, *, month: bool = False) -> str:
    if month and n == 4:
        return "tư"
    if n < 100:
        return _two_digits(n, standalone=True)
    parts = []
    thousands, rest = divmod(n, 1000)
    if thousands:
        parts.append(f"{_DIGIT_WORDS[thousands]} nghìn")
    hundreds, rest2 = divmod(rest, 100)
    if hundreds or (thousands and rest2):
        parts.append(f"{_DIGIT_WORDS[hundreds]} trăm")
    if rest2:
        parts.append(_two_digits(rest2, standalone=not parts))
    return " ".join(parts)


# --- Document number and symbol ---------------------------------------------------------

DOCUMENT_NUMBER = re.compile(
    r"""
    (?P<number>\d{1,6})
    \s{0,2} / \s{0,2}
    (?:(?P<year>(?:19|20)\d\d) \s{0,2} / \s{0,2})?
    (?P<symbol>[A-ZĐ][A-ZĐ0-9]{0,9}(?:\s{0,1}[-–]\s{0,1}[A-ZĐ0-9]{1,10}){0,3})
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class DocumentNumber:
    number: str
    year: str | None
    symbol: str

    def __str__(self) -> str:
        return f"{self.number}/{self.year}/{self.symbol}" if self.year else f"{self.number}/{self.symbol}"


def parse_document_number(text: str) -> DocumentNumber | None:
    """``"Số: 187/QĐ-XPVPHC"`` → 187 / QĐ-XPVPHC; ``"07/2021/NĐ-CP"`` keeps the year."""
    m = DOCUMENT_NUMBER.search(nfc(text).upper().replace("–", "-"))
    if not m:
        return None
    symbol = re.sub(r"\s", "", m["symbol"])
    return DocumentNumber(str(int(m["number"])) if len(m["number"]) > 2 else m["number"], m["year"], symbol)


# --- Names ------------------------------------------------------------------------------

# The letters a Vietnamese personal name is written with.
VI_LETTERS = "a-zA-Zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ" \
              "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
NAME_WORD = re.compile(rf"[{VI_LETTERS}]+")


# A well-formed syllable: at most one tone mark, letters only, a vowel somewhere.
_TONED = set("àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
_VOWELS = set("aăâeêioôơuưy")


def is_plausible_syllable(word: str) -> bool:
    w = word.lower()
    if not NAME_WORD.fullmatch(w) or len(w) > 7:
        return False
    if sum(1 for c in w if c in _TONED) > 1:
        return False
    base = fold(w)
    if not any(c in "aeiouy" for c in base):
        return False
    # A Vietnamese syllable ends in a vowel or one of these codas.
    return re.fullmatch(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?", base) is not None


def capitalize_name(text: str) -> str:
    """``"TRẦN ĐỨC THẮNG"`` / ``"trần đức thắng"`` → ``"Trần Đức Thắng"`` (NFC, single spaces)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in nfc(clean_spaces(text)).split(" ") if w)


def repair_surname(name: str) -> str:
    """The name with an unknown surname replaced by the one known surname it can only be a
    misreading of: the same letters with other marks ("Lễ" → "Lê", "Nguyên" → "Nguyễn"), else one
    letter away ("Phaạm" → "Phạm"). The name unchanged when there is no such surname or several.

    A repair is a suggestion for the reviewer: the field stays flagged ``name_unknown_surname``.
    """
    words = name.split()
    if not words or words[0] in SURNAMES:
        return name
    base = fold(words[0])
    candidates = {s for s in SURNAMES if fold(s) == base} or {s for s in SURNAMES if _one_edit_apart(fold(s), base)}
    if len(candidates) != 1:
        return name
    return " ".join([candidates.pop(), *words[1:]])


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def name_problems(name: str) -> list[str]:
    """Why ``name`` (already capitalized) may be misread: empty if it looks like a Vietnamese name."""
    words = name.split()
    problems = []
    if not 2 <= len(words) <= 6:
        problems.append("name_word_count")
    if any(not is_plausible_syllable(w) for w in words):
        problems.append("name_syllable")
    if words and words[0] not in SURNAMES:
        problems.append("name_unknown_surname")
    return problems


# --- Sex --------------------------------------------------------------------------------

SEX = re.compile(r"(?<![0-9A-Za-zÀ-ỹ])(?P<sex>Nam|Nữ|NAM|NỮ|nam|nữ)(?![0-9A-Za-zÀ-ỹ])")


def parse_sex(text: str) -> str | None:
    """``"Nam"``/``"Nữ"`` from the start of ``text``; None for anything else (OCR "Nử" included)."""
    m = SEX.search(text[:20])
    if not m:
        return None
    return "Nam" if fold(m["sex"]) == "nam" else "Nữ"


# --- Misc -------------------------------------------------------------------------------

PHONE = re.compile(r"(?<!\d)(?P<phone>0\d{2,3}[ .]?\d{3}[ .]?\d{3,4})(?!\d)")
EMAIL = re.compile(r"(?P<email>[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,63}\.[A-Za-z]{2,10})")


def digits_only(text: str) -> str:
    return re.sub(r"\D", "", text)
