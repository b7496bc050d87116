"""A syllable bigram model of Vietnamese, built from public-domain legal text.

Post-correction needs to know which of "hòa", "hóa", "hoa", "họa" a bold "HOA" was before
Tesseract lost its mark; the orthography (``ocr_service.vietnamese``) says all four exist, only
usage tells them apart. This module is that usage: unigram and bigram counts of lower-cased
syllables, with an interpolated absolute-discounting estimate of P(next | previous).

The counts come from the text of Vietnamese laws, decrees and circulars in ``data/legal-corpus/``
(listed with their sources in ``data/legal-corpus/SOURCES.md``). Article 15 of the Law on
Intellectual Property excludes legal normative documents and administrative documents from
copyright, so that text may be shipped, and no sample or test document of ours is in it (the model
must not learn the bench's answers). ``python -m ocr_service.language build`` rebuilds
``ocr_service/data/syllables.tsv.gz`` from it; the service only loads that file.

Text is folded to one tone-placement convention before counting and on output: the traditional one
of Vietnamese legal text ("hòa", "thủy", "khỏe"), ``old_style``.

Pure and cached: the model loads once per process, on first use.
"""

from __future__ import annotations

import gzip
import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ocr_service.domain import nfc
from ocr_service.vietnamese import is_syllable

DATA_FILE = Path(__file__).with_name("data") / "syllables.tsv.gz"
BOUNDARY = "<s>"
DISCOUNT = 0.75
_WORD = re.compile(r"[^\W\d_]+")
_BREAK = re.compile(r"[.;:!?()\[\]\"“”\n]|\s[-–]\s")

# Tone marks (combining) and the vowel letters they sit on.
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_OLD_STYLE_RHYMES = ("oa", "oe", "uy")


def old_style(syllable: str) -> str:
    """The traditional tone placement: "hoà" → "hòa", "thuỷ" → "thủy", "khoẻ" → "khỏe".

    Only open rhymes oa, oe, uy move the mark; closed ones keep it on the second vowel in both
    conventions ("hoàng", "thuyền"), and after qu the u is part of the onset ("quý").
    """
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    if len(tones) != 1:
        return syllable
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    lower = bare.lower()
    if not lower.endswith(_OLD_STYLE_RHYMES) or lower.startswith("qu"):
        return syllable
    at = len(bare) - 2
    return nfc(bare[:at] + bare[at] + tones[0] + bare[at + 1 :])


def skeleton(token: str) -> str:
    """A token without any mark, lower-cased: "Đổi" → "doi". Syllables that share a skeleton are
    what a lost, added or swapped mark can turn into one another."""
    decomposed = unicodedata.normalize("NFD", token.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def syllables(text: str) -> Iterator[list[str]]:
    """Runs of lower-cased syllables between breaks (sentence punctuation, line ends, digits)."""
    for chunk in _BREAK.split(nfc(text)):
        run: list[str] = []
        for piece in re.split(r"(\d+)", chunk):
            if piece.isdigit():
                if run:
                    yield run
                run = []
                continue
            run.extend(old_style(w.lower()) for w in _WORD.findall(piece))
        if run:
            yield run


@dataclass(frozen=True)
class Model:
    unigrams: dict[str, int]
    bigrams: dict[tuple[str, str], int]
    followers: dict[str, int]  # distinct words seen after each word (for the discount's mass)
    left_totals: dict[str, int]  # how often each word is followed by anything
    by_skeleton: dict[str, tuple[str, ...]]
    total: int
    backoff: float  # the mean weight given to the unigram estimate after a seen word

    @classmethod
    def from_counts(cls, unigrams: Counter[str], bigrams: Counter[tuple[str, str]]) -> "Model":
        followers: Counter[str] = Counter()
        left_totals: Counter[str] = Counter()
        for (a, _b), n in bigrams.items():
            followers[a] += 1
            left_totals[a] += n
        groups: dict[str, list[str]] = {}
        for word in unigrams:
            if word != BOUNDARY and is_syllable(word):
                groups.setdefault(skeleton(word), []).append(word)
        by_skeleton = {k: tuple(sorted(v, key=lambda w: -unigrams[w])) for k, v in groups.items()}
        pairs = sum(left_totals.values())
        return cls(dict(unigrams), dict(bigrams), dict(followers), dict(left_totals), by_skeleton,
                   sum(n for w, n in unigrams.items() if w != BOUNDARY), DISCOUNT * len(bigrams) / pairs if pairs else 1.0)

    def count(self, word: str) -> int:
        return self.unigrams.get(word, 0)

    def bigram(self, a: str, b: str) -> int:
        return self.bigrams.get((a, b), 0)

    def p_unigram(self, word: str) -> float:
        # Add-half smoothing over the vocabulary plus the syllables never seen (~ 20,000 more).
        return (self.count(word) + 0.5) / (self.total + 0.5 * (len(self.unigrams) + 20_000))

    def logp(self, word: str, previous: str) -> float:
        """log P(word | previous), interpolated absolute discounting."""
        total = self.left_totals.get(previous, 0)
        uni = self.p_unigram(word)
        if total == 0:
            # A previous word never seen gets the average back-off weight, not all of it: otherwise
            # a misread that is no word ("quoc") would look better followed than the real one.
            return math.log(self.backoff * uni)
        seen = max(self.bigram(previous, word) - DISCOUNT, 0.0) / total
        mass = DISCOUNT * self.followers.get(previous, 0) / total
        return math.log(seen + mass * uni)

    def variants(self, token: str) -> tuple[str, ...]:
        """Known syllables sharing the token's skeleton, most frequent first."""
        return self.by_skeleton.get(skeleton(token), ())


def count_corpus(texts: Iterable[str]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for run in syllables(text):
            unigrams.update(run)
            unigrams[BOUNDARY] += 1
            padded = [BOUNDARY, *run, BOUNDARY]
            bigrams.update(zip(padded, padded[1:]))
    return unigrams, bigrams


def write_counts(path: Path, unigrams: Counter[str], bigrams: Counter[tuple[str, str]]) -> None:
    """Gzipped TSV: ``1<TAB>word<TAB>count`` and ``2<TAB>a b<TAB>count``, sorted, reproducible."""
    lines = [f"1\t{w}\t{n}" for w, n in sorted(unigrams.items())]
    lines += [f"2\t{a} {b}\t{n}" for (a, b), n in sorted(bigrams.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as out:
        out.write(("\n".join(lines) + "\n").encode("utf-8"))


def read_counts(path: Path) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            order, key, n = line.rstrip("\n").split("\t")
            if order == "1":
                unigrams[key] = int(n)
            else:
                a, b = key.split(" ")
                bigrams[(a, b)] = int(n)
    return unigrams, bigrams


@cache
def model() -> Model:
    """The shipped model (loaded once)."""
    return Model.from_counts(*read_counts(DATA_FILE))


def build(corpus_dir: Path, out: Path = DATA_FILE) -> tuple[int, int, int]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus_dir.glob("*.txt"))]
    unigrams, bigrams = count_corpus(texts)
    write_counts(out, unigrams, bigrams)
    return len(texts), sum(n for w, n in unigrams.items() if w != BOUNDARY), len(bigrams)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "build":
        print("usage: python -m ocr_service.language build CORPUS_DIR", file=sys.stderr)
        return 2
    corpus = Path(argv[1])
    if not corpus.is_dir():
        print(f"language: {corpus} is not a directory", file=sys.stderr)
        return 2
    files, tokens, pairs = build(corpus)
    print(f"language: {files} texts, {tokens} syllables, {pairs} distinct bigrams -> {DATA_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
