"""QR codes on a page (a chip CCCD's, a one-stop receipt's), decoded with OpenCV.

Only the text is returned; what it means is the extractors' business
(``extractors.identity.decode_qr_payload``). A code too small or damaged to decode is simply not
there: the printed fields are then read by OCR alone. OpenCV's errors are translated here, to
nothing: a page never fails because of its QR code.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr_service.domain import nfc


@dataclass(frozen=True, slots=True)
class QrCode:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 on the page, quiet zone included


def read_qr_codes(gray: np.ndarray, *, dpi: int, max_candidates: int = 6) -> tuple[QrCode, ...]:
    """The QR codes found on a greyscale page (text in NFC, one per text), with their boxes.

    Decoding a whole A4 page costs about 0.3 s, so only candidate regions are decoded: squares of
    at least 8 mm whose ink covers 30–70 % (a QR code; text is sparser, a photo or a bar denser),
    found on a quarter-size copy. OpenCV's ArUco-based detector reads small, dense codes (a card's,
    3-pixel modules) that the classic one misses; the classic one is the fallback.
    """
    found: dict[str, QrCode] = {}
    height, width = gray.shape[:2]
    for x0, y0, x1, y1 in _candidates(gray, dpi=dpi)[:max_candidates]:
        crop = gray[y0:y1, x0:x1]
        for detector in (cv2.QRCodeDetectorAruco, cv2.QRCodeDetector):
            decoded = _decode(detector(), crop)
            for text, corners in decoded:
                xs, ys = corners[:, 0] + x0, corners[:, 1] + y0
                pad = 0.04 * (xs.max() - xs.min())  # a module of slack (the quiet zone is blank already)
                box = (max(0, int(xs.min() - pad)), max(0, int(ys.min() - pad)), min(width, int(xs.max() + pad)), min(height, int(ys.max() + pad)))
                found.setdefault(nfc(text), QrCode(nfc(text), box))
            if decoded:
                break
    return tuple(found.values())


def blank_codes(gray: np.ndarray, codes: tuple[QrCode, ...]) -> np.ndarray:
    """The page with its QR codes painted in paper colour, so OCR does not read them as text."""
    if not codes:
        return gray
    blanked = gray.copy()
    for code in codes:
        x0, y0, x1, y1 = code.box
        blanked[y0:y1, x0:x1] = 255
    return blanked


def _candidates(gray: np.ndarray, *, dpi: int) -> list[tuple[int, int, int, int]]:
    """Full-resolution boxes (with a quiet-zone margin) of QR-like regions, largest first."""
    scale = 0.25
    # Ink is decided at full resolution, then averaged: shrinking first would blur 3-pixel
    # modules into grey and lose them.
    ink = cv2.resize((gray < 128).astype(np.float32), None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    window = max(3, round(6 / 25.4 * dpi * scale))
    density = cv2.boxFilter(ink, -1, (window, window))
    mask = ((density >= 0.3) & (density <= 0.7)).astype(np.uint8)
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(mask)
    min_side = 8 / 25.4 * dpi * scale - window
    boxes = []
    for x, y, w, h, _area in stats[1:count]:
        if min(w, h) < max(min_side, 2) or max(w, h) > 3 * min(w, h):
            continue
        margin = 2 * window  # the quiet zone and a module or two the density map shaved off
        boxes.append((w * h, (max(0, x - margin), max(0, y - margin), x + w + margin, y + h + margin)))
    boxes.sort(reverse=True)
    return [tuple(int(v / scale) for v in box) for _area, box in boxes]  # type: ignore[misc]


def _decode(detector: cv2.GraphicalCodeDetector, gray: np.ndarray) -> list[tuple[str, np.ndarray]]:
    try:
        ok, texts, points, _straight = detector.detectAndDecodeMulti(gray)
    except cv2.error:
        return []
    if not ok or points is None:
        return []
    return [(text, np.asarray(corners, dtype=np.float32).reshape(-1, 2)) for text, corners in zip(texts, points) if text]
