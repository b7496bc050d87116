"""Scan-quality tiers for rendered pages, and the file writers.

Tiers (every random choice comes from the ``numpy.random.Generator`` passed in):

``clean``
    the rendered page unchanged, 300 DPI.
``scan``
    an office flatbed scan: rotated 0.3-1 degree, slightly grey paper, slight
    blur, mild gaussian noise; 300 DPI, saved as JPEG quality ~75.
``hard``
    a bad copy: a red seal stamped over the signature, a blue ballpoint
    signature, low contrast (grey ink on darker paper), rotated 2-4 degrees,
    downsampled to 150-200 DPI, blurred, with salt-and-pepper noise.

``degrade`` returns the new image and a copy of the truth with ``tier``,
``dpi`` and ``meta["degradation"]`` set; the truth boxes stay in the clean
300-DPI page and ``meta["degradation"]["transform"]`` is the 2x3 affine matrix
that maps clean-page pixels to pixels of the degraded image.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
from pathlib import Path
from statistics import NormalDist
from typing import Iterable, Sequence

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .layout import DPI, FONT_FAMILIES, Truth, TruthLine, get_font
from .layout import font_path as _family_font_path

__all__ = [
    "TIERS", "MEDIA_TYPES", "degrade", "save_image", "encode_image", "make_born_digital_pdf",
    "make_multipage_tiff", "draw_stamp", "draw_signature",
]

TIERS: tuple[str, ...] = ("clean", "scan", "hard")
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "tiff": "image/tiff", "pdf": "application/pdf"}
FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)  # written into PDFs so output is reproducible

_GAUSS = np.array([NormalDist().inv_cdf((i + 0.5) / 4096) for i in range(4096)], dtype=np.float32)


def _gaussian_noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """Approximately normal int16 noise, fast (table lookup of uniform draws)."""
    u = rng.integers(0, 4096, size=shape, dtype=np.uint16)
    table = np.round(_GAUSS * sigma).astype(np.int16)
    return table[u]


def _lut(ink: float, paper: float) -> np.ndarray:
    v = np.arange(256, dtype=np.float32)
    return np.clip(ink + (paper - ink) * v / 255.0, 0, 255).astype(np.uint8)


def _apply_levels(arr: np.ndarray, ink: float, paper: Sequence[float] | float) -> np.ndarray:
    """Map white -> paper colour and black -> ink (per channel for RGB)."""
    if arr.ndim == 2:
        p = paper if np.isscalar(paper) else float(np.mean(paper))
        return cv2.LUT(arr, _lut(ink, p))
    paper = [paper] * 3 if np.isscalar(paper) else list(paper)
    chans = [cv2.LUT(np.ascontiguousarray(arr[..., i]), _lut(ink, paper[i])) for i in range(3)]
    return np.dstack(chans)


def _rotation(size: tuple[int, int], angle: float) -> np.ndarray:
    w, h = size
    return cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)


def _border(arr: np.ndarray):
    """Paper colour for the corners uncovered by rotation (the page's own background)."""
    corner = arr[: max(2, arr.shape[0] // 200), : max(2, arr.shape[1] // 200)]
    if arr.ndim == 2:
        return int(np.median(corner))
    return tuple(int(np.median(corner[..., i])) for i in range(3))


# ---------------------------------------------------------------------------
# Seal and signature
# ---------------------------------------------------------------------------

def _arc_text(canvas: Image.Image, text: str, center: tuple[float, float], radius: float, font,
              top: bool) -> None:
    """Write ``text`` along a circle (top arc reads clockwise, bottom arc counter-clockwise)."""
    widths = [font.getlength(ch) for ch in text]
    spacing = font.size * 0.06
    total = sum(widths) + spacing * (len(text) - 1)
    span = total / radius  # radians
    max_span = math.radians(250 if top else 130)
    if span > max_span:
        spacing -= (span - max_span) * radius / max(1, len(text) - 1)
        total = sum(widths) + spacing * (len(text) - 1)
        span = total / radius
    cx, cy = center
    pos = -span / 2
    for ch, w in zip(text, widths):
        mid = pos + w / 2 / radius
        pos += (w + spacing) / radius
        if not ch.strip():
            continue
        if top:
            theta = -math.pi / 2 + mid  # clockwise from the top
            rot = -math.degrees(mid)
        else:
            theta = math.pi / 2 - mid  # left to right along the bottom
            rot = math.degrees(mid)
        gw = int(w + font.size * 0.6) + 4
        gh = int(font.size * 1.6)
        glyph = Image.new("L", (gw, gh), 0)
        ImageDraw.Draw(glyph).text((gw / 2, gh / 2), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(rot, resample=Image.BICUBIC, expand=True)
        x = cx + radius * math.cos(theta) - glyph.width / 2
        y = cy + radius * math.sin(theta) - glyph.height / 2
        canvas.paste(255, (int(round(x)), int(round(y))), glyph)


def draw_stamp(radius: int, top_text: str, bottom_text: str, rng: np.random.Generator,
               family: str = "LiberationSans") -> np.ndarray:
    """Alpha mask (float32 0..1, square 2*radius+8) of a round Vietnamese seal."""
    size = 2 * radius + 8
    c = size / 2
    im = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(im)
    ring = max(6, radius // 22)
    d.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=ring)
    inner = radius * 0.64
    d.ellipse([c - inner, c - inner, c + inner, c + inner], outline=255, width=max(3, ring // 2))
    band_mid = (radius + inner) / 2
    fsize = int((radius - inner) * 0.52)
    font = get_font(family, "bold", fsize)
    _arc_text(im, top_text, (c, c), band_mid - fsize * 0.35, font, top=True)
    if bottom_text:
        _arc_text(im, bottom_text, (c, c), band_mid - fsize * 0.05, get_font(family, "bold", int(fsize * 0.9)), top=False)
    # the national emblem is a star in the middle
    r_star = inner * 0.55
    pts = []
    for i in range(10):
        ang = -math.pi / 2 + i * math.pi / 5
        rr = r_star if i % 2 == 0 else r_star * 0.4
        pts.append((c + rr * math.cos(ang), c + rr * math.sin(ang)))
    d.polygon(pts, fill=255)
    d.ellipse([c - inner * 0.8, c - inner * 0.8, c + inner * 0.8, c + inner * 0.8], outline=255, width=max(2, ring // 3))
    alpha = np.asarray(im, dtype=np.float32) / 255.0
    # uneven ink: blotchy low-frequency density times speckle
    blot = cv2.resize(rng.uniform(0.55, 1.0, size=(9, 9)).astype(np.float32), (size, size), interpolation=cv2.INTER_CUBIC)
    speckle = (rng.integers(0, 100, size=alpha.shape, dtype=np.uint8) > 12).astype(np.float32)
    alpha = alpha * np.clip(blot, 0, 1) * (0.55 + 0.45 * speckle)
    return cv2.GaussianBlur(alpha, (0, 0), 1.0)


def draw_signature(width: int, height: int, rng: np.random.Generator, thickness: int = 5) -> np.ndarray:
    """Alpha mask (float32 0..1) of a ballpoint scribble: a looping stroke and an underline flourish."""
    im = np.zeros((height, width), dtype=np.uint8)
    t = np.linspace(0, 1, 400)
    loops = rng.uniform(3, 6)
    x = 0.08 * width + 0.75 * width * t + 0.06 * width * np.sin(2 * np.pi * loops * t + rng.uniform(0, 6))
    y = (0.45 * height + 0.25 * height * np.sin(2 * np.pi * loops * t * rng.uniform(0.8, 1.3))
         * (1 - 0.5 * t) + 0.1 * height * np.sin(2 * np.pi * rng.uniform(0.5, 1.5) * t))
    pts = np.stack([x, y], axis=1).astype(np.int32)
    cv2.polylines(im, [pts], False, 255, thickness, cv2.LINE_AA)
    # flourish underneath
    t2 = np.linspace(0, 1, 120)
    x2 = 0.05 * width + 0.9 * width * t2
    y2 = 0.78 * height - 0.12 * height * np.sin(np.pi * t2) + rng.uniform(-4, 4)
    cv2.polylines(im, [np.stack([x2, y2], axis=1).astype(np.int32)], False, 255, max(2, thickness - 1), cv2.LINE_AA)
    return im.astype(np.float32) / 255.0


def _ink(arr: np.ndarray, alpha: np.ndarray, x: int, y: int, color: Sequence[int], opacity: float) -> None:
    """Multiply-blend coloured ink into ``arr`` (RGB uint8) at (x, y), clipped to the page."""
    h, w = alpha.shape
    H, W = arr.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x0 >= x1 or y0 >= y1:
        return
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x, None] * opacity
    region = arr[y0:y1, x0:x1].astype(np.float32)
    tint = np.array(color, dtype=np.float32) / 255.0
    arr[y0:y1, x0:x1] = np.clip(region * (1 - a + a * tint), 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------
# Tiers
# ---------------------------------------------------------------------------

def _affine(m: np.ndarray) -> list[list[float]]:
    return [[round(float(v), 6) for v in row] for row in m]


def degrade(img: Image.Image, truth: Truth, tier: str, rng: np.random.Generator) -> tuple[Image.Image, Truth]:
    """Apply a scan-quality tier; returns (image, truth copy with tier/dpi/degradation set)."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; choose from {', '.join(TIERS)}")
    t = copy.deepcopy(truth)
    t.tier = tier
    if tier == "clean":
        t.dpi = DPI
        t.meta["degradation"] = {"transform": _affine(np.array([[1, 0, 0], [0, 1, 0]])), "scale": 1.0, "angle": 0.0}
        return img.copy(), t
    if tier == "scan":
        out, info = _scan(img, rng)
    else:
        out, info = _hard(img, truth, rng)
    t.dpi = info.pop("dpi")
    t.meta["degradation"] = info
    return out, t


def _scan(img: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, dict]:
    arr = np.asarray(img)
    angle = float(rng.uniform(0.3, 1.0) * rng.choice([-1, 1]))
    paper = float(rng.uniform(228, 244))
    ink = float(rng.uniform(12, 35))
    blur = float(rng.uniform(0.5, 0.85))
    sigma = float(rng.uniform(3.0, 5.5))
    if arr.ndim == 3:
        tint = (paper, paper - rng.uniform(0, 3), paper - rng.uniform(2, 7))
        arr = _apply_levels(arr, ink, tint)
    else:
        arr = _apply_levels(arr, ink, paper)
    m = _rotation(img.size, angle)
    arr = cv2.warpAffine(arr, m, img.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=_border(arr))
    arr = cv2.GaussianBlur(arr, (0, 0), blur)
    noise = _gaussian_noise(rng, arr.shape[:2], sigma)
    if arr.ndim == 3:
        noise = noise[..., None]
    arr = np.clip(arr.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(arr), {
        "dpi": DPI, "angle": round(angle, 4), "scale": 1.0, "transform": _affine(m),
        "paper": round(paper, 1), "ink": round(ink, 1), "blur_sigma": round(blur, 3), "noise_sigma": round(sigma, 2),
    }


# The ID card's printed text is tiny (5-8 pt), so its hard tier keeps the upper
# end of the DPI range and less noise; it is still a much worse copy than "scan".
HARD_PROFILES = {
    "default": {"dpi": (150, 160, 175, 200), "noise": (5.0, 9.0), "salt_pepper": (0.006, 0.015), "blur": (0.5, 0.8)},
    "id_card_front": {"dpi": (175, 200), "noise": (2.5, 4.0), "salt_pepper": (0.001, 0.003), "blur": (0.3, 0.5)},
}


def _hard(img: Image.Image, truth: Truth, rng: np.random.Generator) -> tuple[Image.Image, dict]:
    W, H = img.size
    prof = HARD_PROFILES.get(truth.doc_type, HARD_PROFILES["default"])
    arr = np.array(img.convert("RGB"))
    # signature (blue ballpoint) and seal (red), at 300 DPI
    box = truth.signature_box
    if box is None:
        cx, cy = W * rng.uniform(0.55, 0.78), H * rng.uniform(0.78, 0.9)
        bw, bh = W * 0.3, H * 0.06
        box = [int(cx - bw / 2), int(cy - bh / 2), int(cx + bw / 2), int(cy + bh / 2)]
    bx0, by0, bx1, by1 = box
    sw, sh = int((bx1 - bx0) * rng.uniform(0.4, 0.55)), max(60, int((by1 - by0) * rng.uniform(0.6, 0.85)))
    sx = int((bx0 + bx1) / 2 - sw / 2 + rng.uniform(-0.05, 0.1) * (bx1 - bx0))
    sy = int((by0 + by1) / 2 - sh / 2)
    sig = draw_signature(sw, sh, rng, thickness=int(rng.integers(4, 7)))
    blue = (int(rng.integers(20, 60)), int(rng.integers(40, 80)), int(rng.integers(140, 190)))
    _ink(arr, sig, sx, sy, blue, float(rng.uniform(0.8, 0.95)))
    seal = truth.meta.get("seal") or ["ỦY BAN NHÂN DÂN", "TỈNH BẮC GIANG"]
    radius = int(rng.uniform(0.11, 0.13) * min(W, 2480)) if truth.doc_type != "id_card_front" else int(rng.uniform(170, 200))
    stamp = draw_stamp(radius, seal[0], seal[1], rng)
    stx = int(sx + sw * rng.uniform(0.0, 0.3) - stamp.shape[1] / 2)
    sty = int((by0 + by1) / 2 - stamp.shape[0] / 2 + rng.uniform(-0.1, 0.1) * stamp.shape[0])
    red = (int(rng.integers(200, 235)), int(rng.integers(20, 60)), int(rng.integers(30, 70)))
    _ink(arr, stamp, stx, sty, red, float(rng.uniform(0.65, 0.85)))
    # low contrast: grey ink on darker, yellowish paper
    paper = float(rng.uniform(178, 205))
    ink = float(rng.uniform(70, 100))
    arr = _apply_levels(arr, ink, (paper, paper - rng.uniform(2, 8), paper - rng.uniform(10, 22)))
    # downsample to 150-200 DPI
    dpi = int(rng.choice(prof["dpi"]))
    s = dpi / DPI
    nw, nh = int(round(W * s)), int(round(H * s))
    arr = cv2.resize(arr, (nw, nh), interpolation=cv2.INTER_AREA)
    angle = float(rng.uniform(2.0, 4.0) * rng.choice([-1, 1]))
    r = _rotation((nw, nh), angle)
    arr = cv2.warpAffine(arr, r, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=_border(arr))
    blur = float(rng.uniform(*prof["blur"]))
    arr = cv2.GaussianBlur(arr, (0, 0), blur)
    sigma = float(rng.uniform(*prof["noise"]))
    noise = _gaussian_noise(rng, arr.shape[:2], sigma)[..., None]
    arr = np.clip(arr.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    # salt and pepper
    amount = float(rng.uniform(*prof["salt_pepper"]))
    u = rng.integers(0, 1_000_000, size=arr.shape[:2], dtype=np.uint32)
    thr = int(amount * 1_000_000)
    pepper = u < thr // 2
    salt = (u >= thr // 2) & (u < thr)
    arr[pepper] = np.uint8(int(ink * 0.6))
    arr[salt] = 255
    m = np.vstack([r, [0, 0, 1]]) @ np.array([[nw / W, 0, 0], [0, nh / H, 0], [0, 0, 1]])
    return Image.fromarray(arr), {
        "dpi": dpi, "angle": round(angle, 4), "scale": round(s, 6), "transform": _affine(m[:2]),
        "paper": round(paper, 1), "ink": round(ink, 1), "blur_sigma": round(blur, 3),
        "noise_sigma": round(sigma, 2), "salt_pepper": round(amount, 4),
        "stamp_box": [stx, sty, stx + stamp.shape[1], sty + stamp.shape[0]],
        "signature_ink_box": [sx, sy, sx + sw, sy + sh],
    }


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def encode_image(img: Image.Image, fmt: str, dpi: int, *, quality: int = 75, small: bool = False) -> bytes:
    """Encode deterministically as png | jpg | tiff | pdf (image-only PDF), with the DPI recorded."""
    buf = io.BytesIO()
    fmt = fmt.lower()
    if fmt == "png":
        if img.mode == "RGB" and _is_noisy(img):
            # a colour scan saved as an indexed PNG (as many scanner drivers do): a third of the size
            img = img.quantize(64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        if small and img.mode == "L":
            # 16 grey levels as a palette image: a fraction of the size, still anti-aliased
            img = img.quantize(16, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        img.save(buf, "PNG", dpi=(dpi, dpi), compress_level=9 if small else 6)
    elif fmt in ("jpg", "jpeg"):
        img.save(buf, "JPEG", dpi=(dpi, dpi), quality=quality, optimize=small, subsampling=2)
    elif fmt in ("tif", "tiff"):
        if _is_noisy(img):
            img.save(buf, "TIFF", dpi=(dpi, dpi), compression="jpeg", quality=quality)
        else:
            img.save(buf, "TIFF", dpi=(dpi, dpi), compression="tiff_adobe_deflate")
    elif fmt == "pdf":
        ts = FIXED_DATE.timetuple()
        img.save(buf, "PDF", resolution=float(dpi), quality=quality, creationDate=ts, modDate=ts,
                 producer="samples generator", title="")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return buf.getvalue()


def _is_noisy(img: Image.Image) -> bool:
    """True for a scanned-looking image (many grey levels in the background)."""
    a = np.asarray(img.convert("L"))[::16, ::16]
    return int(np.count_nonzero((a > 5) & (a < 250))) > a.size * 0.5


def save_image(img: Image.Image, path: Path | str, dpi: int, *, quality: int = 75, small: bool = False) -> str:
    """Write ``img`` to ``path`` (format from the extension); returns the media type."""
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    ext = {"jpeg": "jpg", "tif": "tiff"}.get(ext, ext)
    path.write_bytes(encode_image(img, ext, dpi, quality=quality, small=small))
    return MEDIA_TYPES[ext]


def make_multipage_tiff(images: Sequence[Image.Image], path: Path | str, dpi: int) -> None:
    """A multi-page TIFF (deflate-compressed), the DPI recorded on every page."""
    images = list(images)
    if not images:
        raise ValueError("no pages")
    first, rest = images[0], images[1:]
    first.save(str(path), "TIFF", save_all=True, append_images=rest, dpi=(dpi, dpi), compression="tiff_adobe_deflate")


def _font_file(name: str, near: Path) -> Path | None:
    """A font file by name: beside ``near`` or one of the generator's families."""
    if (near / name).is_file():
        return near / name
    for family, styles in FONT_FAMILIES.items():
        for style, rel in styles.items():
            if Path(rel).name == name:
                try:
                    return _family_font_path(family, style)
                except FileNotFoundError:
                    return None
    return None


_DESCENDERS = set("gjpqyQ,;()[]|/ẠạẶặẬậỊịỌọỘộỢợỤụỰựỴỵẸẹỆệ")


def make_born_digital_pdf(truth_lines: Iterable[TruthLine | dict], path: Path | str, font_path: Path | str | None = None,
                          *, page_size: Sequence[int] = (2480, 3508), dpi: int = DPI,
                          line_fonts: Sequence[Sequence] | None = None) -> None:
    """A PDF with a real text layer and no image: each truth line is set at its box.

    ``font_path`` is a TTF file (default Liberation Serif).  ``line_fonts``
    (``truth.meta["line_fonts"]``: [font file name, size px] per line) gives
    each line its face and size; without it the size is fitted to the box.
    """
    from fpdf import FPDF

    if font_path is None:
        font_path = _family_font_path("LiberationSerif", "regular")
    k = 72.0 / dpi
    pdf = FPDF(unit="pt", format=(page_size[0] * k, page_size[1] * k))
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_producer("samples generator")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_font("Body", "", str(font_path))
    faces = {Path(font_path).name: "Body"}
    pdf.add_page()
    for i, ln in enumerate(truth_lines):
        if isinstance(ln, dict):
            ln = TruthLine(**ln)
        x0, y0, x1, y1 = (v * k for v in ln.bbox)
        face, size_px = ("", 0) if line_fonts is None or i >= len(line_fonts) else line_fonts[i]
        if face and face not in faces:
            file = _font_file(face, Path(font_path).parent)
            if file is not None:
                faces[face] = f"F{len(faces)}"
                pdf.add_font(faces[face], "", str(file))
        family = faces.get(face, "Body")
        if size_px:
            size = size_px * k
        else:
            pdf.set_font(family, size=10)
            w10 = pdf.get_string_width(ln.text)
            size = 10 * (x1 - x0) / w10 if w10 else 10
            # the ink box of a line is about one font size tall; never overlap the next line
            size = max(4.0, min(size, (y1 - y0) * 1.0))
        pdf.set_font(family, size=size)
        descends = any(ch in _DESCENDERS for ch in ln.text)
        pdf.text(x0, y1 - (0.21 * size if descends else 0.0), ln.text)
    pdf.output(str(path))
