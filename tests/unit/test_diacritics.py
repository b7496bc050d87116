"""The syllable model and the mark restoration that uses it (toy counts: the logic, not the corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_service.domain import BBox, Word
from ocr_service.language import Model, count_corpus, model, old_style, read_counts, skeleton, syllables, write_counts
from ocr_service.pipeline.diacritics import RESTORED_CONFIDENCE, change_cost, restore_diacritics

TOY = """
Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. Quốc tịch. Quốc gia. Số định danh cá nhân.
Ủy ban nhân dân tỉnh quyết định. Ủy ban nhân dân huyện quyết định. Nhân dân được biết.
Căn cứ Luật Tổ chức chính quyền địa phương. Chính quyền địa phương. Thay đổi thông tin cư trú.
Hòa giải ở cơ sở. Hóa đơn điện tử. Hoa màu. Thủy lợi. Thủy sản. Thủy lợi nội đồng.
""" * 3


@pytest.fixture(scope="module")
def toy() -> Model:
    return Model.from_counts(*count_corpus([TOY]))


def _line(*texts: str, confidence: float = 90.0) -> list[Word]:
    return [Word(t, BBox(i * 100, 0, i * 100 + 90, 30), confidence, 0, 0) for i, t in enumerate(texts)]


def _texts(words) -> list[str]:  # type: ignore[no-untyped-def]
    return [w.text for w in words]


@pytest.mark.parametrize(("new", "old"), [("hoà", "hòa"), ("HOÀ", "HÒA"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("uỷ", "ủy"),
                                          ("hoàng", "hoàng"), ("quý", "quý"), ("thuyền", "thuyền"), ("hòa", "hòa")])
def test_one_tone_placement(new: str, old: str) -> None:
    assert old_style(new) == old


def test_skeleton_drops_every_mark() -> None:
    assert skeleton("Đổi") == skeleton("dối") == "doi"
    assert skeleton("NGHĨA") == "nghia"


def test_corpus_runs_break_at_sentences_and_digits() -> None:
    assert list(syllables("Ngày 12 tháng 3. Hoà bình")) == [["ngày"], ["tháng"], ["hòa", "bình"]]


def test_counts_round_trip_and_are_reproducible(tmp_path: Path) -> None:
    uni, bi = count_corpus([TOY])
    write_counts(tmp_path / "a.tsv.gz", uni, bi)
    write_counts(tmp_path / "b.tsv.gz", uni, bi)
    assert (tmp_path / "a.tsv.gz").read_bytes() == (tmp_path / "b.tsv.gz").read_bytes()
    assert read_counts(tmp_path / "a.tsv.gz") == (uni, bi)


def test_bigram_probability_prefers_seen_pairs(toy: Model) -> None:
    assert toy.logp("hòa", "cộng") > toy.logp("hoa", "cộng")
    assert toy.variants("HOA")[0] in {"hòa", "hóa", "hoa"}
    assert set(toy.variants("hoa")) == {"hòa", "hóa", "hoa"}


def test_lost_marks_in_capitals_are_restored(toy: Model) -> None:
    words, corrections = restore_diacritics(_line("CỘNG", "HOA", "XA", "HỘI", "CHỦ", "NGHIA"), toy)
    assert _texts(words) == ["CỘNG", "HÒA", "XÃ", "HỘI", "CHỦ", "NGHĨA"]
    assert {c.rule for c in corrections} == {"syllable_lm"}
    assert [(c.index, c.raw, c.corrected) for c in corrections][0] == (1, "HOA", "HÒA")


def test_swapped_marks_in_context_are_restored_keeping_punctuation(toy: Model) -> None:
    words, _ = restore_diacritics(_line("Chính", "quyên", "địa", "phương;", confidence=70.0), toy)
    assert _texts(words) == ["Chính", "quyền", "địa", "phương;"]
    words, _ = restore_diacritics(_line("nhần", "dần", "được", "biết", confidence=60.0), toy)
    assert _texts(words) == ["nhân", "dân", "được", "biết"]


def test_a_name_is_not_changed_on_frequency_alone(toy: Model) -> None:
    # "thủy" is far commoner than "thúy", but no bigram puts it beside "Ngọc": left as read.
    words, corrections = restore_diacritics(_line("TRẦN", "NGỌC", "THÚY"), toy)
    assert _texts(words) == ["TRẦN", "NGỌC", "THÚY"] and not corrections


def test_digits_codes_and_english_lines_are_never_touched(toy: Model) -> None:
    line = _line("Số:", "187/QĐ-XPVPHC", "024087584836", "HOA")
    words, _ = restore_diacritics(line, toy)
    assert _texts(words)[:3] == ["Số:", "187/QĐ-XPVPHC", "024087584836"]
    english = _line("SOCIALIST", "REPUBLIC", "OF", "VIET", "NAM")
    assert restore_diacritics(english, toy) == (tuple(english), ())


def test_a_narrow_guess_is_capped_for_review_and_a_sure_one_is_not(toy: Model) -> None:
    words, _ = restore_diacritics(_line("CỘNG", "HOA", "XA", "HỘI", confidence=95.0), toy)
    restored = {w.text: w.confidence for w in words}
    assert restored["HÒA"] in (95.0, RESTORED_CONFIDENCE)
    # A confident word that changes only on thin evidence costs more than the model gains: kept.
    assert change_cost("hoa", "hòa", 99.0, False) > change_cost("hoa", "hòa", 40.0, False) > 0
    assert change_cost("hoa", "hòa", 88.0, True) < change_cost("hoa", "hòa", 88.0, False)
    assert change_cost("hoa", "họă", 88.0, False) > change_cost("hoa", "hòa", 88.0, False)


def test_new_style_tone_placement_is_normalized(toy: Model) -> None:
    words, corrections = restore_diacritics(_line("Hoà", "giải"), toy)
    assert _texts(words) == ["Hòa", "giải"]
    assert corrections[0].rule == "tone_placement"


def test_the_shipped_model_loads_and_knows_the_national_motto() -> None:
    shipped = model()
    assert shipped.total > 80_000
    assert shipped.bigram("cộng", "hòa") >= 5 and shipped.bigram("hòa", "xã") >= 5 and shipped.bigram("ủy", "ban") > 100
    assert shipped.bigram("hoà", "xã") == 0  # one tone placement: the traditional one


def _at(line: int, *texts: str, confidence: float = 88.0, block: int = 0) -> list[Word]:
    return [Word(t, BBox(i * 100, line * 40, i * 100 + 90, line * 40 + 30), confidence, block, line) for i, t in enumerate(texts)]


def test_a_name_in_capitals_keeps_its_marks_and_gets_its_surname_back(toy: Model) -> None:
    words, corrections = restore_diacritics(_at(0, "TRÂN", "THỊ", "MINH"), toy)
    assert _texts(words) == ["TRẦN", "THỊ", "MINH"]
    assert [(c.raw, c.corrected, c.rule) for c in corrections] == [("TRÂN", "TRẦN", "surname")]
    assert words[0].confidence == RESTORED_CONFIDENCE  # a respelled surname is checked by a person
    # Not a name: a phrase the corpus knows, and a heading longer than a name.
    assert _texts(restore_diacritics(_at(0, "ỦY", "BAN", "NHÂN", "DÂN"), toy)[0]) == ["ỦY", "BAN", "NHÂN", "DÂN"]


def test_a_token_that_is_no_syllable_takes_the_best_candidate(toy: Model) -> None:
    words, corrections = restore_diacritics(_at(0, "NGUYỄN", "QUOC", "BẢO"), toy)
    assert _texts(words) == ["NGUYỄN", "QUỐC", "BẢO"]
    assert [c.rule for c in corrections] == ["syllable_lm"]


def test_context_runs_on_across_lines_of_a_block_but_not_across_blocks(toy: Model) -> None:
    wrapped = _at(0, "Số", "định", "danh", "cá", confidence=96.0) + _at(1, "nhần", confidence=87.0)
    assert _texts(restore_diacritics(wrapped, toy)[0])[-1] == "nhân"
    apart = _at(0, "Số", "định", "danh", "cá", confidence=96.0) + _at(1, "nhần", confidence=87.0, block=1)
    assert _texts(restore_diacritics(apart, toy)[0])[-1] == "nhần"


def test_english_with_a_misread_mark_is_still_english(toy: Model) -> None:
    english = _at(0, "SOCIALIST", "REPUBLIC", "OF", "VIẾT", "NAM", confidence=70.0)
    words, corrections = restore_diacritics(english, toy)
    assert _texts(words) == ["SOCIALIST", "REPUBLIC", "OF", "VIET", "NAM"]
    assert [c.rule for c in corrections] == ["english_line"]


def test_proper_names_in_running_text_are_left_as_read(toy: Model) -> None:
    line = _at(0, "phường", "Hoàng", "Văn", "Thụ,", "tỉnh", confidence=90.0)
    assert _texts(restore_diacritics(line, toy)[0]) == ["phường", "Hoàng", "Văn", "Thụ,", "tỉnh"]


def test_a_respelled_surname_is_one_correction(toy: Model) -> None:
    words, corrections = restore_diacritics(_at(0, "NGUYÊN", "VĂN", "HOÀ"), toy)
    assert _texts(words)[0] == "NGUYỄN"
    assert [c.index for c in corrections].count(0) == 1


def test_a_confident_word_the_model_is_sure_of_is_changed_and_goes_to_review(toy: Model) -> None:
    # Read at 97, "thúy" is out of the run's Viterbi, yet weighed alone the model would change it
    # as surely as any other word: changed, and a field built on it is checked by a person.
    words, corrections = restore_diacritics(_at(0, "thúy", "lợi", "nội", "đồng", confidence=97.0), toy)
    assert _texts(words) == ["thủy", "lợi", "nội", "đồng"]
    assert [(c.raw, c.corrected, c.rule) for c in corrections] == [("thúy", "thủy", "syllable_lm")]
    assert [w.confidence for w in words] == [RESTORED_CONFIDENCE, 97.0, 97.0, 97.0]
    right, _ = restore_diacritics(_at(0, "thủy", "lợi", "nội", "đồng", confidence=97.0), toy)
    assert [w.confidence for w in right] == [97.0] * 4


def test_a_proper_name_the_model_doubts_keeps_its_text_but_goes_to_review(toy: Model) -> None:
    words, corrections = restore_diacritics(_at(0, "ở", "thôn", "Hòa", "Giai.", confidence=91.0), toy)
    assert _texts(words) == ["ở", "thôn", "Hòa", "Giai."] and not corrections
    assert [w.confidence for w in words][2:] == [91.0, RESTORED_CONFIDENCE]
    # One the corpus has with both its neighbours is a title, not a name: changed, for review.
    words, corrections = restore_diacritics(_at(0, "Luật", "Tố", "chức", "chính", "quyền", confidence=91.0), toy)
    assert _texts(words) == ["Luật", "Tổ", "chức", "chính", "quyền"]
    assert [(c.raw, c.corrected) for c in corrections] == [("Tố", "Tổ")] and words[1].confidence == RESTORED_CONFIDENCE
    # A name the corpus has nothing to say about is not doubted.
    line = _at(0, "phường", "Hoàng", "Văn", "Thụ", confidence=91.0)
    assert [w.confidence for w in restore_diacritics(line, toy)[0]] == [91.0] * 4


def test_a_numeral_is_left_to_the_date_parser(toy: Model) -> None:
    counts = count_corpus([TOY + " Hai mươi bốn. Ba mươi bốn. Hai mươi bốn người." * 3])
    numerals = Model.from_counts(*counts)
    words, corrections = restore_diacritics(_at(0, "ngày", "mười", "bốn", confidence=97.0), numerals)
    assert _texts(words) == ["ngày", "mười", "bốn"] and not corrections
    assert [w.confidence for w in words] == [97.0] * 3


def test_a_bilingual_label_and_a_place_beside_english_keep_their_marks(toy: Model) -> None:
    label = _at(0, "Họ", "và", "tên", "/", "Full", "name:", confidence=90.0)
    assert _texts(restore_diacritics(label, toy)[0]) == ["Họ", "và", "tên", "/", "Full", "name:"]
    origin = _at(0, "Place", "of", "origin:", "Nam", "Định", confidence=90.0)
    assert _texts(restore_diacritics(origin, toy)[0]) == ["Place", "of", "origin:", "Nam", "Định"]


@pytest.fixture(scope="module")
def fees() -> Model:
    # "khoản" common, "khoán" rare, "số" and "sổ" both common; "giới tính" seen.
    text = ("Các khoản phí. Khoản thu. Khoản chi. Khoán việc. Số hộ. Sổ hộ khẩu. Giới tính nam. Tỉnh ủy. " * 25)
    return Model.from_counts(*count_corpus([text]))


def test_a_hook_read_as_an_acute_is_found_only_where_the_corpus_speaks(fees: Model) -> None:
    from ocr_service.pipeline.diacritics import hook_read_as_acute

    assert hook_read_as_acute(["các", "khoán", "phí"], 1, fees) == "khoản"
    # Beside a neighbour the corpus has it with, the word as read stands ("giới tính", not "tỉnh").
    assert hook_read_as_acute(["giới", "tính"], 1, fees) is None
    # A twin not much commoner than the word ("số"/"sổ") is no evidence.
    assert hook_read_as_acute(["các", "số"], 1, fees) is None
    # No acute, or no syllable with a hook instead.
    assert hook_read_as_acute(["các", "khoản"], 1, fees) is None
    assert hook_read_as_acute(["các", "phí"], 1, fees) is None


def test_on_a_noisy_copy_a_hook_read_as_an_acute_is_put_back_for_review(fees: Model) -> None:
    # Neither neighbour is seen beside either syllable: the model alone would not change it.
    line = _at(0, "nộp", "những", "khoán", "lệ", confidence=96.0)
    clean, none = restore_diacritics(line, fees)
    assert _texts(clean) == ["nộp", "những", "khoán", "lệ"] and not none
    words, corrections = restore_diacritics(line, fees, noisy=True)
    assert _texts(words) == ["nộp", "những", "khoản", "lệ"]
    assert [(c.raw, c.corrected, c.rule) for c in corrections] == [("khoán", "khoản", "hook_as_acute")]
    assert [w.confidence for w in words] == [96.0, 96.0, RESTORED_CONFIDENCE, 96.0]
    # In a name the text stays; the doubt sends it to review.
    name = _at(0, "thôn", "Khoán", "Lệ", confidence=96.0)
    words, corrections = restore_diacritics(name, fees, noisy=True)
    assert _texts(words) == ["thôn", "Khoán", "Lệ"] and not corrections
    assert words[1].confidence == RESTORED_CONFIDENCE
