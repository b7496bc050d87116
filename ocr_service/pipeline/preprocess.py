"""OpenCV clean-up of a page image before OCR.

Each step is a plain function that takes an image (uint8, greyscale unless it says otherwise)
and explicit parameters, and returns a new image; ``preprocess`` chains them in the order that
works best (noise is removed before upscaling, so specks are not enlarged; deskew runs on the
smaller image; binarization runs last, on the size Tesseract sees). Each step can be switched off through ``PreprocessOptions`` so the bench can
measure what it contributes; a step that does not pay for itself is not kept.

Orientation (0/90/180/270) needs the OCR engine, so it lives in ``pipeline.ocr`` and runs only
when a page reads badly upright.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ocr_service.domain import BBox, PreprocessOptions
from ocr_service.pipeline.card import blank_pictures, find_card, rectify_card

A4_LONG_SIDE_INCHES = 11.69


@dataclass(frozen=True, slots=True)
class Preprocessed:
    """``gray`` goes to Tesseract; ``display`` (same geometry, colour kept) goes into the searchable PDF."""

    gray: np.ndarray
    display: np.ndarray
    dpi: int
    skew_degrees: float
    steps: tuple[str, ...]

    @property
    def noisy(self) -> bool:
        """A noisy or faded copy: its noise had to be removed or its contrast stretched."""
        return any(step in NOISY_STEPS for step in self.steps)


# The extractors' review policy reads the same steps off the stored page (``ReviewPolicy.noisy_steps``).
NOISY_STEPS = ("denoise", "contrast")


def preprocess(pixels: np.ndarray, *, dpi: int | None, opts: PreprocessOptions) -> Preprocessed:
    steps: list[str] = []
    source_dpi = dpi or estimate_dpi(pixels.shape[:2])

    # Card: an ID card on a table or a page, found on the colour image; its printed width gives
    # the true resolution (a phone's file says 72 DPI or nothing). Cut out once its specks are gone.
    card = find_card(pixels) if opts.crop_card and pixels.ndim == 3 else None
    if card is not None:
        source_dpi = round(card.dpi)

    # Colour: red stamps and blue signatures fade out; black print stays.
    if pixels.ndim == 3 and opts.remove_red and has_colour_marks(pixels):
        gray = suppress_colour_marks(pixels, dpi=source_dpi)
        steps.append("remove_colour_marks")
    else:
        gray = to_gray(pixels)

    # Noise: salt-and-pepper specks, before they are enlarged.
    if opts.denoise and impulse_noise_ratio(gray) > 0.0005:
        gray = despeckle(gray)
        steps.append("denoise")

    # Card: cut out straight, a little inside its edges; only the card is read. Its pictures
    # (portrait, emblem, QR code) are painted over in the OCR's copy, not in the displayed one.
    # A card photographed below the target resolution is enlarged to it in the same resampling.
    if card is not None:
        scale = opts.target_dpi / source_dpi if opts.upscale and source_dpi < opts.target_dpi * 0.85 else 1.0
        gray, pixels = rectify_card(gray, card, scale=scale), rectify_card(pixels, card, scale=scale)
        source_dpi = round(source_dpi * scale)
        steps.append("card")
        if scale != 1.0:
            steps.append("upscale")
        if opts.blank_pictures:
            blanked = blank_pictures(gray, dpi=card.dpi * scale)
            if blanked is not gray:
                gray = blanked
                steps.append("blank_pictures")

    # Contrast: faded or grey-on-grey scans stretched to full range.
    faded = False
    if opts.normalize_contrast:
        stretched = stretch_contrast(gray)
        if stretched is not gray:
            gray, faded = stretched, True
            steps.append("contrast")

    # Skew: straighten the text lines.
    skew = 0.0
    display = pixels
    if opts.deskew:
        skew = estimate_skew(gray)
        if abs(skew) >= 0.15:
            gray = rotate(gray, skew)
            display = rotate(display, skew)
            steps.append("deskew")

    # Resolution: low-DPI scans upscaled so glyphs have the size Tesseract was trained on.
    out_dpi = source_dpi
    if opts.upscale and source_dpi < opts.target_dpi * 0.85:
        factor = opts.target_dpi / source_dpi
        gray = upscale(gray, factor)
        display = upscale(display, factor)
        out_dpi = opts.target_dpi
        steps.append("upscale")

    # Small print: a card's 6-8 pt lines stay too small for Tesseract even at 300 DPI; doubled
    # when the median glyph is under SMALL_TEXT_PX (an A4 page's body text measures 28-32 px, a card 18-22).
    if opts.upscale:
        height = median_glyph_height(gray)
        if 8 <= height < SMALL_TEXT_PX:
            gray = upscale(gray, 2.0)
            display = upscale(display, 2.0)
            out_dpi *= 2
            height *= 2
            steps.append("small_text")

    # Binarization: on a faded copy of small print or of a table, Tesseract's one global (Otsu)
    # threshold keeps the paper's mottle (noise, a card's guilloche print) and the broken rulings'
    # debris as ink and drops light print; a local threshold over a window of two glyphs separates
    # them. Other faded pages read better grey: the ink's grey edges carry the diacritics.
    # Small print enlarged from a blurred photo has soft edges a grey level or two wide; the
    # threshold is pulled further below the local mean there (a larger ``k``), or its strokes
    # come out bold and close up ("Citizen Identity" read "Cmzen tderwfy").
    if opts.binarize and faded:
        window = round(2 * (height if opts.upscale else median_glyph_height(gray)))
        binary = binarize(gray, window=window, k=SMALL_PRINT_SAUVOLA_K if "small_text" in steps else 0.2)
        # A faint table breaks into dashes under the local threshold too; its grid (row rulings
        # crossing column rulings) is then looked for on the grey page, which letters do not make.
        if "small_text" in steps or has_table(binary, dpi=int(out_dpi)) or (opts.faint_table and has_faint_grid(gray, dpi=int(out_dpi))):
            gray = binary
            steps.append("binarize")
            # Specks: the noise a local threshold keeps as dots, far from any glyph, on small
            # print (on a table page dropping them cost more than it gave: its full stops and
            # hyphens stand apart at 300 DPI).
            if opts.drop_specks and "small_text" in steps:
                cleaned = drop_specks(gray, glyph_px=height if opts.upscale else median_glyph_height(gray))
                if cleaned is not gray:
                    gray = cleaned
                    steps.append("drop_specks")

    return Preprocessed(gray=gray, display=display, dpi=int(out_dpi), skew_degrees=round(skew, 2), steps=tuple(steps))


SMALL_TEXT_PX = 25
# Sauvola's k for doubled small print (0.2 elsewhere): on 20 calibration cards' hard tier (seeds
# 7, 11, 13, 17, 2027) and the bench's 3, character errors at k 0.2, 0.22, 0.25, 0.27, 0.3, 0.35
# were 785, 717, 613, 666, 740, 882 (with seals dropped whole).
SMALL_PRINT_SAUVOLA_K = 0.25
# Below this median glyph height (px, as measured on a median-filtered copy) print has strokes
# of one or two pixels, which a 3x3 median erases: a card photographed at 150-200 DPI measures
# 16, an A4 page at 150 DPI 20-24.
THIN_STROKE_GLYPH_PX = 18


def despeckle(gray: np.ndarray, *, threshold: int = 40) -> np.ndarray:
    """Salt-and-pepper specks removed: a 3x3 median, or only the specks when the print is tiny.

    The median rounds off small specks and the grain between them, but it also erases strokes
    one or two pixels wide (a card's 6 pt labels at 175 DPI). For such print only the pixels
    brighter or darker than all eight neighbours by more than ``threshold`` take the median
    (a switching median filter): an isolated speck is, a pixel of a stroke is not.
    """
    smoothed = cv2.medianBlur(gray, 3)
    if median_glyph_height(smoothed) >= THIN_STROKE_GLYPH_PX:
        return smoothed
    ring = np.ones((3, 3), np.uint8)
    ring[1, 1] = 0
    brightest = cv2.dilate(gray, ring).astype(np.int16)
    darkest = cv2.erode(gray, ring).astype(np.int16)
    value = gray.astype(np.int16)
    specks = ((value - brightest) > threshold) | ((darkest - value) > threshold)
    cleaned = gray.copy()
    cleaned[specks] = smoothed[specks]
    return cleaned


def drop_specks(binary: np.ndarray, *, glyph_px: float, max_size: float = 0.5, reach: float = 0.5) -> np.ndarray:
    """A binarized page without the specks that lie away from any glyph.

    A speck is a blob of ink less than ``max_size`` × the median glyph height (``glyph_px``) tall
    and wide; it is dropped unless it lies within ``reach`` × the glyph height of a larger blob:
    a diacritic, an i's dot, a full stop or a comma sits that close to its letters;
    salt-and-pepper noise, enlarged and kept by the local threshold, lies on the paper between
    lines and fields, where Tesseract reads it as stray punctuation or joins it into junk words.
    The same object back when nothing is dropped.
    """
    if glyph_px <= 0:
        return binary
    ink = (binary < 128).astype(np.uint8)
    count, labels, stats, _centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    limit = max_size * glyph_px
    small = (stats[:, cv2.CC_STAT_HEIGHT] < limit) & (stats[:, cv2.CC_STAT_WIDTH] < limit)
    small[0] = False
    if not small.any():
        return binary
    large = (~small).astype(np.uint8)
    large[0] = 0
    radius = max(2, round(reach * glyph_px))
    near = cv2.dilate(large[labels], cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1)))
    touching = np.zeros(count, bool)
    touching[np.unique(labels[(near > 0) & (labels > 0)])] = True
    drop = small & ~touching
    if not drop.any():
        return binary
    cleaned = binary.copy()
    cleaned[drop[labels]] = 255
    return cleaned


def binarize(gray: np.ndarray, *, window: int, k: float = 0.2, smooth_sigma: float = 1.0, strip_rows: int = 512) -> np.ndarray:
    """Black ink on white, by Sauvola's local threshold ``mean * (1 + k * (std / 128 - 1))``.

    Over a ``window`` (at least 15 px, made odd) the threshold follows the local paper, and a
    low local spread (plain paper, faint mottle) pulls it below the mean so mottle stays white.
    The page is first smoothed with a ``smooth_sigma`` Gaussian, which averages the grain of an
    upscaled noisy copy instead of thresholding it pixel by pixel. Worked in strips of
    ``strip_rows`` rows (with a window's margin), so the float images stay a few MB, not a
    page's 35 MB each.
    """
    size = max(15, window) | 1
    margin = size // 2 + (3 * math.ceil(smooth_sigma) if smooth_sigma > 0 else 0)
    height = gray.shape[0]
    out = np.empty_like(gray)
    for top in range(0, height, strip_rows):
        bottom = min(height, top + strip_rows)
        lo, hi = max(0, top - margin), min(height, bottom + margin)
        values = gray[lo:hi].astype(np.float32)
        if smooth_sigma > 0:
            values = cv2.GaussianBlur(values, (0, 0), smooth_sigma)
        mean = cv2.boxFilter(values, -1, (size, size))
        threshold = cv2.sqrBoxFilter(values, -1, (size, size))
        threshold -= mean * mean
        np.maximum(threshold, 0, out=threshold)
        np.sqrt(threshold, out=threshold)
        threshold *= k / 128.0
        threshold += 1 - k
        threshold *= mean
        rows = slice(top - lo, top - lo + (bottom - top))
        out[top:bottom] = np.where(values[rows] > threshold[rows], 255, 0)
    return out


def median_glyph_height(gray: np.ndarray) -> float:
    """The median height of the ink's glyph-shaped connected components, in pixels.

    Measured on a half-size copy of the ink (any ink in a 2x2 cell counts), which keeps a card's
    smallest glyphs and costs a quarter of the full page's labelling.
    """
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    half = _shrink_ink(ink)
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(half)
    heights, widths = stats[1:count, cv2.CC_STAT_HEIGHT] * 2, stats[1:count, cv2.CC_STAT_WIDTH] * 2
    glyphs = heights[(heights >= 6) & (heights <= 200) & (widths <= 3 * heights)]
    return float(np.median(glyphs)) if len(glyphs) else 0.0


def _shrink_ink(ink: np.ndarray) -> np.ndarray:
    """A half-size binary image in which a pixel is ink when any of its four was."""
    small = cv2.resize(ink, (max(1, ink.shape[1] // 2), max(1, ink.shape[0] // 2)), interpolation=cv2.INTER_AREA)
    return np.where(small > 0, 255, 0).astype(np.uint8)


def to_gray(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 2:
        return pixels
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)


def estimate_dpi(shape: tuple[int, int]) -> int:
    """No DPI in the file: assume an A4 page (the common case at a one-stop shop)."""
    long_side = max(shape)
    return int(max(72, min(600, round(long_side / A4_LONG_SIDE_INCHES))))


def has_colour_marks(rgb: np.ndarray, *, min_fraction: float = 0.0005) -> bool:
    coloured, _red = _colour_masks(np.ascontiguousarray(rgb[::4, ::4]))
    return cv2.countNonZero(coloured) / coloured.size > min_fraction


def suppress_colour_marks(rgb: np.ndarray, *, dpi: int) -> np.ndarray:
    """Greyscale without stamps and signatures, keeping black print and red printed titles.

    Coloured ink that is not red (blue or purple signatures) is dropped everywhere; red ink only
    inside seals: round red rings at least ~19 mm across (a seal is 30–40 mm), so a red title
    such as "CĂN CƯỚC CÔNG DÂN" stays. Dropped pixels take their brightest channel, which is
    near the paper's brightness; other pixels keep the usual luminance, except in a seal's disc,
    where all take their brightest channel.
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    coloured, red = _colour_masks(rgb)
    r, g, b = cv2.split(rgb)
    brightest = cv2.max(cv2.max(r, g), b)
    cv2.copyTo(brightest, cv2.bitwise_and(coloured, cv2.bitwise_not(red)), gray)
    # A seal's whole disc takes the brightest channel: a worn seal's pale strokes are too faint to
    # count as coloured, yet darker than the paper in grey; print is dark in every channel.
    seals = _seal_regions(red, dpi=dpi)
    cv2.copyTo(brightest, seals, gray)
    return gray


def _colour_masks(rgb: np.ndarray, *, min_chroma: float = 8.0) -> tuple[np.ndarray, np.ndarray]:
    """Pixels whose colour stands out from the paper's (CIELAB chroma distance), and the red ones among them.

    Measured against the paper's own tint, so a yellowed or grey page is not "coloured" and a
    faded seal on it still is.
    """
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    _l, a, b = cv2.split(lab)
    a0, b0 = (float(np.median(ch[::8, ::8])) for ch in (a, b))
    da = a.astype(np.float32) - a0
    db = b.astype(np.float32) - b0
    coloured = ((da * da + db * db) > min_chroma * min_chroma).astype(np.uint8) * 255
    red = ((da > 5) & (da > np.abs(db) * 0.7)).astype(np.uint8) * 255
    return coloured, cv2.bitwise_and(coloured, red)


def _seal_regions(red: np.ndarray, *, dpi: int, gap_mm: float = 5.0, pad_mm: float = 1.0) -> np.ndarray:
    """A mask of the discs of seal-like red marks: large, roughly round, mostly hollow.

    A worn seal's ring breaks where its ink is pale, into arcs and letters up to a few
    millimetres apart; red pixels closer than ``gap_mm`` are taken together. A group whose red
    spans at least ~19 mm each way, roughly square, covering at most 60 % of its box, is a seal
    (a red title is a long thin line; the card's emblem is smaller). Its disc is the circle
    through the convex hull of its red (the hull of an arc has its corners on the circle, the
    chord's ends included), ``pad_mm`` wider; a hull that fits no circle of the group's size is
    taken by its box.
    """
    scale = 4
    small = cv2.resize(red, (red.shape[1] // scale, red.shape[0] // scale), interpolation=cv2.INTER_AREA)
    small = cv2.threshold(small, 20, 255, cv2.THRESH_BINARY)[1]
    gap = max(3, round(gap_mm / 25.4 * dpi / scale)) | 1
    groups = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (gap, gap)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(groups, connectivity=8)
    regions = np.zeros_like(red)
    min_side = 0.75 * dpi / scale  # ~19 mm
    pad = round(pad_mm * dpi / 25.4)
    for index, (gx, gy, gw, gh, _area) in enumerate(stats[1:count], start=1):
        if gw < min_side or gh < min_side:
            continue
        ys, xs = np.nonzero((labels[gy : gy + gh, gx : gx + gw] == index) & (small[gy : gy + gh, gx : gx + gw] > 0))
        if len(xs) < 3:
            continue
        x, y, w, h = xs.min() + gx, ys.min() + gy, int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1
        if not (w >= min_side and h >= min_side and 0.6 <= w / h <= 1.6 and len(xs) <= 0.6 * w * h):
            continue
        hull = cv2.convexHull(np.column_stack([xs + gx, ys + gy]).astype(np.float32)).reshape(-1, 2)
        circle = _fit_circle(hull)
        if circle is not None and circle[2] <= max(w, h):
            cx, cy, radius = circle
            cv2.circle(regions, (round(cx * scale), round(cy * scale)), round(radius * scale) + pad, 255, -1)
        else:
            cv2.rectangle(regions, (x * scale - pad, y * scale - pad), ((x + w) * scale + pad, (y + h) * scale + pad), 255, -1)
    return regions


def _fit_circle(points: np.ndarray) -> tuple[float, float, float] | None:
    """The least-squares circle (cx, cy, radius) through ``points`` (Kasa's algebraic fit), or
    None for fewer than three points or points in a line."""
    if len(points) < 3:
        return None
    x, y = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
    system = np.column_stack([x, y, np.ones_like(x)])
    solution, _residuals, rank, _sv = np.linalg.lstsq(system, x * x + y * y, rcond=None)
    if rank < 3:
        return None
    cx, cy = solution[0] / 2, solution[1] / 2
    radius_sq = solution[2] + cx * cx + cy * cy
    return (float(cx), float(cy), float(np.sqrt(radius_sq))) if radius_sq > 0 else None


def impulse_noise_ratio(gray: np.ndarray) -> float:
    """Share of pixels that are isolated specks: dark with no dark neighbour, or light amid ink.

    Print has no isolated pixels (strokes are several pixels wide at scanning resolutions), so
    a clean page scores near zero and salt-and-pepper noise scores high.
    """
    dark = (gray < 128).astype(np.uint8)
    kernel = np.ones((3, 3), np.float32)
    kernel[1, 1] = 0
    neighbours = cv2.filter2D(dark, -1, kernel, borderType=cv2.BORDER_CONSTANT)
    isolated = np.count_nonzero((dark == 1) & (neighbours == 0)) + np.count_nonzero((dark == 0) & (neighbours == 8))
    return isolated / dark.size


def stretch_contrast(gray: np.ndarray, *, darkest_ink: int = 70, lightest_paper: int = 200) -> np.ndarray:
    """Stretch ink-to-paper to 0–255 when a page is faded (grey ink) or dark (grey paper).

    Ink is the 0.5th percentile, paper the 90th: most of a page is paper. A page with black ink
    on white paper is returned unchanged (the same object).
    """
    ink, paper = np.percentile(gray[::4, ::4], (0.5, 90))
    if (ink <= darkest_ink and paper >= lightest_paper) or paper - ink < 10:
        return gray
    lut = np.clip((np.arange(256, dtype=np.float32) - ink) * 255.0 / (paper - ink), 0, 255).astype(np.uint8)
    return cv2.LUT(gray, lut)


def estimate_skew(gray: np.ndarray, *, max_angle: float = 6.0) -> float:
    """Skew in degrees (positive: text rises to the right), by projection profiles of ink pixels.

    Works on a reduced image: ink coordinates are rotated (not the image) and the angle whose
    row histogram is sharpest wins, first at 0.5°, then refined at 0.05°.
    """
    height, width = gray.shape[:2]
    scale = min(1.0, 1200.0 / max(height, width))
    small = cv2.resize(gray, (max(1, int(width * scale)), max(1, int(height * scale))), interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(xs) < 200:
        return 0.0
    if len(xs) > 60_000:
        pick = np.random.default_rng(0).choice(len(xs), 60_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float32) - small.shape[1] / 2
    ys = ys.astype(np.float32)

    def sharpness(angle: float) -> float:
        theta = np.deg2rad(angle)
        rows = ys * np.cos(theta) + xs * np.sin(theta)
        hist = np.bincount((rows - rows.min()).astype(np.int32))
        return float(np.sum(np.diff(hist.astype(np.float64)) ** 2))

    coarse = np.arange(-max_angle, max_angle + 1e-6, 0.5)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-6, 0.05)
    best = max(fine, key=sharpness)
    return float(best)


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate about the centre by ``degrees`` clockwise, filling with white: ``rotate(img, estimate_skew(img))`` straightens."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -degrees, 1.0)
    fill = 255 if image.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=fill)


def rotate_quarter(image: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate clockwise by a multiple of 90°."""
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return image if degrees % 360 == 0 else cv2.rotate(image, turns[degrees % 360])


def upscale(image: np.ndarray, factor: float) -> np.ndarray:
    height, width = image.shape[:2]
    return cv2.resize(image, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_CUBIC)


MIN_VERTICAL_RULINGS = 6


@dataclass(frozen=True, slots=True)
class Rulings:
    """A page's ruling lines: ``mask`` the pixels to erase; ``lines`` the boxes of a table's
    rulings, vertical ones at least ``min_column_in`` tall (column borders, not a digit box's
    sides) and horizontal ones at least ``min_row_in`` long (row borders), which the reading
    order cuts at however narrow the gap between two cells' words."""

    mask: np.ndarray
    lines: tuple[BBox, ...]


def find_rulings(
    gray: np.ndarray,
    *,
    dpi: int,
    min_horizontal_in: float = 0.25,
    min_vertical_in: float = 0.2,
    max_thickness_in: float = 0.03,
    min_vertical_lines: int = 0,
    min_column_in: float = 0.4,
    min_row_in: float = 1.0,
    faint: bool = True,
) -> Rulings:
    """Thin straight ink lines, grown by a pixel to take their anti-aliased edges.

    Horizontal runs of at least ``min_horizontal_in`` inches and vertical ones of at least
    ``min_vertical_in`` (a 12–16 pt letter's stem is under 0.17 in, a CT01 digit box's side over
    0.2 in); no thicker than ``max_thickness_in``, so a dark bar, a photo or a table's shaded
    header (which may carry light text) is not a ruling. With ``min_vertical_lines``, none
    unless the page has that many vertical rulings of one height, decided first on a
    half-size copy (most pages have no table, and the full-size morphology is the costly part).
    With ``faint``, lines are also looked for on the grey page (``line_ink``): what a noisy or
    faded copy needs, and what costs most (half a second on an A4 page with a table), so the
    caller asks for it only on such a page.
    """
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    grey = gray if faint else None
    if min_vertical_lines and not _has_aligned_verticals(
        ink, dpi=dpi, min_lines=min_vertical_lines, min_vertical_in=min_vertical_in, max_thickness_in=max_thickness_in, gray=grey
    ):
        return Rulings(np.zeros_like(ink), ())
    thick = max(3, round(max_thickness_in * dpi) + 1)
    horizontal = _ruling_runs(grey, ink, dpi=dpi, length=max(8, round(min_horizontal_in * dpi)), thick=thick, horizontal=True)
    vertical = _ruling_runs(grey, ink, dpi=dpi, length=max(8, round(min_vertical_in * dpi)), thick=thick, horizontal=False)
    lines = table_grid(_boxes(vertical, min_height=min_column_in * dpi), _boxes(horizontal, min_width=min_row_in * dpi), snap=round(0.2 * dpi))
    # Letters' strokes are told from rulings on a page with a table. Where the "rulings" are a
    # faded decision's stems and a seal's or signature's strokes (no grid), keeping the short
    # runs beside ink changed only the seal's junk, for the worse (bench: 48 -> 62 errors on two).
    if is_table(lines):
        horizontal = without_glyph_strokes(horizontal, ink, vertical, dpi=dpi)
    return Rulings(cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8)), lines)


# A run of letters' strokes in one row, blurred together on a low-resolution copy: the crossbars of
# "4444" in an ID number (0.52 in on the bench), the tops of "TR" in a bold title, a serif
# baseline. Shorter than the grey line search's runs, touching no vertical ruling, and with a
# line of text right against it, above or below.
GLYPH_STROKE_MAX_IN = 0.75  # LINE_INK_MIN_HORIZONTAL_IN


def without_glyph_strokes(
    horizontal: np.ndarray,
    ink: np.ndarray,
    vertical: np.ndarray,
    *,
    dpi: int,
    max_length_in: float = GLYPH_STROKE_MAX_IN,
    reach_in: float = 0.03,
    min_cover: float = 0.5,
) -> np.ndarray:
    """The horizontal runs without those that are strokes of text, not rulings.

    A run is a stroke when it is shorter than ``max_length_in``, touches no vertical run (a
    table's or a digit box's border is joined to its sides) and ink lies within ``reach_in``
    inches of it (two pixels off its edge) over at least ``min_cover`` of its length on one side:
    its letters. A ruling has paper along it on both sides (a cell's text keeps its padding); an
    underline of a word or two is kept too, which costs little (Tesseract reads text over a line).
    The same object back when no run is a stroke.
    """
    contours, _hierarchy = cv2.findContours(horizontal, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    gap, reach, longest = 2, max(2, round(reach_in * dpi)), max_length_in * dpi
    strokes = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w >= longest or np.any(vertical[max(0, y - 2) : y + h + 2, max(0, x - 2) : x + w + 2]):
            continue
        above = ink[max(0, y - gap - reach) : max(0, y - gap), x : x + w]
        below = ink[y + h + gap : y + h + gap + reach, x : x + w]
        cover = max((np.count_nonzero(side.any(axis=0)) / w) if side.size else 0.0 for side in (above, below))
        if cover >= min_cover:
            strokes.append(contour)
    if not strokes:
        return horizontal
    # Outer contours filled: each stroke's run whole (contours, not labels: a tenth of the cost).
    return cv2.drawContours(horizontal.copy(), strokes, -1, 0, thickness=cv2.FILLED)


def table_grid(columns: tuple[BBox, ...], rows: tuple[BBox, ...], *, snap: int) -> tuple[BBox, ...]:
    """A table's rulings made whole: the row rulings that cross two column rulings or more (not
    an underline or a signature's stroke), and each column ruling stretched to the row rulings
    its ends fall short of by up to ``snap`` px (on a noisy photo the end of a faint line is lost
    where it meets the border)."""

    def crosses(row: BBox, column: BBox) -> bool:
        x = (column.x0 + column.x1) / 2
        return row.x0 - snap <= x <= row.x1 + snap and column.y0 - snap <= (row.y0 + row.y1) / 2 <= column.y1 + snap

    rows = tuple(r for r in rows if sum(crosses(r, c) for c in columns) >= 2)
    stretched = []
    for column in columns:
        ys = [(r.y0 + r.y1) // 2 for r in rows if crosses(r, column)]
        top = min([column.y0, *(y for y in ys if y < column.y0)])
        bottom = max([column.y1, *(y for y in ys if y > column.y1)])
        stretched.append(BBox(column.x0, top, column.x1, bottom))
    return tuple(stretched) + rows


def _boxes(mask: np.ndarray, *, min_width: float = 0, min_height: float = 0) -> tuple[BBox, ...]:
    """The boxes of the mask's blobs (outer contours: a tenth of the cost of labelling every
    pixel of a full page)."""
    contours, _hierarchy = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = (cv2.boundingRect(c) for c in contours)
    return tuple(BBox(x, y, x + w, y + h) for x, y, w, h in boxes if w >= min_width and h >= min_height)


def ruling_mask(gray: np.ndarray, *, dpi: int, min_vertical_lines: int = 0, faint: bool = True) -> np.ndarray:
    """The pixels of ``find_rulings``."""
    return find_rulings(gray, dpi=dpi, min_vertical_lines=min_vertical_lines, faint=faint).mask


def line_ink(gray: np.ndarray, *, dpi: int, horizontal: bool, smooth_in: float = 0.05, side_in: float = 0.03, min_contrast: int = 16) -> np.ndarray:
    """Pixels of thin dark lines running ``horizontal``-ly (or vertically), found on the grey page.

    A faint ruling on a noisy photo (or one thinned by the despeckling median) breaks into
    dashes under a page-wide threshold, and dashes are not runs. Here the page is first averaged
    along the direction over ``smooth_in`` inches, which evens out the noise along a line and
    fills its gaps; then a pixel is line ink when it is darker than the paper on *both* sides of
    it (the lightest pixel within ``side_in`` inches beyond two pixels each way, the darker of
    the two sides), so a faint line on a grey page counts as much as a black one on white, and
    the edge of a block of text (dark on one side) does not. The contrast is thresholded by
    Otsu, never under ``min_contrast`` grey levels. Short strokes respond too (a letter's stem);
    the caller keeps only long runs.
    """
    smooth = max(3, round(smooth_in * dpi)) | 1
    side = max(3, round(side_in * dpi))
    edge = 2
    averaged = cv2.blur(gray, (smooth, 1) if horizontal else (1, smooth))
    size = 2 * (edge + side) + 1
    before = np.zeros(size, np.uint8)
    before[:side] = 1
    after = before[::-1].copy()
    shape = (size, 1) if horizontal else (1, size)
    paper = cv2.min(
        cv2.dilate(averaged, before.reshape(shape), borderType=cv2.BORDER_REPLICATE),
        cv2.dilate(averaged, after.reshape(shape), borderType=cv2.BORDER_REPLICATE),
    )
    darker = cv2.subtract(paper, averaged)
    level, _ = cv2.threshold(darker, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return np.where(darker > max(level, min_contrast), 255, 0).astype(np.uint8)


# A serif font's baseline or the tops of a word in capitals, averaged along the line, make a thin
# dark row with paper on both sides as long as a word or two (up to 0.56 in on the test page); a
# CT01 table's name, date, ID and relation columns and a row of digit boxes are longer. Horizontal
# runs of the grey line response count from this length only (narrower cells keep the ink's runs).
LINE_INK_MIN_HORIZONTAL_IN = 0.75


def _ruling_runs(gray: np.ndarray | None, ink: np.ndarray, *, dpi: int, length: int, thick: int, horizontal: bool) -> np.ndarray:
    """Thin straight runs of at least ``length`` in the ink, or (given ``gray``) in the grey
    page's line response (horizontal ones there at least ``LINE_INK_MIN_HORIZONTAL_IN``), their
    crossings with the other direction's lines bridged (the response is blind where two cross)."""
    runs = _thin_runs(ink, length, thick, horizontal=horizontal)
    if gray is not None:
        faint_length = max(length, round(LINE_INK_MIN_HORIZONTAL_IN * dpi)) if horizontal else length
        runs = cv2.bitwise_or(runs, _thin_runs(line_ink(gray, dpi=dpi, horizontal=horizontal), faint_length, thick, horizontal=horizontal))
    bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * thick, 1) if horizontal else (1, 2 * thick))
    return cv2.morphologyEx(runs, cv2.MORPH_CLOSE, bridge)


def has_table(gray: np.ndarray, *, dpi: int, min_lines: int = MIN_VERTICAL_RULINGS, bridge_in: float = 0.02) -> bool:
    """Whether the page has ``min_lines`` vertical rulings of one height: a table or digit boxes.

    Gaps up to ``bridge_in`` inches in a vertical line are bridged first: on a noisy copy a
    ruling breaks into pieces of assorted lengths (lines of text are further apart).
    """
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, round(bridge_in * dpi))))
    return _has_aligned_verticals(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, bridge), dpi=dpi, min_lines=min_lines)


def has_faint_grid(gray: np.ndarray, *, dpi: int, min_columns: int = 3, min_rows: int = 2) -> bool:
    """Whether a faded page has a table whose rulings are too faint for ``has_table``: at least
    ``min_rows`` row rulings that each cross two column rulings or more, and ``min_columns``
    column rulings crossed, found on the grey page (``line_ink``) at half size.

    The grey line response alone finds six "rulings" of one height among a faded decision's
    letters; their strokes make no row ruling an inch long that crosses them, a table does.
    """
    half_dpi = dpi // 2
    small = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    thick = max(2, round(0.03 * half_dpi) + 1)
    vertical = _ruling_runs(small, ink, dpi=half_dpi, length=round(0.2 * half_dpi), thick=thick, horizontal=False)
    horizontal = _ruling_runs(small, ink, dpi=half_dpi, length=round(0.25 * half_dpi), thick=thick, horizontal=True)
    grid = table_grid(_boxes(vertical, min_height=0.4 * half_dpi), _boxes(horizontal, min_width=1.0 * half_dpi), snap=round(0.2 * half_dpi))
    return is_table(grid, min_columns=min_columns, min_rows=min_rows)


def is_table(grid: tuple[BBox, ...], *, min_columns: int = 3, min_rows: int = 2) -> bool:
    """Whether ``table_grid``'s lines make a table: ``min_rows`` row rulings and ``min_columns``
    column rulings that one of them crosses."""
    rows = [line for line in grid if line.width > line.height]
    columns = [line for line in grid if line.height > line.width]
    crossed = [c for c in columns if any(r.x0 <= (c.x0 + c.x1) / 2 <= r.x1 and c.y0 <= (r.y0 + r.y1) / 2 <= c.y1 for r in rows)]
    return len(rows) >= min_rows and len(crossed) >= min_columns


def _has_aligned_verticals(
    ink: np.ndarray, *, dpi: int, min_lines: int, min_vertical_in: float = 0.2, max_thickness_in: float = 0.03, gray: np.ndarray | None = None
) -> bool:
    """Decided on a half-size copy of the ink (the full-size morphology is the costly part),
    with the grey page's faint lines (``line_ink``) when ``gray`` is given."""
    half = _shrink_ink(ink)
    length = round(min_vertical_in * dpi / 2)
    thick = max(2, round(max_thickness_in * dpi / 2) + 1)
    if gray is None:
        vertical = _thin_runs(half, length, thick, horizontal=False)
    else:
        small = cv2.resize(gray, (half.shape[1], half.shape[0]), interpolation=cv2.INTER_AREA)
        vertical = _ruling_runs(small, half, dpi=dpi // 2, length=length, thick=thick, horizontal=False)
    return _aligned_verticals(vertical, min_length=length) >= min_lines


def _thin_runs(ink: np.ndarray, length: int, thick: int, *, horizontal: bool) -> np.ndarray:
    """Straight runs of ink at least ``length`` long and thinner than ``thick``."""
    along = (length, 1) if horizontal else (1, length)
    across = (1, thick) if horizontal else (thick, 1)
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
    bars = cv2.morphologyEx(runs, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, across))
    return cv2.subtract(runs, cv2.dilate(bars, np.ones((3, 3), np.uint8)))


def _aligned_verticals(vertical: np.ndarray, *, min_length: int, tolerance: float = 0.05) -> int:
    """The largest number of vertical rulings of one height (within 5 %) that start level (within
    5 % of that height, or 3 px): a table's column borders or a form's digit boxes. A card's edges
    and photo frame, or speckle on a noisy scan, make a few lines of assorted heights; a QR code's
    module columns make many of one height, but at every level (a decision's QR code counted as a
    table, and its page was binarized: 28 -> 53 character errors)."""
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(vertical)
    lines = sorted((int(h), int(y)) for y, h in stats[1:count, [cv2.CC_STAT_TOP, cv2.CC_STAT_HEIGHT]] if h >= min_length)
    best, start = 0, 0
    for end, (height, _top) in enumerate(lines):
        while lines[start][0] < height / (1 + tolerance):
            start += 1
        tops = sorted(top for _h, top in lines[start:end + 1])
        slack = max(3.0, tolerance * height)
        first = 0
        for last, top in enumerate(tops):
            while top - tops[first] > slack:
                first += 1
            best = max(best, last - first + 1)
    return best


def remove_rulings(gray: np.ndarray, *, dpi: int, min_vertical_lines: int = MIN_VERTICAL_RULINGS) -> np.ndarray:
    """Paint ruling lines in paper colour; the same object back when a page has none, or fewer
    than ``min_vertical_lines`` vertical ones of one height (no table, no digit boxes): on other
    pages erasing lines cost more than it gave (Decree 30 underlines, a card's frame, noise)."""
    return erase(gray, ruling_mask(gray, dpi=dpi, min_vertical_lines=min_vertical_lines))


def erase(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``mask``'s pixels painted in paper colour; the same object back when the mask is empty."""
    if not np.any(mask):
        return gray
    cleaned = gray.copy()
    cleaned[mask > 0] = 255
    return cleaned
