"""Tesseract, and nothing else calls it: word boxes, confidences and page orientation.

Pages and strips are read by this process's Tesseract engine (``pipeline.engine``, libtesseract's
C API: no process start-up per read) with ``-l vie`` and ``CHARACTER_BLACKLIST``; its hOCR gives
words with boxes and confidences, from which the page text is built (so a corrected word
changes text, hOCR and PDF alike). Text is normalized to NFC here, at the OCR boundary. Page
orientation, rarely needed, runs the ``tesseract`` command through pytesseract, whose
exceptions are translated here.

Tesseract is built with OpenMP on Debian; the process that starts workers sets
``OMP_THREAD_LIMIT=1`` once at start-up (see ``ocr_service.cli``), since one single-threaded
Tesseract per core is several times faster than threads fighting over two cores.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import cv2
import numpy as np
import pytesseract

from ocr_service.domain import BBox, Word, nfc
from ocr_service.errors import EngineError
from ocr_service.pipeline.engine import OcrTimeout, engine

__all__ = ["CHARACTER_BLACKLIST", "OcrTimeout", "PageOcr", "detect_orientation", "ocr_image", "ocr_strip", "parse_hocr_words"]

_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_WCONF = re.compile(r"x_wconf (-?\d+(?:\.\d+)?)")
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}

# Letters Vietnamese never writes and symbols an administrative paper does not carry, which the
# `vie` model still emits for specks and damaged marks ("Ï", "ö", "(b/€)", "„"). On the bench,
# forbidding them took 12 of 451 character errors off five mixed documents and cost nothing.
# Hard scans added the eth ("Tðng" for "Tăng"; "Ð" looks like "Đ"), "ƒ", "Š", "¿", "¬" and the
# fraction slash ("93⁄4KH-UBND", where the paper has "/").
CHARACTER_BLACKLIST = "äëïöüÿåæøœßçñÄËÏÖÜŸÅÆØŒÇÑ€£¥©®™¢¤§¶†‡•«»„‚‹›‰ðÐƒŠšŽž¿¡¬⁄"


@dataclass(frozen=True, slots=True)
class PageOcr:
    words: tuple[Word, ...]
    hocr: str


def ocr_image(gray: np.ndarray, *, language: str, psm: int, dpi: int, timeout: float) -> PageOcr:
    """Run Tesseract on a greyscale page and return its words (NFC) and raw hOCR."""
    hocr = _hocr(gray, language, psm, dpi, {"tessedit_char_blacklist": CHARACTER_BLACKLIST}, timeout)
    return PageOcr(words=parse_hocr_words(hocr), hocr=hocr)


def ocr_strip(gray: np.ndarray, *, language: str, psm: int, dpi: int, whitelist: str, timeout: float) -> tuple[Word, ...]:
    """Run Tesseract once on a strip of crops (``pipeline.digits``), reading only ``whitelist`` characters.

    Words come back with their boxes in the strip's pixels, for the caller to map to its crops.
    """
    return parse_hocr_words(_hocr(gray, language, psm, dpi, {"tessedit_char_whitelist": whitelist}, timeout))


def _hocr(gray: np.ndarray, language: str, psm: int, dpi: int, variables: dict[str, str], timeout: float) -> str:
    """Tesseract's hOCR of a greyscale image, NFC, from this process's engine (``pipeline.engine``)."""
    return nfc(engine(language).hocr(gray, psm=psm, dpi=dpi, variables=variables, timeout=timeout))


def detect_orientation(gray: np.ndarray, *, timeout: float) -> tuple[int, float]:
    """Tesseract OSD: the clockwise rotation (0/90/180/270) that makes the page upright, and its confidence."""
    height, width = gray.shape[:2]
    scale = min(1.0, 1600.0 / max(height, width))
    small = cv2.resize(gray, (int(width * scale), int(height * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else gray
    try:
        osd = pytesseract.image_to_osd(small, config="--psm 0", output_type=pytesseract.Output.DICT, timeout=timeout)
    except pytesseract.TesseractError:
        return 0, 0.0  # too little text to tell: leave the page as it is
    except pytesseract.TesseractNotFoundError as exc:
        raise EngineError("Tesseract is not installed.") from exc
    except RuntimeError as exc:
        raise OcrTimeout() from exc
    return int(osd.get("rotate", 0)) % 360, float(osd.get("orientation_conf", 0.0))


def parse_hocr_words(hocr: str) -> tuple[Word, ...]:
    """Words of a Tesseract hOCR page, numbered by block and line in reading order."""
    root = ET.fromstring(hocr.encode("utf-8"))
    words: list[Word] = []
    line_no = -1
    for block_no, block in enumerate(el for el in root.iter() if el.get("class") == "ocr_carea"):
        for line in (el for el in block.iter() if el.get("class") in _LINE_CLASSES):
            line_no += 1
            for word_el in (el for el in line.iter() if el.get("class") == "ocrx_word"):
                text = nfc("".join(word_el.itertext()).strip())
                if not text:
                    continue
                title = word_el.get("title", "")
                box = _BBOX.search(title)
                conf = _WCONF.search(title)
                if box is None:
                    continue
                words.append(
                    Word(
                        text=text,
                        bbox=BBox(*(int(v) for v in box.groups())),
                        confidence=float(conf.group(1)) if conf else -1.0,
                        block=block_no,
                        line=line_no,
                    )
                )
    return tuple(words)
