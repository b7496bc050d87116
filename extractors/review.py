"""A reviewer's corrections to a record's fields, checked the way extraction checks them.

Fields are addressed by path: ``full_name``, ``mother.full_name``, ``citizens[0].id_number``,
``recipients[2]``. What a value may be comes from the published schema (``extractors.schema``):

    date        ISO 8601 (a reviewer may type 15/03/2024 or 15-3-2024)
    id_number   9 or 12 digits (spaces and dots dropped)
    sex         Nam / Nữ
    integer     a year
    text        NFC, single spaces; names capitalized as extraction does

An empty value means "not on the paper, or unreadable": the field's value becomes None.

Saving verifies the whole record (``verify``): every ID number must pass the same checks as
extraction (``extractors.identity.id_problems``: structure, and agreement with the birth date
and sex given for the same person), otherwise the save is refused with the problems; then no
field needs review any more, and every well-formed 12-digit number is linked (``linked``) – a
person has read it, so its OCR confidence no longer matters.

Pure functions: no I/O.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from extractors.identity import id_problems
from extractors.schema import FIELDS_BY_TYPE
from extractors.text import capitalize_name, clean_spaces, fold, parse_sex
from ocr_service.domain import nfc
from ocr_service.errors import InvalidCorrection

MAX_VALUE_CHARS = 500
_PATH = re.compile(r"[a-z_]+(?:\[\d{1,4}\])?(?:\.[a-z_]+(?:\[\d{1,4}\])?)*")
_TOKEN = re.compile(r"([a-z_]+)|\[(\d+)\]")
_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class Person:
    """An ID number in the fields and what the record says beside it about the same person."""

    path: str
    id_number: Any
    full_name: str | None
    date_of_birth: str | None
    sex: str | None


def is_field(value: Any) -> bool:
    return isinstance(value, dict) and "value" in value and "needs_review" in value


def leaves(fields: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every field (a ``{value, raw, confidence, …}`` dict) with its path, in document order."""

    def walk(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if is_field(value):
            yield path, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, f"{path}[{i}]")

    yield from walk(fields, "")


def _tokens(path: str) -> list[str | int]:
    if not _PATH.fullmatch(path):
        raise ValueError(path)
    return [name if name else int(index) for name, index in _TOKEN.findall(path)]


def value_kind(doc_type: str | None, path: str) -> str | None:
    """``date``, ``id_number``, ``sex``, ``integer`` or ``text`` for a field path of this type; None if there is no such field."""
    try:
        tokens = _tokens(path)
    except ValueError:
        return None
    schema: Any = {"type": "object", "properties": FIELDS_BY_TYPE.get(doc_type or "", {})}
    for token in tokens:
        if isinstance(token, int):
            if schema.get("type") != "array":
                return None
            schema = schema["items"]
        else:
            properties = schema.get("properties") if schema.get("type") == "object" and not _is_field_schema(schema) else None
            if not properties or token not in properties:
                return None
            schema = properties[token]
    if not _is_field_schema(schema):
        return None
    value = schema["properties"]["value"]
    if value.get("format") == "date":
        return "date"
    if "pattern" in value:
        return "id_number"
    if "enum" in value:
        return "sex"
    if value.get("type") == "integer":
        return "integer"
    return "text"


def _is_field_schema(schema: dict[str, Any]) -> bool:
    return "value" in schema.get("required", ())


def normalize(kind: str, path: str, value: Any) -> tuple[Any, str | None]:
    """(the value as stored, None) or (None, a problem code) for what a reviewer typed."""
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None, "not_text"
    text = clean_spaces(nfc(str(value)))
    if not text:
        return None, None
    if len(text) > MAX_VALUE_CHARS:
        return None, "too_long"
    if kind == "date":
        return _date(text)
    if kind == "id_number":
        digits = re.sub(r"[ .]", "", text)
        return (digits, None) if digits.isdigit() and len(digits) in (9, 12) else (None, "id_length")
    if kind == "sex":
        sex = parse_sex(text)
        return (sex, None) if sex is not None and len(text) <= 3 else (None, "not_a_sex")
    if kind == "integer":
        return (int(text), None) if re.fullmatch(r"(?:19|20)\d\d", text) else (None, "not_a_year")
    if path.rsplit(".", 1)[-1].endswith("name"):
        return capitalize_name(text), None
    return text, None


def _date(text: str) -> tuple[str | None, str | None]:
    m = _ISO.fullmatch(text)
    parts = (int(m[1]), int(m[2]), int(m[3])) if m else None
    if parts is None and (m := _DMY.fullmatch(text)):
        parts = (int(m[3]), int(m[2]), int(m[1]))
    if parts is None:
        return None, "not_a_date"
    try:
        return date(*parts).isoformat(), None
    except ValueError:
        return None, "not_a_date"


def get_field(fields: dict[str, Any], path: str) -> dict[str, Any] | None:
    node: Any = fields
    for token in _tokens(path):
        if isinstance(token, int):
            node = node[token] if isinstance(node, list) and token < len(node) else None
        else:
            node = node.get(token) if isinstance(node, dict) else None
        if node is None:
            return None
    return node if is_field(node) else None


def _set_field(fields: dict[str, Any], path: str, value: Any) -> bool:
    """Set the value of the field at ``path``, creating it (and its objects) when absent; False if a list item is missing."""
    tokens = _tokens(path)
    node: Any = fields
    for token, following in zip(tokens, tokens[1:]):
        if isinstance(token, int):
            if not isinstance(node, list) or token >= len(node):
                return False
            node = node[token]
        else:
            if token not in node:
                if isinstance(following, int):
                    return False
                node[token] = {}
            node = node[token]
    key = tokens[-1]
    if isinstance(key, int) and (not isinstance(node, list) or key >= len(node)):
        return False
    current = node[key] if (isinstance(key, int) or key in node) else None
    if not is_field(current):
        current = {"value": None, "raw": "", "confidence": 100.0, "page": None, "bbox": None, "needs_review": False}
        node[key] = current
    current.update(value=value, confidence=100.0, corrected=True)
    return True


def apply_field_changes(
    fields: dict[str, Any], *, doc_type: str | None, changes: Sequence[tuple[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The fields with ``changes`` (path, typed value) applied, and what changed (old → new).

    Raises ``InvalidCorrection`` listing every path or value that is not acceptable.
    """
    new = copy.deepcopy(fields)
    problems: list[dict[str, object]] = []
    made: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path, typed in changes:
        kind = value_kind(doc_type, path)
        if path in seen:
            problems.append({"target": path, "problem": "corrected_twice"})
            continue
        seen.add(path)
        if kind is None:
            problems.append({"target": path, "problem": "no_such_field"})
            continue
        value, problem = normalize(kind, path, typed)
        if problem:
            problems.append({"target": path, "problem": problem})
            continue
        current = get_field(new, path)
        old = current["value"] if current is not None else None
        if current is not None and old == value:
            continue
        if not _set_field(new, path, value):
            problems.append({"target": path, "problem": "no_such_field"})
            continue
        made.append({"kind": "field", "target": path, "old": old, "new": value})
    if problems:
        raise InvalidCorrection("Some corrections cannot be saved: " + "; ".join(f"{p['target']}: {p['problem']}" for p in problems), details=problems)
    return new, made


def people(fields: dict[str, Any]) -> list[Person]:
    """Every ID-number field, with the name, birth date and sex the record gives beside it.

    Beside means in the same object under the same prefix: ``id_number`` with ``full_name``,
    ``date_of_birth``, ``sex``; ``household_head_id_number`` with ``household_head_name``.
    """
    found: list[Person] = []

    def value(holder: dict[str, Any], key: str) -> Any:
        item = holder.get(key)
        return item["value"] if is_field(item) else None

    def walk(node: Any, path: str) -> None:
        if is_field(node):
            return
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")
            return
        if not isinstance(node, dict):
            return
        for key, item in node.items():
            child = f"{path}.{key}" if path else key
            if key.endswith("id_number") and is_field(item):
                prefix = key[: -len("id_number")]
                found.append(Person(
                    child, item["value"], value(node, prefix + "full_name") or value(node, prefix + "name"),
                    value(node, prefix + "date_of_birth"), value(node, prefix + "sex"),
                ))
            else:
                walk(item, child)

    walk(fields, "")
    return found


def id_number_problems(person: Person) -> list[str]:
    number = person.id_number
    if number is None:
        return []
    if not isinstance(number, str) or not number.isdigit() or len(number) not in (9, 12):
        return ["id_length"]
    try:
        birth = date.fromisoformat(person.date_of_birth) if person.date_of_birth else None
    except ValueError:
        birth = None
    return id_problems(number, date_of_birth=birth, sex=person.sex)


def verify(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as a reviewer verified them: nothing left to review; or ``InvalidCorrection``
    when an ID number still fails its checks (fix the number, the birth date or the sex, or
    empty the number if the paper does not show one)."""
    problems = [{"target": p.path, "problem": problem} for p in people(fields) for problem in id_number_problems(p)]
    if problems:
        raise InvalidCorrection(
            "An ID number does not agree with the record: " + "; ".join(f"{p['target']}: {p['problem']}" for p in problems),
            details=problems,
        )
    verified = copy.deepcopy(fields)
    for _path, leaf in leaves(verified):
        leaf["needs_review"] = False
        leaf.pop("review_reasons", None)
    return verified


def linked(fields: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(ID number, full name) for every well-formed 12-digit number of verified fields."""
    found: dict[str, str | None] = {}
    for person in people(fields):
        number = person.id_number
        if isinstance(number, str) and len(number) == 12 and not id_number_problems(person):
            if found.get(number) is None:
                found[number] = person.full_name
    return list(found.items())


def name_conflicts(
    fields: dict[str, Any], citizens: Sequence[tuple[str, str | None]], elsewhere: dict[str, set[str]]
) -> list[str]:
    """Review reasons for linked ID numbers that other records link to a different name.

    One number, two people: either this record or the other one was misread (or a paper is
    wrong), and a person must look. ``elsewhere`` maps a number to the names other records give.
    """
    paths = {p.id_number: p.path for p in people(fields)}
    reasons = []
    for number, name in citizens:
        if name is None:
            continue
        others = {fold(clean_spaces(n)) for n in elsewhere.get(number, set()) if n}
        if others - {fold(clean_spaces(name))}:
            reasons.append(f"{paths.get(number, 'citizens')}: id_name_conflict")
    return reasons
