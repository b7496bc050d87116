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

PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 "
    "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 "
    "083 084 086 087 089 091 092 093 094 095 096".split()
)

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
