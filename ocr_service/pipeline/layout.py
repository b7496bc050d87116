"""Reading order: Tesseract's words re-grouped into blocks and lines the way a person reads the page.

Tesseract's page segmentation reads a Decree 30 header (issuing body | national motto), the
number | place-and-date line and the recipients | signature block across both columns, line by
line, interleaving them. ``reading_order`` rebuilds the order from the word boxes alone, by a
recursive X-Y cut:

* a region is cut across (Y) at horizontal whitespace gaps taller than ``min_gap`` × the median
  word height: bands read top to bottom; small gaps between lines of one column never cut, so the
  two columns of a header stay whole;
* a band with a vertical whitespace channel wider than ``min_channel`` × the median word height,
  running through the whole band, is cut into columns read left to right, each read whole before
  the next;
* columns are read left to right, unless one starts more than ``stagger`` × the word height
  above the leftmost (a card's fields beside its photo, before the note under the photo); a
  later column's first line lying wholly above the others (a place-and-date line over the
  right-hand signature block) is read first, on its own;
* two bands separated by a signature-sized gap (``signature_gap`` × word height) that share such a
  channel are one two-column region: a signer's name stays with the title above it, under its own
  column, as on a CT01 form's "Ý KIẾN CỦA CHỦ HỘ | NGƯỜI KÊ KHAI".

Table rows fall out of the same rules (rows are bands, cells are columns). Two cells' words may
stand closer than a channel (a CT01 header's "Họ, chữ đệm và tên | Ngày, tháng,"), and rows closer
than a gap; when the page's table rulings are given (``rulings``: boxes of the lines found on the
image), a horizontal ruling, or the end of a vertical one (the table's top and bottom), cuts
across, and a vertical ruling spanning the whole band cuts it into cells, wherever no word
straddles them, so a two-line header cell is read whole before the next. Cuts are computed from
the words that look like text: tiny specks, and words read at under 50 confidence (a photo's
edge, speckle or a seal fragment read as letters), neither block a channel nor fill a gap. Every
word, junk included, is then placed by its centre. A pure function of the words: no image, no
Tesseract, unit-tested on synthetic boxes.

``without_debris`` runs before it and drops the junk that cannot be text at all: low-confidence
words with no letter or digit (a seal's ring or a signature read as dashes and symbols).
"""

from __future__ import annotations

from statistics import median

from collections.abc import Sequence
from dataclasses import replace
from statistics import median

from ocr_service.domain import BBox, Word
from ocr_service.vietnamese import is_syllable

MIN_GAP = 0.7
MIN_CHANNEL = 1.2
SIGNATURE_GAP = 3.0
STAGGER = 3.0


def reading_order(
    words: Sequence[Word],
    *,
    min_gap: float = MIN_GAP,
    min_channel: float = MIN_CHANNEL,
    signature_gap: float = SIGNATURE_GAP,
    stagger: float = STAGGER,
    rulings: Sequence[BBox] = (),
) -> tuple[Word, ...]:
    """The words in reading order, renumbered: ``block`` per text block, ``line`` per visual line."""
    if not words:
        return ()
    significant = [w for w in words if _is_text(w)]
    height = median(w.bbox.height for w in (significant or words))
    cutter = _Cutter(
        min_gap=min_gap * height,
        min_channel=min_channel * height,
        signature_gap=signature_gap * height,
        stagger=stagger * height,
        rulings=tuple(rulings),
        overhang=height / 2,
    )
    blocks = cutter.order(list(words), x_first=False)
    ordered: list[Word] = []
    line_no = 0
    for block_no, block in enumerate(blocks):
        for line in _lines(block):
            ordered.extend(replace(w, block=block_no, line=line_no) for w in line)
            line_no += 1
    return tuple(ordered)


def without_debris(words: Sequence[Word], *, min_confidence: float = 50.0) -> tuple[Word, ...]:
    """The words without debris: no letter or digit and read at under ``min_confidence``.

    A seal's ring, a signature's loops, a card's edge or speckle come out of Tesseract as runs
    of dashes, dots and symbols ("—", "¬", "‹+~>"), often whole lines of them; no field has a word
    without a letter or digit that Tesseract is unsure of, and a confident dash is kept.
    """
    return tuple(w for w in words if w.confidence < 0 or w.confidence >= min_confidence or any(c.isalnum() for c in w.text))


def _is_text(word: Word) -> bool:
    # Below 50 a "word" is mostly a photo's edge, a seal fragment or speckle read as letters
    # (swept on the seed-2026 corpus: scan CER 1.62% at 10, 1.33% at 50, 1.35% at 70), unless it
    # is a well-formed syllable or number: Tesseract gives some clean words 0 ("tháng" under a
    # seal's edge), and dropping one opened a false column in the middle of a date line.
    if word.bbox.height < 4 or word.bbox.width < 2:
        return False
    if word.confidence < 0 or word.confidence >= 50:
        return True
    core = word.text.strip(".,;:!?()\"'“”")
    return len(core) >= 2 and (core.isdigit() or is_syllable(core))


class _Cutter:
    def __init__(
        self, *, min_gap: float, min_channel: float, signature_gap: float, stagger: float, rulings: tuple[BBox, ...] = (), overhang: float = 0.0
    ) -> None:
        self.columns = tuple(r for r in rulings if r.height > r.width)
        self.rows = tuple(r for r in rulings if r.height <= r.width)
        self.overhang = overhang
        self.stagger = stagger
        self.min_gap = min_gap
        self.min_channel = min_channel
        self.signature_gap = signature_gap

    def order(self, words: list[Word], *, x_first: bool) -> list[list[Word]]:
        """The region's words as blocks in reading order."""
        if len(words) <= 1:
            return [words] if words else []
        if x_first:
            columns = self._columns(words)
            if len(columns) > 1:
                return self._column_blocks(columns, words, x_first=True)
        bands = self._bands(words)
        if len(bands) > 1:
            return [block for band, merged in bands for block in self.order(band, x_first=merged)]
        columns = self._staggered_first(self._columns(words))
        if len(columns) > 1:
            return self._column_blocks(columns, words, x_first=False)
        return [words]

    def _column_blocks(self, columns: list[list[Word]], words: list[Word], *, x_first: bool) -> list[list[Word]]:
        """Column by column, a hanging first line (``_hanging_line``) taken out and read first."""
        hanging = self._hanging_line(columns)
        if hanging:
            taken = {id(w) for w in hanging}
            return [hanging] + self.order([w for w in words if id(w) not in taken], x_first=x_first)
        return [block for column in columns for block in self.order(column, x_first=False)]

    def _hanging_line(self, columns: list[list[Word]]) -> list[Word] | None:
        """The first line of a later column when it lies wholly above every other column: the
        place-and-date line over a CT01's or a letter's right-hand signature block ("Xương Giang,
        ngày 03 tháng 8 năm 2023" above "NGƯỜI KÊ KHAI", beside "Ý KIẾN CỦA CHỦ HỘ" a line lower),
        read before both blocks, as written. Where noise fills the gap under it, it is not a band
        of its own. Lines are compared by their median bottom and top: on a noisy photo one
        slanted box ("Giang," reaching below its line) or an accent ("Ý") makes the extremes touch."""
        for k, column in enumerate(columns[1:], start=1):
            lines = _lines(column)
            first = [w for w in lines[0] if _is_text(w)]
            others = [[w for w in c if _is_text(w)] for j, c in enumerate(columns) if j != k]
            tops = [median(w.bbox.y0 for w in line) for text in others if text for line in _lines(text)]
            if len(lines) > 1 and first and tops and median(w.bbox.y1 for w in first) < min(tops):
                return lines[0]
        return None

    def _staggered_first(self, columns: list[list[Word]]) -> list[list[Word]]:
        """Left to right, except that a column starting far above the first one is read first.

        On a CCCD card the fields start beside the photo and "Có giá trị đến" sits under the
        photo: the text column that starts at the top is read before the note below the photo.
        """
        if len(columns) < 2:
            return columns
        tops = [min(w.bbox.y0 for w in ([w for w in column if _is_text(w)] or column)) for column in columns]
        return [c for _, c in sorted(zip(tops, columns), key=lambda tc: tc[0] > tops[0] - self.stagger)]

    def _bands(self, words: list[Word]) -> list[tuple[list[Word], bool]]:
        """Cut across at tall gaps; bands across a signature gap that share a channel stay together."""
        intervals = [(w.bbox.y0, w.bbox.y1) for w in words if _is_text(w)]
        cuts = _gaps(intervals, self.min_gap)
        if (self.columns or self.rows) and intervals:
            cuts = sorted(set(cuts) | set(self._table_edges(words, cuts)))
        if not cuts:
            return [(words, False)]
        bands = _split(words, cuts, lambda w: (w.bbox.y0 + w.bbox.y1) / 2)
        gaps = [hi - lo for lo, hi in cuts]
        merged: list[tuple[list[Word], bool]] = [(bands[0], False)]
        for gap, band in zip(gaps, bands[1:]):
            previous, _ = merged[-1]
            if gap >= self.signature_gap and self._shares_channel(previous, band):
                merged[-1] = (previous + band, True)
            else:
                merged.append((band, False))
        return [b for b in merged if b[0]]

    def _columns(self, words: list[Word]) -> list[list[Word]]:
        intervals = [(w.bbox.x0, w.bbox.x1) for w in words if _is_text(w)]
        cuts = _gaps(intervals, self.min_channel)
        if self.columns and intervals:
            cuts = sorted(set(cuts) | set(self._ruled_gaps(words, cuts)))
        if not cuts:
            return [words]
        return [c for c in _split(words, cuts, lambda w: (w.bbox.x0 + w.bbox.x1) / 2) if c]

    def _table_edges(self, words: list[Word], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Cuts across at the row rulings and the ends of the column rulings under the region's
        words: a table's rows and its top and bottom borders, however close the text above or
        below (a descender may reach past a border)."""
        text = [w for w in words if _is_text(w)]
        left, right = min(w.bbox.x0 for w in text), max(w.bbox.x1 for w in text)
        ends = {y for r in self.columns if left <= (r.x0 + r.x1) / 2 <= right for y in (r.y0, r.y1)}
        ends |= {(r.y0 + r.y1) // 2 for r in self.rows if r.x0 < right and r.x1 > left}
        return _free_cuts(ends, [(w.bbox.y0, w.bbox.y1) for w in text], cuts)

    def _ruled_gaps(self, words: list[Word], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Cuts down the column rulings that run from the region's top to its bottom (its words
        may overhang the ruling by half a word's height)."""
        text = [w for w in words if _is_text(w)]
        top, bottom = min(w.bbox.y0 for w in text), max(w.bbox.y1 for w in text)
        xs = {(r.x0 + r.x1) // 2 for r in self.columns if r.y0 <= top + self.overhang and r.y1 >= bottom - self.overhang}
        return _free_cuts(xs, [(w.bbox.x0, w.bbox.x1) for w in text], cuts)

    def _shares_channel(self, upper: list[Word], lower: list[Word]) -> bool:
        # Both bands are two columns (left and right blocks, not a table row), split by one channel.
        return len(self._columns(upper)) == len(self._columns(lower)) == len(self._columns(upper + lower)) == 2


def _gaps(intervals: list[tuple[int, int]], min_width: float) -> list[tuple[int, int]]:
    """The empty stretches between the union of ``intervals``, at least ``min_width`` wide."""
    gaps: list[tuple[int, int]] = []
    end: int | None = None
    for lo, hi in sorted(intervals):
        if end is not None and lo - end >= min_width:
            gaps.append((end, lo))
        end = hi if end is None else max(end, hi)
    return gaps


def _free_cuts(positions: set[int], boxes: list[tuple[int, int]], cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Zero-width cuts at ``positions`` that no box straddles (a box straddles a position that
    leaves at least a third of it on each side: a word's box may reach a little past a ruling)
    and that are not inside one of the ``cuts`` already made."""
    free = []
    for at in sorted(positions):
        if any(lo <= at <= hi for lo, hi in cuts):
            continue
        if any(min(at - lo, hi - at) * 3 >= hi - lo for lo, hi in boxes if lo < at < hi):
            continue
        free.append((at, at))
    return free


def _split(words: list[Word], cuts: list[tuple[int, int]], centre) -> list[list[Word]]:  # type: ignore[no-untyped-def]
    """Words into the parts between the cuts, by their centre."""
    parts: list[list[Word]] = [[] for _ in range(len(cuts) + 1)]
    bounds = [(lo + hi) / 2 for lo, hi in cuts]
    for word in words:
        c = centre(word)
        parts[sum(1 for b in bounds if c > b)].append(word)
    return parts


def _lines(words: list[Word]) -> list[list[Word]]:
    """Visual lines of one block, top to bottom, each left to right.

    A word joins the line whose band (the median top and bottom of its words so far) holds the
    word's centre; bands are medians, not unions, so one tall box (a speck cluster, a stamp
    fragment) cannot swallow the line below.
    """
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.bbox.y0 + w.bbox.y1) / 2):
        centre = (word.bbox.y0 + word.bbox.y1) / 2
        best: list[Word] | None = None
        best_distance = 0.0
        for members in lines:
            top, bottom = median(w.bbox.y0 for w in members), median(w.bbox.y1 for w in members)
            if top <= centre <= bottom:
                distance = abs(centre - (top + bottom) / 2)
                if best is None or distance < best_distance:
                    best, best_distance = members, distance
        if best is None:
            lines.append([word])
        else:
            best.append(word)
    lines.sort(key=lambda members: median((w.bbox.y0 + w.bbox.y1) / 2 for w in members))
    return [sorted(members, key=lambda w: w.bbox.x0) for members in lines]
