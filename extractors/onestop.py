"""The QR code of a paper issued through a one-stop system (Circular 01/2023/TT-VPCP).

A paper returned by a one-stop shop (bộ phận một cửa) may carry a QR code naming the dossier it
belongs to: dossier code, procedure code, the person's identifier, the title of the paper, the
issuing system and the time. The circular lists what the code says, not how its bytes are laid
out, and no sample of a real one is at hand; so the parser here is tolerant by design and says
what it assumes:

- a JSON object ``{"MaHoSo": "…", "MaTTHC": "…", …}`` (top-level strings and numbers only);
- ``key=value`` (or ``key: value``) pairs separated by ``&``, ``;``, ``|`` or line breaks;
- a URL whose query string holds such pairs (``https://…/tra-cuu?MaHoSo=…&MaTTHC=…``);
- a bare dossier code (``H12.22-221201-0001``), as a receipt's code often is.

Keys are matched case-insensitively with diacritics, spaces, ``_`` and ``-`` ignored, in
Vietnamese or English (``KEYS``): MaHoSo / ma_ho_so / dossier_code, MaTTHC / ma_thu_tuc /
procedure_code, MaDinhDanh / so_dinh_danh / id_number, TenGiayTo / ten_giay_to / title,
HeThong / he_thong / issuer, ThoiGian / thoi_gian / time. Other keys are ignored.

Values are checked by shape, and a value of the wrong shape is left out (as if absent):

    dossier code    ``<unit code>-YYMMDD-NNNN``: ``H12.22-221201-0001``, ``000.00.12.H12-221201-0001``
                    (the date must be a real day; 3 to 6 digits of sequence)
    procedure code  the national procedure database's ``1.001193`` or ``2.000986.000.00.00.H12``
    ID number       12 digits passing ``identity.cccd_problems``, or a 9-digit CMND
    time            ISO 8601 (``2024-03-15T09:30:00+07:00``, or a date) or ``dd/mm/yyyy[ hh:mm[:ss]]``
    title, issuer   text (NFC, single spaces, at most 300 characters)

A text is a one-stop payload only when it yields a well-formed dossier code or procedure code;
anything else (a chip card's ``id|…`` code, a web address, junk) is None.

``add_one_stop`` puts what the code says on an extraction result and checks the printed ID
number against it; ``extractors.base.extract`` calls it after the document's extractor. Pure
functions, no I/O.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from extractors.base import Person, Result
from extractors.civil import reconcile_with_qr
from extractors.common import cross_check
from extractors.identity import cccd_problems
from extractors.layout import Field
from extractors.text import clean_spaces, fold
from ocr_service.domain import nfc

MAX_PAYLOAD_CHARS = 4096
MAX_TEXT_CHARS = 300

# Public name -> keys as written (folded, lower case, without spaces, "_" or "-").
KEYS: dict[str, tuple[str, ...]] = {
    "dossier_code": ("mahoso", "dossiercode", "sohoso", "dossier"),
    "procedure_code": ("matthc", "mathutuc", "mathutuchanhchinh", "procedurecode", "procedure"),
    "id_number": ("madinhdanh", "sodinhdanh", "sodinhdanhcanhan", "idnumber", "personalid", "socccd", "cccd"),
    "title": ("tengiayto", "tenketqua", "title", "papertitle"),
    "issuer": ("hethong", "hethongcap", "issuer", "issuingsystem", "system"),
    "time": ("thoigian", "thoigiancap", "time", "issuedat", "timestamp"),
}
_FIELD_OF = {alias: name for name, aliases in KEYS.items() for alias in aliases}

DOSSIER_CODE = re.compile(r"(?P<unit>[A-Z0-9]{1,6}(?:\.[A-Z0-9]{1,6}){0,5})-(?P<day>\d{6})-(?P<seq>\d{3,6})")
PROCEDURE_CODE = re.compile(r"[12]\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?")
_DMY_TIME = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?")
_PAIR_SEPARATORS = re.compile(r"[&;|\n]")


@dataclass(frozen=True, slots=True)
class OneStopPayload:
    """What a one-stop QR code says; any part may be missing."""

    dossier_code: str | None = None
    procedure_code: str | None = None
    id_number: str | None = None
    title: str | None = None
    issuer: str | None = None
    issued_at: datetime | date | None = None


def parse_one_stop(text: str) -> OneStopPayload | None:
    """The one-stop payload in the text of a QR code, or None (see the module docstring)."""
    text = nfc(text).strip().lstrip("\ufeff").strip()
    if not text or len(text) > MAX_PAYLOAD_CHARS:
        return None
    if DOSSIER_CODE.fullmatch(text.upper()):
        return _payload({"dossier_code": [text]})
    pairs = _pairs(text)
    if pairs is None:
        return None
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        name = _FIELD_OF.get(re.sub(r"[\s_\-.]", "", fold(key)))
        if name is not None:
            values.setdefault(name, []).append(value)
    return _payload(values)


def _pairs(text: str) -> list[tuple[str, str]] | None:
    """(key, value) pairs of a JSON object, a URL's query string or a key=value text."""
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than a payload is
            return None
        if not isinstance(data, dict):
            return None
        return [(str(k), str(v)) for k, v in data.items()
                if isinstance(v, (str, int)) and not isinstance(v, bool)]
    if re.match(r"https?://", text, re.IGNORECASE):
        try:
            parts = urlsplit(text)
        except ValueError:  # a malformed address ("http://[…")
            return None
        query = "&".join(p for p in (parts.query, parts.fragment) if p)
        return parse_qsl(query, keep_blank_values=False)
    pairs = []
    for item in _PAIR_SEPARATORS.split(text):
        m = re.match(r"\s*(?P<key>[^=:]{1,40}?)\s*[=:]\s*(?P<value>.*)", item)
        if m:
            pairs.append((m["key"], m["value"]))
    return pairs


def _payload(values: dict[str, list[str]]) -> OneStopPayload | None:
    checks = {"dossier_code": dossier_code, "procedure_code": procedure_code, "id_number": _id_number,
              "title": _text, "issuer": _text, "time": _time}
    found: dict[str, object] = {}
    for name, check in checks.items():
        # A key given twice with different values says nothing for sure: left out.
        checked = {check(v) for v in values.get(name, ())}
        if len(checked) == 1 and None not in checked:
            found[name] = checked.pop()
    if "dossier_code" not in found and "procedure_code" not in found:
        return None
    issued_at = found.pop("time", None)
    return OneStopPayload(issued_at=issued_at, **found)  # type: ignore[arg-type]


def dossier_code(value: str) -> str | None:
    """A dossier code (``H12.22-221201-0001``) in upper case, or None when it is not one."""
    code = value.strip().upper()
    m = DOSSIER_CODE.fullmatch(code)
    if m is None:
        return None
    day = m["day"]
    try:
        date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
    except ValueError:
        return None
    return code


def procedure_code(value: str) -> str | None:
    code = value.strip().upper()
    return code if PROCEDURE_CODE.fullmatch(code) else None


def _id_number(value: str) -> str | None:
    digits = re.sub(r"[ .]", "", value.strip())
    if len(digits) == 9 and digits.isdigit():
        return digits
    return digits if not cccd_problems(digits) else None


def _text(value: str) -> str | None:
    text = clean_spaces(nfc(value))
    return text if text and len(text) <= MAX_TEXT_CHARS else None


def _time(value: str) -> datetime | date | None:
    value = value.strip()
    m = _DMY_TIME.fullmatch(value)
    try:
        if m is not None:
            day = (int(m["y"]), int(m["m"]), int(m["d"]))
            if m["H"] is None:
                return date(*day)
            return datetime(*day, int(m["H"]), int(m["M"]), int(m["S"] or 0))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?", value):
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return None


# --- the code on a document: fields and a cross-check ------------------------------------------

def one_stop_code(codes: tuple[tuple[int, str], ...]) -> tuple[int, str, OneStopPayload] | None:
    """The first one-stop QR code among the codes decoded on the pages: (page, text, payload)."""
    for page, text in codes:
        payload = parse_one_stop(text)
        if payload is not None:
            return page, text, payload
    return None


def add_one_stop(result: Result, codes: tuple[tuple[int, str], ...]) -> Result:
    """``result`` with the one-stop QR code's fields, its ID number checked against the printed one.

    Adds ``qr_payload`` (the code's text), ``dossier_code`` and ``procedure_code`` (confidence
    100: a QR code carries error correction; no box, the code is not text). A chip card's own code
    is read by its extractor, so the card is left alone.

    When the code names an ID number, the printed number of the person the paper is for (the
    record's ``id_number``, or else one of its ``citizens``) is checked against it as the card's
    fields are (``civil.reconcile_with_qr``): the same number is confirmed; a number one digit off
    is the QR's misread and corrected (``raw`` keeps the misreading); a different one, when the
    paper names one person only, is flagged ``qr_mismatch``. The QR's number is never filled in
    where nothing was printed, so it links a citizen only when the paper names it too; a
    corrected or confirmed number is then checked against the birth date and sex printed beside
    it again.
    """
    if result.doc_type == "id_card_front":
        return result
    found = one_stop_code(codes)
    if found is None:
        return result
    page, text, qr = found
    fields = dict(result.fields)
    fields["qr_payload"] = Field(text, text, 100.0, page, None)
    for key, value in (("dossier_code", qr.dossier_code), ("procedure_code", qr.procedure_code)):
        if value is not None:
            fields[key] = Field(value, "", 100.0, page, None)
    people = result.people
    if qr.id_number is not None:
        changed = _check_id(fields, people, qr.id_number, page)
        fields = _replaced(fields, changed)
        people = tuple(Person(*(changed.get(id(f), f) for f in (p.id_number, p.full_name, p.date_of_birth, p.sex)))
                       for p in people)
    return Result(result.doc_type, fields, people, result.required)


def _check_id(fields: dict[str, Any], people: tuple[Person, ...], number: str, page: int) -> dict[int, Field | None]:
    """Replacements (by ``id`` of the old field) for the printed ID numbers the QR's ``number`` checks."""
    own = fields.get("id_number")
    if isinstance(own, Field):
        printed = [own]
    else:
        printed = [c["id_number"] for c in fields.get("citizens") or () if isinstance(c.get("id_number"), Field)]
    printed = [f for f in printed if f.value is not None]
    checked = [(f, reconcile_with_qr(f, number, page, fill=False)) for f in printed]
    same = [(f, g) for f, g in checked if f.value == number]
    corrected = [(f, g) for f, g in checked if f.value != number and g is not None and g.value == number]
    if same:
        chosen = same
    elif len(corrected) == 1:
        chosen = corrected
    elif len(checked) == 1:
        chosen = checked  # the one person the paper names is not the QR's: flagged qr_mismatch
    else:
        chosen = []
    changed: dict[int, Field | None] = {}
    for old, new in chosen:
        person = next((p for p in people if p.id_number is old), Person(old))
        new, dob, sex = cross_check(new, dob=person.date_of_birth, sex=person.sex)
        changed[id(old)] = new
        for before, after in ((person.date_of_birth, dob), (person.sex, sex)):
            if before is not None:
                changed[id(before)] = after
    return changed


def _replaced(value: Any, changed: dict[int, Field | None]) -> Any:
    if isinstance(value, Field):
        return changed.get(id(value), value)
    if isinstance(value, dict):
        return {k: _replaced(v, changed) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, changed) for v in value]
    return value
