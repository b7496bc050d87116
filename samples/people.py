"""Synthetic Vietnamese people and places for the sample generator.

Everyone produced here is made up: names are drawn independently from lists
of common Vietnamese surnames, middle names and given names, and the 12-digit
personal identification numbers (số định danh cá nhân / CCCD) follow the real
structure but end in random digits.  Places are real administrative units of
Bắc Giang province (as before the 2025 reorganisation) and a few neighbouring
provinces; villages and street numbers are generic.

All strings are NFC.  Every random choice goes through a
``numpy.random.Generator`` so that a given seed always gives the same person.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ocr_service.vietnamese import PROVINCES

__all__ = [
    "PROVINCE_CODES",
    "BIRTH_PROVINCE_WEIGHTS",
    "BAC_GIANG_DISTRICTS",
    "ETHNICITIES",
    "Commune",
    "District",
    "Address",
    "Person",
    "nfc",
    "cccd_for",
    "century_sex_digit",
    "parse_cccd",
    "random_date",
    "add_years",
    "random_person",
    "random_address",
    "random_bac_giang_commune",
    "ascii_fold",
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# The birth-province codes of the personal ID number, with their names: the product's table.
PROVINCE_CODES = PROVINCES

# Birth provinces the generator actually draws from, with weights: most people
# in a Bắc Giang one-stop shop were registered at birth in Bắc Giang.
BIRTH_PROVINCE_WEIGHTS: dict[str, float] = {
    "024": 0.70,  # Bắc Giang
    "027": 0.05,  # Bắc Ninh
    "001": 0.05,  # Hà Nội
    "019": 0.04,  # Thái Nguyên
    "020": 0.04,  # Lạng Sơn
    "031": 0.03,  # Hải Phòng
    "022": 0.03,  # Quảng Ninh
    "026": 0.02,  # Vĩnh Phúc
    "025": 0.02,  # Phú Thọ
    "079": 0.02,  # TP Hồ Chí Minh
}


def century_sex_digit(birth_date: dt.date, sex: str) -> str:
    """The fourth digit of a personal ID number: century of birth and sex.

    0 = male born 1900-1999, 1 = female born 1900-1999,
    2 = male born 2000-2099, 3 = female born 2000-2099.
    """
    sex = nfc(sex)
    if sex not in ("Nam", "Nữ"):
        raise ValueError(f"sex must be 'Nam' or 'Nữ', not {sex!r}")
    if 1900 <= birth_date.year <= 1999:
        base = 0
    elif 2000 <= birth_date.year <= 2099:
        base = 2
    else:
        raise ValueError(f"birth year {birth_date.year} outside 1900-2099")
    return str(base + (1 if sex == "Nữ" else 0))


def cccd_for(birth_date: dt.date, sex: str, province_code: str, rng: np.random.Generator) -> str:
    """A 12-digit personal ID number with the real CCCD structure.

    ``PPP`` birth-registration province code, one century/sex digit, the last
    two digits of the birth year, then six random digits.
    """
    if province_code not in PROVINCE_CODES:
        raise ValueError(f"unknown province code {province_code!r}")
    tail = "".join(str(int(d)) for d in rng.integers(0, 10, size=6))
    return f"{province_code}{century_sex_digit(birth_date, sex)}{birth_date.year % 100:02d}{tail}"


def parse_cccd(number: str) -> dict:
    """Split a 12-digit ID number into its parts (raises ValueError if malformed)."""
    if len(number) != 12 or not number.isdigit():
        raise ValueError(f"not a 12-digit ID number: {number!r}")
    code, cs, yy = number[:3], int(number[3]), int(number[4:6])
    if code not in PROVINCE_CODES:
        raise ValueError(f"unknown province code {code!r}")
    if cs > 9:
        raise ValueError("bad century digit")
    century = 1900 + 100 * (cs // 2)
    return {
        "province_code": code,
        "province": PROVINCE_CODES[code],
        "sex": "Nữ" if cs % 2 else "Nam",
        "birth_year": century + yy,
        "serial": number[6:],
    }


# ---------------------------------------------------------------------------
# Administrative units
# ---------------------------------------------------------------------------

VIET_YEN_TOWN_FROM = dt.date(2024, 1, 1)  # Việt Yên became a thị xã (NQ 930/NQ-UBTVQH15)


@dataclass(frozen=True)
class Commune:
    name: str
    kind: str  # "Xã", "Phường", "Thị trấn"
    kind_from_2024: str | None = None  # new kind from VIET_YEN_TOWN_FROM (Việt Yên)

    def kind_on(self, when: dt.date | None) -> str:
        if self.kind_from_2024 and (when is None or when >= VIET_YEN_TOWN_FROM):
            return self.kind_from_2024
        return self.kind

    def full(self, when: dt.date | None = None) -> str:
        return f"{self.kind_on(when)} {self.name}"


@dataclass(frozen=True)
class District:
    name: str
    kind: str  # "Huyện", "Thành phố", "Thị xã", "Quận"
    communes: tuple[Commune, ...]
    kind_from_2024: str | None = None
    province: str = "Bắc Giang"
    province_kind: str = "Tỉnh"

    def kind_on(self, when: dt.date | None) -> str:
        if self.kind_from_2024 and (when is None or when >= VIET_YEN_TOWN_FROM):
            return self.kind_from_2024
        return self.kind

    def full(self, when: dt.date | None = None) -> str:
        return f"{self.kind_on(when)} {self.name}"


def _communes(spec: str) -> tuple[Commune, ...]:
    """'X:Tân Sỏi; TT:Cầu Gồ; P:Trần Phú; X>P:Nếnh' -> Commune tuple."""
    kinds = {"X": "Xã", "P": "Phường", "TT": "Thị trấn"}
    out = []
    for item in spec.split(";"):
        item = item.strip()
        if not item:
            continue
        k, name = item.split(":", 1)
        if ">" in k:
            old, new = k.split(">")
            out.append(Commune(nfc(name.strip()), kinds[old], kinds[new]))
        else:
            out.append(Commune(nfc(name.strip()), kinds[k]))
    return tuple(out)


BAC_GIANG_DISTRICTS: tuple[District, ...] = (
    District("Bắc Giang", "Thành phố", _communes(
        "P:Trần Phú; P:Ngô Quyền; P:Hoàng Văn Thụ; P:Lê Lợi; P:Thọ Xương; P:Mỹ Độ; "
        "P:Xương Giang; P:Dĩnh Kế; P:Đa Mai; P:Trần Nguyên Hãn; X:Song Mai; X:Tân Mỹ; "
        "X:Dĩnh Trì; X:Đồng Sơn")),
    District("Yên Thế", "Huyện", _communes(
        "TT:Cầu Gồ; TT:Bố Hạ; X:Tân Sỏi; X:Đồng Kỳ; X:Đồng Lạc; X:Tam Tiến; X:Xuân Lương; "
        "X:Đồng Vương; X:Tiến Thắng; X:Hồng Kỳ; X:Đông Sơn; X:Hương Vỹ; X:Tân Hiệp; "
        "X:An Thượng; X:Canh Nậu; X:Đồng Hưu")),
    District("Tân Yên", "Huyện", _communes(
        "TT:Cao Thượng; TT:Nhã Nam; X:Cao Xá; X:Ngọc Thiện; X:Lam Cốt; X:Việt Lập; "
        "X:Liên Chung; X:Song Vân; X:Phúc Hòa; X:Quang Tiến; X:Ngọc Vân; X:Hợp Đức; "
        "X:An Dương; X:Lan Giới")),
    District("Lạng Giang", "Huyện", _communes(
        "TT:Vôi; TT:Kép; X:Tân Dĩnh; X:Thái Đào; X:Tân Thanh; X:Hương Sơn; X:Mỹ Thái; "
        "X:Xuân Hương; X:Quang Thịnh; X:Yên Mỹ; X:Nghĩa Hòa")),
    District("Lục Nam", "Huyện", _communes(
        "TT:Đồi Ngô; X:Bảo Đài; X:Cương Sơn; X:Yên Sơn; X:Lan Mẫu; X:Phương Sơn; "
        "X:Nghĩa Phương; X:Tiên Nha; X:Cẩm Lý; X:Vũ Xá; X:Huyền Sơn")),
    District("Lục Ngạn", "Huyện", _communes(
        "TT:Chũ; X:Biển Động; X:Phượng Sơn; X:Nam Dương; X:Quý Sơn; X:Tân Quang; "
        "X:Kiên Thành; X:Hồng Giang; X:Trù Hựu; X:Giáp Sơn; X:Thanh Hải")),
    District("Sơn Động", "Huyện", _communes(
        "TT:An Châu; TT:Tây Yên Tử; X:Vân Sơn; X:Hữu Sản; X:Dương Hưu; X:Long Sơn; "
        "X:Yên Định; X:Cẩm Đàn; X:An Lạc; X:Vĩnh An")),
    District("Yên Dũng", "Huyện", _communes(
        "TT:Nham Biền; TT:Tân An; X:Tiến Dũng; X:Cảnh Thụy; X:Tư Mại; X:Đồng Phúc; "
        "X:Lãng Sơn; X:Trí Yên; X:Đức Giang; X:Yên Lư")),
    District("Việt Yên", "Huyện", _communes(
        "TT>P:Bích Động; TT>P:Nếnh; X>P:Quang Châu; X>P:Vân Trung; X>P:Hồng Thái; "
        "X>P:Tăng Tiến; X:Minh Đức; X:Trung Sơn; X:Thượng Lan; X:Nghĩa Trung"),
        kind_from_2024="Thị xã"),
    District("Hiệp Hòa", "Huyện", _communes(
        "TT:Thắng; X:Đức Thắng; X:Mai Đình; X:Hương Lâm; X:Đông Lỗ; X:Hoàng Vân; "
        "X:Thái Sơn; X:Lương Phong; X:Danh Thắng; X:Ngọc Sơn; X:Bắc Lý; X:Châu Minh")),
)

# One real commune per other birth province, for people born elsewhere.
OTHER_PROVINCE_PLACES: dict[str, District] = {
    "001": District("Gia Lâm", "Huyện", _communes("X:Đông Dư; X:Kiêu Kỵ"), province="Hà Nội", province_kind="Thành phố"),
    "027": District("Tiên Du", "Huyện", _communes("X:Phật Tích; X:Liên Bão"), province="Bắc Ninh"),
    "019": District("Đồng Hỷ", "Huyện", _communes("X:Hóa Thượng; X:Nam Hòa"), province="Thái Nguyên"),
    "020": District("Chi Lăng", "Huyện", _communes("X:Quang Lang; X:Vân Thủy"), province="Lạng Sơn"),
    "031": District("An Dương", "Huyện", _communes("X:An Đồng; X:Hồng Thái"), province="Hải Phòng", province_kind="Thành phố"),
    "022": District("Đông Triều", "Thị xã", _communes("P:Mạo Khê; X:Tràng An"), province="Quảng Ninh"),
    "026": District("Yên Lạc", "Huyện", _communes("X:Tam Hồng; X:Đồng Văn"), province="Vĩnh Phúc"),
    "025": District("Việt Trì", "Thành phố", _communes("X:Hy Cương; P:Gia Cẩm"), province="Phú Thọ"),
    "079": District("1", "Quận", _communes("P:Bến Nghé; P:Đa Kao"), province="Hồ Chí Minh", province_kind="Thành phố"),
}

VILLAGE_NAMES = [
    "Thôn Hạ", "Thôn Trung", "Thôn Thượng", "Thôn Đồng Tâm", "Thôn Tiền Phong", "Thôn Hòa Bình",
    "Thôn Đình", "Thôn Chùa", "Thôn Làng Mới", "Thôn Đồng Găng", "Thôn Cầu Sắt", "Thôn Khuôn Thần",
    "Thôn Đồng Bụt", "Thôn Quyết Tiến", "Thôn Thống Nhất", "Thôn Bãi Ổi", "Thôn Nghĩa Hưng",
    "Bản Khe Nghè", "Bản Đồng Mậm", "Thôn Ao Vả", "Thôn Hố Cao", "Thôn Dõng", "Thôn Giữa",
    "Xóm Mới", "Xóm Đông", "Thôn Ngọc Lý", "Thôn Phúc Lâm", "Thôn Đồng Quỳnh", "Thôn Chằm",
]
STREETS = [
    "Hoàng Văn Thụ", "Nguyễn Văn Cừ", "Xương Giang", "Lê Lợi", "Ngô Gia Tự", "Trần Nguyên Hãn",
    "Nguyễn Thị Lưu", "Hùng Vương", "Lý Thái Tổ", "Giáp Hải", "Nguyễn Gia Thiều", "Thánh Thiên",
]


@dataclass(frozen=True)
class Address:
    """A residence: optional village/street part, commune, district, province."""

    detail: str | None
    commune: Commune
    district: District

    def full(self, when: dt.date | None = None) -> str:
        """'Thôn Hạ, xã Tân Sỏi, huyện Yên Thế, tỉnh Bắc Giang'."""
        parts = []
        if self.detail:
            parts.append(self.detail)
        parts.append(self.commune.full(when))
        parts.append(self.district.full(when))
        parts.append(f"{self.district.province_kind} {self.district.province}")
        return _admin_join(parts)

    def short(self, when: dt.date | None = None) -> str:
        """The form printed on a CCCD card: 'Thôn Hạ, Tân Sỏi, Yên Thế, Bắc Giang'."""
        parts = []
        if self.detail:
            parts.append(self.detail)
        district = self.district.name
        if self.district.kind == "Quận" and district.isdigit():
            district = f"Quận {district}"
        parts += [self.commune.name, district, self.district.province]
        return nfc(", ".join(parts))

    def commune_line(self, when: dt.date | None = None) -> str:
        """'Xã Tân Sỏi, huyện Yên Thế, tỉnh Bắc Giang' (no village)."""
        return Address(None, self.commune, self.district).full(when)


def _admin_join(parts: Sequence[str]) -> str:
    """Join address parts; administrative words are lower-case after the first part."""
    out = [parts[0]]
    for p in parts[1:]:
        for kind in ("Thành phố", "Thị trấn", "Thị xã", "Phường", "Huyện", "Quận", "Tỉnh", "Xã"):
            if p.startswith(kind + " "):
                p = kind.lower() + p[len(kind):]
                break
        out.append(p)
    return nfc(", ".join(out))


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

SURNAMES_KINH = [
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4), ("Phan", 3),
    ("Đặng", 2.5), ("Bùi", 2.5), ("Đỗ", 2), ("Hồ", 1.2), ("Ngô", 1.5), ("Dương", 1.5), ("Lý", 0.8),
    ("Đinh", 1.2), ("Đào", 1.2), ("Lương", 0.8), ("Hà", 0.8), ("Thân", 0.8), ("Giáp", 0.6),
    ("Chu", 0.5), ("Tạ", 0.5), ("Trịnh", 0.8), ("Nghiêm", 0.3), ("Khổng", 0.2), ("Quách", 0.3),
]
SURNAMES_BY_ETHNICITY = {
    "Tày": ["Hoàng", "Nông", "Lục", "Hà", "Ma", "Lăng", "Triệu"],
    "Nùng": ["Hoàng", "Nông", "Lương", "Vi", "Lăng", "Mông"],
    "Sán Dìu": ["Lâm", "Trương", "Diệp", "Lý", "Dương"],
    "Sán Chay": ["Lâm", "Hoàng", "La", "Trần"],
    "Hoa": ["Lý", "Trương", "Lâm", "Hứa", "Quách", "Tăng"],
    "Dao": ["Triệu", "Bàn", "Lý", "Đặng"],
}
ETHNICITIES: list[tuple[str, float]] = [
    ("Kinh", 0.84), ("Tày", 0.05), ("Nùng", 0.05), ("Sán Dìu", 0.02), ("Sán Chay", 0.015),
    ("Hoa", 0.01), ("Dao", 0.015),
]
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Mạnh",
               "Trọng", "Đình", "Tiến", "Ngọc", "Duy", "Thế", "Quốc", "Bá", "Việt"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương", "Thùy",
                 "Diệu", "Bích", "Kim", "Hải", "Khánh", "Mai", "Thúy", "Lệ"]
GIVEN_MALE = ["Hùng", "Tuấn", "Dũng", "Khánh", "Nghĩa", "Trọng", "Thắng", "Cường", "Đạt", "Hiếu",
              "Quân", "Phúc", "Long", "Huy", "Tùng", "Sơn", "Hải", "Lâm", "Toàn", "Quý", "Việt",
              "Thịnh", "Kiên", "Lực", "Hưng", "Vĩnh", "Lộc", "Khôi", "Quyết", "Chiến", "Mạnh",
              "Thưởng", "Tiến", "Thuận", "Dương", "Bảo", "Hoàng", "Nhật", "Quỳnh", "Trường", "Đông",
              "Thủy", "Phượng", "Hiển", "Lượng", "Tưởng", "Khải", "Nguyên", "Điệp", "Ngữ"]
GIVEN_FEMALE = ["Lan", "Hương", "Thảo", "Quỳnh", "Duyên", "Phượng", "Huyền", "Trang", "Ngọc", "Nhung",
                "Hằng", "Loan", "Yến", "Oanh", "Thủy", "Linh", "Giang", "Hạnh", "Nga", "Tuyết", "Mỹ",
                "Hiền", "Dịu", "Vân", "Ánh", "Nguyệt", "Diệp", "Lụa", "Thơm", "Xuân", "Hà", "Liên",
                "Chi", "Nhàn", "Thoa", "Thúy", "Huệ", "Kiều", "Ngân", "Trâm", "Khuê", "Uyên", "Bích",
                "Hường", "Luyến", "Quyên", "Nhị", "Điệp", "Ngát", "Dung"]
# Two-syllable given names, more common for people born after about 2000.
COMPOUND_MALE = ["Minh Đức", "Gia Huy", "Đức Anh", "Bảo Long", "Minh Khôi", "Hoàng Nam", "Quốc Bảo",
                 "Anh Tuấn", "Tuấn Kiệt", "Đăng Khoa", "Trung Kiên", "Hải Đăng", "Nhật Minh"]
COMPOUND_FEMALE = ["Khánh Linh", "Bảo Ngọc", "Minh Anh", "Thu Hà", "Ngọc Diệp", "Phương Thảo",
                   "Hải Yến", "Thùy Dương", "Bảo Châu", "Khánh Huyền", "Mai Phương", "Tú Anh",
                   "Gia Hân", "Thảo Nguyên"]


def _pick(rng: np.random.Generator, items: Sequence):
    return items[int(rng.integers(0, len(items)))]


def _pick_weighted(rng: np.random.Generator, pairs: Sequence[tuple]):
    w = np.array([p[1] for p in pairs], dtype=float)
    i = int(rng.choice(len(pairs), p=w / w.sum()))
    return pairs[i][0]


def random_full_name(rng: np.random.Generator, sex: str, ethnicity: str = "Kinh",
                     birth_year: int = 1985, surname: str | None = None) -> str:
    if surname is None:
        if ethnicity in SURNAMES_BY_ETHNICITY and rng.random() < 0.8:
            surname = _pick(rng, SURNAMES_BY_ETHNICITY[ethnicity])
        else:
            surname = _pick_weighted(rng, SURNAMES_KINH)
    male = sex == "Nam"
    middle = _pick(rng, MIDDLE_MALE if male else MIDDLE_FEMALE)
    young = birth_year >= 1998
    if young and rng.random() < 0.55:
        given = _pick(rng, COMPOUND_MALE if male else COMPOUND_FEMALE)
        if middle in ("Văn", "Thị") and rng.random() < 0.7:
            return nfc(f"{surname} {given}")
    else:
        given = _pick(rng, GIVEN_MALE if male else GIVEN_FEMALE)
        if rng.random() < 0.12:  # four-syllable names like "Nguyễn Thị Thu Hương"
            extra = _pick(rng, ["Thu", "Ngọc", "Minh", "Thanh", "Hồng"] if not male else ["Minh", "Quang", "Đức", "Xuân"])
            if extra != middle:
                return nfc(f"{surname} {middle} {extra} {given}")
    if middle == given.split()[0]:
        middle = "Văn" if male else "Thị"
    return nfc(f"{surname} {middle} {given}")


def ascii_fold(text: str) -> str:
    """'Nguyễn Thị Hương' -> 'Nguyen Thi Huong' (for e-mail addresses)."""
    text = nfc(text).replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------

def add_years(d: dt.date, years: int) -> dt.date:
    """Same day ``years`` later (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def random_date(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    """Uniform date in [start, end] (``start`` if the range is empty)."""
    span = max(0, (end - start).days)
    return start + dt.timedelta(days=int(rng.integers(0, span + 1)))


def random_bac_giang_commune(rng: np.random.Generator) -> tuple[District, Commune]:
    district = _pick(rng, BAC_GIANG_DISTRICTS)
    return district, _pick(rng, district.communes)


def random_address(rng: np.random.Generator, district: District | None = None,
                   commune: Commune | None = None, with_detail: bool = True) -> Address:
    if district is None:
        district, commune = random_bac_giang_commune(rng)
    elif commune is None:
        commune = _pick(rng, district.communes)
    detail = None
    if with_detail:
        if commune.kind == "Phường" or commune.kind_from_2024 == "Phường":
            if rng.random() < 0.5:
                detail = f"Số {int(rng.integers(1, 240))}, đường {_pick(rng, STREETS)}"
            else:
                detail = f"Tổ dân phố số {int(rng.integers(1, 16))}"
        elif commune.kind == "Thị trấn":
            detail = f"Tổ dân phố {_pick(rng, ['Tân Sơn', 'Hòa Bình', 'Đoàn Kết', 'Đông Lạc', 'Bến Tre', 'Phố Mới'])}" \
                if rng.random() < 0.5 else f"Tổ dân phố số {int(rng.integers(1, 12))}"
        else:
            detail = _pick(rng, VILLAGE_NAMES)
    return Address(nfc(detail) if detail else None, commune, district)


@dataclass
class Person:
    full_name: str
    sex: str  # "Nam" / "Nữ"
    date_of_birth: dt.date
    ethnicity: str
    province_code: str  # birth-registration province (first 3 ID digits)
    hometown: Address
    residence: Address
    id_number: str
    nationality: str = "Việt Nam"
    extra: dict = field(default_factory=dict)

    @property
    def birth_province(self) -> str:
        return PROVINCE_CODES[self.province_code]

    @property
    def honorific(self) -> str:
        return "Ông" if self.sex == "Nam" else "Bà"

    def dob_str(self) -> str:
        return self.date_of_birth.strftime("%d/%m/%Y")

    def summary(self) -> dict:
        """The public ``citizens`` entry of the ground truth."""
        return {
            "full_name": self.full_name,
            "id_number": self.id_number,
            "date_of_birth": self.date_of_birth.isoformat(),
            "sex": self.sex,
        }


def random_person(rng: np.random.Generator, *, born_from: dt.date = dt.date(1950, 1, 1),
                  born_to: dt.date = dt.date(2004, 12, 31), sex: str | None = None,
                  surname: str | None = None, ethnicity: str | None = None,
                  residence: Address | None = None, province_code: str | None = None) -> Person:
    """A synthetic citizen living in Bắc Giang."""
    if sex is None:
        sex = "Nam" if rng.random() < 0.5 else "Nữ"
    dob = random_date(rng, born_from, born_to)
    if ethnicity is None:
        ethnicity = _pick_weighted(rng, ETHNICITIES)
    if province_code is None:
        province_code = _pick_weighted(rng, list(BIRTH_PROVINCE_WEIGHTS.items()))
    name = random_full_name(rng, sex, ethnicity, dob.year, surname=surname)
    if residence is None:
        residence = random_address(rng)
    if province_code == "024":
        hometown = residence if rng.random() < 0.6 else random_address(rng, with_detail=False)
        hometown = Address(None, hometown.commune, hometown.district)
    else:
        d = OTHER_PROVINCE_PLACES[province_code]
        hometown = Address(None, _pick(rng, d.communes), d)
    id_number = cccd_for(dob, sex, province_code, rng)
    return Person(nfc(name), nfc(sex), dob, nfc(ethnicity), province_code, hometown, residence, id_number)
