"""The words of an ``OcrDocument`` as one searchable text, each character traceable to its word.

Tesseract puts side-by-side columns on one line ("Số: 698/QĐ-STP      Bắc Giang, ngày …"), so
each OCR line is cut into *segments* where the gap between two words is wide (several times
the line height). The segments, in reading order, joined by ``\\n`` make ``Layout.text``; its
folded twin ``Layout.folded`` (same offsets) is what labels are matched against. Any span of
the text maps back to the words it covers: their page, the union of their boxes and their
confidences, which is what a ``Field`` carries as provenance.
"""

from __future__ import annotations

import dataclasses

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from extractors.text import clean_spaces, fold
from ocr_service.domain import BBox, OcrDocument, Word

# Two words on one OCR line further apart than this many line heights belong to different columns.
COLUMN_GAP = 2.2


@dataclass(frozen=True, slots=True)
class Segment:
    page: int
    words: tuple[Word, ...]
    page_width: int
    page_height: int

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bbox(self) -> BBox:
        return union(self.words)

    @property
    def x_center(self) -> float:
        b = self.bbox
        return (b.x0 + b.x1) / 2 / max(self.page_width, 1)

    @property
    def y_top(self) -> float:
        return self.bbox.y0 / max(self.page_height, 1)


def union(words: tuple[Word, ...] | list[Word]) -> BBox:
    return BBox(min(w.bbox.x0 for w in words), min(w.bbox.y0 for w in words),
                max(w.bbox.x1 for w in words), max(w.bbox.y1 for w in words))


def split_line(words: list[Word], *, gap: float = COLUMN_GAP) -> list[list[Word]]:
    """Cut one OCR line where two neighbouring words are more than ``gap`` line heights apart."""
    if not words:
        return []
    heights = sorted(w.bbox.height for w in words)
    height = max(heights[len(heights) // 2], 1)
    parts: list[list[Word]] = [[words[0]]]
    for prev, word in zip(words, words[1:]):
        if word.bbox.x0 - prev.bbox.x1 > gap * height:
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts


def segments_of(doc: OcrDocument) -> list[Segment]:
    segments: list[Segment] = []
    for page in doc.pages:
        lines: dict[tuple[int, int], list[Word]] = {}
        for word in page.words:
            if word.text.strip():
                lines.setdefault((word.block, word.line), []).append(word)
        for words in lines.values():
            for part in split_line(words):
                segments.append(Segment(page.index, tuple(part), page.width, page.height))
    return segments


@dataclass(frozen=True)
class Field:
    """One extracted value and where it came from."""

    value: Any
    raw: str
    confidence: float
    page: int | None
    bbox: list[int] | None
    needs_review: bool = False
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "value": self.value, "raw": self.raw, "confidence": self.confidence, "page": self.page,
            "bbox": self.bbox, "needs_review": self.needs_review,
            **({"review_reasons": list(self.reasons)} if self.reasons else {}),
        }

    def flagged(self, *reasons: str) -> "Field":
        reasons = tuple(r for r in reasons if r)
        if not reasons:
            return self
        return Field(self.value, self.raw, self.confidence, self.page, self.bbox, True,
                     tuple(dict.fromkeys(self.reasons + reasons)))

    @staticmethod
    def merge(parts: "list[Field]", value: Any) -> "Field":
        """One field read from several places (a value wrapped onto an aligned line below)."""
        boxes = [p.bbox for p in parts if p.bbox]
        bbox = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)] if boxes else None
        reasons = tuple(dict.fromkeys(r for p in parts for r in p.reasons))
        return Field(value, " ".join(p.raw for p in parts), min(p.confidence for p in parts), parts[0].page, bbox,
                     any(p.needs_review for p in parts), reasons)

    def with_value(self, value: Any) -> "Field":
        return Field(value, self.raw, self.confidence, self.page, self.bbox, self.needs_review, self.reasons)


@dataclass(frozen=True)
class Layout:
    segments: tuple[Segment, ...]
    text: str
    folded: str
    starts: tuple[int, ...]  # offset of each segment in ``text``
    _word_starts: tuple[tuple[int, ...], ...] = field(repr=False)
    # QR codes decoded on the pages: (page index, text).
    codes: tuple[tuple[int, str], ...] = ()

    @classmethod
    def of(cls, doc: OcrDocument) -> "Layout":
        layout = cls.from_segments(segments_of(doc))
        codes = tuple((page.index, text) for page in doc.pages for text in page.codes)
        return dataclasses.replace(layout, codes=codes) if codes else layout

    @classmethod
    def from_segments(cls, segments: list[Segment]) -> "Layout":
        starts, word_starts, parts = [], [], []
        offset = 0
        for seg in segments:
            starts.append(offset)
            ws, pos = [], offset
            for w in seg.words:
                ws.append(pos)
                pos += len(w.text) + 1
            word_starts.append(tuple(ws))
            parts.append(seg.text)
            offset += len(seg.text) + 1
        text = "\n".join(parts)
        return cls(tuple(segments), text, fold(text), tuple(starts), tuple(word_starts))

    def segment_at(self, offset: int) -> int:
        return max(bisect.bisect_right(self.starts, offset) - 1, 0)

    def segment_end(self, index: int) -> int:
        return self.starts[index] + len(self.segments[index].text)

    def words_in(self, start: int, end: int) -> tuple[int | None, list[Word]]:
        """The words overlapping ``text[start:end]`` (on the page of the first one)."""
        if end <= start or not self.segments:
            return None, []
        first, last = self.segment_at(start), self.segment_at(max(end - 1, start))
        page, out = None, []
        for i in range(first, last + 1):
            seg = self.segments[i]
            for w, ws in zip(seg.words, self._word_starts[i]):
                if ws < end and ws + len(w.text) > start:
                    if page is None:
                        page = seg.page
                    if seg.page == page:
                        out.append(w)
        return page, out

    def field(self, start: int, end: int, value: Any, *reasons: str) -> Field:
        """A field for ``value`` read from ``text[start:end]``, with that span's provenance."""
        page, words = self.words_in(start, end)
        confs = [w.confidence for w in words if w.confidence >= 0]
        conf = round(min(confs), 1) if confs else 0.0
        raw = clean_spaces(self.text[start:end])
        f = Field(value, raw, conf, page, union(words).as_list() if words else None)
        return f.flagged(*reasons)

    def find(self, pattern: re.Pattern[str] | str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        """Search the folded text."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        return rx.search(self.folded, start, len(self.folded) if end is None else end)

    def window(self, start: int, *, stop: re.Pattern[str] | None = None, max_segments: int = 1) -> tuple[int, int]:
        """From ``start`` to the end of its segment (or ``max_segments`` segments on), cut at ``stop``."""
        first = self.segment_at(start)
        last = min(first + max_segments - 1, len(self.segments) - 1)
        end = self.segment_end(last)
        if stop is not None:
            m = stop.search(self.folded, start, end)
            if m:
                end = m.start()
        return start, end

    def aligned_below(self, index: int, *, limit: int = 4, tolerance: float = 0.03) -> list[int]:
        """Later segments (up to ``limit`` on) starting at the same x as segment ``index``, below it."""
        seg = self.segments[index]
        out = []
        for j in range(index + 1, min(index + 1 + limit, len(self.segments))):
            other = self.segments[j]
            if other.page != seg.page or other.bbox.y0 <= seg.bbox.y0:
                continue
            if abs(other.bbox.x0 - seg.bbox.x0) <= tolerance * seg.page_width:
                out.append(j)
        return out

    def strip_span(self, start: int, end: int, chars: str = " \t\n:;,.-") -> tuple[int, int]:
        while start < end and self.text[start] in chars:
            start += 1
        while end > start and self.text[end - 1] in chars:
            end -= 1
        return start, end
