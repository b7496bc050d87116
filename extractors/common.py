"""Building blocks the per-type extractors share: read a labelled value of a given kind.

A *kind* is a small pure function ``(text) -> (value, start, end) | None`` that finds its value
at the start of a window of text (a name, a date, an ID number, a sex, free text); ``read``
ties it to a label found in the layout and returns a ``Field`` with the provenance of exactly
the characters the value was read from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from extractors.gazetteer import names_unknown_province, normalize_place
from extractors.identity import id_problems
from extractors.layout import Field, Layout
from extractors.text import (
    NAME_WORD,
    capitalize_name,
    clean_spaces,
    find_dates,
    fold,
    label_pattern,
    name_problems,
    repair_surname,
    parse_sex,
)

Kind = Callable[[str], "tuple[Any, int, int, tuple[str, ...]] | None"]

# --- kinds: (value, start, end, problems) at the start of a window ----------------------

_NAME_TOKEN = re.compile(r"\S+")
_BROKEN_WORD = re.compile(r"[^\W\d_][^\w\s]+[^\W\d_]")


def kind_name(text: str, *, upper_only: bool = False) -> tuple[Any, int, int, tuple[str, ...]] | None:
    """The first run of two to six letter-only words (junk before it skipped), capitalized."""
    words = list(_NAME_TOKEN.finditer(text))
    run: list[re.Match[str]] = []
    maybe_cut = False
    for m in words:
        token = m.group().strip(".,;:")
        ok = bool(NAME_WORD.fullmatch(token)) and (not upper_only or token.isupper()) and (
            token[:1].isupper())
        if ok:
            run.append(m)
            if len(run) == 6:
                break
        elif run:
            # A word broken by junk right after the name ("NGỌC DI}P") is likely its last word.
            maybe_cut = maybe_cut or bool(_BROKEN_WORD.search(token))
            break
        elif m.start() > 12:  # only a little junk may precede the name
            return None
        else:
            maybe_cut = maybe_cut or sum(ch.isalpha() for ch in token) >= 2
    if len(run) < 2:
        return None
    start, end = run[0].start(), run[-1].end()
    raw = text[start:end].rstrip(".,;:")
    value = capitalize_name(raw)
    problems = tuple(name_problems(value))
    if maybe_cut:
        # Letters just before the name that do not read as a name word ("-Đỉnh Kim Thơm", a
        # signature across the surname), or a word broken by junk just after it, may be the
        # name's own first or last word: a person checks.
        problems += ("name_may_be_cut",)
    if "name_unknown_surname" in problems:
        value = repair_surname(value)  # still flagged: a suggestion for the reviewer
    return value, start, start + len(raw), problems


def kind_date(text: str) -> tuple[Any, int, int, tuple[str, ...]] | None:
    dates = find_dates(text)
    if not dates or dates[0].start > 12:
        return None
    d = dates[0]
    return d.value.isoformat(), d.start, d.end, ()


_DIGIT_RUN = re.compile(r"(?<![\d])(?P<digits>\d(?:[ .]?\d){8,13})(?![\d])")


def kind_id(text: str) -> tuple[Any, int, int, tuple[str, ...]] | None:
    m = _DIGIT_RUN.search(text)
    if m and m.start() <= 12:
        digits = re.sub(r"\D", "", m["digits"])
        problems: tuple[str, ...] = ()
        if len(digits) not in (9, 12):
            problems = ("id_length",)
        else:
            problems = tuple(id_problems(digits))
        return digits, m.start(), m.end(), problems
    # The printed digit boxes of CT01: "|0|2|4|1|5|2|5|7|4|8|0|2|" (a rule read as "|", "[", "I"…).
    boxed = re.match(r"\s{0,3}[|\[({lI!]?(?P<cells>(?:[0-9oOQ][|\[\]{}()lI!]\s?){8,11}[0-9oOQ])[|\])}lI!']?", text)
    if boxed:
        cells = re.sub(r"[|\[\]{}()lI!\s]", "", boxed["cells"])
        digits = cells.translate(str.maketrans("oOQ", "000"))
        if len(digits) in (9, 12):
            problems = tuple(id_problems(digits)) + (("id_boxed_digit_guessed",) if digits != cells else ())
            return digits, boxed.start("cells"), boxed.end("cells"), problems
    # Something is written there but is not a clean run of digits (digit boxes read badly).
    junk = re.search(r"\S(?:.{0,40}\S)?", text)
    if junk and sum(c.isdigit() for c in junk.group()) >= 6:
        return re.sub(r"\D", "", junk.group()), junk.start(), junk.end(), ("id_unreadable",)
    return None


def kind_sex(text: str) -> tuple[Any, int, int, tuple[str, ...]] | None:
    m = re.search(r"\S+", text)
    if not m or m.start() > 6:
        return None
    sex = parse_sex(m.group().strip(".,;:"))
    if sex is None:
        return None
    return sex, m.start(), m.end(), ()


def kind_text(text: str) -> tuple[Any, int, int, tuple[str, ...]] | None:
    """Free text: the window, trimmed of punctuation and OCR junk at either end."""
    m = re.search(r"[0-9A-Za-zÀ-ỹĐđ](?:.*[0-9A-Za-zÀ-ỹĐđ)])?", text, re.DOTALL)
    if not m:
        return None
    value = clean_spaces(m.group())
    problems = ("junk_characters",) if re.search(r"[|{}\[\]<>~_¬\\]", value) else ()
    return value, m.start(), m.end(), problems


def kind_place(text: str) -> tuple[Any, int, int, tuple[str, ...]] | None:
    """An address: free text with its kinds of place and known unit names respelled
    (``extractors.gazetteer.normalize_place``); the raw text keeps what was read."""
    found = kind_text(text)
    if found is None:
        return None
    value, start, end, problems = found
    value = normalize_place(value)
    if names_unknown_province(value):
        problems += ("unknown_province",)
    return value, start, end, problems


def kind_year(text: str) -> tuple[Any, int, int, tuple[str, ...]] | None:
    m = re.search(r"(?<!\d)(?P<year>(?:19|20)\d\d)(?!\d)", text)
    if not m or m.start() > 8:
        return None
    return int(m["year"]), m.start(), m.end(), ()


def kind_words(text: str) -> tuple[Any, int, int, tuple[str, ...]] | None:
    """A short value of letters only (ethnicity, nationality, relation): up to four words."""
    m = re.search(r"[A-Za-zÀ-ỹĐđ]+(?:[ ][A-Za-zÀ-ỹĐđ]+){0,3}", text)
    if not m or m.start() > 6:
        return None
    return m.group(), m.start(), m.end(), ()


# --- reading a labelled value -----------------------------------------------------------


@dataclass(frozen=True)
class Label:
    key: str
    pattern: re.Pattern[str]

    @classmethod
    def raw(cls, key: str, pattern: str) -> "Label":
        return cls(key, re.compile(pattern))

    @classmethod
    def of(cls, key: str, *texts: str) -> "Label":
        return cls(key, re.compile("|".join(f"(?:{label_pattern(t)})" for t in texts)))


def stop_pattern(labels: list[Label] | tuple[Label, ...]) -> re.Pattern[str]:
    return re.compile("|".join(lab.pattern.pattern for lab in labels))


def read(layout: Layout, label: Label, kind: Kind, *, stop: re.Pattern[str] | None = None,
         max_segments: int = 1, start: int = 0, end: int | None = None,
         next_segment: bool = False) -> Field | None:
    """The value of ``kind`` right after ``label`` (first occurrence at or after ``start``).

    The window runs to the end of the label's segment (``max_segments`` segments on for values
    that wrap), cut at the next label (``stop``). With ``next_segment`` the value may also be
    on the following segment (the card puts names under their labels).
    """
    m = layout.find(label.pattern, start, end)
    if not m:
        return None
    w0, w1 = layout.window(m.end(), stop=stop, max_segments=max_segments)
    if next_segment and not re.search(r"[0-9A-Za-zÀ-ỹĐđ]{2}", layout.text[w0:w1]):
        below = layout.aligned_below(layout.segment_at(m.end()))
        if below:
            w0, w1 = layout.window(layout.starts[below[0]], stop=stop, max_segments=1)
    found = kind(layout.text[w0:w1])
    if found is None:
        return None
    value, s, e, problems = found
    return layout.field(w0 + s, w0 + e, value, *problems)


def read_wrapped(layout: Layout, label: Label, kind: Kind, *, stop: re.Pattern[str] | None = None,
                 start: int = 0, end: int | None = None, lines: int = 2) -> Field | None:
    """A value that may wrap onto the lines aligned under its first line (card layouts)."""
    first = read(layout, label, kind, stop=stop, start=start, end=end, next_segment=True)
    if first is None:
        return None
    seg = layout.segment_at(_offset_of(layout, first))
    parts, texts = [first], [str(first.value)]
    for j in layout.aligned_below(seg)[: lines - 1]:
        text = layout.segments[j].text
        if stop is not None and stop.search(fold(text)):
            break
        found = kind(text)
        if found is None:
            break
        value, s0, e0, problems = found
        parts.append(layout.field(layout.starts[j] + s0, layout.starts[j] + e0, value, *problems))
        texts.append(str(value))
        seg = j
    return parts[0] if len(parts) == 1 else Field.merge(parts, " ".join(texts))


def _offset_of(layout: Layout, f: Field) -> int:
    """The segment a field was read from (by its box)."""
    for i, seg in enumerate(layout.segments):
        b = seg.bbox
        if f.bbox and seg.page == f.page and b.x0 <= f.bbox[0] + 1 and f.bbox[2] <= b.x1 + 1 and b.y0 <= f.bbox[1] + 1 and f.bbox[3] <= b.y1 + 1:
            return layout.starts[i]
    return 0


def check_person(id_field: Field | None, *, dob: Field | None = None, sex: Field | None = None) -> Field | None:
    """Flag an ID field whose number disagrees with the birth date or sex printed beside it."""
    if id_field is None or not isinstance(id_field.value, str) or len(id_field.value) != 12:
        return id_field
    if {"id_unreadable", "id_length"} & set(id_field.reasons):
        return id_field  # a number not read cleanly says nothing about the birth date
    birth = date.fromisoformat(dob.value) if dob is not None and isinstance(dob.value, str) else None
    problems = id_problems(id_field.value, date_of_birth=birth, sex=sex.value if sex is not None else None)
    return id_field.flagged(*problems)


def cross_check(id_field: Field | None, *, dob: Field | None = None,
                sex: Field | None = None) -> tuple[Field | None, Field | None, Field | None]:
    """ID number, birth date and sex of one person checked against each other.

    When they disagree one of them is misread and there is no telling which: all the fields
    involved are flagged.
    """
    checked = check_person(id_field, dob=dob, sex=sex)
    if checked is None:
        return None, dob, sex
    if "id_birth_year_mismatch" in checked.reasons and dob is not None:
        dob = dob.flagged("id_birth_year_mismatch")
    if "id_sex_mismatch" in checked.reasons and sex is not None:
        sex = sex.flagged("id_sex_mismatch")
    return checked, dob, sex


def folded_has(layout: Layout, *phrases: str, head: int | None = None) -> bool:
    """Whether any phrase occurs (folded) in the text, or in its first ``head`` segments."""
    text = layout.folded if head is None else fold(" ".join(s.text for s in layout.segments[:head]))
    text = re.sub(r"\s", "", text)  # OCR often drops or adds a space ("KHAISINH")
    return any(re.sub(r"\s", "", fold(p)) in text for p in phrases)
