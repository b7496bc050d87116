"""Doubtful numbers re-read alone: ID numbers, dates and counts Tesseract misread in line context.

Tesseract reads a number inside a line with the line's context, which sometimes turns
"024151065786," into "024151065766," (at confidence 86) or a day "27" into "37". Read alone,
cropped from the same greyscale page and with only digits and separators allowed, the same word
is read right. So, after Tesseract and post-correction:

* **candidates** are numbers read below ``threshold`` (the extractors' ID threshold): words of
  digits with ``/ . - , : ; ( ) %`` among them and no letters, at least half digits, so ID
  numbers, dates, "5.582", "97,6%", "2019;" and "22I08/2027" (a slash read as I, l or |) but
  not "187/QĐ-UBND", whose letters the whitelist could not read;
* each is cropped with a margin and pasted twice into one strip, at its own size and at 1.5×,
  each copy on its own row with white space between; Tesseract reads the strip once (one call
  per page, none on a page without doubtful numbers), with ``WHITELIST`` characters only;
* ``decide`` takes a re-read only when both copies read the same text, of the same shape as the
  first read (same digit count, same separators in the same places, I, l or | between digits
  counting as "/"), one of them at
  ``min_confidence`` or more. The word then gets the lower copy's confidence, so a re-read
  that only one copy is sure of still goes to review. A re-read that changes digits becomes a
  ``Correction`` with rule ``digit_reread`` (the page keeps its raw text); one that agrees with
  the first read confirms it. When a copy reads something else than the first read and the
  copies are not both sure of it, the word keeps its text but its confidence is capped at
  ``DOUBTFUL_CONFIDENCE``, below every review threshold of the extractors, so a field built
  from it goes to a person instead of being accepted. A copy read as nothing says nothing.

Words are changed one for one (never split or joined), so the indexes of earlier corrections
stay valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocr_service.domain import BBox, Word
from ocr_service.pipeline.correct import Correction

# Digits, the separators of numbers and dates, and the punctuation around a number in a line.
WHITELIST = "0123456789/.-,:;()%"
# Below the extractors' lowest review threshold (ReviewPolicy.min_confidence, 90).
DOUBTFUL_CONFIDENCE = 80.0
# Digits and separators; a slash between digits may have been read as I, l or | ("22I08/2027").
_NUMBER = re.compile(r"^\(?\d(?:[\d/.\-,:;()%]|(?<=\d)[Il|](?=\d))*$")
_MISREAD_SLASH = re.compile(r"(?<=\d)[Il|](?=\d)")
# The second copy is larger: read at another size, a digit misread by chance reads differently.
_SCALES = (1.0, 1.5)
_PAD = 10


@dataclass(frozen=True, slots=True)
class Reading:
    """What the strip read for one copy of a crop (empty text when it read nothing)."""

    text: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Decision:
    """The word after its re-read; ``changed`` when its text differs from the first read."""

    word: Word
    changed: bool


def is_number(text: str) -> bool:
    """A word that is a number: digits, separators, punctuation around ("(27", "024151065786,", "97,6%").

    Letters make it something else ("187/QĐ-UBND", "số12"): those are left as read.
    """
    return _NUMBER.match(text) is not None and 2 * sum(ch.isdigit() for ch in text) >= len(text)


def shape(text: str) -> str:
    """Digits as "9", a slash misread as a letter as "/", the rest as it is: "22I08/2027" → "99/99/9999"."""
    return re.sub(r"\d", "9", _MISREAD_SLASH.sub("/", text))


def is_candidate(word: Word, *, threshold: float) -> bool:
    return 0 <= word.confidence < threshold and is_number(word.text)


def decide(word: Word, readings: Sequence[Reading], *, min_confidence: float) -> Decision:
    """The word as the re-read leaves it (see the module docstring); ``readings`` are its copies'."""
    first = word.text
    texts = {r.text for r in readings if r.text}
    if not is_number(first) or not texts:
        return Decision(word, False)  # nothing re-read: the first reading stands
    agreed = len(texts) == 1 and all(r.text for r in readings) and shape(readings[0].text) == shape(first)
    if agreed and max(r.confidence for r in readings) >= min_confidence:
        text = readings[0].text
        confidence = min(r.confidence for r in readings)
        if text == first:
            return Decision(replace(word, confidence=max(word.confidence, confidence)), False)
        return Decision(replace(word, text=text, confidence=confidence), True)
    if texts == {first}:
        return Decision(word, False)  # read the same (or once not at all), only less surely: as it was
    return Decision(replace(word, confidence=min(word.confidence, DOUBTFUL_CONFIDENCE)), False)


@dataclass(frozen=True, slots=True)
class Strip:
    """Crops pasted one per row; ``rows[i]`` is the strip's y range of copy i."""

    image: np.ndarray
    rows: tuple[tuple[int, int], ...]


def build_strip(gray: np.ndarray, boxes: Sequence[BBox], *, scales: Sequence[float] = _SCALES, pad: int = _PAD) -> Strip:
    """Each box cropped with ``pad`` pixels around it, at every scale, one copy per row."""
    height, width = gray.shape[:2]
    crops: list[np.ndarray] = []
    for box in boxes:
        crop = gray[max(box.y0 - pad, 0) : min(box.y1 + pad, height), max(box.x0 - pad, 0) : min(box.x1 + pad, width)]
        for scale in scales:
            crops.append(crop if scale == 1 else cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))
    gap = max((c.shape[0] for c in crops), default=0) // 2 + pad
    strip_w = max((c.shape[1] for c in crops), default=0) + 2 * gap
    strip_h = sum(c.shape[0] for c in crops) + gap * (len(crops) + 1)
    strip = np.full((strip_h, strip_w), 255, np.uint8)
    rows: list[tuple[int, int]] = []
    y = gap
    for crop in crops:
        h, w = crop.shape[:2]
        strip[y : y + h, gap : gap + w] = crop
        rows.append((y, y + h))
        y += h + gap
    return Strip(strip, tuple(rows))


def readings_by_row(strip: Strip, words: Sequence[Word]) -> list[Reading]:
    """The strip's words gathered by the row their centre falls in, left to right, joined."""
    found: list[list[Word]] = [[] for _ in strip.rows]
    for w in words:
        cy = (w.bbox.y0 + w.bbox.y1) / 2
        for i, (y0, y1) in enumerate(strip.rows):
            if y0 <= cy <= y1:
                found[i].append(w)
                break
    out = []
    for ws in found:
        ws.sort(key=lambda w: w.bbox.x0)
        text = "".join(w.text for w in ws)
        out.append(Reading(text, min((w.confidence for w in ws), default=0.0)))
    return out


ReadStrip = Callable[[np.ndarray], Sequence[Word]]


def reread_digits(
    words: Sequence[Word],
    gray: np.ndarray,
    read: ReadStrip,
    *,
    threshold: float = 93.0,
    min_confidence: float = 93.0,
    skip: frozenset[int] = frozenset(),
) -> tuple[tuple[Word, ...], tuple[Correction, ...]]:
    """``words`` with doubtful numbers re-read from ``gray`` by one call of ``read`` (see the module docstring).

    Words at the ``skip`` indexes are left as they are (a date post-correction rebuilt and sent
    to review stays in review).
    """
    picked = [i for i, w in enumerate(words) if i not in skip and is_candidate(w, threshold=threshold)]
    if not picked:
        return tuple(words), ()
    strip = build_strip(gray, [words[i].bbox for i in picked])
    readings = readings_by_row(strip, read(strip.image))
    per = len(_SCALES)
    out = list(words)
    corrections: list[Correction] = []
    for n, i in enumerate(picked):
        decision = decide(words[i], readings[n * per : (n + 1) * per], min_confidence=min_confidence)
        out[i] = decision.word
        if decision.changed:
            corrections.append(Correction(i, words[i].text, decision.word.text, "digit_reread"))
    return tuple(out), tuple(corrections)
