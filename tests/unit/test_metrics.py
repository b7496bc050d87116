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


def test_list_fields_are_paired_by_content_not_position() -> None:
    from bench.fields import align_lists

    def member(name: str, id_number: str) -> dict:
        return {"full_name": {"value": name, "needs_review": False}, "id_number": {"value": id_number, "needs_review": False}}

    truth = {"members": [{"full_name": "Phạm Xuân Chiến", "id_number": "024069480396"}, {"full_name": "Ma Gia Huy", "id_number": "024200245650"}]}
    extra = member("Đặng Kim Thủy", "024193479341")
    aligned = align_lists(truth, {"members": [member("Ma Gia Huy", "024200245650"), extra]})
    # The first row was missed: it is missing, the second row is still right, the extra stays an extra.
    assert aligned["members"] == [None, member("Ma Gia Huy", "024200245650"), extra]


def test_the_bench_measures_a_named_corpus_with_its_own_seed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from bench.__main__ import corpus_seed

    (tmp_path / "manifest.json").write_text(json.dumps({"seed": 2027}), encoding="utf-8")
    assert corpus_seed(None, tmp_path) == 2027
    assert corpus_seed(7, tmp_path) == 7  # asked for: regenerated with it
    assert corpus_seed(None, tmp_path / "new") == 2026
    assert corpus_seed(None, None) == 2026
