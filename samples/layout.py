"""Small text-layout engine on top of PIL: fonts, wrapped and justified
paragraphs, and ground-truth line recording.

Drawing is deferred: a :class:`Canvas` records drawing operations and the
truth lines while the layout runs, so a document renderer can lay a page out,
check that it fits, and lay it out again with smaller type before anything is
rasterised.  Coordinates are pixels of the 300-DPI page.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "DPI", "A4", "pt", "mm", "FONT_FAMILIES", "FONT_WEIGHTS", "font_path", "get_font",
    "TruthLine", "Truth", "Canvas", "nfc",
]

DPI = 300
A4 = (2480, 3508)  # 210 x 297 mm at 300 DPI
BASELINE = 0.92  # baseline position below the top of a line box, in font sizes


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def pt(points: float) -> int:
    """Typographic points -> pixels at 300 DPI (13 pt = 54 px)."""
    return int(round(points * DPI / 72.0))


def mm(millimetres: float) -> int:
    return int(round(millimetres * DPI / 25.4))


# ---------------------------------------------------------------------------
# Fonts (Debian: fonts-liberation2, fonts-dejavu-core, fonts-noto-core)
# ---------------------------------------------------------------------------

FONT_FAMILIES: dict[str, dict[str, str]] = {
    "LiberationSerif": {
        "regular": "liberation2/LiberationSerif-Regular.ttf",
        "bold": "liberation2/LiberationSerif-Bold.ttf",
        "italic": "liberation2/LiberationSerif-Italic.ttf",
        "bolditalic": "liberation2/LiberationSerif-BoldItalic.ttf",
    },
    "LiberationSans": {
        "regular": "liberation2/LiberationSans-Regular.ttf",
        "bold": "liberation2/LiberationSans-Bold.ttf",
        "italic": "liberation2/LiberationSans-Italic.ttf",
        "bolditalic": "liberation2/LiberationSans-BoldItalic.ttf",
    },
    "DejaVuSerif": {
        "regular": "dejavu/DejaVuSerif.ttf",
        "bold": "dejavu/DejaVuSerif-Bold.ttf",
        "italic": "dejavu/DejaVuSerif-Italic.ttf",
        "bolditalic": "dejavu/DejaVuSerif-BoldItalic.ttf",
    },
    "NotoSerif": {
        "regular": "noto/NotoSerif-Regular.ttf",
        "bold": "noto/NotoSerif-Bold.ttf",
        "italic": "noto/NotoSerif-Italic.ttf",
        "bolditalic": "noto/NotoSerif-BoldItalic.ttf",
    },
    "NotoSans": {
        "regular": "noto/NotoSans-Regular.ttf",
        "bold": "noto/NotoSans-Bold.ttf",
        "italic": "noto/NotoSans-Italic.ttf",
        "bolditalic": "noto/NotoSans-BoldItalic.ttf",
    },
}
# Liberation Serif has Times New Roman's metrics, the font Decree 30/2020 prescribes.
FONT_WEIGHTS: dict[str, float] = {
    "LiberationSerif": 0.40, "NotoSerif": 0.15, "DejaVuSerif": 0.15,
    "LiberationSans": 0.15, "NotoSans": 0.15,
}

_FONT_ROOTS = [Path(p) for p in os.environ.get("SAMPLES_FONT_DIRS", "").split(os.pathsep) if p] + [
    Path("/usr/share/fonts/truetype"),
    Path("/usr/local/share/fonts/truetype"),
]


@lru_cache(maxsize=None)
def font_path(family: str, style: str = "regular") -> Path:
    rel = FONT_FAMILIES[family][style]
    for root in _FONT_ROOTS:
        p = root / rel
        if p.is_file():
            return p
        alt = root / Path(rel).name  # flat font directory
        if alt.is_file():
            return alt
    raise FileNotFoundError(
        f"font {rel} not found under {', '.join(map(str, _FONT_ROOTS))}; install the Debian packages "
        "fonts-liberation2, fonts-dejavu-core and fonts-noto-core or set SAMPLES_FONT_DIRS"
    )


@lru_cache(maxsize=None)
def get_font(family: str, style: str, size_px: int) -> ImageFont.FreeTypeFont:
    # Basic layout: Vietnamese NFC text only uses precomposed glyphs, and the
    # basic engine is faster and identical on every machine (no libraqm).
    return ImageFont.truetype(str(font_path(family, style)), size_px, layout_engine=ImageFont.Layout.BASIC)


# ---------------------------------------------------------------------------
# Ground truth
# ---------------------------------------------------------------------------

@dataclass
class TruthLine:
    text: str
    bbox: list[int]  # [x0, y0, x1, y1] in the clean 300-DPI page
    block: int


@dataclass
class Truth:
    doc_type: str
    tier: str
    font: str
    dpi: int
    media_type: str
    lines: list[TruthLine]
    fields: dict
    citizen_ids: list[str]
    page_size: list[int] = field(default_factory=lambda: list(A4))  # clean page, pixels at 300 DPI
    signature_box: list[int] | None = None  # where a signature/seal goes, clean-page pixels
    meta: dict = field(default_factory=dict)
    text: str = ""

    def __post_init__(self) -> None:
        if not self.text:
            self.text = "\n".join(line.text for line in self.lines)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["text"] = "\n".join(line.text for line in self.lines)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Truth":
        d = dict(d)
        d["lines"] = [TruthLine(**ln) for ln in d["lines"]]
        return cls(**d)

    def blocks(self) -> list[list[TruthLine]]:
        out: list[list[TruthLine]] = []
        last = None
        for ln in self.lines:
            if ln.block != last:
                out.append([])
                last = ln.block
            out[-1].append(ln)
        return out


# ---------------------------------------------------------------------------
# Canvas
# ---------------------------------------------------------------------------

Run = tuple[str, ImageFont.FreeTypeFont]  # (text, font)


def _union(boxes: Iterable[Sequence[float]]) -> list[int]:
    boxes = list(boxes)
    return [
        int(min(b[0] for b in boxes)), int(min(b[1] for b in boxes)),
        int(max(b[2] for b in boxes)) + 1, int(max(b[3] for b in boxes)) + 1,
    ]


class Canvas:
    """Records drawing operations and truth lines; :meth:`render` rasterises."""

    def __init__(self, size: tuple[int, int], family: str, mode: str = "L", background=255, ink=0):
        self.size = size
        self.family = family
        self.mode = mode
        self.background = background
        self.ink = ink
        self.ops: list[tuple] = []
        self.lines: list[TruthLine] = []
        self.line_fonts: list[tuple[str, int]] = []  # (font file, size px) of each truth line
        self.block = -1
        self.regions: dict[str, list[int]] = {}

    # -- fonts -------------------------------------------------------------
    def font(self, points: float, style: str = "regular") -> ImageFont.FreeTypeFont:
        return get_font(self.family, style, pt(points))

    def font_px(self, px: int, style: str = "regular") -> ImageFont.FreeTypeFont:
        return get_font(self.family, style, int(px))

    # -- blocks ------------------------------------------------------------
    def new_block(self) -> int:
        self.block += 1
        return self.block

    # -- primitives --------------------------------------------------------
    def _text_op(self, x: float, y: float, text: str, font, fill=None) -> list[float]:
        """Draw ``text`` with the top of its line box at ``y``.

        The baseline is put at a fixed fraction of the font size below ``y``
        (not at the font's own ascender, which differs a lot between families),
        so line spacing means the same thing for every font.
        """
        x, base = int(round(x)), int(round(y + font.size * BASELINE))
        self.ops.append(("text", x, base, text, font, self.ink if fill is None else fill))
        b = font.getbbox(text, anchor="ls")
        return [x + b[0], base + b[1], x + b[2], base + b[3]]

    def record(self, text: str, bbox: Sequence[float], font=None) -> None:
        text = nfc(" ".join(text.split()))
        if text:
            self.lines.append(TruthLine(text, [int(v) for v in bbox], self.block))
            self.line_fonts.append((Path(font.path).name, int(font.size)) if font is not None else ("", 0))

    def text(self, x: float, y: float, text: str, font, fill=None, record: bool = True) -> list[int]:
        box = _union([self._text_op(x, y, text, font, fill)])
        if record:
            self.record(text, box, font)
        return box

    def runs_width(self, runs: Sequence[Run]) -> float:
        return sum(f.getlength(t) for t, f in runs)

    def runs_at(self, x: float, y: float, runs: Sequence[Run], fill=None, record: bool = True) -> list[int]:
        """Draw runs one after another on a line (runs carry their own spaces)."""
        boxes = []
        top = max(f.size for _, f in runs)
        for t, f in runs:
            if t.strip():  # share one baseline across sizes
                boxes.append(self._text_op(x, y + (top - f.size) * BASELINE, t, f, fill))
            x += f.getlength(t)
        box = _union(boxes)
        if record:
            main = max((f for t, f in runs if t.strip()), key=lambda f: f.size)
            self.record("".join(t for t, _ in runs), box, main)
        return box

    def line(self, runs: Sequence[Run] | str, x0: float, x1: float, y: float, align: str = "left",
             font=None, fill=None, record: bool = True) -> list[int]:
        if isinstance(runs, str):
            runs = [(runs, font)]
        w = self.runs_width(runs)
        if align == "center":
            x = x0 + (x1 - x0 - w) / 2
        elif align == "right":
            x = x1 - w
        else:
            x = x0
        return self.runs_at(x, y, runs, fill, record)

    def rule(self, x0: float, y: float, x1: float, width: int = 3, fill=None) -> None:
        self.ops.append(("line", int(x0), int(y), int(x1), int(y), width, self.ink if fill is None else fill))

    def vrule(self, x: float, y0: float, y1: float, width: int = 3, fill=None) -> None:
        self.ops.append(("line", int(x), int(y0), int(x), int(y1), width, self.ink if fill is None else fill))

    def rect(self, box: Sequence[float], outline=None, fill=None, width: int = 2, radius: int = 0) -> None:
        self.ops.append(("rect", [int(v) for v in box], outline, fill, width, radius))

    def polygon(self, pts: Sequence[tuple[float, float]], fill) -> None:
        self.ops.append(("polygon", [(float(a), float(b)) for a, b in pts], fill))

    def ellipse(self, box: Sequence[float], outline=None, fill=None, width: int = 2) -> None:
        self.ops.append(("ellipse", [int(v) for v in box], outline, fill, width))

    def image(self, x: int, y: int, im: Image.Image) -> None:
        self.ops.append(("image", int(x), int(y), im))

    # -- paragraphs --------------------------------------------------------
    @staticmethod
    def _tokens(runs: Sequence[Run]) -> list[tuple[str, object, bool]]:
        """Split runs into (word, font, glued_to_previous) tokens."""
        toks: list[tuple[str, object, bool]] = []
        prev_space = True
        for text, font in runs:
            parts = text.split(" ")
            for i, w in enumerate(parts):
                if w == "":
                    prev_space = True
                    continue
                glued = bool(toks) and not prev_space and i == 0
                toks.append((w, font, glued))
                prev_space = False
            if text.endswith(" "):
                prev_space = True
        return toks

    def wrap(self, runs: Sequence[Run], width: float, first_width: float | None = None) -> list[list[tuple[str, object, bool]]]:
        toks = self._tokens(runs)
        if not toks:
            return []
        space = toks[0][1].getlength(" ")
        lines: list[list] = [[]]
        cur = 0.0
        limit = first_width if first_width is not None else width
        # merge glued tokens into words for wrapping purposes
        words: list[list[tuple[str, object, bool]]] = []
        for tok in toks:
            if tok[2] and words:
                words[-1].append(tok)
            else:
                words.append([tok])
        for word in words:
            ww = sum(f.getlength(t) for t, f, _ in word)
            add = ww if not lines[-1] else space + ww
            if lines[-1] and cur + add > limit:
                lines.append([])
                cur = 0.0
                limit = width
                add = ww
            lines[-1].extend(word)
            cur += add
        return lines

    def paragraph(self, runs: Sequence[Run] | str, x0: float, x1: float, y: float, *, font=None,
                  indent: float = 0, hanging: float = 0, align: str = "justify", leading: float = 1.2,
                  size_px: int | None = None, fill=None, record: bool = True) -> float:
        """Lay out a wrapped paragraph starting at top ``y``; return the y below it.

        ``indent`` shifts the first line, ``hanging`` the following ones.
        ``align``: "justify" (last line left), "left", "center", "right".
        """
        if isinstance(runs, str):
            runs = [(runs, font)]
        if size_px is None:
            size_px = max(f.size for _, f in runs)
        step = size_px * leading
        width = x1 - x0
        lines = self.wrap(runs, width - hanging, first_width=width - indent)
        if align == "center" and len(lines) > 1 and not indent and not hanging:
            # balance centred titles: narrowest width that keeps the line count
            lo, hi = width * 0.4, width
            for _ in range(12):
                mid = (lo + hi) / 2
                if len(self.wrap(runs, mid)) <= len(lines):
                    hi = mid
                else:
                    lo = mid
            lines = self.wrap(runs, hi)
        for li, toks in enumerate(lines):
            lx0 = x0 + (indent if li == 0 else hanging)
            space = toks[0][1].getlength(" ")
            # words: groups of glued tokens
            words: list[list] = []
            for tok in toks:
                if tok[2] and words:
                    words[-1].append(tok)
                else:
                    words.append([tok])
            widths = [sum(f.getlength(t) for t, f, _ in w) for w in words]
            natural = sum(widths) + space * (len(words) - 1)
            last = li == len(lines) - 1
            gap = space
            if align == "justify" and not last and len(words) > 1:
                extra = (x1 - lx0 - natural) / (len(words) - 1)
                if extra < 4 * space:
                    gap = space + extra
            if align == "center":
                x = lx0 + (x1 - lx0 - natural) / 2
            elif align == "right":
                x = x1 - natural
            else:
                x = lx0
            boxes = []
            if gap == space:
                # natural spacing: draw consecutive same-font words as one string
                segs: list[list] = []  # [x, text, font]
                cx = x
                for wi, w in enumerate(words):
                    if wi > 0:
                        cx += space
                    for ti, (t, f, _) in enumerate(w):
                        if segs and segs[-1][2] is f:
                            segs[-1][1] += (" " if (wi > 0 and ti == 0) else "") + t
                        else:
                            segs.append([cx, t, f])
                        cx += f.getlength(t)
                for sx, st, sf in segs:
                    boxes.append(self._text_op(sx, y + (size_px - sf.size) * BASELINE, st, sf, fill))
            else:
                cx = x
                for w, ww in zip(words, widths):
                    tx = cx
                    for t, f, _ in w:
                        boxes.append(self._text_op(tx, y + (size_px - f.size) * BASELINE, t, f, fill))
                        tx += f.getlength(t)
                    cx += ww + gap
            if record and boxes:
                text = " ".join("".join(t for t, _, _ in w) for w in words)
                fonts = [f for w in words for _, f, _ in w]
                main = max(fonts, key=lambda f: (fonts.count(f), f.size))  # first of the most used
                self.record(text, _union(boxes), main)
            y += step
        return y

    # -- raster --------------------------------------------------------------
    def render(self) -> Image.Image:
        img = Image.new(self.mode, self.size, self.background)
        draw = ImageDraw.Draw(img)
        for op in self.ops:
            kind = op[0]
            if kind == "text":
                _, x, y, text, font, fill = op
                draw.text((x, y), text, font=font, fill=fill, anchor="ls")
            elif kind == "line":
                _, x0, y0, x1, y1, w, fill = op
                draw.line([(x0, y0), (x1, y1)], fill=fill, width=w)
            elif kind == "rect":
                _, box, outline, fill, w, radius = op
                if radius:
                    draw.rounded_rectangle(box, radius=radius, outline=outline, fill=fill, width=w)
                else:
                    draw.rectangle(box, outline=outline, fill=fill, width=w)
            elif kind == "polygon":
                _, pts, fill = op
                draw.polygon(pts, fill=fill)
            elif kind == "ellipse":
                _, box, outline, fill, w = op
                draw.ellipse(box, outline=outline, fill=fill, width=w)
            elif kind == "image":
                _, x, y, im = op
                img.paste(im, (x, y), im if im.mode in ("RGBA", "LA") else None)
        return img
