"""An ID card photographed or scanned on a larger background: found, straightened and cropped.

A CCCD is an ID-1 card (ISO/IEC 7810: 85.60 × 53.98 mm). On a phone photo or a flatbed scan
it is a small, slightly turned rectangle on a table or a page, with whatever lies around it (a
seal, a signature, the table's grain) read by Tesseract as junk lines, and with a resolution
nobody wrote down (a phone's JPEG says 72 DPI, or nothing). Once the card's rectangle is found,
its known width gives the true resolution, and cutting it out leaves Tesseract only the card.

The card is found as a region, not by its edges: the pixels that differ in colour from the
image's border (the background), closed into one blob, the largest one kept. A seal or a
signature stamped over the card's edge joins that blob, so the rectangle is not its bounding
box: the blob is turned to the angle at which its row and column profiles step most sharply
(the card's straight sides), and the card's extent is where rows and columns are mostly blob.
Only a rectangle with the card's proportions, mostly filled and neither tiny nor the whole
image is taken; anything else (an A4 page, a card cropped to its edges) is left as it is.
Perspective is not corrected: the card is assumed photographed roughly square-on.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

CARD_WIDTH_MM = 85.60
CARD_HEIGHT_MM = 53.98
CARD_ASPECT = CARD_WIDTH_MM / CARD_HEIGHT_MM


@dataclass(frozen=True, slots=True)
class CardQuad:
    """The card's corners on the image (top-left, top-right, bottom-right, bottom-left, as read)."""

    corners: np.ndarray  # float32, shape (4, 2), x y

    @property
    def width_px(self) -> float:
        return float(np.linalg.norm(self.corners[1] - self.corners[0]))

    @property
    def height_px(self) -> float:
        return float(np.linalg.norm(self.corners[3] - self.corners[0]))

    @property
    def dpi(self) -> float:
        """The image's resolution at the card, from the card's printed width."""
        return self.width_px / (CARD_WIDTH_MM / 25.4)


def find_card(
    rgb: np.ndarray,
    *,
    work_px: int = 600,
    min_delta: float = 4.0,
    min_area: float = 0.08,
    max_area: float = 0.9,
    aspect_tolerance: float = 0.08,
    min_fill: float = 0.9,
) -> CardQuad | None:
    """The card's rectangle on a colour image, or None when there is no card-shaped region.

    Worked on a copy whose long side is ``work_px``. A pixel belongs to the region when its
    CIELAB colour is more than ``min_delta`` from the border's median (after a median and a
    Gaussian blur, so noise and print do not count; a grey card on grey paper differs by 8–12).
    The rectangle must cover ``min_area``–``max_area`` of the image, have the card's aspect within
    ``aspect_tolerance`` and be at least ``min_fill`` blob.
    """
    if rgb.ndim != 3 or min(rgb.shape[:2]) < 64:
        return None
    height, width = rgb.shape[:2]
    scale = min(1.0, work_px / max(height, width))
    small = cv2.resize(rgb, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    differs = _differs_from_border(small, min_delta=min_delta)
    blob = _largest_blob(differs)
    # A blob too small to fill a card-sized rectangle is no card: skip the costly angle search
    # (a page's stamp or photo edge; 0.2-1.3% of the image on the bench's pages).
    if blob is None or np.count_nonzero(blob) < min_fill * min_area * blob.size:
        return None
    angle = _straightening_angle(blob)
    turned, matrix = _rotate(blob, angle)
    x0, y0, x1, y1 = card_extent(turned)
    w, h = x1 - x0, y1 - y0
    if w < 8 or h < 8:
        return None
    aspect = max(w, h) / min(w, h)
    fill = np.count_nonzero(turned[y0:y1, x0:x1]) / (w * h)
    if not (min_area <= w * h / blob.size <= max_area and abs(aspect / CARD_ASPECT - 1) <= aspect_tolerance and fill >= min_fill):
        return None
    # A card standing on its short side is read with its long side across.
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)] if w >= h else [(x0, y1), (x0, y0), (x1, y0), (x1, y1)]
    inverse = cv2.invertAffineTransform(matrix)
    points = np.asarray(corners, np.float32) @ inverse[:, :2].T + inverse[:, 2]
    return CardQuad((points / scale).astype(np.float32))


def card_extent(mask: np.ndarray, *, share: float = 0.5, rounds: int = 2) -> tuple[int, int, int, int]:
    """The axis-aligned box (x0, y0, x1, y1) where the mask's rows and columns are mostly set.

    Rows at least ``share`` of the widest row first; then, in turn, the columns set over
    ``share`` of those rows and the rows set over ``share`` of those columns. Something stuck
    to the rectangle's side (a seal half on the card) is narrower than the rectangle and falls
    out; a rounded corner is kept.
    """
    rows = np.count_nonzero(mask, axis=1)
    if not rows.any():
        return 0, 0, 0, 0
    y0, y1 = _run(rows, share * rows.max())
    x0, x1 = 0, mask.shape[1]
    for _ in range(rounds):
        x0, x1 = _run(np.count_nonzero(mask[y0:y1], axis=0), share * (y1 - y0))
        y0, y1 = _run(np.count_nonzero(mask[:, x0:x1], axis=1), share * (x1 - x0))
    return x0, y0, x1, y1


def rectify_card(
    image: np.ndarray, quad: CardQuad, *, inset: float = 0.01, level_degrees: float = 0.15, scale: float = 1.0
) -> np.ndarray:
    """The card cut out straight, ``inset`` of its size inside its edges (the edge and its shadow
    are read as dashes; a card's print keeps 3 mm off them), at ``scale`` times the image's
    resolution.

    A card lying within ``level_degrees`` of level at scale 1 is cut out as it is, pixel for
    pixel: resampling a sharp scan to turn it by a tenth of a degree only blurs its small print.
    Otherwise it is turned and scaled in one bicubic resampling: a low-resolution photo's print
    is a few pixels tall, and turning it bilinearly, then enlarging it, blurs it twice.
    """
    width, height = round(quad.width_px * scale), round(quad.height_px * scale)
    dx, dy = round(inset * width), round(inset * height)
    size = (max(1, width - 2 * dx), max(1, height - 2 * dy))
    top = quad.corners[1] - quad.corners[0]
    if scale == 1.0 and abs(np.degrees(np.arctan2(top[1], top[0]))) < level_degrees:
        x0, y0 = (max(0, round(v)) for v in quad.corners.min(axis=0))
        return np.ascontiguousarray(image[y0 + dy : y0 + dy + size[1], x0 + dx : x0 + dx + size[0]])
    target = np.float32([[-dx, -dy], [width - 1 - dx, -dy], [width - 1 - dx, height - 1 - dy]])
    matrix = cv2.getAffineTransform(quad.corners[:3], target)
    return cv2.warpAffine(image, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def _differs_from_border(small: np.ndarray, *, min_delta: float) -> np.ndarray:
    """A 0/255 mask of the pixels whose paper differs in colour from the border's median.

    Paper, not print: each channel is closed over print-sized gaps first, so dark strokes (lines
    of text, a seal's ring, a signature) take the colour of the surface they are on. A block of
    text on a page is then the page's own colour; a card is its card's.
    """
    size = max(3, round(0.02 * max(small.shape[:2]))) | 1
    paper = cv2.morphologyEx(cv2.medianBlur(small, 5), cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    lab = cv2.GaussianBlur(cv2.cvtColor(paper, cv2.COLOR_RGB2LAB).astype(np.float32), (0, 0), 2)
    edge = 4
    border = np.concatenate([lab[:edge].reshape(-1, 3), lab[-edge:].reshape(-1, 3), lab[:, :edge].reshape(-1, 3), lab[:, -edge:].reshape(-1, 3)])
    distance = np.sqrt(((lab - np.median(border, axis=0)) ** 2).sum(axis=2))
    return (distance > min_delta).astype(np.uint8) * 255


def _largest_blob(mask: np.ndarray) -> np.ndarray | None:
    """The largest region of the mask once closed over print-sized gaps, as a 0/255 mask."""
    size = max(3, round(0.02 * max(mask.shape))) | 1
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    if count < 2:
        return None
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return np.where(labels == largest, 255, 0).astype(np.uint8)


def _straightening_angle(blob: np.ndarray, *, max_angle: float = 45.0) -> float:
    """The rotation (degrees, counter-clockwise) after which the blob's sides are level: the one
    whose row and column profiles have the steepest steps; 1° steps, then 0.1°."""

    def steepness(angle: float) -> float:
        turned, _ = _rotate(blob, angle)
        rows = np.count_nonzero(turned, axis=1).astype(np.int64)
        cols = np.count_nonzero(turned, axis=0).astype(np.int64)
        return float(np.abs(np.diff(rows)).max() + np.abs(np.diff(cols)).max())

    coarse = max(np.arange(-max_angle, max_angle + 1e-6, 1.0), key=steepness)
    return float(max(np.arange(coarse - 1.0, coarse + 1.0 + 1e-6, 0.1), key=steepness))


def _rotate(mask: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    height, width = mask.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(mask, matrix, (width, height), flags=cv2.INTER_NEAREST), matrix


def _run(counts: np.ndarray, need: float) -> tuple[int, int]:
    """First and past-last index where ``counts`` reaches ``need``."""
    hits = np.flatnonzero(counts >= need)
    return (int(hits[0]), int(hits[-1]) + 1) if len(hits) else (0, 0)


def blank_pictures(
    gray: np.ndarray,
    *,
    dpi: float,
    min_delta: float = 12.0,
    min_side_mm: float = 6.0,
    close_mm: float = 1.2,
    open_mm: float = 2.0,
    pad_mm: float = 0.6,
) -> np.ndarray:
    """A cut-out card with its pictures painted in the card's paper colour.

    The portrait, the emblem and the QR code are not text, but Tesseract reads a portrait's
    frame and shading as junk words, and they fill the channel between the column under the
    photo and the fields beside it, so that the two are read as one. A picture is found on the
    card's paper: the grey image closed over ``close_mm`` (print, even bold print, is thinner
    and goes), opened over ``open_mm`` (the closed print's mottle goes), and a region at least
    ``min_side_mm`` on each side that differs from the paper's median by more than
    ``min_delta`` grey levels is a picture; its box, ``pad_mm`` wider, is painted. The same
    object back when there is none.
    """
    per_mm = dpi / 25.4
    close = max(3, round(close_mm * per_mm)) | 1
    paper = cv2.medianBlur(cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (close, close))), 5)
    level = int(np.median(paper))
    mask = (np.abs(paper.astype(np.int16) - level) > min_delta).astype(np.uint8) * 255
    size = max(3, round(open_mm * per_mm)) | 1
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(mask)
    pad, min_side = round(pad_mm * per_mm), min_side_mm * per_mm
    pictures = [(x, y, w, h) for x, y, w, h, _area in stats[1:count] if w >= min_side and h >= min_side]
    if not pictures:
        return gray
    blanked = gray.copy()
    for x, y, w, h in pictures:
        blanked[max(0, y - pad) : y + h + pad, max(0, x - pad) : x + w + pad] = level
    return blanked
