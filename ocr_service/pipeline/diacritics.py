"""Lost, added and swapped Vietnamese marks put back by a syllable bigram model.

Tesseract's worst Vietnamese errors keep a word's letters and damage its marks: bold capitals lose
them ("CỘNG HOA XA HỌI" for "CỘNG HÒA XÃ HỘI"), small print swaps them ("nhần dần" for "nhân
dân", "chính quyên"). Each such token is one of the syllables that share its skeleton (its letters
without any mark): the candidates. On each line the most likely sequence of candidates is found
(Viterbi) under

    score = Σ log P(syllable | previous syllable)   (``ocr_service.language``, legal text)
          − Σ cost of the marks changed              (the channel: how likely Tesseract misread them)

where a changed tone, vowel mark or đ costs what such a misread is rare at the word's confidence
(``MARK_ERROR_RATE``, measured on a calibration corpus that is not the bench's). A token is changed only when

* the token as read is not a syllable at all (then the best candidate wins), or
* the best sequence beats the best one that keeps the token as read by ``MARGIN`` (log odds), and
  the new syllable is seen in the corpus beside one of its neighbours (a bigram). Names and rare words, where only unigram
  frequency would speak ("THUY" → the commoner "thủy"), are therefore left as read.

Never touched: lower-case words Tesseract read at ``KEEP_CONFIDENCE`` or more, capitalized
syllables beside another capitalized one in running text (names: "Hoàng Văn Thụ" must not become
"Văn Thư"), a name in capitals (a run of two to six capitalized syllables starting with what
could be a surname: only a first syllable that is no surname but can be just one with other marks
is respelled, "TRÂN" → "TRẦN", rule ``surname``, and a token that is no syllable is restored),
tokens with digits or other non-letters inside (numbers, dates, ID numbers, codes),
lines with no Vietnamese mark that hold a word Vietnamese cannot spell (English on a bilingual
card: "REPUBLIC OF VIET NAM" stays), and words with no other candidate. Every token is also put in
the traditional tone placement ("hoà" → "hòa"), the one convention of our output. On an English
line the country's name is written "Viet Nam" ("REPUBLIC OF VIẾT NAM" → "VIET", rule ``english_line``).

A changed word keeps its box; its confidence is capped at ``RESTORED_CONFIDENCE`` when the margin
was narrow, so a field built on a guess goes to review. A protected word the model would change
as surely as any other, weighed alone, is not accepted unseen either: a lower-case word read at
``KEEP_CONFIDENCE`` is changed with its confidence capped ("Luật Tố chức" → "Tổ"),
a word of a proper name keeps its text and gets the cap ("Thôn Hòa Binh"). On a noisy or faded
copy a hook above read as an acute, where the corpus speaks for the hook, is put back the same
way (``hook_read_as_acute``: "cho phép chuyến mục đích" → "chuyển", unseen beside either
neighbour). Each change is a ``Correction`` (rule ``syllable_lm``, ``hook_as_acute`` or
``tone_placement``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from ocr_service.domain import Word, nfc
from ocr_service.language import BOUNDARY, Model, old_style, skeleton
from ocr_service.pipeline.correct import Correction
from ocr_service.vietnamese import SURNAMES, has_vietnamese_marks, is_syllable

MARGIN = math.log(8.0)
SURE_MARGIN = math.log(200.0)
RESTORED_CONFIDENCE = 80.0
KEEP_CONFIDENCE = 95.0
MAX_CANDIDATES = 8
_EDGES = re.compile(r"^(?P<lead>[^\w]*)(?P<core>[^\W\d_]+)(?P<trail>[^\w]*)$")
_BREAKS = set(".;:!?()[]\"“”")
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
NUMERALS = frozenset("không một mốt hai ba bốn tư năm lăm sáu bảy tám chín mười mươi trăm nghìn ngàn linh lẻ".split())


# P(a word's marks are wrong | Tesseract's confidence in it), measured on a calibration corpus
# that is not the bench's (``python -m samples generate --seed 7 --per-type 2``, 30 documents,
# 8,300 words aligned to their truth): 0.4% at 95 and above, 2-4% from 90, 10-14% from 75, about
# 16% below. Capitals lose marks about twice as often below 93 (24% against 10% at 85-90).
MARK_ERROR_RATE = ((95.0, 0.004), (90.0, 0.03), (75.0, 0.12), (0.0, 0.16))
CAPITALS_FACTOR = 2.0
EXTRA_CHANGE_COST = -math.log(0.3)


def mark_error_rate(confidence: float, capitals: bool) -> float:
    rate = next(p for floor, p in MARK_ERROR_RATE if confidence >= floor)
    if capitals and confidence < 93.0:
        rate *= CAPITALS_FACTOR
    return min(rate, 0.5)


def change_cost(observed: str, candidate: str, confidence: float, capitals: bool) -> float:
    """-log P(Tesseract read ``observed`` | the paper said ``candidate``), both lower case, same skeleton:
    the first changed mark costs what a misread at this confidence is rare, each further one more."""
    if observed == candidate:
        return 0.0
    a, b = _marks(observed), _marks(candidate)
    changes = sum(x != y for x, y in zip(a[0], b[0])) + (a[1] != b[1])
    return -math.log(mark_error_rate(confidence, capitals)) + (changes - 1) * EXTRA_CHANGE_COST


def _marks(syllable: str) -> tuple[tuple[str, ...], str]:
    """Each letter's vowel mark / đ (tone removed), and the tone."""
    letters, tone = [], ""
    for ch in syllable:
        parts = unicodedata.normalize("NFD", ch)
        tone += "".join(c for c in parts if c in _TONE_MARKS)
        letters.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS)))
    return tuple(letters), tone


def restore_diacritics(words: Sequence[Word], model: Model, *, noisy: bool = False) -> tuple[tuple[Word, ...], tuple[Correction, ...]]:
    """The words with marks restored, and the changes (indexes into ``words``). ``noisy``: the
    page is a noisy or faded copy, where a hook above is read as an acute (``hook_read_as_acute``).

    Runs of syllables are cut at sentence punctuation and at anything that is not a word of
    letters; within a block a run goes on from one line to the next (wrapped text, a table header
    cell "Số định danh cá / nhân"), but a line of English or a name in capitals stands alone.
    """
    out = list(words)
    corrections: list[Correction] = []
    for run in _runs(words):
        _restore_run(words, run, model, out, corrections, noisy)
    for line in _lines(words):
        _unmark_english(words, line, out, corrections)
    corrections.sort(key=lambda c: c.index)
    return tuple(out), tuple(corrections)


def _unmark_english(words: Sequence[Word], line: list[int], out: list[Word], corrections: list[Correction]) -> None:
    """The country's English name is "Viet Nam": on a line of three or more words Vietnamese
    cannot spell, a lone marked "Việt" before "Nam" is a mark misread onto English ("REPUBLIC OF
    VIẾT NAM", rule ``english_line``). Other marked words stay: on a line "Place of origin: Nam
    Định" the place name is Vietnamese."""
    cores = [(i, m) for i, m in ((i, _EDGES.match(words[i].text)) for i in line) if m]
    marked = [k for k, (_i, m) in enumerate(cores) if has_vietnamese_marks(m["core"])]
    if len(marked) != 1 or sum(not is_syllable(m["core"]) for _i, m in cores) < 3:
        return
    k = marked[0]
    i, m = cores[k]
    if skeleton(m["core"]) != "viet" or k + 1 >= len(cores) or skeleton(cores[k + 1][1]["core"]) != "nam":
        return
    text = nfc(m["lead"] + ("VIET" if m["core"].isupper() else "Viet") + m["trail"])
    out[i] = replace(words[i], text=text)
    corrections.append(Correction(i, words[i].text, text, "english_line"))


def _runs(words: Sequence[Word]) -> list[list[int]]:
    runs: list[list[int]] = []
    current: list[int] = []
    previous_block: int | None = None
    for line in _lines(words):
        if words[line[0]].block != previous_block and current:
            runs.append(current)
            current = []
        previous_block = words[line[0]].block
        cores = [m["core"] for m in (_EDGES.match(words[i].text) for i in line) if m]
        if not cores or _is_english(cores):
            runs.append(current)
            current = []
            continue
        for i in line:
            m = _EDGES.match(words[i].text)
            if m is None:
                runs.append(current)
                current = []
                continue
            current.append(i)
            if any(ch in _BREAKS for ch in m["trail"]):
                runs.append(current)
                current = []
        if _is_name([_EDGES.match(words[i].text)["core"] for i in current if words[i].line == words[line[0]].line]):  # type: ignore[index]
            runs.append(current)  # a name ends its line's run: it is no context for the next line
            current = []
    runs.append(current)
    return [r for r in runs if r]


def _lines(words: Sequence[Word]) -> list[list[int]]:
    lines: list[list[int]] = []
    for i, word in enumerate(words):
        if lines and (words[lines[-1][0]].block, words[lines[-1][0]].line) == (word.block, word.line):
            lines[-1].append(i)
        else:
            lines.append([i])
    return lines


def _is_english(cores: list[str]) -> bool:
    """A bilingual card's English ("SOCIALIST REPUBLIC OF VIET NAM"): a line without a Vietnamese
    mark holding a word Vietnamese cannot spell, or one where such words are two and 40% or more."""
    foreign = sum(not is_syllable(c) for c in cores)
    if not any(has_vietnamese_marks(c) for c in cores):
        return foreign > 0
    return foreign >= 2 and foreign >= 0.4 * len(cores)  # a mark misread into English ("OF VIẾT NAM")


def _restore_run(words: Sequence[Word], run: list[int], model: Model, out: list[Word], corrections: list[Correction],
                 noisy: bool) -> None:
    if not run:
        return
    cores = [_EDGES.match(words[i].text)["core"] for i in run]  # type: ignore[index]
    observed = [old_style(c.lower()) for c in cores]
    by_line: dict[int, list[int]] = {}
    for k, i in enumerate(run):
        by_line.setdefault(words[i].line, []).append(k)
    name_lines = [ks for ks in by_line.values() if _is_name([cores[k] for k in ks])]
    named = {k for ks in name_lines for k in ks}
    settled = set()  # changed already: the Viterbi's choice is not applied
    for ks in name_lines:
        surname = _surname_for(observed[ks[0]])
        if surname is not None:
            _apply(words, out, corrections, run[ks[0]], surname, "surname", min(words[run[ks[0]]].confidence, RESTORED_CONFIDENCE))
            settled.add(ks[0])
    options: list[list[tuple[str, float]]] = []
    protected: dict[int, list[tuple[str, float]]] = {}  # kept as read, with what it could have been
    for k, (i, obs) in enumerate(zip(run, observed)):
        word, core = words[i], cores[k]
        capitals = core.isupper() and len(core) > 1
        candidates = [obs] + [c for c in model.variants(obs)[:MAX_CANDIDATES] if c != obs]
        weighed = [(c, change_cost(obs, c, word.confidence, capitals)) for c in candidates]
        if is_syllable(obs) and (k in named or _kept_as_read(word.confidence, capitals) or _in_proper_name(cores, k)):
            options.append([(obs, 0.0)])
            if k not in named and len(candidates) > 1:
                protected[k] = weighed
            continue
        options.append(weighed)
    best, best_score = _viterbi(options, model)
    for k, (chosen, flanked) in _doubted(observed, protected, options, model).items():
        i = run[k]
        # The corpus knows no names: a word of one is doubted, not rewritten, unless the corpus
        # has it with both its neighbours (a law's title, "Luật Tố chức" → "Tổ").
        if _in_proper_name(cores, k) and not flanked:
            out[i] = replace(out[i], confidence=min(out[i].confidence, RESTORED_CONFIDENCE))
        else:
            _apply(words, out, corrections, i, chosen, "syllable_lm", min(words[i].confidence, RESTORED_CONFIDENCE))
            settled.add(k)
    for k, i in enumerate(run):
        if k in settled:
            continue
        chosen, obs, raw = best[k], observed[k], cores[k]
        keep = chosen == obs
        if not keep:
            kept = list(options)
            kept[k] = [(obs, 0.0)]
            _, kept_score = _viterbi(kept, model)
            margin = best_score - kept_score
            # A token that is no syllable cannot be right: the best candidate wins on any margin.
            keep = is_syllable(obs) and (margin < MARGIN or not _supported(best, k, model))
        if keep:
            hook = None
            if noisy and not (raw.isupper() and len(raw) > 1):
                hook = hook_read_as_acute([*best[:k], obs, *best[k + 1:]], k, model)
            if hook is not None and (k in named or _in_proper_name(cores, k)):
                out[i] = replace(out[i], confidence=min(out[i].confidence, RESTORED_CONFIDENCE))
            elif hook is not None:
                _apply(words, out, corrections, i, hook, "hook_as_acute", min(words[i].confidence, RESTORED_CONFIDENCE))
                continue
            if obs != raw.lower():
                _apply(words, out, corrections, i, obs, "tone_placement", words[i].confidence)
            continue
        confidence = words[i].confidence if margin >= SURE_MARGIN else min(words[i].confidence, RESTORED_CONFIDENCE)
        _apply(words, out, corrections, i, chosen, "syllable_lm", confidence)


def _doubted(observed: list[str], protected: dict[int, list[tuple[str, float]]],
             options: list[list[tuple[str, float]]], model: Model) -> dict[int, tuple[str, bool]]:
    """The protected words the model would change as surely as an unprotected one, with what to.

    A lower-case word read at ``KEEP_CONFIDENCE`` or a word in a proper name is protected from
    the run's Viterbi, yet the model may be sure it is misread ("Luật Tố chức",
    "Thôn Hòa Binh"). Each is weighed alone, given the rest of the run as restored (max-marginals),
    not with its protected neighbours opened too: "Chi Lăng, Lạng Sơn" opened at once would be
    rewritten as a whole. A numeral stays ("mười"/"mươi": the date parser reads either). Each
    comes with whether the corpus has the new syllable beside both its neighbours.
    """
    doubted: dict[int, tuple[str, bool]] = {}
    if not protected:
        return doubted
    forward, backward = _forward(options, model), _backward(options, model)
    for k, candidates in protected.items():
        before = forward[k - 1] if k > 0 else {BOUNDARY: 0.0}
        after = backward[k + 1] if k + 1 < len(options) else {BOUNDARY: 0.0}

        def score(cand: str, cost: float) -> tuple[float, str, str]:
            left, prev = max((s + model.logp(cand, p), p) for p, s in before.items())
            right, nxt = max((model.logp(n, cand) + s, n) for n, s in after.items())
            return left - cost + right, prev, nxt

        kept = score(observed[k], 0.0)[0]
        top, prev, nxt, chosen = max((score(c, cost) + (c,) for c, cost in candidates), key=lambda t: t[0])
        seen = [BOUNDARY not in (a, b) and model.bigram(a, b) > 0 for a, b in ((prev, chosen), (chosen, nxt))]
        numeral = observed[k] in NUMERALS and chosen in NUMERALS
        if chosen != observed[k] and top - kept >= MARGIN and any(seen) and not numeral:
            doubted[k] = (chosen, all(seen))
    return doubted


# On a noisy or faded copy the hook above (hỏi) loses its curl and is read as an acute (sắc) even
# at 95+. On the calibration corpus's noisy pages (seed 7) the test below found five such misreads
# ("Tố dân phố", "toàn thế nhân dân", "các khoán phí") and no right word.
HOOK_TWIN_RATIO = 3
HOOK_TWIN_MIN_COUNT = 20


def hook_read_as_acute(syllables: Sequence[str], k: int, model: Model) -> str | None:
    """The syllable with a hook above that ``syllables[k]``, read with an acute on a noisy copy,
    more likely is: one the corpus has ``HOOK_TWIN_RATIO`` times as often (and at least
    ``HOOK_TWIN_MIN_COUNT`` times), where the corpus has the word as read beside neither
    neighbour. None otherwise. Numerals are the date parser's."""
    word = syllables[k]
    parts = unicodedata.normalize("NFD", word)
    if parts.count("\u0301") != 1 or word in NUMERALS:
        return None
    twin = old_style(unicodedata.normalize("NFC", parts.replace("\u0301", "\u0309")))
    if not is_syllable(twin) or model.count(twin) < max(HOOK_TWIN_RATIO * model.count(word), HOOK_TWIN_MIN_COUNT):
        return None
    left = syllables[k - 1] if k > 0 else None
    right = syllables[k + 1] if k + 1 < len(syllables) else None
    if (left is not None and model.bigram(left, word) > 0) or (right is not None and model.bigram(word, right) > 0):
        return None
    return twin


def _forward(options: list[list[tuple[str, float]]], model: Model) -> list[dict[str, float]]:
    """For each position and candidate, the best score of the run up to it ending there."""
    table: list[dict[str, float]] = []
    scores = {BOUNDARY: 0.0}
    for candidates in options:
        scores = {c: max(s + model.logp(c, p) for p, s in scores.items()) - cost for c, cost in candidates}
        table.append(scores)
    return table


def _backward(options: list[list[tuple[str, float]]], model: Model) -> list[dict[str, float]]:
    """For each position and candidate, the best score of the run from it (its own cost included)
    to the boundary."""
    table: list[dict[str, float]] = [{} for _ in options]
    following = {BOUNDARY: 0.0}
    for k in range(len(options) - 1, -1, -1):
        table[k] = {c: max(model.logp(n, c) + s for n, s in following.items()) - cost for c, cost in options[k]}
        following = table[k]
    return table


def _supported(best: list[str], k: int, model: Model) -> bool:
    """The chosen syllable is seen in the corpus beside one of its chosen neighbours."""
    left = best[k - 1] if k > 0 else None
    right = best[k + 1] if k + 1 < len(best) else None
    return (left is not None and model.bigram(left, best[k]) > 0) or (right is not None and model.bigram(best[k], right) > 0)


def _kept_as_read(confidence: float, capitals: bool) -> bool:
    """A lower-case word read at ``KEEP_CONFIDENCE`` or more is wrong 0.4% of the time; the corpus
    is too small to overrule such odds reliably (on the calibration corpus it was right as often as
    wrong there: "tài khoản" → "tại khoản", common in legal text). Capitals lose marks even then."""
    return confidence >= KEEP_CONFIDENCE and not capitals


def _title(core: str) -> bool:
    return core[:1].isupper() and (len(core) == 1 or core[1:].islower())


def _in_proper_name(cores: list[str], k: int) -> bool:
    """A capitalized syllable beside another one in running text ("phường Hoàng Văn Thụ"): a name,
    about which the corpus knows nothing ("văn thư" would win)."""
    return _title(cores[k]) and ((k > 0 and _title(cores[k - 1])) or (k + 1 < len(cores) and _title(cores[k + 1])))


_SURNAME_SKELETONS = frozenset(skeleton(s) for s in SURNAMES)


def _is_name(cores: list[str]) -> bool:
    """A person's name in capitals ("TRẦN NGỌC THÚY" after "Họ và tên:"): two to six capitalized
    syllables, the first of which could be a surname. The corpus knows no names; the extractors
    check surnames against their list."""
    return (2 <= len(cores) <= 6 and all(c.isupper() for c in cores)
            and skeleton(cores[0]) in _SURNAME_SKELETONS)


@cache
def _surnames_by_skeleton() -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for name in SURNAMES:
        groups.setdefault(skeleton(name), []).append(old_style(name.lower()))
    return {k: tuple(sorted(set(v))) for k, v in groups.items()}


def _surname_for(observed: str) -> str | None:
    """The one surname a name's first syllable can be with other marks ("trân", "lễ", "nguyên" →
    "trần", "lê", "nguyễn"); None when it is a surname already, or is none, or could be two."""
    options = _surnames_by_skeleton().get(skeleton(observed), ())
    if observed in options or len(options) != 1:
        return None
    return options[0]


def _viterbi(options: list[list[tuple[str, float]]], model: Model) -> tuple[list[str], float]:
    """The best candidate sequence and its score, from a boundary to a boundary."""
    scores = {BOUNDARY: (0.0, [])}  # last syllable -> (score, path)
    for candidates in options:
        step: dict[str, tuple[float, list[str]]] = {}
        for cand, cost in candidates:
            best = max(((s + model.logp(cand, prev), path) for prev, (s, path) in scores.items()), key=lambda t: t[0])
            step[cand] = (best[0] - cost, best[1] + [cand])
        scores = step
    final = max(((s + model.logp(BOUNDARY, prev), path) for prev, (s, path) in scores.items()), key=lambda t: t[0])
    return final[1], final[0]


def _apply(words: Sequence[Word], out: list[Word], corrections: list[Correction], i: int, syllable: str, rule: str,
           confidence: float) -> None:
    word = words[i]
    m = _EDGES.match(word.text)
    assert m is not None
    core = m["core"]
    if core.isupper() and len(core) > 1:
        new_core = syllable.upper()
    elif core[0].isupper():
        new_core = syllable[0].upper() + syllable[1:]
    else:
        new_core = syllable
    text = nfc(m["lead"] + new_core + m["trail"])
    if text == word.text:
        return
    out[i] = replace(word, text=text, confidence=min(confidence, out[i].confidence))  # a doubt's cap stays
    corrections.append(Correction(i, word.text, text, rule))
