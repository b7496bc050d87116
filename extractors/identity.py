"""Personal ID numbers (số định danh cá nhân / CCCD, and the older 9-digit CMND) in OCR text.

A 12-digit number has a structure (Circular 07/2016/TT-BCA, amended by 59/2021/TT-BCA):

    PPP  C  YY  NNNNNN
    │    │  │   └ random
    │    │  └ last two digits of the birth year
    │    └ century and sex: 0/1 male/female born 1900–1999, 2/3 born 2000–2099, 4/5 2100s …
    └ birth-province code (the 63 codes in use before the 2025 mergers, which kept them)

Pure functions, no I/O. Issue #4 extends this with cross-checks against printed birth dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ocr_service.vietnamese import PROVINCES

PROVINCE_CODES = frozenset(PROVINCES)

# Digits, possibly split by OCR into groups with spaces or dots ("024 085 001 234").
_CANDIDATE = re.compile(r"(?<![\d])(\d(?:[ .]?\d){8,11})(?![\d])")


@dataclass(frozen=True, slots=True)
class IdNumber:
    number: str
    kind: str  # "cccd" (12 digits) or "cmnd" (9 digits)
    start: int
    end: int

    @property
    def masked(self) -> str:
        """For logs and messages: never the full number."""
        return mask(self.number)


def mask(number: str) -> str:
    return f"{number[:3]}******{number[-3:]}" if len(number) >= 9 else "*" * len(number)


def cccd_problems(number: str) -> list[str]:
    """Why a 12-digit string is not a well-formed personal ID number (empty if it is)."""
    if len(number) != 12 or not number.isdigit():
        return ["not_12_digits"]
    problems = []
    if number[:3] not in PROVINCE_CODES:
        problems.append("unknown_province_code")
    return problems


def birth_century_and_sex(number: str) -> tuple[int, str]:
    """(first year of the birth century, "Nam"/"Nữ") from the century/sex digit."""
    digit = int(number[3])
    return 1900 + (digit // 2) * 100, ("Nam" if digit % 2 == 0 else "Nữ")


def birth_year(number: str) -> int:
    century, _sex = birth_century_and_sex(number)
    return century + int(number[4:6])


def plausible_birth_year(number: str, *, today: date | None = None) -> bool:
    year = birth_year(number)
    return 1900 <= year <= (today or date.today()).year


def find_id_numbers(text: str) -> list[IdNumber]:
    """Well-formed 12-digit personal ID numbers and 9-digit CMND numbers, in order of appearance."""
    found: list[IdNumber] = []
    for match in _CANDIDATE.finditer(text):
        digits = re.sub(r"[ .]", "", match.group(1))
        if len(digits) == 12 and not cccd_problems(digits) and plausible_birth_year(digits):
            found.append(IdNumber(digits, "cccd", match.start(1), match.end(1)))
        elif len(digits) == 9 and " " not in match.group(1) and "." not in match.group(1):
            found.append(IdNumber(digits, "cmnd", match.start(1), match.end(1)))
    return found


def id_problems(number: str, *, date_of_birth: date | None = None, sex: str | None = None,
                today: date | None = None) -> list[str]:
    """Why ``number`` cannot be trusted as this person's ID (empty if it can).

    A 12-digit number is checked for its structure (province code, century/sex digit, a birth
    year not in the future) and, when the document gives them, against the person's birth date
    (century and the two year digits) and sex. A 9-digit CMND has no structure to check.
    """
    if len(number) == 9 and number.isdigit():
        return []
    problems = cccd_problems(number)
    if problems:
        return problems
    if int(number[3]) > 5 or not plausible_birth_year(number, today=today):
        return ["implausible_birth_year"]
    if date_of_birth is not None and date_of_birth.year != birth_year(number):
        problems.append("id_birth_year_mismatch")
    if sex is not None and sex != birth_century_and_sex(number)[1]:
        problems.append("id_sex_mismatch")
    return problems


@dataclass(frozen=True, slots=True)
class QrPayload:
    """What a QR code on a document says (pure parsing; decoding the image is the caller's)."""

    kind: str  # "cccd" (a one-stop paper's code is extractors.onestop.OneStopPayload)
    id_number: str | None = None
    old_id_number: str | None = None
    full_name: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    address: str | None = None
    issue_date: date | None = None
    extra: tuple[tuple[str, str], ...] = ()


def _ddmmyyyy(text: str) -> date | None:
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None


def decode_qr_payload(text: str) -> QrPayload | None:
    """Parse the text of a chip card's QR code.

    - chip CCCD: ``id|old_id|name|ddmmyyyy(birth)|sex|address|ddmmyyyy(issue)`` (old_id may be
      empty); the ID number must be well formed.

    None when the text is not one (a one-stop paper's code is ``extractors.onestop``'s).
    """
    text = text.strip().lstrip("\ufeff")
    parts = text.split("|")
    if len(parts) >= 7 and re.fullmatch(r"\d{12}", parts[0]):
        number = parts[0]
        if cccd_problems(number):
            return None
        sex = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ"}.get(parts[4].strip().lower())
        return QrPayload(
            kind="cccd", id_number=number, old_id_number=parts[1] or None,
            full_name=parts[2].strip() or None, date_of_birth=_ddmmyyyy(parts[3]), sex=sex,
            address=parts[5].strip() or None, issue_date=_ddmmyyyy(parts[6]),
        )
    return None
