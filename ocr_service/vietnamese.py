"""Vietnamese syllables by rule: which written syllables can exist, and how a run of them splits.

Vietnamese is written one syllable per word: an optional onset, a rhyme from a closed set and one
tone. ``is_syllable`` checks a token against that structure, with the spelling rules of the
orthography (k/gh/ngh before i, e, ê, y; c/g/ng elsewhere; checked-rhyme endings -c, -ch, -p, -t
take only the sắc or nặng tone). It accepts some syllables no word uses ("quể"), never rejects a
real one; it needs no corpus. ``split_syllables`` finds the one way a run of letters that is not a
syllable ("PHẠMXUÂNCHIẾN", a table cell whose spaces Tesseract lost) splits into fewest syllables.

Both take NFC text of any case; tone placement (hòa/hoà) does not matter to them.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Tone marks as combining characters; vowel marks (ă â ê ô ơ ư) are kept with the letter.
TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}

ONSETS = (
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)

RHYMES = frozenset(
    """
    a ac ach ai am an ang anh ao ap at au ay
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu
    iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot ooc oong
    oa oac oach oai oam oan oang oanh oao oap oat oay
    oăc oăm oăn oăng oăt
    oe oen oeo oet
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u uc ui um un ung up ut
    ua uân uâng uât uây
    uê uêch uênh
    uôc uôi uôm uôn uông uôt
    uơ
    uy uych uyn uynh uyp uyt uya uyu uyên uyêt
    ư ưa ưc ưi ưm ưn ưng ưt ưu
    ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêng yêt yêu
    """.split()
)

# Common Vietnamese surnames (họ): over 99% of the population carries one of these.
SURNAMES = frozenset(unicodedata.normalize("NFC", s) for s in (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh Trương Lâm "
    "Phùng Mai Tô Hà Tạ Lương Đinh Cao Lưu Văn Quách Thái Chu Châu Hứa Kiều Lại Lục Mạc Nông Triệu Tăng Từ "
    "Thân Giáp Khúc Ông Ninh Đàm Diệp Hầu Tống Nghiêm Lã Lò Hoàng Doãn La Âu Quan Khổng Kim Trình Đồng Vi "
    "Hà Tiêu Thạch Sầm Sái Mẫn Chử Đồng Bạch Nhữ Ứng Viên Phó Bế Hoàng Lăng Ma Lù Quàng Cầm Khuất Mã Vy"
).split())


_FRONT = ("i", "e", "ê", "y")
_CHECKED = ("c", "ch", "p", "t")


def strip_tone(syllable: str) -> tuple[str, str | None]:
    """The syllable lower-cased without its tone mark, and the tone (None for ngang).

    Raises ValueError when it carries two tone marks.
    """
    tone: str | None = None
    kept = []
    for ch in unicodedata.normalize("NFD", syllable.lower()):
        if ch in TONES:
            if tone is not None:
                raise ValueError("two tone marks")
            tone = TONES[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


@lru_cache(maxsize=65536)
def is_syllable(token: str) -> bool:
    """Whether ``token`` (letters only) is a well-formed Vietnamese syllable."""
    if not token or not token.isalpha():
        return False
    try:
        base, tone = strip_tone(token)
    except ValueError:
        return False
    for onset in ONSETS:
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset) :]
        # gi shares its i with a rhyme that starts with one: gì = gi + i, gìn, giếng = gi + iêng.
        rhymes = (rhyme, "i" + rhyme) if onset == "gi" else (rhyme,)
        if onset == "qu" and rhyme.startswith(("u", "o")):
            continue
        if any(r in RHYMES and _spelled_right(onset, r) and _tone_fits(r, tone) for r in rhymes):
            return True
    return False


def _spelled_right(onset: str, rhyme: str) -> bool:
    front = rhyme.startswith(_FRONT) or rhyme.startswith("iê")
    if onset == "gi":
        return True
    if onset in ("c", "g", "ng") and front:
        return False  # written k, gh, ngh
    if onset in ("k", "gh", "ngh") and not front:
        return False
    if onset == "qu" and rhyme == "":
        return False
    return True


def _tone_fits(rhyme: str, tone: str | None) -> bool:
    return not rhyme.endswith(_CHECKED) or tone in ("sắc", "nặng")


def has_vietnamese_marks(token: str) -> bool:
    """Whether the token carries a tone or vowel mark, or đ: evidence it is Vietnamese, not English."""
    if "đ" in token.lower():
        return True
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", token))


def _splittable_piece(piece: str) -> bool:
    # Only syllables with an onset consonant: a lone vowel ("a", "ê", "ạ") splits garbage such
    # as "YÊEN" or "PHAẠM" into nonsense far more often than it restores a lost space.
    if len(piece) < 2 or not is_syllable(piece):
        return False
    base, _tone = strip_tone(piece)
    return base[0] not in "aăâeêiouôơưy"


def split_syllables(token: str, *, max_syllables: int = 6) -> tuple[str, ...] | None:
    """The unique fewest-syllable split of a run of letters that is not itself a syllable,
    into syllables that each start with a consonant.

    None when the token is a syllable, contains anything but letters, has no split, or has two
    equally short ones (ambiguous: left alone).
    """
    splits = syllable_splits(token, max_syllables=max_syllables, limit=2)
    return splits[0] if len(splits) == 1 else None


def syllable_splits(token: str, *, max_syllables: int = 6, limit: int = 8) -> tuple[tuple[str, ...], ...]:
    """Every fewest-syllable split of a run of letters that is not itself a syllable, into
    syllables that each start with a consonant ("Họchữđệm": "Họ chữ đệm" and "Học hữ đệm"); at
    most ``limit`` of them, none when there are more (too ambiguous to choose among)."""
    if not token.isalpha() or is_syllable(token) or len(token) > 7 * max_syllables:
        return ()
    n = len(token)
    # best[i] = (syllable count, the splits of token[:i] with that count)
    best: list[tuple[int, list[tuple[str, ...]]] | None] = [None] * (n + 1)
    best[0] = (0, [()])
    for end in range(1, n + 1):
        for start in range(max(0, end - 7), end):
            prior = best[start]
            piece = token[start:end]
            if prior is None or not _splittable_piece(piece):
                continue
            count = prior[0] + 1
            current = best[end]
            extended = [split + (piece,) for split in prior[1]]
            if current is None or count < current[0]:
                best[end] = (count, extended[: limit + 1])
            elif count == current[0]:
                current[1].extend(extended[: limit + 1 - len(current[1])])
    result = best[n]
    if result is None or len(result[1]) > limit or not 2 <= result[0] <= max_syllables:
        return ()
    return tuple(result[1])


# The birth-province codes (mã tỉnh nơi đăng ký khai sinh, Circular 59/2021/TT-BCA annex) and the
# provinces they were given to; the 2025 mergers kept the codes. Names NFC, old-style tones.
PROVINCES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}
