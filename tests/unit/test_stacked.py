"""A column of item numbers read as vertical text, read again (pipeline.stacked): the logic, with a fake reader."""

from __future__ import annotations

import numpy as np

from ocr_service.domain import BBox, Word
from ocr_service.pipeline.stacked import reread_stacked, stacked_lines

ROWS = (100, 170, 240)  # three numbered lines of print, 40 px tall


def _word(text: str, box: tuple[int, int, int, int], confidence: float, line: int) -> Word:
    return Word(text, BBox(*box), confidence, 0, line)


def _page() -> tuple[np.ndarray, tuple[Word, ...]]:
    """Ink for "1.", "2.", "4." at x 50-80 and a label word at x 90-180 on each line; Tesseract's
    reading: the labels on lines 0-2, the full stops beside them, the numbers as line 9, stacked."""
    gray = np.full((400, 600), 255, np.uint8)
    words = []
    for i, y in enumerate(ROWS):
        gray[y : y + 40, 50:62] = 0  # the digit
        gray[y + 34 : y + 40, 72:80] = 0  # its full stop
        gray[y : y + 40, 90:180:4] = 0  # the label's strokes
        words.append(_word("Họ,", (90, y, 180, y + 40), 96.0, i))
        words.append(_word(".", (72, y + 34, 80, y + 40), 92.0, i))
    junk = [_word(t, (50, y - 5, 80, y + 30), c, 9) for t, y, c in zip(("m", "bà", "Ơi"), ROWS, (78.0, 7.0, 13.0))]
    return gray, tuple(words + junk)


def _reader(texts: list[str], confidence: float, calls: list[int]):  # type: ignore[no-untyped-def]
    """A fake Tesseract: one word per crop of the strip (runs of ink columns more than 12 px apart)."""

    def read(strip: np.ndarray) -> tuple[Word, ...]:
        calls.append(strip.shape[1])
        columns = np.flatnonzero((strip < 128).any(axis=0))
        runs = np.split(columns, np.flatnonzero(np.diff(columns) > 12) + 1)
        return tuple(Word(t, BBox(int(r[0]), 10, int(r[-1]) + 1, 50), confidence, 0, 0) for t, r in zip(texts, runs))

    return read


def test_a_column_read_as_one_line_is_stacked_and_a_line_of_print_is_not() -> None:
    _gray, words = _page()
    assert [[w.text for w in s] for s in stacked_lines(words)] == [["m", "bà", "Ơi"]]
    across = [_word(t, (x, 100, x + 60, 140), 90.0, 0) for t, x in (("Họ,", 100), ("chữ", 170), ("đệm", 240))]
    assert stacked_lines(across) == []


def test_the_numbers_take_the_place_of_the_stack_and_the_full_stops() -> None:
    gray, words = _page()
    calls: list[int] = []
    fixed, taken = reread_stacked(words, gray, _reader(["1.Họ,", "2.Họ,", "4.Họ,"], 91.0, calls))
    assert taken == 1 and len(calls) == 1  # every line in one call
    numbers = sorted((w for w in fixed if w.text[0].isdigit()), key=lambda w: w.bbox.y0)
    assert [w.text for w in numbers] == ["1.", "2.", "4."]
    assert numbers[1].bbox == BBox(50, 170, 80, 210)  # the ink of "2." on the page
    assert sorted(w.text for w in fixed if not w.text[0].isdigit()) == ["Họ,"] * 3  # the labels stay; junk and stops go


def test_a_reading_without_numbers_or_less_sure_leaves_the_page_as_read() -> None:
    gray, words = _page()
    assert reread_stacked(words, gray, _reader(["Họ,", "Họ,", "Họ,"], 91.0, []))[1] == 0
    assert reread_stacked(words, gray, _reader(["1.Họ,", "2.Họ,", "4.Họ,"], 20.0, []))[1] == 0
    calls: list[int] = []
    plain = tuple(w for w in words if w.line != 9)
    assert reread_stacked(plain, gray, _reader([], 90.0, calls)) == (plain, 0) and calls == []  # no stack: no call


def test_a_column_read_as_one_tall_word_is_stacked_too() -> None:
    gray, words = _page()
    plain = tuple(w for w in words if w.line != 9)
    tall = plain + (_word("©e@6mwmÐ", (50, 95, 80, 280), 0.0, 9),)
    assert [[w.text for w in s] for s in stacked_lines(tall)] == [["©e@6mwmÐ"]]
    fixed, taken = reread_stacked(tall, gray, _reader(["1.Họ,", "2.Họ,", "4.Họ,"], 91.0, []))
    assert taken == 1 and sorted(w.text for w in fixed if w.text[0].isdigit()) == ["1.", "2.", "4."]


def test_digits_that_start_beside_the_column_are_not_taken_for_numbers() -> None:
    gray, words = _page()

    def read(strip: np.ndarray) -> tuple[Word, ...]:
        # Each crop read as "Họ," over the column and a number starting at the label's place.
        columns = np.flatnonzero((strip < 128).any(axis=0))
        runs = np.split(columns, np.flatnonzero(np.diff(columns) > 12) + 1)
        return tuple(Word("024195", BBox(int(r[0]) + 40, 10, int(r[-1]) + 1, 50), 95.0, 0, 0) for r in runs)

    assert reread_stacked(words, gray, read)[1] == 0
