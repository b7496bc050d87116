"""Table rows Tesseract read as junk, read again on their own.

On a full page Tesseract's line finding can run a table row whose cells hold one and two lines
of text ("Họ, chữ đệm và tên" | "Ngày, tháng, / năm sinh") into lines that cross both, and the
LSTM then reads garbage at confidence 0-35 ("nang 6n : cố") although the row, cropped between its
rulings, reads perfectly. So each row between two of the table's row rulings (found by the ruling
removal) that holds a word read below ``JUNK_CONFIDENCE`` is cropped inside its rulings, the crops
are stacked with blank paper between them, and the stack is read in one extra Tesseract call in
sparse-text mode (each cell's text found on its own). A row takes the new reading only when its
words are read with a higher mean confidence than before; otherwise the first reading stands.

Pure apart from ``read`` (the Tesseract call), which the caller passes in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from ocr_service.domain import BBox, Word

JUNK_CONFIDENCE = 50.0
_GAP = 40  # blank rows between two crops in the stack, px
_INSET = 3  # px kept off each ruling's edge (what is left of an erased line)


def row_bands(rulings: Sequence[BBox], *, min_height: int = 20) -> list[BBox]:
    """The rows of a table: the space between two row rulings (horizontal lines) one above the
    other that overlap across, no lower than ``min_height``."""
    rows = sorted((r for r in rulings if r.width > r.height), key=lambda r: r.y0)
    bands = []
    for upper, lower in zip(rows, rows[1:]):
        x0, x1 = max(upper.x0, lower.x0), min(upper.x1, lower.x1)
        if x1 - x0 > 0 and lower.y0 - upper.y1 >= min_height:
            bands.append(BBox(x0, upper.y1, x1, lower.y0))
    return bands


def _inside(word: Word, band: BBox) -> bool:
    cx, cy = (word.bbox.x0 + word.bbox.x1) / 2, (word.bbox.y0 + word.bbox.y1) / 2
    return band.x0 <= cx <= band.x1 and band.y0 <= cy <= band.y1


def _mean(words: Sequence[Word]) -> float:
    return sum(max(w.confidence, 0.0) for w in words) / len(words) if words else 0.0


def reread_rows(
    words: Sequence[Word], gray: np.ndarray, rulings: Sequence[BBox], read: Callable[[np.ndarray], tuple[Word, ...]]
) -> tuple[tuple[Word, ...], int]:
    """The words with every doubtful table row read again (see the module), and how many rows
    took the new reading."""
    doubtful = [b for b in row_bands(rulings) if any(_inside(w, b) and w.confidence < JUNK_CONFIDENCE for w in words)]
    crops = [(band, gray[band.y0 + _INSET : band.y1 - _INSET, band.x0 + _INSET : band.x1 - _INSET]) for band in doubtful]
    crops = [(band, crop) for band, crop in crops if crop.size]
    if not crops:
        return tuple(words), 0
    width = max(crop.shape[1] for _, crop in crops)
    offsets, y = [], _GAP
    stack = [np.full((_GAP, width), 255, np.uint8)]
    for _band, crop in crops:
        offsets.append(y)
        stack.append(np.pad(crop, ((0, _GAP), (0, width - crop.shape[1])), constant_values=255))
        y += crop.shape[0] + _GAP
    pieces = read(np.vstack(stack))
    out = list(words)
    taken = 0
    for (band, crop), top in zip(crops, offsets):
        fresh = []
        for w in pieces:
            cy = (w.bbox.y0 + w.bbox.y1) / 2
            if top <= cy <= top + crop.shape[0]:
                dx, dy = band.x0 + _INSET, band.y0 + _INSET - top
                box = BBox(w.bbox.x0 + dx, w.bbox.y0 + dy, w.bbox.x1 + dx, w.bbox.y1 + dy)
                fresh.append(replace(w, bbox=box))
        old = [w for w in out if _inside(w, band)]
        if fresh and _mean(fresh) > _mean(old):
            out = [w for w in out if not _inside(w, band)] + fresh
            taken += 1
    return tuple(out), taken
