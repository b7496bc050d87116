"""Render synthetic Vietnamese administrative documents with exact ground truth.

Every renderer takes a ``numpy.random.Generator`` (and optionally a font
family) and returns ``(PIL.Image, Truth)``: a clean white page at 300 DPI
(A4 = 2480 x 3508 px; the ID card is a card on a smaller scan canvas) and its
ground truth (lines with boxes in reading order, labelled fields, every
personal ID number on the page).  Content is drawn from the generator before
layout, so the same generator state always gives the same page.

Document types (public keys): ``decision``, ``birth_certificate``,
``residence_declaration``, ``id_card_front``, ``plain_text``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Callable
from urllib.parse import urlencode

import numpy as np
from PIL import Image, ImageDraw

from .layout import A4, DPI, FONT_WEIGHTS, Canvas, Truth, mm, nfc, pt
from .people import (
    Address, Commune, District, Person, add_years, ascii_fold, cccd_for, random_address,
    random_bac_giang_commune, random_date, random_full_name, random_person,
)
from .vntext import date_in_words, decree30_date, dmy, money, money_words

__all__ = [
    "ALL_DOC_TYPES", "RENDERERS", "render_document", "choose_font", "Truth",
    "render_decision", "render_birth_certificate", "render_residence_declaration",
    "render_id_card_front", "render_plain_text",
]

ALL_DOC_TYPES: tuple[str, ...] = (
    "decision", "birth_certificate", "residence_declaration", "id_card_front", "plain_text",
)

DOC_START = dt.date(2022, 1, 1)
DOC_END = dt.date(2026, 12, 31)
MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(0, len(items)))]


def _sample(rng: np.random.Generator, items, k: int) -> list:
    idx = rng.choice(len(items), size=min(k, len(items)), replace=False)
    return [items[int(i)] for i in idx]


def choose_font(rng: np.random.Generator) -> str:
    names = list(FONT_WEIGHTS)
    w = np.array([FONT_WEIGHTS[n] for n in names])
    return names[int(rng.choice(len(names), p=w / w.sum()))]


def _upper(s: str) -> str:
    return nfc(s.upper())


def _lower_first(s: str) -> str:
    """'Xã Tân Sỏi' -> 'xã Tân Sỏi' (administrative word lower-case inside a sentence)."""
    return s[:1].lower() + s[1:]


def _balanced_split(words: list[str], font) -> tuple[str, str]:
    best = None
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        w = max(font.getlength(a), font.getlength(b))
        if best is None or w < best[0]:
            best = (w, a, b)
    return best[1], best[2]


def _fit_lines(text: str, font, width: float) -> list[str]:
    """One line if it fits, otherwise two lines: after the agency kind
    ('ỦY BAN NHÂN DÂN' / 'XÃ TÂN SỎI') or balanced."""
    if font.getlength(text) <= width or " " not in text:
        return [text]
    for head in ("ỦY BAN NHÂN DÂN ", "SỞ LAO ĐỘNG - THƯƠNG BINH "):
        if text.startswith(head) and font.getlength(text[len(head):]) <= width:
            return [head.strip(), text[len(head):]]
    a, b = _balanced_split(text.split(), font)
    return [a, b]


# ---------------------------------------------------------------------------
# Shared page furniture
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PageStyle:
    family: str
    body_pt: float
    header_pt: float
    leading: float
    para_gap: int  # px between paragraphs
    indent: int  # first-line indent, px
    margin_left: int
    margin_right: int
    margin_top: int
    margin_bottom: int

    def smaller(self) -> "PageStyle":
        return replace(
            self,
            body_pt=max(13.0, self.body_pt - 0.5),  # Decree 30 body text is 13-14 pt
            leading=max(1.1, self.leading - 0.04),
            para_gap=max(6, int(self.para_gap * 0.7)),
            margin_top=max(mm(15), self.margin_top - mm(3)),
            margin_bottom=max(mm(15), self.margin_bottom - mm(3)),
        )


def _page_style(rng: np.random.Generator, family: str | None) -> PageStyle:
    return PageStyle(
        family=family or choose_font(rng),
        body_pt=float(_pick(rng, [13.0, 13.5, 14.0])),
        header_pt=float(_pick(rng, [12.0, 12.5, 13.0])),
        leading=float(rng.uniform(1.18, 1.32)),
        para_gap=pt(float(rng.uniform(3, 6))),
        indent=mm(float(rng.uniform(10, 12.7))),
        margin_left=mm(float(rng.uniform(30, 35))),
        margin_right=mm(float(rng.uniform(15, 20))),
        margin_top=mm(float(rng.uniform(20, 25))),
        margin_bottom=mm(float(rng.uniform(20, 25))),
    )


def _two_column_header(c: Canvas, st: PageStyle, left: list[tuple[str, str]], right: list[tuple[str, str]],
                       y: float, underline_left: bool = True, size_pt: float | None = None) -> tuple[float, tuple, tuple]:
    """Left block (agency) and right block (national motto), each centred in its column.

    ``left``/``right`` are (text, style) lines; returns (y below, left column, right column).
    """
    x0, x1 = st.margin_left, c.size[0] - st.margin_right
    size = size_pt or st.header_pt
    rfonts = [c.font(size + (1 if i == 1 else 0), s) for i, (_, s) in enumerate(right)]
    while True:
        right_w = max(f.getlength(t) for (t, _), f in zip(right, rfonts)) + mm(6)
        left_w = x1 - x0 - right_w
        if left_w >= (x1 - x0) * 0.36 or size <= 10.5:
            break
        size -= 0.5
        rfonts = [c.font(size + (1 if i == 1 else 0), s) for i, (_, s) in enumerate(right)]
    lcol = (x0 - mm(8), x0 + left_w)
    rcol = (x1 - right_w, x1)
    step = pt(size) * 1.18
    # left block
    c.new_block()
    ly = y
    last_box = None
    for text, style in left:
        f = c.font(size, style)
        for part in _fit_lines(text, f, lcol[1] - lcol[0]):
            last_box = c.line(part, lcol[0], lcol[1], ly, "center", font=f)
            ly += step
    if underline_left and last_box is not None:
        w = (last_box[2] - last_box[0]) * 0.4
        cx = (lcol[0] + lcol[1]) / 2
        c.rule(cx - w / 2, last_box[3] + pt(5), cx + w / 2, width=3)
    # right block
    c.new_block()
    ry = y
    box = None
    for (text, _), f in zip(right, rfonts):
        box = c.line(text, rcol[0], rcol[1], ry, "center", font=f)
        ry += step
    if box is not None:
        c.rule(box[0], box[3] + pt(5), box[2], width=3)
    return max(ly, ry) + pt(6), lcol, rcol


def _signature_block(c: Canvas, col: tuple[float, float], y: float, titles: list[str], name: str,
                     size: float, gap: int, notes: list[str] | None = None) -> tuple[float, list[int]]:
    """Centred signature block; returns (y below, signature box between titles and name)."""
    c.new_block()
    step = pt(size) * 1.2
    fb = c.font(size, "bold")
    last = None
    for t in titles:
        last = c.line(t, col[0], col[1], y, "center", font=fb)
        y += step
    for n in notes or []:
        last = c.line(n, col[0], col[1], y, "center", font=c.font(size - 1, "italic"))
        y += step
    top = (last[3] if last else y) + 10
    y += gap
    box = [int(col[0]), int(top), int(col[1]), int(y - 10)]
    c.line(name, col[0], col[1], y, "center", font=fb)
    return y + step, box


# ---------------------------------------------------------------------------
# One-stop QR code (Circular 01/2023/TT-VPCP) on papers issued through a one-stop shop
# ---------------------------------------------------------------------------

# Share of the issued papers (birth certificates, decisions) that carry one.
ONE_STOP_SHARE = 0.6
ONE_STOP_SYSTEM = "Hệ thống thông tin giải quyết TTHC tỉnh Bắc Giang"
# Codes in the national procedure database's shape; made up, not looked up.
ONE_STOP_PROCEDURES = ("1.001193", "1.004884", "2.000986.000.00.00.H06", "1.003583.000.00.00.H06")


def _one_stop_content(rng: np.random.Generator, issued: dt.date, person_id: str, title: str) -> dict | None:
    """What a paper's one-stop QR code says, or None for a paper issued without one.

    Drawn after the page's content and style, so a paper is the same with or without its code.
    The dossier was received 1 to 20 days before the paper was issued; its code has the shape
    ``000.00.NN.H06-YYMMDD-NNNN`` (unit, day received, number of the day).
    """
    if rng.random() >= ONE_STOP_SHARE:
        return None
    received = issued - dt.timedelta(days=int(rng.integers(1, 21)))
    dossier = f"000.00.{int(rng.integers(1, 40)):02d}.H06-{received:%y%m%d}-{int(rng.integers(1, 400)):04d}"
    at = dt.datetime.combine(issued, dt.time(int(rng.integers(7, 17)), int(rng.integers(0, 60))))
    return {"dossier_code": dossier, "procedure_code": _pick(rng, ONE_STOP_PROCEDURES), "id_number": person_id,
            "title": nfc(title), "issuer": ONE_STOP_SYSTEM, "time": at, "form": _pick(rng, ["pairs", "json", "url"])}


def one_stop_qr_payload(q: dict) -> str:
    """The text of a one-stop QR code in one of the forms ``extractors.onestop`` reads.

    ``pairs``: ``MaHoSo=…;MaTTHC=…;…`` with a ``dd/mm/yyyy hh:mm`` time; ``json``: an object
    with an ISO time (+07:00); ``url``: the one-stop portal's look-up address with the codes.
    """
    keys = {"MaHoSo": q["dossier_code"], "MaTTHC": q["procedure_code"], "MaDinhDanh": q["id_number"],
            "TenGiayTo": q["title"], "HeThong": q["issuer"]}
    if q["form"] == "json":
        return json.dumps({**keys, "ThoiGian": q["time"].isoformat() + "+07:00"}, ensure_ascii=False)
    if q["form"] == "url":
        return "https://dichvucong.bacgiang.gov.vn/tra-cuu-ho-so?" + urlencode(
            {"MaHoSo": q["dossier_code"], "MaTTHC": q["procedure_code"], "MaDinhDanh": q["id_number"]})
    return ";".join(f"{k}={v}" for k, v in {**keys, "ThoiGian": q["time"].strftime("%d/%m/%Y %H:%M")}.items())


def _draw_one_stop_qr(c: Canvas, x: float, y: float, q: dict, side: float) -> float:
    """Draw the code (segno, error level M, its quiet zone white) with its top left at (x, y); returns its bottom."""
    import segno

    code = segno.make(one_stop_qr_payload(q), error="m", micro=False, boost_error=False)
    modules = np.array(code.matrix, dtype=bool)
    quiet = 4
    cell = max(2, int(side // (modules.shape[0] + 2 * quiet)))
    dark = np.pad(modules, quiet)
    im = Image.fromarray(np.where(np.kron(dark, np.ones((cell, cell), dtype=bool)), 0, 255).astype(np.uint8), "L")
    c.image(int(x), int(y), im if c.mode == "L" else im.convert(c.mode))
    c.regions["one_stop_qr"] = [int(x), int(y), int(x) + im.width, int(y) + im.height]
    return y + im.height


ONE_STOP_FIELDS = ("qr_payload", "dossier_code", "procedure_code")


def _one_stop_meta(c: Canvas) -> dict:
    """``one_stop_qr``: the code's box on the clean page (with its quiet zone), when there is one."""
    box = c.regions.get("one_stop_qr")
    return {"one_stop_qr": box} if box else {}


def _one_stop_truth(q: dict | None) -> dict:
    """The truth fields a one-stop code adds (none without one)."""
    if q is None:
        return {}
    return {"qr_payload": one_stop_qr_payload(q), "dossier_code": q["dossier_code"], "procedure_code": q["procedure_code"]}


# ---------------------------------------------------------------------------
# Decision (Quyết định), Decree 30/2020 layout
# ---------------------------------------------------------------------------

LAW_LOCAL_GOV = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung "
                 "một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;")


def _citizen_entry(p: Person, when: dt.date, prefix: str, household: bool = False) -> str:
    who = f"Hộ {p.honorific.lower()} {p.full_name} (chủ hộ)" if household else f"{p.honorific} {p.full_name}"
    return nfc(f"{prefix}{who}, sinh ngày {dmy(p.date_of_birth)}, số định danh cá nhân: {p.id_number}; "
               f"nơi cư trú: {p.residence.full(when)}.")


def _decision_content(rng: np.random.Generator) -> dict:
    date = random_date(rng, DOC_START, DOC_END)
    year = date.year
    r = rng.random()
    level = "xa" if r < 0.55 else ("huyen" if r < 0.8 else "so")
    district, commune = random_bac_giang_commune(rng)
    dname = district.full(date)
    cname = commune.full(date)
    number = int(rng.integers(1, 900))
    prov = "UBND TỈNH BẮC GIANG"
    n_cit = int(_pick(rng, [1, 1, 2, 2, 3]))

    def people(**kw) -> list[Person]:
        if level == "xa":
            return [random_person(rng, residence=random_address(rng, district, commune), **kw) for _ in range(n_cit)]
        if level == "huyen":
            return [random_person(rng, residence=random_address(rng, district), **kw) for _ in range(n_cit)]
        return [random_person(rng, **kw) for _ in range(n_cit)]

    def entries(cits: list[Person], household: bool = False) -> list[str]:
        if len(cits) == 1:
            return [_citizen_entry(cits[0], date, "", household)]
        return [_citizen_entry(p, date, f"{i}. ", household) for i, p in enumerate(cits, 1)]

    ref_date = random_date(rng, date - dt.timedelta(days=40), date - dt.timedelta(days=2))
    bases: list[str] = []
    articles: list[list[tuple[str, str]]] = []  # paragraphs of (text, style) runs
    recipients: list[str]

    if level == "xa":
        parent = _upper(f"UBND {dname}")
        issuing = _upper(f"ỦY BAN NHÂN DÂN {cname}")
        place = commune.name
        suffix = "QĐ-UBND"
        unit = f"{commune.kind_on(date).lower()} {commune.name}"
        head_title, deputy_title = "CHỦ TỊCH", "PHÓ CHỦ TỊCH"
        collective = "TM. ỦY BAN NHÂN DÂN"
        office = "Văn phòng HĐND và UBND " + commune.kind_on(date).lower()
        kind = _pick(rng, ["hardship", "allowance", "award", "poverty"])
        bases.append(LAW_LOCAL_GOV)
        if kind == "hardship":
            cits = people(born_from=dt.date(1945, 1, 1), born_to=dt.date(1990, 12, 31))
            amount = int(_pick(rng, [1_000_000, 1_500_000, 2_000_000, 3_000_000, 5_000_000]))
            subject = "Về việc hỗ trợ kinh phí cho hộ gia đình có hoàn cảnh khó khăn"
            bases.append(f"Căn cứ Nghị quyết số {int(rng.integers(10, 60))}/NQ-HĐND {decree30_date(dt.date(year - 1, 12, int(rng.integers(15, 29))))} "
                         f"của Hội đồng nhân dân {unit} về dự toán ngân sách năm {year};")
            bases.append(f"Xét đề nghị của Công chức Văn hóa - Xã hội tại Tờ trình số {int(rng.integers(5, 90))}/TTr-VHXH {decree30_date(ref_date)}.")
            articles.append([("Điều 1. ", "bold"), (f"Hỗ trợ kinh phí cho {len(cits)} hộ gia đình có hoàn cảnh đặc biệt khó khăn trên địa bàn {unit}, gồm các ông (bà) có tên sau:" if len(cits) > 1 else
                                                    f"Hỗ trợ kinh phí cho hộ gia đình có hoàn cảnh đặc biệt khó khăn trên địa bàn {unit}:", "regular")])
            articles += [[(e, "regular")] for e in entries(cits)]
            articles.append([(f"Mức hỗ trợ: {money(amount)} đồng/hộ (Bằng chữ: {money_words(amount)}/hộ). Tổng kinh phí: {money(amount * len(cits))} đồng.", "regular")])
            articles.append([("Điều 2. ", "bold"), (f"Nguồn kinh phí: Từ nguồn ngân sách {unit} năm {year}. Giao Công chức Tài chính - Kế toán phối hợp với "
                                                    "Công chức Văn hóa - Xã hội thực hiện chi trả đúng đối tượng, đúng quy định.", "regular")])
            resp = f"{office}, Công chức Tài chính - Kế toán, Công chức Văn hóa - Xã hội, các hộ gia đình có tên tại Điều 1"
        elif kind == "allowance":
            cits = people(born_from=dt.date(1935, 1, 1), born_to=dt.date(1960, 12, 31))
            base = 500_000 if date >= dt.date(2024, 7, 1) else 360_000
            coef = float(_pick(rng, [1.0, 1.5, 2.0, 2.5]))
            amount = int(base * coef)
            subject = "Về việc thực hiện chế độ trợ cấp xã hội hằng tháng"
            bases.append("Căn cứ Nghị định số 20/2021/NĐ-CP ngày 15 tháng 3 năm 2021 của Chính phủ quy định chính sách "
                         "trợ giúp xã hội đối với đối tượng bảo trợ xã hội;")
            bases.append(f"Xét đề nghị của Công chức Lao động - Thương binh và Xã hội tại Tờ trình số {int(rng.integers(5, 90))}/TTr-LĐTBXH {decree30_date(ref_date)}.")
            start = date.replace(day=1) + dt.timedelta(days=32)
            articles.append([("Điều 1. ", "bold"), ("Thực hiện chế độ trợ cấp xã hội hằng tháng đối với các ông (bà) có tên sau:" if len(cits) > 1 else
                                                    "Thực hiện chế độ trợ cấp xã hội hằng tháng đối với:", "regular")])
            articles += [[(e, "regular")] for e in entries(cits)]
            articles.append([(f"Mức trợ cấp: {money(amount)} đồng/tháng (Bằng chữ: {money_words(amount)}/tháng), hệ số {str(coef).replace('.', ',')}. "
                              f"Thời gian hưởng kể từ tháng {start.month} năm {start.year}.", "regular")])
            articles.append([("Điều 2. ", "bold"), ("Giao Công chức Lao động - Thương binh và Xã hội phối hợp với Bưu điện huyện thực hiện chi trả trợ cấp "
                                                    "hằng tháng cho các đối tượng có tên tại Điều 1 theo quy định.", "regular")])
            resp = f"{office}, Công chức Lao động - Thương binh và Xã hội, Công chức Tài chính - Kế toán, các ông (bà) có tên tại Điều 1"
        elif kind == "award":
            cits = people(born_from=dt.date(1960, 1, 1), born_to=dt.date(2002, 12, 31))
            amount = int(_pick(rng, [200_000, 300_000, 500_000]))
            movement = _pick(rng, ["Toàn dân đoàn kết xây dựng đời sống văn hóa", "xây dựng nông thôn mới nâng cao",
                                   "Toàn dân bảo vệ an ninh Tổ quốc", "chuyển đổi số và thực hiện Đề án 06"])
            subject = f"Về việc tặng Giấy khen cho các cá nhân có thành tích xuất sắc trong phong trào {movement} năm {year - 1 if date.month < 4 else year}"
            if date >= dt.date(2024, 1, 1):
                bases.append("Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;")
                bases.append("Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng;")
            else:
                bases.append("Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013;")
            bases.append(f"Xét đề nghị của Hội đồng Thi đua - Khen thưởng {unit}.")
            articles.append([("Điều 1. ", "bold"), (f"Tặng Giấy khen của Chủ tịch Ủy ban nhân dân {unit} cho các cá nhân đã có thành tích xuất sắc trong phong trào {movement}, gồm:", "regular")])
            articles += [[(e, "regular")] for e in entries(cits)]
            articles.append([(f"Mức tiền thưởng kèm theo: {money(amount)} đồng/người (Bằng chữ: {money_words(amount)}/người).", "regular")])
            articles.append([("Điều 2. ", "bold"), (f"Kinh phí khen thưởng được trích từ Quỹ thi đua, khen thưởng của {unit} năm {year}.", "regular")])
            resp = f"{office}, Công chức Văn hóa - Xã hội, Công chức Tài chính - Kế toán, các cá nhân có tên tại Điều 1"
        else:  # poverty exit
            cits = people(born_from=dt.date(1950, 1, 1), born_to=dt.date(1995, 12, 31))
            subject = f"Về việc công nhận hộ thoát nghèo năm {year}"
            bases.append("Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27 tháng 01 năm 2021 của Chính phủ quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025;")
            bases.append(f"Căn cứ kết quả rà soát hộ nghèo, hộ cận nghèo năm {year} trên địa bàn {unit};")
            bases.append(f"Xét đề nghị của Ban Chỉ đạo rà soát hộ nghèo, hộ cận nghèo {unit}.")
            articles.append([("Điều 1. ", "bold"), (f"Công nhận {len(cits)} hộ gia đình trên địa bàn {unit} thoát nghèo năm {year}, cụ thể như sau:", "regular")])
            articles += [[(e, "regular")] for e in entries(cits, household=True)]
            articles.append([("Điều 2. ", "bold"), ("Các hộ gia đình có tên tại Điều 1 được tiếp tục hưởng các chính sách hỗ trợ đối với hộ mới thoát nghèo "
                                                    "theo quy định hiện hành.", "regular")])
            resp = f"{office}, Công chức Lao động - Thương binh và Xã hội, Trưởng các thôn, các hộ gia đình có tên tại Điều 1"
        recipients = ["Như Điều 3;", f"UBND {dname[0].lower()}{dname[1:]} (b/c);",
                      "TT Đảng ủy, HĐND " + commune.kind_on(date).lower() + " (b/c);", "Chủ tịch, các PCT UBND;"]
        recipients = [recipients[0]] + _sample(rng, recipients[1:], int(rng.integers(1, 4))) + ["Lưu: VT, " + _pick(rng, ["VHXH.", "TC-KT.", "LĐTBXH."])]
    elif level == "huyen":
        parent = prov
        issuing = _upper(f"ỦY BAN NHÂN DÂN {dname}")
        place = district.name
        suffix = "QĐ-UBND"
        unit = f"{district.kind_on(date).lower()} {district.name}"
        head_title, deputy_title = "CHỦ TỊCH", "PHÓ CHỦ TỊCH"
        collective = "TM. ỦY BAN NHÂN DÂN"
        office = "Chánh Văn phòng HĐND và UBND " + district.kind_on(date).lower()
        bases.append(LAW_LOCAL_GOV)
        kind = _pick(rng, ["land", "housing"])
        if kind == "land":
            n_cit = 1
            cits = people(born_from=dt.date(1955, 1, 1), born_to=dt.date(1998, 12, 31))
            area = int(rng.integers(60, 400)) + int(rng.integers(0, 10)) / 10
            subject = "Về việc cho phép chuyển mục đích sử dụng đất"
            if date >= dt.date(2024, 8, 1):
                bases.append("Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;")
                bases.append("Căn cứ Nghị định số 102/2024/NĐ-CP ngày 30 tháng 7 năm 2024 của Chính phủ quy định chi tiết thi hành một số điều của Luật Đất đai;")
            else:
                bases.append("Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;")
                bases.append("Căn cứ Nghị định số 43/2014/NĐ-CP ngày 15 tháng 5 năm 2014 của Chính phủ quy định chi tiết thi hành một số điều của Luật Đất đai;")
            bases.append(f"Xét đề nghị của Trưởng phòng Tài nguyên và Môi trường tại Tờ trình số {int(rng.integers(100, 900))}/TTr-TNMT {decree30_date(ref_date)}.")
            p = cits[0]
            land_commune = p.residence.commune_line(date)
            land_commune = land_commune[0].lower() + land_commune[1:]
            articles.append([("Điều 1. ", "bold"), (f"Cho phép {p.honorific.lower()} {p.full_name}, sinh ngày {dmy(p.date_of_birth)}, số định danh cá nhân: {p.id_number}; "
                                                    f"nơi cư trú: {p.residence.full(date)} được chuyển mục đích sử dụng {str(area).replace('.', ',')} m² "
                                                    f"đất trồng cây lâu năm sang đất ở tại nông thôn thuộc thửa đất số {int(rng.integers(10, 800))}, "
                                                    f"tờ bản đồ số {int(rng.integers(1, 60))}, tại {land_commune}.", "regular")])
            articles.append([("Điều 2. ", "bold"), ("Người sử dụng đất có trách nhiệm nộp tiền sử dụng đất, đăng ký biến động đất đai và sử dụng đất "
                                                    "đúng mục đích theo quy định của pháp luật.", "regular")])
            resp = f"{office}, Trưởng phòng Tài nguyên và Môi trường, Chủ tịch UBND {_lower_first(p.residence.commune.full(date))}, người sử dụng đất có tên tại Điều 1"
        else:
            cits = people(born_from=dt.date(1945, 1, 1), born_to=dt.date(1990, 12, 31))
            amount = int(_pick(rng, [20_000_000, 30_000_000, 40_000_000]))
            subject = "Về việc hỗ trợ kinh phí sửa chữa, cải tạo nhà ở cho hộ nghèo"
            bases.append("Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27 tháng 01 năm 2021 của Chính phủ quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025;")
            bases.append(f"Xét đề nghị của Trưởng phòng Lao động - Thương binh và Xã hội tại Tờ trình số {int(rng.integers(20, 400))}/TTr-LĐTBXH {decree30_date(ref_date)}.")
            articles.append([("Điều 1. ", "bold"), (f"Hỗ trợ kinh phí sửa chữa, cải tạo nhà ở cho {len(cits)} hộ nghèo trên địa bàn {unit}, gồm:" if len(cits) > 1 else
                                                    f"Hỗ trợ kinh phí sửa chữa, cải tạo nhà ở cho hộ nghèo trên địa bàn {unit}:", "regular")])
            articles += [[(e, "regular")] for e in entries(cits, household=True)]
            articles.append([(f"Mức hỗ trợ: {money(amount)} đồng/hộ (Bằng chữ: {money_words(amount)}/hộ).", "regular")])
            articles.append([("Điều 2. ", "bold"), (f"Nguồn kinh phí: Ngân sách {unit} năm {year}. Giao Phòng Tài chính - Kế hoạch hướng dẫn "
                                                    "Ủy ban nhân dân các xã, thị trấn thanh quyết toán theo quy định.", "regular")])
            resp = f"{office}, Trưởng phòng Tài chính - Kế hoạch, Trưởng phòng Lao động - Thương binh và Xã hội, các hộ gia đình có tên tại Điều 1"
        recipients = ["Như Điều 3;", "UBND tỉnh (b/c);", "Chủ tịch, các PCT UBND " + district.kind_on(date).lower() + ";", "UBND các xã, thị trấn;"]
        recipients = [recipients[0]] + _sample(rng, recipients[1:], int(rng.integers(1, 4))) + ["Lưu: VT, " + ("TNMT." if kind == "land" else "LĐTBXH.")]
    else:  # provincial department
        parent = prov
        dept = _pick(rng, ["justice", "labour"])
        place = "Bắc Giang"
        unit = "tỉnh Bắc Giang"
        head_title, deputy_title = "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"
        collective = None
        if dept == "justice":
            issuing = "SỞ TƯ PHÁP"
            suffix = "QĐ-STP"
            cits = people(born_from=dt.date(1965, 1, 1), born_to=dt.date(1996, 12, 31))
            subject = "Về việc cấp Thẻ tư vấn viên pháp luật"
            bases.append("Căn cứ Nghị định số 77/2008/NĐ-CP ngày 16 tháng 7 năm 2008 của Chính phủ về tư vấn pháp luật;")
            bases.append(f"Căn cứ Quyết định số {int(rng.integers(100, 1500))}/QĐ-UBND {decree30_date(dt.date(year - 2, int(rng.integers(1, 13)), int(rng.integers(1, 28))))} "
                         "của Ủy ban nhân dân tỉnh Bắc Giang quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Tư pháp;")
            bases.append("Xét hồ sơ đề nghị cấp Thẻ tư vấn viên pháp luật và đề nghị của Trưởng phòng Bổ trợ tư pháp.")
            articles.append([("Điều 1. ", "bold"), ("Cấp Thẻ tư vấn viên pháp luật cho các ông (bà) có tên sau:" if len(cits) > 1 else
                                                    "Cấp Thẻ tư vấn viên pháp luật cho:", "regular")])
            articles += [[(e, "regular")] for e in entries(cits)]
            articles.append([("Điều 2. ", "bold"), ("Tư vấn viên pháp luật có tên tại Điều 1 có quyền và nghĩa vụ theo quy định tại Nghị định số "
                                                    "77/2008/NĐ-CP và các văn bản pháp luật có liên quan.", "regular")])
            resp = "Chánh Văn phòng Sở, Trưởng phòng Bổ trợ tư pháp, các ông (bà) có tên tại Điều 1"
            authority = "GIÁM ĐỐC SỞ TƯ PHÁP"
            recipients = ["Như Điều 3;", "Bộ Tư pháp (b/c);", "UBND tỉnh (b/c);", "Giám đốc, các PGĐ Sở;", "Lưu: VT, BTTP."]
        else:
            issuing = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
            suffix = "QĐ-SLĐTBXH"
            cits = people(born_from=dt.date(1975, 1, 1), born_to=dt.date(2005, 12, 31))
            amount = int(_pick(rng, [3_000_000, 4_500_000, 6_000_000]))
            subject = "Về việc hỗ trợ kinh phí đào tạo nghề trình độ sơ cấp cho người lao động"
            bases.append("Căn cứ Luật Giáo dục nghề nghiệp ngày 27 tháng 11 năm 2014;")
            bases.append(f"Xét đề nghị của Trưởng phòng Giáo dục nghề nghiệp {decree30_date(ref_date)}.")
            articles.append([("Điều 1. ", "bold"), ("Hỗ trợ kinh phí đào tạo nghề trình độ sơ cấp cho các ông (bà) có tên sau:" if len(cits) > 1 else
                                                    "Hỗ trợ kinh phí đào tạo nghề trình độ sơ cấp cho:", "regular")])
            articles += [[(e, "regular")] for e in entries(cits)]
            articles.append([(f"Mức hỗ trợ: {money(amount)} đồng/người/khóa học (Bằng chữ: {money_words(amount)}/người/khóa học).", "regular")])
            articles.append([("Điều 2. ", "bold"), ("Giao Phòng Kế hoạch - Tài chính phối hợp với Phòng Giáo dục nghề nghiệp thực hiện chi trả "
                                                    "theo đúng quy định hiện hành.", "regular")])
            resp = "Chánh Văn phòng Sở, Trưởng các phòng chuyên môn có liên quan, các ông (bà) có tên tại Điều 1"
            authority = "GIÁM ĐỐC SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
            recipients = ["Như Điều 3;", "UBND tỉnh (b/c);", "Giám đốc, các PGĐ Sở;", "Lưu: VT, GDNN."]
        office = None

    articles.append([("Điều 3. ", "bold"), (f"Quyết định này có hiệu lực kể từ ngày ký. {resp} và các cơ quan, đơn vị có liên quan "
                                            "chịu trách nhiệm thi hành Quyết định này./.", "regular")])

    sig_kind = rng.random()
    if level == "so":
        if sig_kind < 0.7:
            titles, signing_authority, signer_title = [f"KT. {head_title}", deputy_title], f"KT. {head_title}", deputy_title
        else:
            titles, signing_authority, signer_title = [head_title], None, head_title
    else:
        if sig_kind < 0.5:
            authority = _upper(f"{head_title} ỦY BAN NHÂN DÂN {unit}")
            titles, signing_authority, signer_title = [f"KT. {head_title}", deputy_title], f"KT. {head_title}", deputy_title
        elif sig_kind < 0.8:
            authority = _upper(f"ỦY BAN NHÂN DÂN {unit}")
            titles, signing_authority, signer_title = [collective, head_title], collective, head_title
        else:
            authority = _upper(f"{head_title} ỦY BAN NHÂN DÂN {unit}")
            titles, signing_authority, signer_title = [head_title], None, head_title
    signer = random_full_name(rng, "Nam" if rng.random() < 0.7 else "Nữ", "Kinh", 1975)
    return {
        "level": level, "date": date, "place": place, "parent": parent, "issuing": issuing,
        "number": f"{number}/{suffix}", "subject": nfc(subject), "authority": nfc(authority),
        "bases": [nfc(b) for b in bases], "articles": [[(nfc(t), s) for t, s in a] for a in articles],
        "titles": titles, "signing_authority": signing_authority, "signer_title": signer_title,
        "signer": signer, "recipients": [nfc(r) for r in recipients], "citizens": cits,
    }


def _layout_decision(c: Canvas, k: dict, st: PageStyle) -> bool:
    W, H = c.size
    x0, x1 = st.margin_left, W - st.margin_right
    body = st.body_pt
    y, lcol, rcol = _two_column_header(
        c, st, [(k["parent"], "regular"), (k["issuing"], "bold")], [(MOTTO_1, "bold"), (MOTTO_2, "bold")],
        st.margin_top)
    y += pt(8)
    c.new_block()
    c.line(f"Số: {k['number']}", lcol[0], lcol[1], y, "center", font=c.font(body, "regular"))
    c.new_block()
    c.line(f"{k['place']}, {decree30_date(k['date'])}", rcol[0], rcol[1], y, "center", font=c.font(body, "italic"))
    y += pt(body) * 2.4
    fb = c.font(body + 0.5, "bold")
    c.new_block()
    c.line("QUYẾT ĐỊNH", x0, x1, y, "center", font=fb)
    y += pt(body + 0.5) * 1.25
    w = (x1 - x0) * 0.85
    y = c.paragraph(k["subject"], x0 + (x1 - x0 - w) / 2, x0 + (x1 - x0 + w) / 2, y, font=fb, align="center",
                    leading=1.2)
    c.rule((x0 + x1) / 2 - (x1 - x0) * 0.14, y + pt(7), (x0 + x1) / 2 + (x1 - x0) * 0.14, width=3)
    y += pt(body) * 1.2
    c.new_block()
    y = c.paragraph(k["authority"], x0, x1, y, font=c.font(body, "bold"), align="center", leading=1.2)
    y += st.para_gap + pt(4)
    fi = c.font(body, "italic")
    for b in k["bases"]:
        c.new_block()
        y = c.paragraph(b, x0, x1, y, font=fi, indent=st.indent, leading=st.leading) + st.para_gap
    y += pt(4)
    c.new_block()
    c.line("QUYẾT ĐỊNH:", x0, x1, y, "center", font=fb)
    y += pt(body) * 1.25 + st.para_gap + pt(4)
    fr, fbb = c.font(body, "regular"), c.font(body, "bold")
    for para in k["articles"]:
        c.new_block()
        runs = [(t, fbb if s == "bold" else fr) for t, s in para]
        y = c.paragraph(runs, x0, x1, y, indent=st.indent, leading=st.leading, size_px=pt(body)) + st.para_gap
    y += pt(body) * 0.6
    # bottom: recipients (left) and signature (right)
    sig_col = (x0 + (x1 - x0) * 0.42, x1)
    c.new_block()
    ry = y
    c.line("Nơi nhận:", x0, x1, ry, "left", font=c.font(12, "bolditalic"))
    ry += pt(12) * 1.15
    fsmall = c.font(11, "regular")
    for r in k["recipients"]:
        c.line(f"- {r}", x0, sig_col[0], ry, "left", font=fsmall)
        ry += pt(11) * 1.15
    if k.get("one_stop"):
        ry = _draw_one_stop_qr(c, x0, ry, k["one_stop"], mm(30))
    sy, box = _signature_block(c, sig_col, y, k["titles"], k["signer"], body, gap=mm(24))
    c.regions["signature"] = box
    return max(ry, sy) <= H - st.margin_bottom


def _make_truth(doc_type: str, c: Canvas, family: str, fields: dict, citizen_ids: list[str], **meta) -> Truth:
    return Truth(
        doc_type=doc_type, tier="clean", font=family, dpi=DPI, media_type="image/png",
        lines=list(c.lines), fields=fields, citizen_ids=list(dict.fromkeys(citizen_ids)),
        page_size=list(c.size), signature_box=c.regions.get("signature"),
        meta=dict(meta, line_fonts=[[f, s] for f, s in c.line_fonts]),
    )


def _fit(layout: Callable[[Canvas, PageStyle], bool], st: PageStyle, size=A4, mode="L") -> tuple[Canvas, PageStyle]:
    for attempt in range(8):
        c = Canvas(size, st.family, mode=mode)
        if layout(c, st):
            return c, st
        # tighter spacing and margins first; below 13 pt only for the longest pages
        st = st.smaller() if attempt < 4 else replace(st.smaller(), body_pt=max(11.5, st.body_pt - 0.5))
    return c, st  # best effort (still rendered; text may run into the bottom margin)


def render_decision(rng: np.random.Generator, family: str | None = None) -> tuple[Image.Image, Truth]:
    k = _decision_content(rng)
    st = _page_style(rng, family)
    k["one_stop"] = _one_stop_content(rng, k["date"], k["citizens"][0].id_number, f"Quyết định số {k['number']}")
    c, st = _fit(lambda c, s: _layout_decision(c, k, s), st)
    fields = {
        "document_number": k["number"], "issue_date": k["date"].isoformat(), "issue_place": k["place"],
        "issuing_body": k["issuing"], "parent_body": k["parent"], "document_type": "QUYẾT ĐỊNH",
        "subject": k["subject"], "signing_authority": k["signing_authority"], "signer_title": k["signer_title"],
        "signer_name": k["signer"], "recipients": [r.rstrip(";.") for r in k["recipients"]],
        "citizens": [p.summary() for p in k["citizens"]],
        **_one_stop_truth(k["one_stop"]),
    }
    issuing = k["issuing"]
    if issuing.startswith("ỦY BAN NHÂN DÂN "):
        seal = ["ỦY BAN NHÂN DÂN", issuing[len("ỦY BAN NHÂN DÂN "):]]
    else:
        seal = [issuing, "TỈNH BẮC GIANG"]
    return c.render(), _make_truth("decision", c, st.family, fields, [p.id_number for p in k["citizens"]],
                                   body_pt=st.body_pt, seal=seal, **_one_stop_meta(c))


# ---------------------------------------------------------------------------
# Birth certificate (Giấy khai sinh / Trích lục khai sinh)
# ---------------------------------------------------------------------------

def _birth_place(rng: np.random.Generator, district: District, commune: Commune, when: dt.date) -> str:
    r = rng.random()
    if r < 0.35:
        return "Bệnh viện Sản Nhi tỉnh Bắc Giang"
    if r < 0.55:
        return "Bệnh viện Đa khoa tỉnh Bắc Giang"
    if r < 0.85 and district.kind == "Huyện":
        return f"Trung tâm Y tế {_lower_first(district.full(when))}, tỉnh Bắc Giang"
    line = Address(None, commune, district).full(when)
    return f"Trạm Y tế {line[0].lower()}{line[1:]}"


def _birth_content(rng: np.random.Generator) -> dict:
    copy = rng.random() < 0.45  # trích lục (copy) vs giấy khai sinh (original)
    district, commune = random_bac_giang_commune(rng)
    if copy:
        issue = random_date(rng, DOC_START, DOC_END)
        dob = random_date(rng, dt.date(2010, 1, 1), min(issue - dt.timedelta(days=90), dt.date(2025, 12, 31)))
        reg = dob + dt.timedelta(days=int(rng.integers(3, 60)))
    else:
        dob = random_date(rng, dt.date(2021, 11, 1), dt.date(2026, 10, 31))
        reg = dob + dt.timedelta(days=int(rng.integers(3, 60)))
        issue = reg
    residence = random_address(rng, district, commune)
    sex = "Nam" if rng.random() < 0.51 else "Nữ"
    eth = _pick(rng, ["Kinh"] * 8 + ["Tày", "Nùng", "Sán Dìu"])
    father = random_person(rng, born_from=add_years(dob, -40), born_to=add_years(dob, -20),
                           sex="Nam", ethnicity=eth, residence=residence)
    mother = random_person(rng, born_from=add_years(dob, -38), born_to=add_years(dob, -19),
                           sex="Nữ", ethnicity=eth if rng.random() < 0.85 else "Kinh", residence=residence)
    has_father = rng.random() > 0.08
    surname = father.full_name.split()[0] if has_father else mother.full_name.split()[0]
    child_name = random_full_name(rng, sex, eth, dob.year, surname=surname)
    child_id = cccd_for(dob, sex, "024", rng)
    hometown = (father if has_father else mother).hometown.commune_line(reg)
    book_no = int(rng.integers(1, 4))
    signer = random_full_name(rng, "Nam" if rng.random() < 0.6 else "Nữ", "Kinh", 1978)
    reg_line = Address(None, commune, district).full(reg)
    return {
        "copy": copy, "district": district, "commune": commune, "dob": dob, "reg": reg, "issue": issue,
        "sex": sex, "eth": eth, "father": father if has_father else None, "mother": mother,
        "child_name": _upper(child_name), "child_id": child_id, "hometown": hometown,
        "birth_place": nfc(_birth_place(rng, district, commune, reg)),
        "number": str(int(rng.integers(1, 480))), "book": f"{book_no:02d}/{reg.year}",
        "signer": signer, "reg_place": nfc("Ủy ban nhân dân " + reg_line[0].lower() + reg_line[1:]),
    }


def _kv_line(c: Canvas, x0: float, x1: float, y: float, pairs: list[tuple[str, str]], fr, fv, step: float,
             columns: list[float] | None = None) -> float:
    """One row of 'Label: value' pairs (value in font fv); wraps a single long pair with a hanging indent."""
    if len(pairs) == 1:
        label, value = pairs[0]
        runs = [(label + " ", fr)] + ([(value, fv)] if value else [])
        return c.paragraph(runs, x0, x1, y, align="left", leading=step / fr.size, size_px=fr.size)
    cols = columns or [x0 + (x1 - x0) * i / len(pairs) for i in range(len(pairs))]
    boxes: list = []
    texts: list[str] = []

    def flush() -> None:
        if boxes:
            c.record(" ".join(texts), [min(b[0] for b in boxes), min(b[1] for b in boxes),
                                       max(b[2] for b in boxes), max(b[3] for b in boxes)], fr)
        boxes.clear()
        texts.clear()

    end = x0
    for (label, value), cx in zip(pairs, cols):
        runs = [(label + " ", fr)] + ([(value, fv)] if value else [])
        w = c.runs_width(runs)
        cx = max(cx, end + mm(10)) if boxes else x0 if cx > x0 and end > x0 else cx
        if boxes and cx + w > x1:  # does not fit beside the previous pair: next line
            flush()
            y += step
            cx = x0
        boxes.append(c.runs_at(cx, y, runs, record=False))
        texts.append(f"{label} {value}".strip())
        end = cx + w
    flush()
    return y + step


def _layout_birth(c: Canvas, k: dict, st: PageStyle) -> bool:
    W, H = c.size
    x0, x1 = st.margin_left, W - st.margin_right
    when = k["reg"]
    unit = k["commune"].full(when)
    y, lcol, rcol = _two_column_header(
        c, st, [("ỦY BAN NHÂN DÂN", "bold"), (_upper(unit), "bold")], [(MOTTO_1, "bold"), (MOTTO_2, "bold")],
        st.margin_top)
    y += pt(6)
    fr = c.font(st.body_pt, "regular")
    fb = c.font(st.body_pt, "bold")
    fi = c.font(st.body_pt, "italic")
    step = pt(st.body_pt) * (st.leading + 0.22)
    c.new_block()
    c.line(f"Số: {k['number']}", lcol[0] + mm(8), lcol[1], y, "left", font=fr)
    c.line(f"Quyển số: {k['book']}", lcol[0] + mm(8), lcol[1], y + step, "left", font=fr)
    y += step * 2.6
    c.new_block()
    title = "TRÍCH LỤC KHAI SINH" if k["copy"] else "GIẤY KHAI SINH"
    c.line(title, x0, x1, y, "center", font=c.font(st.body_pt + 3, "bold"))
    y += pt(st.body_pt + 3) * 1.3
    c.line("(Bản sao)" if k["copy"] else "(Bản chính)", x0, x1, y, "center", font=fi)
    y += step * 2
    cols3 = [x0, x0 + (x1 - x0) * 0.36, x0 + (x1 - x0) * 0.64]
    c.new_block()
    y = _kv_line(c, x0, x1, y, [("Họ, chữ đệm, tên:", k["child_name"])], fr, fb, step)
    y = _kv_line(c, x0, x1, y, [("Ngày, tháng, năm sinh:", dmy(k["dob"]))], fr, fr, step)
    y = _kv_line(c, x0, x1, y, [("ghi bằng chữ:", date_in_words(k["dob"]))], fr, fr, step)
    y = _kv_line(c, x0, x1, y, [("Giới tính:", k["sex"]), ("Dân tộc:", k["eth"]), ("Quốc tịch:", "Việt Nam")], fr, fr, step, cols3)
    y = _kv_line(c, x0, x1, y, [("Nơi sinh:", k["birth_place"])], fr, fr, step)
    y = _kv_line(c, x0, x1, y, [("Quê quán:", k["hometown"])], fr, fr, step)
    y = _kv_line(c, x0, x1, y, [("Số định danh cá nhân:", k["child_id"])], fr, fb, step)
    y += st.para_gap * 2
    for role, p in (("mẹ", k["mother"]), ("cha", k["father"])):
        c.new_block()
        y = _kv_line(c, x0, x1, y, [(f"Họ, chữ đệm, tên người {role}:", _upper(p.full_name) if p else "")], fr, fb, step)
        if p:
            y = _kv_line(c, x0, x1, y, [("Năm sinh:", str(p.date_of_birth.year)), ("Dân tộc:", p.ethnicity),
                                         ("Quốc tịch:", p.nationality)], fr, fr, step, cols3)
            y = _kv_line(c, x0, x1, y, [("Nơi cư trú:", p.residence.full(when))], fr, fr, step)
        y += st.para_gap * 2
    c.new_block()
    y = _kv_line(c, x0, x1, y, [("Nơi đăng ký khai sinh:", k["reg_place"])], fr, fr, step)
    y = _kv_line(c, x0, x1, y, [("Ngày, tháng, năm đăng ký:", dmy(k["reg"]))], fr, fr, step)
    y += step
    sig_col = (x0 + (x1 - x0) * 0.45, x1)
    qr_bottom = _draw_one_stop_qr(c, x0, y, k["one_stop"], mm(30)) if k.get("one_stop") else y
    c.new_block()
    c.line(f"{k['commune'].name}, {decree30_date(k['issue'])}", sig_col[0], sig_col[1], y, "center", font=fi)
    y += step * 1.3
    head = "NGƯỜI KÝ TRÍCH LỤC" if k["copy"] else "NGƯỜI KÝ GIẤY KHAI SINH"
    sy, box = _signature_block(c, sig_col, y, [head], k["signer"], st.body_pt, gap=mm(26),
                               notes=["(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)"])
    c.regions["signature"] = box
    return max(sy, qr_bottom) <= H - st.margin_bottom


def render_birth_certificate(rng: np.random.Generator, family: str | None = None) -> tuple[Image.Image, Truth]:
    k = _birth_content(rng)
    st = _page_style(rng, family)
    k["one_stop"] = _one_stop_content(rng, k["issue"], k["child_id"],
                                      "Trích lục khai sinh" if k["copy"] else "Giấy khai sinh")
    c, st = _fit(lambda c, s: _layout_birth(c, k, s), st)

    def parent(p: Person | None, when: dt.date):
        if p is None:
            return None
        return {"full_name": _upper(p.full_name), "birth_year": p.date_of_birth.year, "ethnicity": p.ethnicity,
                "nationality": p.nationality, "residence": p.residence.full(when)}

    fields = {
        "document_type": "TRÍCH LỤC KHAI SINH" if k["copy"] else "GIẤY KHAI SINH",
        "full_name": k["child_name"], "date_of_birth": k["dob"].isoformat(),
        "date_of_birth_in_words": date_in_words(k["dob"]), "sex": k["sex"], "ethnicity": k["eth"],
        "nationality": "Việt Nam", "place_of_birth": k["birth_place"], "hometown": k["hometown"],
        "id_number": k["child_id"], "mother": parent(k["mother"], k["reg"]), "father": parent(k["father"], k["reg"]),
        "registration_number": k["number"], "registration_book": k["book"], "registration_place": k["reg_place"],
        "registration_date": k["reg"].isoformat(), "issue_date": k["issue"].isoformat(), "signer_name": k["signer"],
        **_one_stop_truth(k["one_stop"]),
    }
    return c.render(), _make_truth("birth_certificate", c, st.family, fields, [k["child_id"]], body_pt=st.body_pt,
                                   seal=["ỦY BAN NHÂN DÂN", _upper(k["commune"].full(k["issue"]))], **_one_stop_meta(c))


# ---------------------------------------------------------------------------
# Residence declaration (Mẫu CT01)
# ---------------------------------------------------------------------------

PHONE_PREFIXES = ["096", "097", "098", "086", "091", "094", "088", "090", "093", "089", "032", "033", "034",
                  "035", "036", "037", "038", "039", "081", "082", "083", "084", "085", "070", "076", "077", "078"]


def _phone(rng: np.random.Generator) -> str:
    return _pick(rng, PHONE_PREFIXES) + "".join(str(int(d)) for d in rng.integers(0, 10, size=7))


def _email(rng: np.random.Generator, name: str, year: int) -> str:
    parts = ascii_fold(name).lower().split()
    style = int(rng.integers(0, 3))
    if style == 0:
        local = parts[-1] + "".join(p[0] for p in parts[:-1]) + f"{year % 100:02d}"
    elif style == 1:
        local = ".".join([parts[-1], parts[0]]) + str(int(rng.integers(1, 999)))
    else:
        local = "".join(parts[-2:]) + f"{year}"
    return local + "@" + _pick(rng, ["gmail.com", "gmail.com", "yahoo.com", "outlook.com"])


def _residence_content(rng: np.random.Generator) -> dict:
    date = random_date(rng, DOC_START, DOC_END)
    district, commune = random_bac_giang_commune(rng)
    home = random_address(rng, district, commune)
    case = _pick(rng, ["self", "child", "relative"])
    head_to = dt.date(1990, 12, 31) if case == "self" else add_years(date, -45)
    head = random_person(rng, born_from=dt.date(1950, 1, 1), born_to=head_to, residence=home)
    spouse_sex = "Nữ" if head.sex == "Nam" else "Nam"
    surname = head.full_name.split()[0] if head.sex == "Nam" else None
    members: list[tuple[Person, str]] = []
    if case == "self":
        declarant, relation = head, "Chủ hộ"
        if rng.random() < 0.7:
            sp = random_person(rng, born_from=head.date_of_birth - dt.timedelta(days=3650),
                               born_to=head.date_of_birth + dt.timedelta(days=3650), sex=spouse_sex, residence=home)
            members.append((sp, "Vợ" if spouse_sex == "Nữ" else "Chồng"))
        for _ in range(int(rng.integers(0, 3))):
            lo = add_years(head.date_of_birth, 20)
            ch = random_person(rng, born_from=lo, born_to=min(add_years(lo, 18), date - dt.timedelta(days=30)),
                               surname=surname, residence=home)
            members.append((ch, "Con"))
    else:
        lo = add_years(head.date_of_birth, 20)
        if case == "child":
            declarant = random_person(rng, born_from=lo, born_to=min(add_years(lo, 12), add_years(date, -18)),
                                      surname=surname, residence=home)
            relation = "Con"
            gc_surname = declarant.full_name.split()[0] if declarant.sex == "Nam" else None
            for _ in range(int(rng.integers(0, 3))):
                lo2 = add_years(declarant.date_of_birth, 19)
                if lo2 < date - dt.timedelta(days=60):
                    gc = random_person(rng, born_from=lo2, born_to=date - dt.timedelta(days=30),
                                       surname=gc_surname, residence=home)
                    gc_surname = gc.full_name.split()[0]
                    members.append((gc, "Cháu"))
        else:
            relation = _pick(rng, ["Con dâu", "Con rể", "Em", "Cháu", "Mẹ", "Bố"])
            sex = {"Con dâu": "Nữ", "Con rể": "Nam", "Mẹ": "Nữ", "Bố": "Nam"}.get(relation)
            head_surname = head.full_name.split()[0]
            kin = head_surname if relation == "Bố" or (relation in ("Em", "Cháu") and rng.random() < 0.8) else None
            if relation in ("Mẹ", "Bố"):
                declarant = random_person(rng, born_from=add_years(head.date_of_birth, -35),
                                          born_to=add_years(head.date_of_birth, -19),
                                          sex=sex, residence=home, surname=kin)
            elif relation == "Em":
                declarant = random_person(rng, born_from=head.date_of_birth + dt.timedelta(days=400),
                                          born_to=min(add_years(head.date_of_birth, 15), add_years(date, -18)),
                                          sex=sex, residence=home, surname=kin)
            else:
                declarant = random_person(rng, born_from=lo, born_to=min(add_years(lo, 15), add_years(date, -18)),
                                          sex=sex, residence=home, surname=kin)
    request_kind = _pick(rng, ["thuong_tru", "thuong_tru", "tam_tru", "tach_ho", "dieu_chinh", "gia_han"])
    hon = "ông" if head.sex == "Nam" else "bà"
    addr = home.full(date)
    previous = random_address(rng)
    if request_kind == "thuong_tru" and relation != "Chủ hộ":
        content = f"Đăng ký thường trú vào hộ gia đình {hon} {head.full_name} tại {addr}"
        current = previous.full(date)
    elif request_kind in ("thuong_tru", "tach_ho"):
        content = f"Tách hộ để đăng ký thường trú tại {addr}" if relation != "Chủ hộ" else f"Đăng ký thường trú tại {addr}"
        current = (previous if relation == "Chủ hộ" else home).full(date)
    elif request_kind == "tam_tru":
        until = add_years(date, int(rng.integers(1, 3)))
        content = f"Đăng ký tạm trú tại {addr}; thời hạn tạm trú đến ngày {dmy(until)}"
        current = addr
    elif request_kind == "gia_han":
        until = add_years(date, 1)
        content = f"Gia hạn tạm trú tại {addr} đến ngày {dmy(until)}"
        current = addr
    else:
        what = _pick(rng, ["thay đổi thông tin về họ, chữ đệm, tên", "thay đổi thông tin về ngày, tháng, năm sinh",
                           "thay đổi địa giới đơn vị hành chính", "thay đổi thông tin về quê quán"])
        content = f"Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú do {what}"
        current = addr
    return {
        "date": date, "district": district, "commune": commune, "head": head, "declarant": declarant,
        "relation": relation, "members": members, "content": nfc(content), "current": nfc(current),
        "phone": _phone(rng), "email": _email(rng, declarant.full_name, declarant.date_of_birth.year) if rng.random() < 0.65 else None,
        "boxes": rng.random() < 0.5, "phone_spaced": rng.random() < 0.3,
        "police": nfc("Công an " + Address(None, commune, district).full(date)[0].lower() + Address(None, commune, district).full(date)[1:]),
    }


def _digit_boxes(c: Canvas, x: float, y: float, digits: str, font, label_font) -> list[int]:
    """Twelve digit cells, as on the printed CT01 form; returns the union bbox of the digits."""
    cell = int(font.size * 1.05)
    boxes = []
    top = y - int(font.size * 0.12)
    for i, d in enumerate(digits):
        cx = x + i * cell
        c.rect([cx, top, cx + cell, top + int(font.size * 1.25)], outline=c.ink, width=2)
        w = font.getlength(d)
        boxes.append(c._text_op(cx + (cell - w) / 2, y, d, font))
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def _layout_residence(c: Canvas, k: dict, st: PageStyle) -> bool:
    W, H = c.size
    x0, x1 = st.margin_left - mm(10), W - st.margin_right
    date = k["date"]
    fr = c.font(st.body_pt, "regular")
    fb = c.font(st.body_pt, "bold")
    fi = c.font(st.body_pt, "italic")
    fs = c.font(10.5, "italic")
    step = pt(st.body_pt) * st.leading
    y = st.margin_top - mm(8)
    c.new_block()
    c.line("Mẫu CT01", x0, x1, y, "right", font=c.font(11, "bold"))
    y += pt(11) * 1.25
    tt = ("ban hành kèm theo Thông tư số 66/2023/TT-BCA ngày 17/11/2023" if date >= dt.date(2024, 1, 1)
          else "ban hành kèm theo Thông tư số 56/2021/TT-BCA ngày 15/5/2021")
    for ln in (tt, "của Bộ trưởng Bộ Công an"):
        c.line(ln, x0, x1, y, "right", font=fs)
        y += pt(10.5) * 1.25
    y += pt(10)
    c.new_block()
    fm = c.font(st.header_pt, "bold")
    box = c.line(MOTTO_1, x0, x1, y, "center", font=fm)
    y += pt(st.header_pt) * 1.25
    box = c.line(MOTTO_2, x0, x1, y, "center", font=c.font(st.header_pt + 1, "bold"))
    c.rule(box[0], box[3] + pt(3), box[2], width=3)
    y += pt(st.header_pt) * 2.6
    c.new_block()
    c.line("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", x0, x1, y, "center", font=c.font(st.body_pt + 1, "bold"))
    y += step * 2
    c.new_block()
    y = _kv_line(c, x0, x1, y, [("Kính gửi:", k["police"])], fr, fr, step) + st.para_gap
    d, h = k["declarant"], k["head"]
    mid = x0 + (x1 - x0) * 0.56
    c.new_block()
    y = _kv_line(c, x0, x1, y, [("1. Họ, chữ đệm và tên:", _upper(d.full_name))], fr, fb, step)
    y = _kv_line(c, x0, x1, y, [("2. Ngày, tháng, năm sinh:", dmy(d.date_of_birth)), ("3. Giới tính:", d.sex)], fr, fr, step, [x0, mid])

    def id_row(label: str, number: str, y: float) -> float:
        if k["boxes"]:
            lb = c.runs_at(x0, y, [(label, fr)], record=False)
            db = _digit_boxes(c, lb[2] + pt(6), y, number, fr, fr)
            c.record(f"{label} {number}", [lb[0], min(lb[1], db[1]), db[2], max(lb[3], db[3])], fr)
            return y + step * 1.15
        return _kv_line(c, x0, x1, y, [(label, number)], fr, fr, step)

    y = id_row("4. Số định danh cá nhân:", d.id_number, y)
    phone = k["phone"]
    if k["phone_spaced"]:
        phone = f"{phone[:4]} {phone[4:7]} {phone[7:]}"
    y = _kv_line(c, x0, x1, y, [("5. Số điện thoại liên hệ:", phone), ("6. Email:", k["email"] or "")], fr, fr, step, [x0, mid - mm(20)])
    y = _kv_line(c, x0, x1, y, [("7. Họ, chữ đệm và tên chủ hộ:", _upper(h.full_name))], fr, fr, step)
    y = _kv_line(c, x0, x1, y, [("8. Mối quan hệ với chủ hộ:", k["relation"])], fr, fr, step)
    y = id_row("9. Số định danh cá nhân của chủ hộ:", h.id_number, y)
    y = _kv_line(c, x0, x1, y, [("10. Nội dung đề nghị:", k["content"] + ".")], fr, fr, step)
    y = _kv_line(c, x0, x1, y, [("Nơi cư trú hiện tại:", k["current"] + ".")], fr, fr, step)
    y += st.para_gap
    c.new_block()
    c.line("11. Những thành viên trong hộ gia đình cùng thay đổi:", x0, x1, y, "left", font=fr)
    y += step * 1.1
    # table
    heads = ["TT", "Họ, chữ đệm và tên", "Ngày, tháng, năm sinh", "Giới tính", "Số định danh cá nhân", "Mối quan hệ với chủ hộ"]
    props = [0.06, 0.28, 0.16, 0.11, 0.21, 0.18]
    xs = [x0]
    for p in props:
        xs.append(xs[-1] + (x1 - x0) * p)
    xs[-1] = x1
    fth = c.font(11.5, "bold")
    ftc = c.font(12, "regular")
    head_lines = [c.wrap([(t, fth)], xs[i + 1] - xs[i] - 16) for i, t in enumerate(heads)]
    n_head = max(len(hl) for hl in head_lines)
    row_h_head = int(n_head * pt(11.5) * 1.2 + pt(10))
    row_h = int(pt(12) * 1.2 + pt(14))
    rows = [[str(i), _upper(p.full_name), dmy(p.date_of_birth), p.sex, p.id_number, rel] for i, (p, rel) in enumerate(k["members"], 1)]
    n_rows = max(len(rows), 2)
    top = y
    bottom = top + row_h_head + n_rows * row_h
    c.new_block()
    for i, hl in enumerate(head_lines):
        ly = top + (row_h_head - len(hl) * pt(11.5) * 1.2) / 2
        for toks in hl:
            c.line(" ".join(t for t, _, _ in toks), xs[i], xs[i + 1], ly, "center", font=fth)
            ly += pt(11.5) * 1.2
    ry = top + row_h_head
    for r in rows:
        c.new_block()
        for i, cell in enumerate(r):
            f = ftc
            avail = xs[i + 1] - xs[i] - 16
            while f.getlength(cell) > avail and f.size > pt(10):
                f = c.font_px(f.size - 2)
            parts = [cell] if f.getlength(cell) <= avail else _fit_lines(cell, f, avail)
            ly = ry + (row_h - len(parts) * f.size * 1.15) / 2
            for part in parts:
                c.line(part, xs[i] + 8, xs[i + 1] - 8, ly, "center" if i != 1 else "left", font=f)
                ly += f.size * 1.15
        ry += row_h
    for xx in xs:
        c.vrule(xx, top, bottom, width=2)
    for yy in [top, top + row_h_head] + [top + row_h_head + (i + 1) * row_h for i in range(n_rows)]:
        c.rule(xs[0], yy, xs[-1], width=2)
    y = bottom + step
    # date and signatures
    place = k["commune"].name
    right = (x0 + (x1 - x0) * 0.5, x1)
    left = (x0, x0 + (x1 - x0) * 0.5)
    c.new_block()
    c.line(f"{place}, {decree30_date(date)}", right[0], right[1], y, "center", font=fi)
    y += step * 1.3
    if k["relation"] != "Chủ hộ":
        c.new_block()
        ly = y
        c.line("Ý KIẾN CỦA CHỦ HỘ", left[0], left[1], ly, "center", font=fb)
        ly += step
        c.line("(Ghi rõ nội dung, ký, ghi rõ họ tên)", left[0], left[1], ly, "center", font=c.font(st.body_pt - 1, "italic"))
        ly += step
        c.line("Đồng ý cho đăng ký.", left[0], left[1], ly, "center", font=fr)
        ly += mm(22)
        c.line(h.full_name, left[0], left[1], ly, "center", font=fb)
    sy, box = _signature_block(c, right, y, ["NGƯỜI KÊ KHAI"], d.full_name, st.body_pt, gap=mm(22),
                               notes=["(Ký, ghi rõ họ tên)"])
    c.regions["signature"] = box
    return sy <= H - st.margin_bottom + mm(5)


def render_residence_declaration(rng: np.random.Generator, family: str | None = None) -> tuple[Image.Image, Truth]:
    k = _residence_content(rng)
    st = _page_style(rng, family)
    c, st = _fit(lambda c, s: _layout_residence(c, k, s), st)
    d, h = k["declarant"], k["head"]
    fields = {
        "document_type": "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "addressee": k["police"],
        "full_name": _upper(d.full_name), "date_of_birth": d.date_of_birth.isoformat(), "sex": d.sex,
        "id_number": d.id_number, "phone": k["phone"], "email": k["email"],
        "household_head_name": _upper(h.full_name), "relation_to_head": k["relation"],
        "household_head_id_number": h.id_number, "request_content": k["content"], "current_residence": k["current"],
        "members": [dict(p.summary(), full_name=_upper(p.full_name), relation_to_head=rel) for p, rel in k["members"]],
        "declaration_date": k["date"].isoformat(),
    }
    ids = [d.id_number, h.id_number] + [p.id_number for p, _ in k["members"]]
    return c.render(), _make_truth("residence_declaration", c, st.family, fields, ids, body_pt=st.body_pt,
                                   seal=[_upper("Công an " + k["commune"].full(k["date"])), _upper(k["district"].full(k["date"]))])


# ---------------------------------------------------------------------------
# CCCD card front
# ---------------------------------------------------------------------------

CARD_W, CARD_H = 1011, 638  # 85.6 x 54 mm at 300 DPI
CARD_CANVAS = (1500, 1250)  # the scanner glass around the card


def _expiry(dob: dt.date, issued: dt.date) -> dt.date | None:
    """Chip CCCD validity: until the 25th, 40th or 60th birthday; a card issued within
    two years before one of those birthdays runs to the next; none after 60."""
    for age in (25, 40, 60):
        try:
            milestone = add_years(dob, age)
        except ValueError:  # 29 February
            milestone = dt.date(dob.year + age, 2, 28)
        if issued <= milestone - dt.timedelta(days=730):
            return milestone
    return None


def _id_content(rng: np.random.Generator) -> dict:
    issued = random_date(rng, dt.date(2021, 1, 1), dt.date(2024, 6, 30))
    p = random_person(rng, born_from=dt.date(1950, 1, 1), born_to=add_years(issued, -14))
    return {"person": p, "issued": issued, "expiry": _expiry(p.date_of_birth, issued),
            "offset": (int(rng.integers(60, CARD_CANVAS[0] - CARD_W - 60)), int(rng.integers(60, 300))),
            "old_id": "".join(str(d) for d in rng.integers(0, 10, size=9)) if rng.random() < 0.6 else "",
            "tint": int(rng.integers(0, 3)), "waves": float(rng.uniform(0, 6.28))}


def cccd_qr_payload(p: Person, old_id: str, issued: dt.date) -> str:
    """The text of a chip CCCD's QR code: id|old id|name|ddmmyyyy birth|sex|address|ddmmyyyy issue."""
    return "|".join((p.id_number, old_id, p.full_name, p.date_of_birth.strftime("%d%m%Y"), p.sex,
                     p.residence.short(issued), issued.strftime("%d%m%Y")))


def _cccd_qr(p: Person, k: dict) -> np.ndarray:
    """The QR matrix (True = dark module), encoded by segno at the lowest error level that fits."""
    import segno

    code = segno.make(cccd_qr_payload(p, k["old_id"], k["issued"]), error="l", micro=False, boost_error=False)
    return np.array(code.matrix, dtype=bool)


def _card_background(k: dict) -> Image.Image:
    tints = [((232, 240, 236), (214, 230, 224)), ((236, 238, 228), (222, 230, 214)), ((230, 236, 242), (212, 224, 232))]
    a, b = (np.array(t, dtype=np.float32) for t in tints[k["tint"]])
    yy, xx = np.mgrid[0:CARD_H, 0:CARD_W].astype(np.float32)
    t = (xx / CARD_W * 0.6 + yy / CARD_H * 0.4)[..., None]
    arr = a * (1 - t) + b * t
    # faint guilloche
    wave = (np.sin(xx / 23.0 + 3 * np.sin(yy / 41.0 + k["waves"])) > 0.93)[..., None]
    arr = np.where(wave, arr - 10, arr)
    # large faint drum/sun motif in the middle
    r = np.hypot(xx - CARD_W * 0.55, yy - CARD_H * 0.55)
    rings = ((r.astype(np.int32) // 9) % 2 == 0) & (r < 230)
    arr = np.where(rings[..., None], arr - 6, arr)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    mask = Image.new("L", (CARD_W, CARD_H), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, CARD_W - 1, CARD_H - 1], radius=38, fill=255)
    out = Image.new("RGBA", (CARD_W, CARD_H), (0, 0, 0, 0))
    out.paste(img, (0, 0), mask)
    return out


def render_id_card_front(rng: np.random.Generator, family: str | None = None) -> tuple[Image.Image, Truth]:
    k = _id_content(rng)
    family = family or _pick(rng, ["LiberationSans", "NotoSans", "LiberationSans", "DejaVuSerif", "LiberationSerif", "NotoSerif"])
    p: Person = k["person"]
    c = Canvas(CARD_CANVAS, family, mode="RGB", background=(255, 255, 255), ink=(20, 20, 28))
    ox, oy = k["offset"]
    c.image(ox, oy, _card_background(k))
    c.rect([ox, oy, ox + CARD_W - 1, oy + CARD_H - 1], outline=(160, 168, 166), width=2, radius=38)
    red = (200, 30, 36)
    # emblem
    ex, ey, er = ox + 88, oy + 92, 62
    c.ellipse([ex - er, ey - er, ex + er, ey + er], outline=(212, 170, 40), fill=(205, 35, 35), width=5)
    star = []
    for i in range(10):
        ang = -np.pi / 2 + i * np.pi / 5
        rad = er * (0.62 if i % 2 == 0 else 0.25)
        star.append((ex + rad * np.cos(ang), ey + rad * np.sin(ang)))
    c.polygon(star, fill=(250, 215, 40))
    # QR code, top right: the chip card's payload (id|old id|name|birth|sex|address|issue date)
    qr = _cccd_qr(p, k)
    side = 164
    cell = max(2, side // qr.shape[0])
    qx, qy = ox + CARD_W - 178, oy + 20
    c.rect([qx - 8, qy - 8, qx + qr.shape[1] * cell + 8, qy + qr.shape[0] * cell + 8], fill=(255, 255, 255))
    for j, i in zip(*np.nonzero(qr)):
        c.rect([qx + i * cell, qy + j * cell, qx + (i + 1) * cell - 1, qy + (j + 1) * cell - 1], fill=(15, 15, 15), width=0)
    # header
    hx0, hx1 = ox + 150, ox + CARD_W - 190
    F = c.font_px
    c.new_block()
    y = oy + 30
    for text, size, style in ((MOTTO_1, 27, "bold"), ("SOCIALIST REPUBLIC OF VIET NAM", 22, "regular"),
                              (MOTTO_2, 26, "bold"), ("Independence - Freedom - Happiness", 21, "regular")):
        f = F(size, style)
        while f.getlength(text) > hx1 - hx0 and f.size > 16:
            f = F(f.size - 1, style)
        c.line(text, hx0, hx1, y, "center", font=f)
        y += int(size * 1.22)
    c.new_block()
    y += 8
    c.line("CĂN CƯỚC CÔNG DÂN", hx0, hx1, y, "center", font=F(42, "bold"), fill=red)
    y += 50
    c.line("Citizen Identity Card", hx0, hx1, y, "center", font=F(24, "regular"))
    # photo
    px0, py0 = ox + 44, oy + 238
    photo = Image.new("RGBA", (210, 280), (176, 180, 184, 255))
    pd = ImageDraw.Draw(photo)
    pd.ellipse([62, 50, 148, 150], fill=(140, 144, 150, 255))
    pd.ellipse([22, 160, 188, 330], fill=(140, 144, 150, 255))
    pd.rectangle([0, 0, 209, 279], outline=(120, 120, 120, 255), width=2)
    c.image(px0, py0, photo)
    # fields
    x = ox + 290
    xr = ox + CARD_W - 28
    lab = F(24, "regular")
    val = F(30, "bold")
    c.new_block()
    yy = oy + 240
    c.runs_at(x, yy + 6, [("Số / No.: ", lab), (p.id_number, F(38, "bold"))])
    yy += 56
    c.line("Họ và tên / Full name:", x, xr, yy, "left", font=lab)
    yy += 32
    name = _upper(p.full_name)
    nf = F(34, "bold")
    while nf.getlength(name) > xr - x and nf.size > 24:
        nf = F(nf.size - 1, "bold")
    c.line(name, x, xr, yy, "left", font=nf)
    yy += 46
    c.runs_at(x, yy, [("Ngày sinh / Date of birth: ", lab), (dmy(p.date_of_birth), val)])
    yy += 40
    c.runs_at(x, yy, [("Giới tính / Sex: ", lab), (p.sex, val), ("   Quốc tịch / Nationality: ", lab), (p.nationality, val)])
    yy += 40
    when = k["issued"]
    origin = p.hometown.short(when)
    residence = p.residence.short(when)
    c.line("Quê quán / Place of origin:", x, xr, yy, "left", font=lab)
    yy += 32
    of = F(28, "regular")
    while of.getlength(origin) > xr - x and of.size > 22:
        of = F(of.size - 1, "regular")
    c.line(origin, x, xr, yy, "left", font=of)
    yy += 36
    rl = "Nơi thường trú / Place of residence: "
    rf = F(28, "regular")
    while True:
        first_w = xr - x - lab.getlength(rl)
        res_lines = c.wrap([(residence, rf)], xr - x, first_width=first_w)
        if len(res_lines) <= 2 or rf.size <= 22:
            break
        rf = F(rf.size - 1, "regular")
    res_printed = [" ".join(t for t, _, _ in ln) for ln in res_lines]
    c.runs_at(x, yy, [(rl, lab), (res_printed[0], rf)])
    yy += 34
    for s in res_printed[1:]:
        c.line(s, x, xr, yy, "left", font=rf)
        yy += 32
    # expiry, under the photo
    c.new_block()
    ef = F(21, "regular")
    exp_text = dmy(k["expiry"]) if k["expiry"] else "Không thời hạn"
    c.line("Có giá trị đến:", px0 - 10, px0 + 250, py0 + 292, "left", font=ef)
    c.line(exp_text, px0 - 10, px0 + 250, py0 + 318, "left", font=F(24, "bold"))
    # a certified copy is signed and sealed on the paper just below the card, the seal overlapping its edge
    c.regions["signature"] = [ox + CARD_W // 2 - 60, oy + CARD_H - 40, ox + CARD_W + 20, oy + CARD_H + 260]
    fields = {
        "document_type": "CĂN CƯỚC CÔNG DÂN", "id_number": p.id_number, "full_name": name,
        "date_of_birth": p.date_of_birth.isoformat(), "sex": p.sex, "nationality": p.nationality,
        "place_of_origin": origin, "place_of_residence": " ".join(res_printed),
        "expiry_date": k["expiry"].isoformat() if k["expiry"] else None,
        # What the chip card's QR code adds: its text, the old 9-digit number, the issue date.
        "qr_payload": cccd_qr_payload(p, k["old_id"], k["issued"]), "old_id_number": k["old_id"] or None,
        "issue_date": k["issued"].isoformat(),
    }
    truth = _make_truth("id_card_front", c, family, fields, [p.id_number],
                        card_box=[ox, oy, ox + CARD_W, oy + CARD_H], issue_date=k["issued"].isoformat(),
                        qr_payload=cccd_qr_payload(p, k["old_id"], k["issued"]),
                        seal=["ỦY BAN NHÂN DÂN", _upper(p.residence.commune.full(k["issued"]))])
    return c.render(), truth


# ---------------------------------------------------------------------------
# Plain running text (notice)
# ---------------------------------------------------------------------------

PROSE = [
    "Thực hiện Kế hoạch số {n1}/KH-UBND {d1} của Ủy ban nhân dân {district} về đẩy mạnh cải cách thủ tục hành chính, Ủy ban nhân dân {unit} thông báo đến toàn thể nhân dân trên địa bàn một số nội dung như sau.",
    "Bộ phận Tiếp nhận và Trả kết quả tiếp nhận hồ sơ vào tất cả các ngày làm việc trong tuần, buổi sáng từ 7 giờ 30 phút đến 11 giờ 30 phút, buổi chiều từ 13 giờ 30 phút đến 17 giờ 00 phút.",
    "Công dân khi đến giao dịch cần mang theo thẻ Căn cước công dân hoặc tài khoản định danh điện tử mức độ 2 để công chức tiếp nhận khai thác thông tin trong Cơ sở dữ liệu quốc gia về dân cư.",
    "Những thông tin đã có trong Cơ sở dữ liệu quốc gia về dân cư thì cơ quan tiếp nhận không yêu cầu công dân nộp bản sao giấy tờ chứng minh nơi cư trú.",
    "Việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính được thực hiện đồng thời với quá trình tiếp nhận, bảo đảm tính chính xác, đầy đủ và thống nhất của dữ liệu.",
    "Trong năm {y0}, Bộ phận Một cửa đã tiếp nhận {n2} hồ sơ, trong đó có {n3} hồ sơ được tiếp nhận qua Cổng Dịch vụ công quốc gia, tỷ lệ giải quyết đúng hạn đạt {p1}%.",
    "Ủy ban nhân dân {unit} đề nghị các thôn, tổ dân phố tiếp tục tuyên truyền, hướng dẫn người dân cài đặt và kích hoạt ứng dụng VNeID để sử dụng các tiện ích của Đề án 06.",
    "Người có nhu cầu đăng ký khai sinh, đăng ký thường trú hoặc cấp phiếu lý lịch tư pháp có thể nộp hồ sơ trực tuyến mà không phải đến trụ sở cơ quan nhà nước.",
    "Trường hợp hồ sơ chưa đầy đủ, chưa hợp lệ, công chức tiếp nhận có trách nhiệm hướng dẫn cụ thể, đầy đủ một lần bằng văn bản để người dân bổ sung, hoàn thiện.",
    "Mọi phản ánh, kiến nghị về quy định hành chính và thái độ phục vụ của cán bộ, công chức xin gửi về hòm thư góp ý đặt tại trụ sở hoặc số điện thoại đường dây nóng {phone}.",
    "Các khoản phí, lệ phí được niêm yết công khai tại Bộ phận Một cửa; nghiêm cấm mọi hành vi nhũng nhiễu, gây phiền hà, thu thêm các khoản ngoài quy định.",
    "Đối với người cao tuổi, người khuyết tật và người có công với cách mạng, công chức hỗ trợ tiếp nhận hồ sơ và trả kết quả tại nhà khi có yêu cầu.",
    "Công chức Tư pháp - Hộ tịch chủ trì, phối hợp với Công an {unit_lower} rà soát, cập nhật, chỉnh sửa thông tin hộ tịch bảo đảm dữ liệu đúng, đủ, sạch, sống.",
    "Kết quả giải quyết thủ tục hành chính được trả qua dịch vụ bưu chính công ích nếu người dân có nhu cầu và thanh toán cước phí theo quy định.",
    "Thời hạn giải quyết đối với thủ tục đăng ký thường trú là không quá bảy ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
    "Trưởng thôn, tổ trưởng tổ dân phố có trách nhiệm thông báo nội dung này trên hệ thống loa truyền thanh để nhân dân được biết và thực hiện.",
    "Qua kiểm tra, rà soát, trên địa bàn còn {n4} trường hợp chưa được cấp thẻ Căn cước công dân, chủ yếu là người đang làm việc, học tập ở xa địa phương.",
    "Đề nghị các gia đình có người thân thuộc diện nêu trên thông báo để họ trở về địa phương làm thủ tục trước {d2}.",
    "Việc thanh toán trực tuyến phí, lệ phí được thực hiện qua các ngân hàng, tổ chức trung gian thanh toán đã kết nối với Cổng Dịch vụ công quốc gia.",
    "Bản sao điện tử được chứng thực từ bản chính có giá trị sử dụng thay cho bản sao chứng thực giấy trong các giao dịch theo quy định của pháp luật.",
    "Đề nghị các cơ quan, đơn vị, tổ chức đóng trên địa bàn phối hợp chặt chẽ với Ủy ban nhân dân {unit_lower} trong quá trình triển khai thực hiện.",
    "Công dân cần kiểm tra kỹ thông tin trên giấy tờ trước khi rời khỏi Bộ phận Một cửa; nếu phát hiện sai sót phải thông báo ngay để được điều chỉnh kịp thời.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời về Văn phòng Hội đồng nhân dân và Ủy ban nhân dân để được hướng dẫn, giải quyết.",
    "Hồ sơ giấy sau khi số hóa được bàn giao, lưu trữ theo đúng quy định về công tác văn thư, lưu trữ và bảo vệ bí mật nhà nước.",
    "Tỷ lệ hồ sơ thủ tục hành chính được số hóa trong tháng {m0} đạt {p2}%, tăng {p3}% so với cùng kỳ năm trước.",
    "Hội nghị tổng kết công tác cải cách hành chính được tổ chức vào lúc 8 giờ 00 phút {d3} tại hội trường Ủy ban nhân dân {unit_lower}.",
    "Thành phần mời gồm bí thư chi bộ, trưởng thôn, tổ trưởng tổ dân phố, người đứng đầu các đoàn thể và đại diện các hộ gia đình tiêu biểu.",
    "Ủy ban nhân dân {unit_lower} trân trọng cảm ơn sự quan tâm, phối hợp của nhân dân và mong tiếp tục nhận được nhiều ý kiến đóng góp quý báu.",
    "Công chức Địa chính - Xây dựng có trách nhiệm hướng dẫn người sử dụng đất hoàn thiện hồ sơ cấp Giấy chứng nhận quyền sử dụng đất lần đầu.",
    "Người dân không được tự ý san lấp, xây dựng công trình trên đất nông nghiệp khi chưa được cơ quan có thẩm quyền cho phép chuyển mục đích sử dụng đất.",
    "Mức hỗ trợ đối với mỗi hộ gia đình là {money} đồng, được chi trả một lần bằng tiền mặt hoặc chuyển khoản vào tài khoản của chủ hộ.",
    "Các trường hợp đang hưởng trợ cấp xã hội hằng tháng nhưng thay đổi nơi cư trú phải làm thủ tục điều chỉnh trong thời hạn mười lăm ngày.",
    "Ban Chỉ đạo thực hiện Đề án 06 sẽ kiểm tra, đánh giá kết quả thực hiện tại từng thôn, tổ dân phố và báo cáo Ủy ban nhân dân {district} trước {d4}.",
    "Việc tiếp nhận, giải quyết hồ sơ phải bảo đảm công khai, minh bạch, đúng thời hạn, không để tồn đọng, quá hạn hoặc yêu cầu thêm giấy tờ trái quy định.",
    "Đội ngũ công chức Một cửa được bồi dưỡng kỹ năng giao tiếp, ứng xử và sử dụng thành thạo phần mềm Một cửa điện tử của tỉnh.",
    "Đến nay, {p4}% hộ gia đình trên địa bàn đã có ít nhất một thành viên sử dụng dịch vụ công trực tuyến toàn trình.",
    "Ủy ban nhân dân {unit_lower} yêu cầu các bộ phận chuyên môn nghiêm túc triển khai, thường xuyên báo cáo tiến độ và kết quả thực hiện.",
    "Thông báo này được niêm yết công khai tại trụ sở Ủy ban nhân dân, nhà văn hóa các thôn và đăng tải trên trang thông tin điện tử của địa phương.",
    "Những người đủ mười bốn tuổi trở lên chưa làm thủ tục cấp thẻ căn cước cần chủ động liên hệ Công an {unit_lower} để được hướng dẫn thu nhận hồ sơ.",
    "Các hộ gia đình có nhu cầu xác nhận thông tin về cư trú có thể đề nghị trực tuyến và nhận kết quả điện tử trên ứng dụng VNeID.",
    "Ủy ban nhân dân khuyến khích người dân thanh toán không dùng tiền mặt khi nộp phí, lệ phí và nhận tiền chi trả an sinh xã hội qua tài khoản ngân hàng.",
    "Mỗi thôn, tổ dân phố thành lập tổ công nghệ số cộng đồng gồm đoàn viên thanh niên và người có hiểu biết về công nghệ để hỗ trợ người dân.",
]
CITIZEN_SENTENCE = ("Hồ sơ đề nghị của {hon} {name}, sinh ngày {dob}, số định danh cá nhân {id}, đã được tiếp nhận "
                    "{d5} và đang được xem xét, giải quyết theo quy định.")
NOTICE_SUBJECTS = [
    "Về việc tiếp nhận và giải quyết thủ tục hành chính trên môi trường điện tử",
    "Về việc triển khai thực hiện Đề án 06 trên địa bàn",
    "Về kết quả công tác cải cách hành chính năm {y0}",
    "Về việc rà soát, cấp thẻ Căn cước công dân và tài khoản định danh điện tử",
    "Về việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
]


def _plain_content(rng: np.random.Generator) -> dict:
    date = random_date(rng, DOC_START, DOC_END)
    district, commune = random_bac_giang_commune(rng)
    unit = commune.full(date)
    slots = {
        "unit": unit[0].lower() + unit[1:], "unit_lower": unit[0].lower() + unit[1:],
        "district": district.full(date)[0].lower() + district.full(date)[1:],
        "n1": int(rng.integers(10, 300)), "n2": money(int(rng.integers(800, 6000))), "n3": money(int(rng.integers(200, 800))),
        "n4": int(rng.integers(12, 160)), "p1": f"{rng.uniform(96, 100):.1f}".replace(".", ","),
        "p2": f"{rng.uniform(70, 99):.1f}".replace(".", ","), "p3": f"{rng.uniform(2, 15):.1f}".replace(".", ","),
        "p4": int(rng.integers(55, 95)), "m0": int(rng.integers(1, 13)), "y0": date.year - 1 if date.month < 4 else date.year,
        "phone": "0204." + "".join(str(int(d)) for d in rng.integers(0, 10, size=7)),
        "money": money(int(_pick(rng, [500_000, 1_000_000, 1_500_000, 2_000_000]))),
        "d1": decree30_date(date - dt.timedelta(days=int(rng.integers(10, 120)))),
        "d2": decree30_date(date + dt.timedelta(days=int(rng.integers(15, 60)))),
        "d3": decree30_date(date + dt.timedelta(days=int(rng.integers(5, 30)))),
        "d4": decree30_date(date + dt.timedelta(days=int(rng.integers(20, 90)))),
    }
    # a random selection, kept in the (roughly thematic) order of the list
    keep = sorted(int(i) for i in rng.choice(np.arange(1, len(PROSE)), size=30, replace=False))
    sentences = [PROSE[0]] + [PROSE[i] for i in keep]
    citizen = None
    if rng.random() < 0.5:
        citizen = random_person(rng, residence=random_address(rng, district, commune))
        s = CITIZEN_SENTENCE.format(hon=citizen.honorific.lower(), name=citizen.full_name,
                                    dob=dmy(citizen.date_of_birth), id=citizen.id_number,
                                    d5=decree30_date(date - dt.timedelta(days=int(rng.integers(1, 10)))))
        sentences.insert(int(rng.integers(2, 8)), s)
    sentences = [nfc(s.format(**slots)) for s in sentences]
    # group into paragraphs of 2-4 sentences
    paras, i = [], 0
    while i < len(sentences):
        n = int(rng.integers(2, 5))
        paras.append(" ".join(sentences[i:i + n]))
        i += n
    subject = nfc(_pick(rng, NOTICE_SUBJECTS).format(**slots))
    return {"date": date, "unit": unit, "paras": paras, "subject": subject, "citizen": citizen,
            "kinhgui": nfc(f"Nhân dân trên địa bàn {slots['unit_lower']}")}


def _layout_plain(c: Canvas, k: dict, st: PageStyle, out: dict) -> bool:
    W, H = c.size
    x0, x1 = st.margin_left, W - st.margin_right
    y = st.margin_top + mm(10)
    fb = c.font(st.body_pt + 1, "bold")
    fr = c.font(st.body_pt, "regular")
    c.new_block()
    c.line("THÔNG BÁO", x0, x1, y, "center", font=fb)
    y += pt(st.body_pt + 1) * 1.3
    y = c.paragraph(k["subject"], x0 + mm(15), x1 - mm(15), y, font=fb, align="center", leading=1.2)
    y += pt(st.body_pt) * 1.2
    c.new_block()
    c.line(f"Kính gửi: {k['kinhgui']}.", x0, x1, y, "center", font=fr)
    y += pt(st.body_pt) * 2
    step = pt(st.body_pt) * st.leading
    limit = H - st.margin_bottom
    used = []
    for para in k["paras"]:
        lines = c.wrap([(para, fr)], x1 - x0, first_width=x1 - x0 - st.indent)
        if y + len(lines) * step > limit:
            # take as many whole sentences as still fit
            sents = para.split(". ")
            while sents:
                cand = ". ".join(sents)
                cand = cand if cand.endswith(".") else cand + "."
                if y + len(c.wrap([(cand, fr)], x1 - x0, first_width=x1 - x0 - st.indent)) * step <= limit:
                    c.new_block()
                    c.paragraph(cand, x0, x1, y, font=fr, indent=st.indent, leading=st.leading)
                    used.append(cand)
                    break
                sents.pop()
            break
        c.new_block()
        y = c.paragraph(para, x0, x1, y, font=fr, indent=st.indent, leading=st.leading) + st.para_gap
        used.append(para)
    out["paras"] = used
    return True


def render_plain_text(rng: np.random.Generator, family: str | None = None) -> tuple[Image.Image, Truth]:
    k = _plain_content(rng)
    st = _page_style(rng, family)
    out: dict = {}
    c = Canvas(A4, st.family)
    _layout_plain(c, k, st, out)
    text = " ".join(out["paras"])
    cit = k["citizen"] if k["citizen"] and k["citizen"].id_number in text else None
    fields = {"document_type": "THÔNG BÁO", "subject": k["subject"], "addressee": k["kinhgui"],
              "citizens": [cit.summary()] if cit else []}
    # the bottom of the page, where a seal would be stamped on a notice
    c.regions["signature"] = None
    return c.render(), _make_truth("plain_text", c, st.family, fields, [cit.id_number] if cit else [],
                                   body_pt=st.body_pt, seal=["ỦY BAN NHÂN DÂN", _upper(k["unit"])])


RENDERERS: dict[str, Callable[..., tuple[Image.Image, Truth]]] = {
    "decision": render_decision,
    "birth_certificate": render_birth_certificate,
    "residence_declaration": render_residence_declaration,
    "id_card_front": render_id_card_front,
    "plain_text": render_plain_text,
}


def render_document(doc_type: str, rng: np.random.Generator, family: str | None = None) -> tuple[Image.Image, Truth]:
    """Render one clean page of ``doc_type``; returns (image, truth with tier 'clean')."""
    try:
        fn = RENDERERS[doc_type]
    except KeyError:
        raise ValueError(f"unknown doc_type {doc_type!r}; choose from {', '.join(ALL_DOC_TYPES)}") from None
    return fn(rng, family)
