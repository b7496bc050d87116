"""Table rows read as junk, read again on their own (pipeline.tables): the logic, with a fake reader."""

from __future__ import annotations

import numpy as np

from ocr_service.domain import BBox, Word
from ocr_service.pipeline.tables import reread_rows, row_bands

# A table's rulings: three row lines (two rows) and a column line.
RULINGS = (BBox(100, 100, 900, 103), BBox(100, 200, 900, 203), BBox(100, 300, 900, 303), BBox(400, 100, 403, 303))


def _word(text: str, x: int, y: int, confidence: float) -> Word:
    return Word(text, BBox(x, y, x + 80, y + 30), confidence, 0, 0)


def test_rows_are_the_spaces_between_row_rulings() -> None:
    assert row_bands(RULINGS) == [BBox(100, 103, 900, 200), BBox(100, 203, 900, 300)]
    assert row_bands((BBox(0, 0, 100, 3), BBox(500, 50, 600, 53))) == []  # not one above the other


def test_a_junk_row_is_read_again_and_kept_only_where_surer() -> None:
    gray = np.full((400, 1000), 255, np.uint8)
    words = (_word("nang", 150, 130, 20.0), _word("6n", 450, 130, 14.0), _word("NGUYỄN", 150, 230, 95.0))
    seen: list[tuple[int, int]] = []

    def read(stack: np.ndarray) -> tuple[Word, ...]:
        seen.append(stack.shape)
        # The stack: 40 px of paper, then the junk row cropped 3 px inside its rulings (91 px tall).
        return (Word("Họ,", BBox(47, 67, 100, 97), 96.0, 0, 0), Word("tháng,", BBox(347, 67, 420, 97), 95.0, 0, 0))

    fixed, taken = reread_rows(words, gray, RULINGS, read)
    assert taken == 1 and len(seen) == 1 and seen[0][1] == 800 - 6  # only the junk row, in one call
    assert [w.text for w in fixed] == ["NGUYỄN", "Họ,", "tháng,"]
    assert fixed[1].bbox == BBox(150, 133, 203, 163)  # back in page pixels: 67 - 40 + 103 + 3

    def worse(stack: np.ndarray) -> tuple[Word, ...]:
        return (Word("xx", BBox(47, 67, 100, 97), 10.0, 0, 0),)

    assert reread_rows(words, gray, RULINGS, worse) == (words, 0)


def test_no_junk_no_call() -> None:
    words = (_word("Nam", 150, 130, 96.0),)

    def never(stack: np.ndarray) -> tuple[Word, ...]:
        raise AssertionError("no row needed reading again")

    assert reread_rows(words, np.full((400, 1000), 255, np.uint8), RULINGS, never) == (words, 0)
