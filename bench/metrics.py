"""Accuracy metrics against ground truth: CER, WER and the diacritic error rate.

All three compare NFC text with whitespace runs folded to one space (line breaks and layout
spacing are not errors; words out of reading order are).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def base_letters(word: str) -> str:
    """A word without tone or vowel marks, lower-cased: 'Quyết' → 'quyet', 'Đầu' → 'dau'."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class Scores:
    ref_chars: int
    char_errors: int
    ref_words: int
    word_errors: int
    diacritic_errors: int

    @property
    def cer(self) -> float:
        return self.char_errors / self.ref_chars if self.ref_chars else 0.0

    @property
    def wer(self) -> float:
        return self.word_errors / self.ref_words if self.ref_words else 0.0

    @property
    def diacritic_rate(self) -> float:
        return self.diacritic_errors / self.ref_words if self.ref_words else 0.0

    def __add__(self, other: "Scores") -> "Scores":
        return Scores(
            self.ref_chars + other.ref_chars,
            self.char_errors + other.char_errors,
            self.ref_words + other.ref_words,
            self.word_errors + other.word_errors,
            self.diacritic_errors + other.diacritic_errors,
        )


ZERO = Scores(0, 0, 0, 0, 0)


def score(reference: str, hypothesis: str) -> Scores:
    ref, hyp = normalize(reference), normalize(hypothesis)
    ref_words, hyp_words = ref.split(), hyp.split()
    return Scores(
        ref_chars=len(ref),
        char_errors=Levenshtein.distance(ref, hyp),
        ref_words=len(ref_words),
        word_errors=Levenshtein.distance(ref_words, hyp_words),
        diacritic_errors=diacritic_errors(ref_words, hyp_words),
    )


def diacritic_errors(ref_words: list[str], hyp_words: list[str]) -> int:
    """Aligned word pairs whose letters match but whose tone or vowel marks differ."""
    count = 0
    for op in Levenshtein.editops(ref_words, hyp_words):
        if op.tag != "replace":
            continue
        ref, hyp = ref_words[op.src_pos], hyp_words[op.dest_pos]
        if ref.lower() != hyp.lower() and base_letters(ref) == base_letters(hyp):
            count += 1
    return count
