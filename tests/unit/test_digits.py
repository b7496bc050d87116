"""The digit re-read: which words are doubtful numbers, when a re-read is taken, and the strip it reads."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr_service.domain import BBox, Word
from ocr_service.errors import EngineError
from ocr_service.pipeline import digits as D
from ocr_service.pipeline.ocr import OcrTimeout, ocr_strip
from tests.conftest import FONT


def word(text: str, confidence: float = 86.0, box: BBox = BBox(100, 100, 300, 140)) -> Word:
    return Word(text, box, confidence)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("024151065786,", True),
        ("14/09/1951", True),
        ("(27", True),
        ("97,6%", True),
        ("5.582", True),
        ("2019;", True),
        ("22I08/2027", True),
        ("I08", False),
        ("187/QĐ-UBND", False),
        ("số", False),
        ("12a", False),
        ("/08", False),
        ("1.-/", False),
    ],
    ids=["id-comma", "date", "paren", "percent", "thousands", "semicolon", "misread-slash", "lead-letter", "doc-number", "word", "letter", "lead-slash", "mostly-marks"],
)
def test_is_number(text: str, expected: bool) -> None:
    assert D.is_number(text) is expected


def test_shape() -> None:
    assert D.shape("14/09/1951") == "99/99/9999"
    assert D.shape("024151065766,") == D.shape("024151065786,")
    assert D.shape("27") != D.shape("270")
    assert D.shape("22I08l2027") == D.shape("22/08/2027")


def test_candidates_are_doubtful_numbers_only() -> None:
    assert D.is_candidate(word("27", 88), threshold=93)
    assert not D.is_candidate(word("27", 95), threshold=93)
    assert not D.is_candidate(word("ngày", 40), threshold=93)
    assert not D.is_candidate(word("27", -1), threshold=93)  # no confidence: not a word Tesseract scored


R = D.Reading


@pytest.mark.parametrize(
    ("first", "readings", "text", "confidence", "changed"),
    [
        # both copies agree, same shape, sure: taken
        ("024151065766,", [R("024151065786,", 96), R("024151065786,", 95)], "024151065786,", 95, True),
        ("(37", [R("(27", 94), R("(27", 96)], "(27", 94, True),
        # the larger copy agrees but less surely: still taken (at its confidence)
        ("024151065766,", [R("024151065786,", 96), R("024151065786,", 55)], "024151065786,", 55, True),
        # a slash read as a letter
        ("22I08/2027", [R("22/08/2027", 96), R("22/08/2027", 95)], "22/08/2027", 95, True),
        # the re-read confirms the first read: its confidence is raised
        ("27", [R("27", 96), R("27", 97)], "27", 96, False),
        # copies disagree with each other: capped
        ("024151065766,", [R("024151065786,", 96), R("024151065766,", 95)], "024151065766,", D.DOUBTFUL_CONFIDENCE, False),
        # another shape (a digit lost): capped
        ("14/09/1951", [R("14/09/951", 96), R("14/09/951", 96)], "14/09/1951", D.DOUBTFUL_CONFIDENCE, False),
        # agree but unsure: capped
        ("37", [R("27", 60), R("27", 70)], "37", D.DOUBTFUL_CONFIDENCE, False),
        # one copy not read, the other differs: capped
        ("37", [R("27", 96), R("", 0)], "37", D.DOUBTFUL_CONFIDENCE, False),
        # read the same but unsure: left as it was
        ("27", [R("27", 60), R("27", 70)], "27", 86, False),
        # one copy not read, the other agrees: as it was
        ("27", [R("27", 96), R("", 0)], "27", 86, False),
        # neither copy read: the first reading stands
        ("27", [R("", 0), R("", 0)], "27", 86, False),
    ],
    ids=["id-fixed", "day-fixed-paren", "slash-fixed", "second-unsure", "confirmed", "copies-disagree", "shape-differs", "unsure",
         "one-missing", "same-unsure", "one-empty-agrees", "empty"],
)
def test_decide(first: str, readings: list[D.Reading], text: str, confidence: float, changed: bool) -> None:
    d = D.decide(word(first, 86), readings, min_confidence=93)
    assert (d.word.text, d.word.confidence, d.changed) == (text, confidence, changed)


def test_strip_rows_hold_each_copy() -> None:
    gray = np.full((400, 600), 255, np.uint8)
    gray[100:140, 100:300] = 0
    strip = D.build_strip(gray, [BBox(100, 100, 300, 140)], scales=(1.0, 1.5), pad=10)
    (a0, a1), (b0, b1) = strip.rows
    assert (a1 - a0, b1 - b0) == (60, 90)
    assert b0 > a1  # white space between rows
    assert strip.image[a0 + 30, :].min() == 0 and strip.image[(a1 + b0) // 2, :].min() == 255


def test_readings_join_words_of_a_row_left_to_right() -> None:
    strip = D.Strip(np.zeros((1, 1), np.uint8), ((10, 50), (70, 150)))
    words = [Word("786,", BBox(200, 15, 260, 45), 97), Word("024151065", BBox(20, 12, 190, 48), 95), Word("27", BBox(20, 80, 60, 140), 91)]
    assert D.readings_by_row(strip, words) == [R("024151065786,", 95), R("27", 91)]


def test_reread_digits_one_call_and_traced() -> None:
    words = [word("sinh", 96), word("024151065766,", 86), word("27", 97)]
    calls: list[np.ndarray] = []
    gray = np.full((400, 600), 255, np.uint8)
    rows = D.build_strip(gray, [words[1].bbox]).rows

    def read(image: np.ndarray) -> list[Word]:
        calls.append(image)
        return [Word("024151065786,", BBox(20, y0 + 5, 200, y1 - 5), 96) for y0, y1 in rows]

    out, corrections = D.reread_digits(words, gray, read)
    assert len(calls) == 1
    assert [w.text for w in out] == ["sinh", "024151065786,", "27"]
    assert [c.as_dict() for c in corrections] == [{"index": 1, "raw": "024151065766,", "corrected": "024151065786,", "rule": "digit_reread"}]


def test_reread_digits_leaves_skipped_words() -> None:
    def read(image: np.ndarray) -> list[Word]:
        raise AssertionError("no call expected")

    words = (word("22/08/1987", 80),)
    assert D.reread_digits(words, np.full((400, 600), 255, np.uint8), read, skip=frozenset({0})) == (words, ())


def test_reread_digits_no_call_without_doubtful_numbers() -> None:
    def read(image: np.ndarray) -> list[Word]:
        raise AssertionError("no call expected")

    words = (word("27", 97), word("ngày", 50))
    assert D.reread_digits(words, np.full((400, 600), 255, np.uint8), read) == (words, ())


# --- With the real Tesseract (a strip of two crops reads in well under a second) ------------


@pytest.fixture(scope="module")
def tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("Tesseract is not installed")


def _drawn(text: str) -> tuple[np.ndarray, BBox]:
    img = Image.new("L", (1200, 300), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 54)
    draw.text((200, 100), text, font=font, fill=0)
    x0, y0, x1, y1 = draw.textbbox((200, 100), text, font=font)
    return np.asarray(img), BBox(x0, y0, x1, y1)


def test_a_misread_id_number_is_reread_from_the_page(tesseract: None) -> None:
    gray, box = _drawn("024151065786,")

    def read(strip: np.ndarray) -> tuple[Word, ...]:
        return ocr_strip(strip, language="eng", psm=6, dpi=300, whitelist=D.WHITELIST, timeout=30)

    out, corrections = D.reread_digits([Word("024151065766,", box, 86.0)], gray, read)
    assert out[0].text == "024151065786,"
    assert [c.rule for c in corrections] == ["digit_reread"]


@pytest.mark.parametrize("error", [OcrTimeout(), EngineError("Tesseract failed: bad image")], ids=["timeout", "failed"])
def test_page_keeps_its_first_reading_when_the_reread_fails(monkeypatch: pytest.MonkeyPatch, error: EngineError) -> None:
    from ocr_service.domain import OcrOptions
    from ocr_service.pipeline import run

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(run, "ocr_strip", fail)
    words = (word("024151065766,", 86),)
    assert run._reread_digits(words, np.full((400, 600), 255, np.uint8), 300, OcrOptions(), 0, frozenset()) == (words, ())
