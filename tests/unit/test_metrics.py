from __future__ import annotations

import pytest

from bench.metrics import ZERO, base_letters, score


def test_identical_text_scores_zero_whatever_the_spacing() -> None:
    s = score("Về việc\nhỗ trợ  kinh phí", "Về việc hỗ trợ kinh phí")
    assert (s.cer, s.wer, s.diacritic_rate) == (0, 0, 0)


def test_diacritic_errors_counted_apart_from_other_errors() -> None:
    s = score("QUYẾT ĐỊNH số 12 Đầu tư", "QUYÉT ĐỊNH số 13 Đâu tư")
    assert s.ref_words == 6
    assert s.word_errors == 3
    assert s.diacritic_errors == 2  # QUYÉT and Đâu; 13 is a plain substitution
    assert s.cer == pytest.approx(3 / len("QUYẾT ĐỊNH số 12 Đầu tư"))


def test_nfd_input_is_not_an_error() -> None:
    import unicodedata

    text = "Nguyễn Thị Hương"
    assert score(text, unicodedata.normalize("NFD", text)).char_errors == 0


def test_base_letters() -> None:
    assert base_letters("Đầu") == "dau"
    assert base_letters("QUYẾT") == "quyet"


def test_scores_add() -> None:
    a, b = score("một hai", "một ba"), score("bốn", "bốn")
    total = ZERO + a + b
    assert total.ref_words == 3 and total.word_errors == 1
