"""Vietnamese-aware post-correction of OCR words, every change traceable.

Language rules run on letters only: no digit of a token (an ID number, a date, a document
number) is ever changed. Each rule changes a token only when the result is certain by the
orthography (``ocr_service.vietnamese``) or the shape of a date, not by guessing which word was
meant:

* ``split_syllables``: a token that is not a Vietnamese syllable but is exactly one run of
  syllables ("PHẠMXUÂNCHIẾN": a table cell whose spaces Tesseract lost) becomes those syllables,
  each with its share of the box. It must carry a Vietnamese mark, so English on a bilingual card
  ("Identity") is left alone. Where the orthography allows a few equally short splits ("Họchữđệm":
  "Họ chữ đệm" or "Học hữ đệm"), the syllable model, when given, picks one only if it is
  ``SPLIT_MARGIN`` times likelier than the next, and the words' confidence is capped below the
  review threshold (a choice, not a certainty).
* ``space_after_punctuation``: "Họ,chữ" becomes "Họ," "chữ" when both sides are syllables.
* ``doubled_vowel``: a marked vowel Tesseract also read bare beside it ("YÊEN", "PHAẠM") keeps only
  the marked one when that makes a syllable ("YÊN", "PHẠM").
* ``label_slash``: a bilingual label's slash read without its spaces, "tính/Sex:" or "Số/", becomes
  "tính" "/" "Sex:" when a Vietnamese syllable meets an English word (capitalized, no syllable),
  and "/Sex:" becomes "/" "Sex:"; a label's first word is capitalized ("số/" at a line's start was
  "Số /"). "Nam/Nữ" and "và/hoặc" are Vietnamese on both sides and stay.
* ``label_word``: on a bilingual label's line (one with a slash or an English label word: a CCCD's
  "Họ và tên / Full name"; or two near misses of label words: its motto's English line), an English label word read with a letter or two wrong ("Freodom",
  "Nationanty", "Ptace", "Dete") is that word when it is the only one of ``LABEL_WORDS`` within a
  quarter of its letters' edits (a Vietnamese mark on it, "Piạce", "ơf", costing none) and the
  token is no Vietnamese syllable. Elsewhere a name's "DAT" (Đạt without its marks) must not
  become "DATE". The closed list is what the papers print.
* ``stray_marks``: spacing accents and underscores (ˆ ˜ ` ´ ¨ _), which Vietnamese never writes
  (its marks combine with a letter), are the remains of erased rulings and specks: dropped.
* ``ruling_remnant``: a token of nothing but dashes, bars and tildes ("————", "|", "=—=") is what is
  left of a table border the ruling removal could not erase on a noisy scan: dropped (a single
  hyphen, which Vietnamese text uses, stays).
* ``digit_boxes``: digits read apart from a form's digit boxes ("0 2 7 301065697"), single-digit
  words next to each other on one line that together make exactly 9 or 12 digits, joined into
  one number. No digit changes, only the spaces between them.
* ``date_separator``: "22I08I1987" (slashes read as the letters I, l or |) becomes "22/08/1987";
  the digits stay as read, and the word's confidence is capped below the extractors' review
  threshold, so a date rebuilt this way is checked by a person before it is accepted.

A correction records the word's index in the corrected words, the raw and the corrected text and
the rule; the page keeps its raw text beside the corrected one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ocr_service.domain import BBox, Word
from ocr_service.language import BOUNDARY, Model, old_style
from ocr_service.vietnamese import has_vietnamese_marks, is_syllable, syllable_splits

_EDGES = re.compile(r"^(?P<lead>[^\w]*)(?P<core>.*?)(?P<trail>[^\w]*)$", re.DOTALL)
_MISREAD_SLASHES = re.compile(r"^(?P<lead>[^\w]*)(?P<d>\d{1,2})[Il|](?P<m>\d{1,2})[Il|](?P<y>\d{4})(?P<trail>[^\w]*)$")
REBUILT_CONFIDENCE = 80.0
SPLIT_MARGIN = math.log(8.0)
_INNER_PUNCT = re.compile(r"^(?P<left>[^\W\d_]+)(?P<punct>[,;:.])(?P<right>[^\W\d_]+)$")
_LABEL_SLASH = re.compile(r"^(?P<left>[^\W\d_]+)/(?P<right>[^\W\d_]+)$")


@dataclass(frozen=True, slots=True)
class Correction:
    """``words[index : index + len(corrected.split())]`` of the corrected page came from ``raw``."""

    index: int
    raw: str
    corrected: str
    rule: str

    def as_dict(self) -> dict[str, object]:
        return {"index": self.index, "raw": self.raw, "corrected": self.corrected, "rule": self.rule}


_STRAY = "ˆ˜`´¨¸¯˘˙_"
_REMNANT = re.compile(r"^(?:[—–\-=~¬|_]{2,}|\|)$")


def correct_words(words: Sequence[Word], model: Model | None = None) -> tuple[tuple[Word, ...], tuple[Correction, ...]]:
    """The corrected words and what was changed (indexes into the corrected words); ``model``
    breaks ties between splits of a run of syllables."""
    out: list[Word] = []
    corrections: list[Correction] = []
    bilingual = _bilingual_lines(words)
    i = 0
    while i < len(words):
        run = _digit_box_run(words, i)
        if run:
            joined = _join(words[i : i + run])
            corrections.append(Correction(len(out), " ".join(w.text for w in words[i : i + run]), joined.text, "digit_boxes"))
            out.append(joined)
            i += run
            continue
        word = words[i]
        i += 1
        if _REMNANT.match(word.text):
            corrections.append(Correction(len(out), word.text, "", "ruling_remnant"))
            continue
        if any(ch in _STRAY for ch in word.text):
            stripped = "".join(ch for ch in word.text if ch not in _STRAY)
            corrections.append(Correction(len(out), word.text, stripped, "stray_marks"))
            if not stripped:
                continue
            word = replace(word, text=stripped)
        date = _MISREAD_SLASHES.match(word.text)
        if date:
            fixed = f"{date['lead']}{date['d']}/{date['m']}/{date['y']}{date['trail']}"
            corrections.append(Correction(len(out), word.text, fixed, "date_separator"))
            out.append(replace(word, text=fixed, confidence=min(word.confidence, REBUILT_CONFIDENCE)))
            continue
        parts, rule, sure = _correct_token(word.text, model, (word.block, word.line) in bilingual)
        if rule is None:
            out.append(word)
            continue
        if rule == "label_slash" and parts[0] != "/" and _starts_line(words, i - 1) and parts[0][:1].islower():
            parts = (parts[0][:1].upper() + parts[0][1:], *parts[1:])  # a label starts with a capital: "số/" was "Số /"
        if not sure:
            word = replace(word, confidence=min(word.confidence, REBUILT_CONFIDENCE))
        corrections.append(Correction(index=len(out), raw=word.text, corrected=" ".join(parts), rule=rule))
        out.extend(_divide(word, parts))
    return tuple(out), tuple(corrections)


def _starts_line(words: Sequence[Word], i: int) -> bool:
    return i == 0 or (words[i - 1].block, words[i - 1].line) != (words[i].block, words[i].line)


def _digit_box_run(words: Sequence[Word], start: int) -> int:
    """How many words from ``start`` are one boxed number read apart (0 when they are not)."""
    end = start
    while end + 1 < len(words) and _boxed_neighbours(words[end], words[end + 1]):
        end += 1
    run = words[start : end + 1]
    digits = sum(len(w.text) for w in run)
    return len(run) if len(run) >= 2 and any(len(w.text) == 1 for w in run) and digits in (9, 12) else 0


def _join(run: Sequence[Word]) -> Word:
    box = BBox(run[0].bbox.x0, min(w.bbox.y0 for w in run), run[-1].bbox.x1, max(w.bbox.y1 for w in run))
    return replace(run[0], text="".join(w.text for w in run), bbox=box, confidence=min(w.confidence for w in run))


def _boxed_neighbours(a: Word, b: Word) -> bool:
    if not (a.text.isdigit() and b.text.isdigit()) or (a.block, a.line) != (b.block, b.line):
        return False
    height = max(a.bbox.height, b.bbox.height, 1)
    return -0.3 * height <= b.bbox.x0 - a.bbox.x1 <= 1.5 * height  # boxes of a faint box's digit may overlap by a stroke


def _bilingual_lines(words: Sequence[Word]) -> frozenset[tuple[int, int]]:
    """The lines holding a slash or an English label word as read, or two near misses of label
    words of six letters or more (the motto's English line, "Indcpendence - Froedom - Happincss",
    has no slash; a name's "DAT" is too short to count)."""
    lines = {(w.block, w.line) for w in words if "/" in w.text or w.text.strip(".,:;").lower() in LABEL_WORDS}
    misses: dict[tuple[int, int], int] = {}
    for w in words:
        core = w.text.strip(".,:;-")
        if len(core) >= 6 and core.isalpha() and _label_word(core) is not None:
            misses[(w.block, w.line)] = misses.get((w.block, w.line), 0) + 1
    return frozenset(lines | {line for line, count in misses.items() if count >= 2})


def _correct_token(text: str, model: Model | None, bilingual: bool = False) -> tuple[tuple[str, ...], str | None, bool]:
    """The token's parts, the rule that made them (None: left as read), and whether the
    orthography alone decided (False: the syllable model chose among splits). English label
    words are only looked for on a ``bilingual`` line."""
    if any(ch.isdigit() for ch in text):
        return (text,), None, True
    edges = _EDGES.match(text)
    if edges is None or not edges["core"]:
        return (text,), None, True
    lead, core, trail = edges["lead"], edges["core"], edges["trail"]
    inner = _INNER_PUNCT.match(core)
    if inner and is_syllable(inner["left"]) and is_syllable(inner["right"]):
        return (lead + inner["left"] + inner["punct"], inner["right"] + trail), "space_after_punctuation", True
    label = _LABEL_SLASH.match(core)
    if label and is_syllable(label["left"]) and not is_syllable(label["right"]) and label["right"][0].isupper():
        return (lead + label["left"], "/", label["right"] + trail), "label_slash", True
    if trail == "/" and is_syllable(core):
        return (lead + core, "/"), "label_slash", True
    if lead == "/" and core[:1].isupper() and not is_syllable(core):
        return ("/", core + trail), "label_slash", True
    if bilingual and core.isalpha():
        label = _label_word(core)
        if label is not None:
            return (lead + label + trail,), "label_word", True
    if has_vietnamese_marks(core) and not is_syllable(core):
        single = _undoubled(core)
        if single is not None:
            return (lead + single + trail,), "doubled_vowel", True
    if has_vietnamese_marks(core):
        splits = syllable_splits(core)
        chosen = splits[0] if len(splits) == 1 else _likeliest(splits, model)
        if chosen:
            parts = list(chosen)
            parts[0], parts[-1] = lead + parts[0], parts[-1] + trail
            return tuple(parts), "split_syllables", len(splits) == 1
    return (text,), None, True


# The English words printed on Vietnamese bilingual identity papers (the 2016/2021 CCCD, the 2024
# căn cước card, the CMND's successor) and their national motto, three letters or more.
LABEL_WORDS = frozenset("""
socialist republic viet nam independence freedom happiness citizen identity card full name date
birth sex nationality place origin residence expiry valid until personal identification number
issue ethnicity religion permanent address
""".split())


# Label words too short for a near miss to be told apart, taken only when read with a mark English
# never carries ("ơf": "of", the "Place of origin" and "Date of birth" labels' commonest misread).
SHORT_LABEL_WORDS = frozenset({"of"})


def _label_word(core: str) -> str | None:
    """The one label word ``core`` is a near miss of, spelled in ``core``'s case; None otherwise.

    English label words carry no Vietnamese mark, so a mark on one ("Piạce", "Fưil", "ơf") is a
    misread of its own and costs no edit: letters are compared without their marks.
    """
    lower = core.lower()
    if lower in LABEL_WORDS or is_syllable(core):
        return None
    plain = "".join(_bare(ch) for ch in lower).replace("đ", "d")
    if plain != lower and (plain in LABEL_WORDS or plain in SHORT_LABEL_WORDS):
        return _in_case_of(core, plain)
    if len(core) < 3:
        return None
    budget = max(1, len(core) // 4)
    near = [w for w in LABEL_WORDS if abs(len(w) - len(plain)) <= budget and _edits(plain, w) <= budget]
    return _in_case_of(core, near[0]) if len(near) == 1 else None


def _in_case_of(core: str, word: str) -> str:
    return word.upper() if core.isupper() and len(core) > 1 else word.capitalize() if core[0].isupper() else word


def _edits(a: str, b: str) -> int:
    """Levenshtein distance."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _undoubled(core: str) -> str | None:
    """The syllable a token becomes when a marked vowel read twice, once bare and once with its
    mark ("YÊEN", "PHAẠM"), keeps only the marked one; None when no such pair makes a syllable."""
    for i in range(len(core) - 1):
        a, b = core[i], core[i + 1]
        if a == b or _bare(a) != _bare(b):
            continue
        marked = a if _bare(b) == b else b if _bare(a) == a else None
        if marked is None:
            continue
        candidate = core[:i] + marked + core[i + 2 :]
        if is_syllable(candidate):
            return candidate
    return None


def _bare(letter: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", letter) if not unicodedata.combining(ch))


def _likeliest(splits: Sequence[tuple[str, ...]], model: Model | None) -> tuple[str, ...] | None:
    """The split the syllable model finds ``SPLIT_MARGIN`` likelier than any other, if one is."""
    if model is None or len(splits) < 2:
        return None

    def logp(split: tuple[str, ...]) -> float:
        sequence = [BOUNDARY, *(old_style(s.lower()) for s in split), BOUNDARY]
        return sum(model.logp(b, a) for a, b in zip(sequence, sequence[1:]))

    ranked = sorted(splits, key=logp, reverse=True)
    return ranked[0] if logp(ranked[0]) - logp(ranked[1]) >= SPLIT_MARGIN else None


def _divide(word: Word, parts: Sequence[str]) -> list[Word]:
    """Boxes for the parts of a word: its width shared by character count, a space between them."""
    box = word.bbox
    units = sum(len(p) for p in parts) + (len(parts) - 1)
    unit = box.width / units if units else 0
    out, x = [], float(box.x0)
    for part in parts:
        x1 = x + unit * len(part)
        out.append(replace(word, text=part, bbox=BBox(round(x), box.y0, max(round(x1), round(x) + 1), box.y1)))
        x = x1 + unit
    return out
