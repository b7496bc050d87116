"""Tesseract kept in the process (``pipeline.engine``): it reads as the command does, keeps no
setting from one read to the next, and fails with the service's errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr_service.errors import EngineError
from ocr_service.pipeline import engine as E
from ocr_service.pipeline.ocr import CHARACTER_BLACKLIST, OcrTimeout, ocr_image, ocr_strip, parse_hocr_words
from tests.conftest import FONT

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")


def _page(lines: list[str]) -> np.ndarray:
    img = Image.new("L", (1800, 120 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 48)
    for n, line in enumerate(lines):
        draw.text((100, 60 + 90 * n), line, font=font, fill=0)
    return np.asarray(img)


PAGE = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số định danh cá nhân: 024151065786", "Nơi cư trú: thôn Đông, xã Yên Mỹ"]


def test_the_engine_reads_as_the_command_does(tmp_path: Path) -> None:
    gray = _page(PAGE)
    cv2.imwrite(str(tmp_path / "page.tif"), gray)
    subprocess.run(["tesseract", str(tmp_path / "page.tif"), str(tmp_path / "out"), "-l", "vie", "--psm", "3", "--dpi", "300",
                    "-c", f"tessedit_char_blacklist={CHARACTER_BLACKLIST}", "hocr"], check=True, capture_output=True)
    command = parse_hocr_words((tmp_path / "out.hocr").read_text(encoding="utf-8"))
    ours = ocr_image(gray, language="vie", psm=3, dpi=300, timeout=30)
    assert [(w.text, w.bbox, w.confidence) for w in ours.words] == [(w.text, w.bbox, w.confidence) for w in command]
    assert "024151065786" in " ".join(w.text for w in ours.words)
    assert ours.hocr.startswith("<?xml") and "ocr_page" in ours.hocr


def test_a_reads_whitelist_does_not_stay_for_the_next() -> None:
    gray = _page(["Số 123 ngày 45"])
    digits = ocr_strip(gray, language="vie", psm=6, dpi=300, whitelist="0123456789", timeout=30)
    assert all(ch.isdigit() for w in digits for ch in w.text)
    after = ocr_image(gray, language="vie", psm=6, dpi=300, timeout=30)
    assert any(w.text in {"Số", "ngày"} for w in after.words)


def test_a_missing_language_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match="tesseract-ocr-xxx"):
        E.Engine("xxx")


def test_a_passed_deadline_is_an_ocr_timeout() -> None:
    with pytest.raises(OcrTimeout):
        ocr_image(_page(PAGE * 6), language="vie", psm=3, dpi=300, timeout=0.001)
    # The engine is fine afterwards.
    assert ocr_image(_page(PAGE[:1]), language="vie", psm=3, dpi=300, timeout=30).words


def test_no_library_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError("libtesseract.so.5: cannot open shared object file")

    E._library.cache_clear()
    monkeypatch.setattr(E.ctypes, "CDLL", missing)
    try:
        with pytest.raises(EngineError, match="not installed"):
            E.Engine("vie")
    finally:
        monkeypatch.undo()
        E._library.cache_clear()


def test_each_process_builds_its_own_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    first = E.engine("vie")
    assert E.engine("vie") is first
    monkeypatch.setattr(E.os, "getpid", lambda: -1)
    assert E.engine("vie") is not first


def test_tesseracts_diagnostics_stay_out_of_the_services_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    # The hard sample's noise makes Tesseract report "Detected 1731 diacritics".
    E._local.pid = None  # a fresh engine: the setting is made when one is built
    gray = cv2.imread(str(Path(__file__).resolve().parents[2] / "samples/documents/decision-hard-000.jpg"), cv2.IMREAD_GRAYSCALE)
    ocr_image(gray, language="vie", psm=3, dpi=300, timeout=60)
    assert "diacritics" not in capfd.readouterr().err
