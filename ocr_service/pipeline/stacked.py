"""A column of item numbers Tesseract read as one vertical line, read again line by line.

On a form whose fields are numbered down the left margin ("1.", "2.", "4.", ... one under the
other), Tesseract's page layout (psm 3) can take the column of numbers for a line of vertical
text (``textangle 90`` in its hOCR) and read it top to bottom as junk ("m", "bà", "Ơi", "¬i" at
confidence 2-78), leaving only the full stops on their lines (". Họ, chữ đệm và tên:"). No
parameter turns this off. So such a line (a column of words one under the other, or one tall
word, at least three lines of print tall) is found by its words' boxes; each line of print in
the column is cropped with the line's first word beside it, and all crops are read side by side
in one extra Tesseract call; the number each starts with replaces the junk and the lone full
stop where the numbers read surer. Otherwise the first reading stands.

Pure apart from ``read`` (the Tesseract call), which the caller passes in.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import median

import cv2
import numpy as np

from ocr_service.domain import BBox, Word

MIN_STACKED = 3
# An item number at the start of what a crop reads: "2." of "2.Ngày," (Tesseract often joins
# the two on a short line).
_NUMBER = re.compile(r"(?P<number>\d{1,3}[.)]?)(?!\d)")


@dataclass(frozen=True, slots=True)
class _Row:
    """One line of print across the column: ``crop`` what is read (the number and the line's
    first word beside the column), ``number`` the column's part of it."""

    crop: BBox
    number: BBox


def stacked_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Tesseract's lines that run down the page, their words top to bottom: lines whose box is
    at least ``MIN_STACKED`` times the page's median word height tall and twice as tall as it
    is wide. The column comes as words one under the other, or as one tall word ("©e@6mwmÐ");
    a horizontal line is one word tall."""
    if not words:
        return []
    glyph = median(w.bbox.height for w in words)
    by_line: dict[int, list[Word]] = defaultdict(list)
    for word in words:
        by_line[word.line].append(word)
    stacks = []
    for line in by_line.values():
        x0, y0 = min(w.bbox.x0 for w in line), min(w.bbox.y0 for w in line)
        x1, y1 = max(w.bbox.x1 for w in line), max(w.bbox.y1 for w in line)
        if y1 - y0 >= MIN_STACKED * glyph and y1 - y0 >= 2 * (x1 - x0):
            stacks.append(sorted(line, key=lambda w: w.bbox.y0))
    return stacks


def _rows(stack: list[Word], words: Sequence[Word], gray: np.ndarray, height: float) -> list[_Row]:
    """The column's lines of print.

    The column spans the stacked words' boxes and a quarter of a word's height around them, up
    to the first word that starts to its right; its lines are the runs of rows that hold ink
    (Otsu on the column), at least a third of a word's height tall (a vertical line's words do
    not follow the lines of print: one may cover two numbers). Each line's crop takes the line's
    first word beside the column too: Tesseract reads "2. Ngày," surely where it reads "2." alone
    as "Sệ" or "3.".
    """
    pad = max(2, round(height / 4))
    x0 = max(0, min(w.bbox.x0 for w in stack) - pad)
    y0 = max(0, min(w.bbox.y0 for w in stack) - pad)
    y1 = min(gray.shape[0], max(w.bbox.y1 for w in stack) + pad)
    right = max(w.bbox.x1 for w in stack)
    members = {id(w) for w in stack}
    others = [w for w in words if id(w) not in members]
    beside = [w.bbox.x0 for w in others if w.bbox.x0 >= right and w.bbox.y0 < y1 and y0 < w.bbox.y1]
    x1 = min([gray.shape[1], right + pad, *(x - 2 for x in beside)])
    if x1 - x0 < 2 or y1 - y0 < 2:
        return []
    _, ink = cv2.threshold(gray[y0:y1, x0:x1], 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    lines = np.flatnonzero(ink.any(axis=1))
    rows = []
    for run in np.split(lines, np.flatnonzero(np.diff(lines) > 1) + 1) if lines.size else []:
        if run[-1] - run[0] + 1 < height / 3:
            continue
        top, bottom = y0 + int(run[0]), y0 + int(run[-1]) + 1
        first = min(
            (w for w in others if w.bbox.x0 >= x1 and top <= (w.bbox.y0 + w.bbox.y1) / 2 <= bottom), key=lambda w: w.bbox.x0, default=None
        )
        end = min(gray.shape[1], first.bbox.x1 + pad) if first is not None else x1
        rows.append(_Row(crop=BBox(x0, max(0, top - pad), end, min(gray.shape[0], bottom + pad)), number=BBox(x0, top, x1, bottom)))
    return rows


def _ink_box(gray: np.ndarray, box: BBox) -> BBox:
    """The box around the ink inside ``box`` (Otsu), or ``box`` itself when it holds none."""
    _, ink = cv2.threshold(gray[box.y0 : box.y1, box.x0 : box.x1], 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if not ys.size:
        return box
    return BBox(box.x0 + int(xs.min()), box.y0 + int(ys.min()), box.x0 + int(xs.max()) + 1, box.y0 + int(ys.max()) + 1)


def _clean(gray: np.ndarray, crop: BBox, level: float) -> np.ndarray:
    """The crop in black and white by its column's threshold, edges softened as print's are
    (Tesseract read the hard-edged crops of a 150 DPI copy worse)."""
    binary = np.where(gray[crop.y0 : crop.y1, crop.x0 : crop.x1] > level, 255, 0).astype(np.uint8)
    return cv2.GaussianBlur(binary, (0, 0), 1.0)


def _mean(words: Sequence[Word]) -> float:
    return sum(max(w.confidence, 0.0) for w in words) / len(words) if words else 0.0


def reread_stacked(
    words: Sequence[Word], gray: np.ndarray, read: Callable[[np.ndarray], tuple[Word, ...]]
) -> tuple[tuple[Word, ...], int]:
    """The words with every stacked line replaced by the item numbers read again (see the
    module), and how many stacks were replaced. No Tesseract call when no line is stacked.

    Each line of print's crop is binarized (by its column's Otsu threshold) and the crops of all
    stacks are set side by side on one line, half a word's height apart, which Tesseract reads
    as one line of text ("2.Ngày, 4.Số 5.Số"); each crop's first word gives its line's number.
    The number takes the place of the stacked words and of what was read inside the column on
    its line (the full stop); the word beside, read well the first time, stays. A stack is
    replaced when at least half its lines give a number and the numbers read surer than the
    stacked words.
    """
    stacked = stacked_lines(words)
    if not stacked:
        return tuple(words), 0
    glyph = median(w.bbox.height for w in words)
    stacks = [(stack, _rows(stack, words, gray, glyph)) for stack in stacked]
    stacks = [(stack, rows) for stack, rows in stacks if rows]
    if not stacks:
        return tuple(words), 0
    gap = max(8, round(glyph / 2))
    tall = max(row.crop.height for _, rows in stacks for row in rows)
    strip: list[np.ndarray] = [np.full((tall + 2 * gap, gap), 255, np.uint8)]
    lefts: list[int] = []
    x = gap
    for _stack, rows in stacks:
        column = gray[rows[0].number.y0 : rows[-1].number.y1, rows[0].number.x0 : rows[0].number.x1]
        level, _ = cv2.threshold(column, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        for row in rows:
            top = gap + (tall - row.crop.height) // 2
            strip.append(np.pad(_clean(gray, row.crop, level), ((top, tall + 2 * gap - top - row.crop.height), (0, gap)), constant_values=255))
            lefts.append(x)
            x += row.crop.width + gap
    pieces = sorted(read(np.hstack(strip)), key=lambda w: w.bbox.x0)
    out = list(words)
    taken = 0
    index = 0
    for stack, rows in stacks:
        numbers: list[Word] = []
        old = {id(w) for w in stack}
        for row in rows:
            left = lefts[index]
            index += 1
            first = next((w for w in pieces if left <= (w.bbox.x0 + w.bbox.x1) / 2 < left + row.crop.width), None)
            # The number must start in the column: a digit that starts beside it is the line's
            # own text (an ID number), never moved into the margin.
            match = _NUMBER.match(first.text) if first is not None else None
            if first is None or match is None or first.bbox.x0 - left + row.crop.x0 >= row.number.x1:
                continue
            numbers.append(Word(text=match["number"], bbox=_ink_box(gray, row.number), confidence=first.confidence, block=stack[0].block, line=stack[0].line))
            box = row.number
            old.update(id(w) for w in words if box.x0 <= (w.bbox.x0 + w.bbox.x1) / 2 <= box.x1 and box.y0 <= (w.bbox.y0 + w.bbox.y1) / 2 <= box.y1)
        if 2 * len(numbers) >= len(rows) and _mean(numbers) > _mean(stack):
            out = [w for w in out if id(w) not in old] + numbers
            taken += 1
    return tuple(out), taken
