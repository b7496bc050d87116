"""Vietnamese syllables by rule, and the post-correction that uses them (digits never touched)."""

from __future__ import annotations

import pytest

from ocr_service.domain import BBox, Word
from ocr_service.pipeline.correct import correct_words
from ocr_service.language import Model, count_corpus
from ocr_service.vietnamese import has_vietnamese_marks, is_syllable, split_syllables, syllable_splits

REAL = (
    "Cộng hòa hoà xã hội chủ nghĩa Việt Nam Độc lập Tự do Hạnh phúc giữ gìn giếng gì quyết quốc khuya "
    "huỳnh Nguyễn rượu thuở hoạch bệnh xoong được những thuế khoẻ khỏe luật xuân quân kiểm nghiêm ghế "
    "Yên yêu phường ĐỨC QUỐC BẢO THỦY KIỀU ở ừ ạ ý người chữ đệm tên tịch Bắc Giang"
).split()


@pytest.mark.parametrize("syllable", REAL)
def test_real_syllables_are_syllables(syllable: str) -> None:
    assert is_syllable(syllable)


@pytest.mark.parametrize(
    "token",
    ["Independence", "ce", "ci", "ge", "nge", "kan", "gha", "Bắcc", "Bắc2", "tiếc̀", "bắn̉", "việc-", "tịch.", "bák"],
)
def test_non_syllables_are_refused(token: str) -> None:
    # English, c/g/ng before a front vowel, k before a back one, two tones, digits, punctuation, checked rhyme with a non-rising tone.
    assert not is_syllable(token)


def test_split_finds_the_one_fewest_syllable_run() -> None:
    assert split_syllables("PHẠMXUÂNCHIẾN") == ("PHẠM", "XUÂN", "CHIẾN")
    assert split_syllables("chữđệmvàtên") == ("chữ", "đệm", "và", "tên")
    assert split_syllables("Nam") is None  # already a syllable
    assert split_syllables("YÊEN") is None  # no split into onset syllables: left alone
    assert split_syllables("024087584836") is None


def test_an_ambiguous_run_has_every_fewest_syllable_split() -> None:
    assert split_syllables("Họchữđệm") is None
    assert set(syllable_splits("Họchữđệm")) == {("Họ", "chữ", "đệm"), ("Học", "hữ", "đệm")}
    assert syllable_splits("Họchữđệm", limit=1) == ()  # more than the limit: none


def test_the_syllable_model_breaks_a_tie_between_splits_and_the_result_goes_to_review() -> None:
    model = Model.from_counts(*count_corpus(["Họ, chữ đệm và tên. Ghi rõ họ tên. Chữ đệm." * 3]))
    assert [w.text for w in correct_words(_words("Họchữđệm"))[0]] == ["Họchữđệm"]  # no model: left alone
    words, corrections = correct_words([Word("Họchữđệm:", BBox(0, 0, 300, 40), 91.0, 0, 0)], model)
    assert [w.text for w in words] == ["Họ", "chữ", "đệm:"] and corrections[0].rule == "split_syllables"
    assert [w.confidence for w in words] == [80.0] * 3
    # A unique split is decided by the orthography: its confidence is the token's.
    sure, _ = correct_words([Word("PHẠMXUÂN", BBox(0, 0, 200, 40), 91.0, 0, 0)], model)
    assert [w.confidence for w in sure] == [91.0, 91.0]


def test_marks_tell_vietnamese_from_english() -> None:
    assert has_vietnamese_marks("đi") and has_vietnamese_marks("Hòa") and not has_vietnamese_marks("Identity")


def _words(*texts: str) -> list[Word]:
    return [Word(t, BBox(100 * i, 0, 100 * i + 90, 40), 80.0, 0, 0) for i, t in enumerate(texts)]


def test_correction_splits_merged_syllables_and_records_it() -> None:
    words, corrections = correct_words(_words("1", "NGUYỄNTHANHLIÊN", "Họ,chữ", "(QUỐCBẢO)"))
    assert [w.text for w in words] == ["1", "NGUYỄN", "THANH", "LIÊN", "Họ,", "chữ", "(QUỐC", "BẢO)"]
    assert [c.as_dict() for c in corrections] == [
        {"index": 1, "raw": "NGUYỄNTHANHLIÊN", "corrected": "NGUYỄN THANH LIÊN", "rule": "split_syllables"},
        {"index": 4, "raw": "Họ,chữ", "corrected": "Họ, chữ", "rule": "space_after_punctuation"},
        {"index": 6, "raw": "(QUỐCBẢO)", "corrected": "(QUỐC BẢO)", "rule": "split_syllables"},
    ]
    # The split words share the original box, left to right, inside it.
    parts = words[1:4]
    assert parts[0].bbox.x0 == 100 and parts[-1].bbox.x1 <= 190
    assert all(a.bbox.x1 < b.bbox.x0 for a, b in zip(parts, parts[1:]))


def test_date_with_slashes_read_as_letters_is_rebuilt_for_review() -> None:
    words, corrections = correct_words(_words("sinh:", "22I08I1987,"))
    assert words[1].text == "22/08/1987," and words[1].confidence <= 80
    assert [(c.raw, c.corrected, c.rule) for c in corrections] == [("22I08I1987,", "22/08/1987,", "date_separator")]


@pytest.mark.parametrize("token", ["024087584836", "2210812027", "421/QĐ-UBND", "Independence", "ĐIỀU", "Số:", "12I34"])
def test_digits_english_and_real_words_are_never_changed(token: str) -> None:
    words, corrections = correct_words(_words(token))
    assert corrections == () and [w.text for w in words] == [token]


def test_digits_read_apart_from_boxes_are_joined_and_stray_marks_dropped() -> None:
    words = [Word(t, BBox(100 + 60 * i, 0, 140 + 60 * i, 40), 90.0, 0, 0) for i, t in enumerate(["0", "2", "7", "301065697"])]
    words += [Word(t, BBox(1000 + 60 * i, 0, 1040 + 60 * i, 40), 90.0, 0, 0) for i, t in enumerate(["1ˆ", "ˆ", "0969", "219", "598"])]
    fixed, corrections = correct_words(words)
    assert [w.text for w in fixed] == ["027301065697", "1", "0969", "219", "598"]  # a spaced phone number stays spaced
    assert fixed[0].bbox.as_list() == [100, 0, 320, 40]  # the joined number spans its boxes
    assert [(c.index, c.rule) for c in corrections] == [(0, "digit_boxes"), (1, "stray_marks"), (2, "stray_marks")]


def test_digits_on_different_lines_are_not_joined() -> None:
    words = [Word("0", BBox(100, 0, 140, 40), 90.0, 0, 0), Word("24085001234", BBox(160, 0, 500, 40), 90.0, 0, 1)]
    assert [w.text for w in correct_words(words)[0]] == ["0", "24085001234"]


def test_ruling_remnants_are_dropped_and_a_hyphen_kept() -> None:
    fixed, corrections = correct_words(_words("————", "Độc", "lập", "-", "Tự", "do", "|", "=—="))
    assert [w.text for w in fixed] == ["Độc", "lập", "-", "Tự", "do"]
    assert [c.rule for c in corrections] == ["ruling_remnant"] * 3


def test_the_ocr_blacklist_forbids_no_vietnamese_letter() -> None:
    import unicodedata

    from ocr_service.pipeline.ocr import CHARACTER_BLACKLIST

    vowels, consonants = set("aăâeêioôơuưy"), set("bcdđghklmnpqrstvxfjwz")
    tones = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    letters = consonants | {unicodedata.normalize("NFC", v + t) for v in vowels for t in tones}
    letters |= {c.upper() for c in letters}
    assert not set(CHARACTER_BLACKLIST) & letters
    assert " " not in CHARACTER_BLACKLIST and "'" not in CHARACTER_BLACKLIST


def test_a_bilingual_labels_slash_gets_its_spaces_back() -> None:
    words, corrections = correct_words(_words("Giới", "tính/Sex:", "Nam", "Số/", "No.:", "Nam/Nữ", "và/hoặc", "(b/c);", "/Place"))
    assert [w.text for w in words] == ["Giới", "tính", "/", "Sex:", "Nam", "Số", "/", "No.:", "Nam/Nữ", "và/hoặc", "(b/c);",
                                       "/", "Place"]
    assert [(c.index, c.raw, c.rule) for c in corrections] == [
        (1, "tính/Sex:", "label_slash"), (5, "Số/", "label_slash"), (11, "/Place", "label_slash")]
    first = [Word("số/", BBox(0, 0, 60, 40), 90.0, 0, 0), Word("No.:", BBox(80, 0, 140, 40), 90.0, 0, 0)]
    assert [w.text for w in correct_words(first)[0]] == ["Số", "/", "No.:"]  # a label starts with a capital


def test_a_boxed_digit_whose_box_overlaps_the_rest_by_a_stroke_is_joined() -> None:
    words = [Word("0", BBox(962, 957, 997, 1031), 80.0, 0, 0), Word("20163029937", BBox(991, 956, 1644, 1032), 95.0, 0, 0)]
    fixed, corrections = correct_words(words)
    assert [w.text for w in fixed] == ["020163029937"] and corrections[0].rule == "digit_boxes"
    apart = [Word("0", BBox(0, 0, 35, 74), 80.0, 0, 0), Word("20163029937", BBox(-40, 0, 600, 74), 95.0, 0, 0)]
    assert [w.text for w in correct_words(apart)[0]] == ["0", "20163029937"]  # one box inside the other: not neighbours


@pytest.mark.parametrize(("token", "fixed"), [("YÊEN", "YÊN"), ("PHAẠM", "PHẠM"), ("Nguyễen,", "Nguyễn,"), ("ĐOÔNG", "ĐÔNG")])
def test_a_vowel_read_twice_bare_and_marked_keeps_the_marked_one(token: str, fixed: str) -> None:
    words, corrections = correct_words(_words(token))
    assert [w.text for w in words] == [fixed] and [c.rule for c in corrections] == ["doubled_vowel"]


@pytest.mark.parametrize("token", ["xoong", "khoa", "Thuý", "LIÊN"])
def test_real_vowel_pairs_are_not_doubles(token: str) -> None:
    assert correct_words(_words(token))[1] == ()


def test_an_english_label_word_on_a_bilingual_line_is_spelled_right() -> None:
    words, corrections = correct_words(_words("Ngày", "sinh", "/", "Dete", "ơi", "birth:", "Natonality:", "Pull"))
    assert [w.text for w in words] == ["Ngày", "sinh", "/", "Date", "ơi", "birth:", "Nationality:", "Full"]
    assert {c.rule for c in corrections} == {"label_word"}
    # Not on a line without a label: a name's "DAT" (Đạt without marks) stays.
    assert [w.text for w in correct_words(_words("NGUYỄN", "VĂN", "DAT"))[0]] == ["NGUYỄN", "VĂN", "DAT"]
    # Vietnamese syllables and words too far from any label stay.
    assert [w.text for w in correct_words(_words("Place", "of", "residence:", "Bản", "Ngoc", "Cmzen"))[0]] == [
        "Place", "of", "residence:", "Bản", "Ngoc", "Cmzen"]


def test_a_vietnamese_mark_on_an_english_label_word_costs_no_edit() -> None:
    words, corrections = correct_words(_words("Quê", "quán", "/", "Piạce", "ơf", "origin:", "Fưil", "ơi", "Tân"))
    assert [w.text for w in words] == ["Quê", "quán", "/", "Place", "of", "origin:", "Full", "ơi", "Tân"]
    assert [c.rule for c in corrections] == ["label_word"] * 3
    # "of" only from a mark English never carries; a syllable ("ơi") or another short word stays.
    assert [w.text for w in correct_words(_words("Họ", "/", "ot", "Full", "ơi", "name:"))[0]] == ["Họ", "/", "ot", "Full", "ơi", "name:"]


def test_a_line_of_two_misread_label_words_is_a_label_line() -> None:
    words, corrections = correct_words(_words("Indcpendence", "-", "Froedom", "-", "Happincss"))
    assert [w.text for w in words] == ["Independence", "-", "Freedom", "-", "Happiness"]
    assert {c.rule for c in corrections} == {"label_word"}
    # One near miss alone does not make a label line: a name's "DAT" stays.
    assert [w.text for w in correct_words(_words("NGUYỄN", "DAT", "Froedom"))[0]] == ["NGUYỄN", "DAT", "Froedom"]
