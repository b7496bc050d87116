"""Civil-status and residence papers read label by label: birth certificate, CT01, CCCD front.

Each form prints fixed labels ("Ngày, tháng, năm sinh:", "Số định danh cá nhân:"); a value is
read right after its label, up to the next label, by the value's kind (name, date, ID number,
sex, free text). Cross-checks a form offers are used: the birth date in figures against the
one in words, every ID number against the birth date and sex printed for the same person.
"""

from __future__ import annotations

import re
from datetime import date
from difflib import SequenceMatcher

from extractors.base import Person, Result
from extractors.common import (
    Label,
    cross_check,
    folded_has,
    kind_date,
    kind_id,
    kind_name,
    kind_sex,
    kind_place,
    kind_words,
    kind_year,
    read,
    read_wrapped,
    stop_pattern,
)
from extractors.layout import Field, Layout
from extractors.identity import QrPayload, decode_qr_payload
from extractors.text import capitalize_name, find_dates, fold, label_pattern, spell_date_words
from ocr_service.domain import nfc


def _upper_name(text: str):  # type: ignore[no-untyped-def]
    return kind_name(text, upper_only=True)


def _same_date(a: Field | None, b: Field | None) -> bool:
    return a is not None and b is not None and a.value == b.value


# --- Birth certificate (Giấy khai sinh / Trích lục khai sinh) ---------------------------

B_NAME = Label.of("full_name", "Họ, chữ đệm, tên", "Họ, chữ đệm và tên", "Họ và tên")
B_DOB = Label.of("date_of_birth", "Ngày, tháng, năm sinh")
B_WORDS = Label.of("date_of_birth_in_words", "ghi bằng chữ", "bằng chữ")
B_SEX = Label.of("sex", "Giới tính")
B_ETH = Label.of("ethnicity", "Dân tộc")
B_NAT = Label.of("nationality", "Quốc tịch")
B_POB = Label.of("place_of_birth", "Nơi sinh")
B_HOME = Label.of("hometown", "Quê quán")
B_ID = Label.of("id_number", "Số định danh cá nhân")
B_MOTHER = Label.of("mother", "Họ, chữ đệm, tên người mẹ", "Họ và tên người mẹ", "Họ, chữ đệm và tên người mẹ")
B_FATHER = Label.of("father", "Họ, chữ đệm, tên người cha", "Họ và tên người cha", "Họ, chữ đệm và tên người cha")
B_YEAR = Label.of("birth_year", "Năm sinh")
B_RES = Label.of("residence", "Nơi cư trú")
B_REG_PLACE = Label.of("registration_place", "Nơi đăng ký khai sinh", "Nơi đăng ký")
B_REG_DATE = Label.of("registration_date", "Ngày, tháng, năm đăng ký")
B_NUMBER = Label.of("registration_number", "Số")
B_BOOK = Label.of("registration_book", "Quyển số")
_BIRTH_STOP = stop_pattern((B_NAME, B_DOB, B_WORDS, B_SEX, B_ETH, B_NAT, B_POB, B_HOME, B_ID, B_MOTHER, B_FATHER,
                            B_YEAR, B_RES, B_REG_PLACE, B_REG_DATE, B_BOOK))
_SIGN_HEAD = re.compile(r"nguoi\s?ky|\(ky,")


class BirthCertificateExtractor:
    doc_type = "birth_certificate"

    def score(self, layout: Layout) -> float | None:
        if folded_has(layout, "giấy khai sinh", "trích lục khai sinh", "khai sinh", head=12):
            return 0.9
        return None

    def extract(self, layout: Layout) -> Result:
        f: dict[str, object] = {}
        stop = _BIRTH_STOP
        title = layout.find(re.compile(r"(trich\s?luc|giay)\s?khai\s?sinh"))
        body_start = title.end() if title else 0
        if title:
            f["document_type"] = layout.field(title.start(), title.end(),
                                              "TRÍCH LỤC KHAI SINH" if title.group(1).startswith("trich") else "GIẤY KHAI SINH")
        f["registration_number"] = read(layout, B_NUMBER, _reg_number, stop=stop, end=body_start or None)
        f["registration_book"] = read(layout, B_BOOK, _book, stop=stop, end=body_start or None)
        mother_at = layout.find(B_MOTHER.pattern)
        father_at = layout.find(B_FATHER.pattern)
        child_end = min(m.start() for m in (mother_at, father_at) if m) if (mother_at or father_at) else None
        f["full_name"] = read(layout, B_NAME, _upper_name, stop=stop, start=body_start, end=child_end)
        dob = read(layout, B_DOB, kind_date, stop=stop, start=body_start, end=child_end)
        words = read(layout, B_WORDS, _date_words, stop=stop, start=body_start, end=child_end, max_segments=2)
        if dob is not None and words is not None:
            words_date = find_dates(words.value)
            if not words_date or words_date[0].value.isoformat() != dob.value:
                dob = dob.flagged("date_in_words_disagrees")
                words = words.flagged("date_in_words_disagrees")
        f["date_of_birth"], f["date_of_birth_in_words"] = dob, words
        sex = read(layout, B_SEX, kind_sex, stop=stop, start=body_start, end=child_end)
        f["sex"] = sex
        f["ethnicity"] = read(layout, B_ETH, kind_words, stop=stop, start=body_start, end=child_end)
        f["nationality"] = read(layout, B_NAT, kind_words, stop=stop, start=body_start, end=child_end)
        f["place_of_birth"] = read(layout, B_POB, kind_place, stop=stop, start=body_start, end=child_end, max_segments=2)
        f["hometown"] = read(layout, B_HOME, kind_place, stop=stop, start=body_start, end=child_end, max_segments=2)
        id_field = read(layout, B_ID, kind_id, stop=stop, start=body_start, end=child_end)
        id_field, dob, sex = cross_check(id_field, dob=dob, sex=sex)
        f["id_number"], f["date_of_birth"], f["sex"] = id_field, dob, sex
        for key, at, other in (("mother", mother_at, father_at), ("father", father_at, mother_at)):
            if at is None:
                continue
            end = other.start() if other is not None and other.start() > at.start() else None
            reg = layout.find(B_REG_PLACE.pattern, at.end())
            if reg is not None and (end is None or reg.start() < end):
                end = reg.start()
            name = read(layout, B_MOTHER if key == "mother" else B_FATHER, _upper_name, stop=stop, start=at.start(), end=end)
            if name is None:
                continue  # the parent's lines are left empty
            f[key] = {
                "full_name": name,
                "birth_year": read(layout, B_YEAR, kind_year, stop=stop, start=at.end(), end=end),
                "ethnicity": read(layout, B_ETH, kind_words, stop=stop, start=at.end(), end=end),
                "nationality": read(layout, B_NAT, kind_words, stop=stop, start=at.end(), end=end),
                "residence": read(layout, B_RES, kind_place, stop=stop, start=at.end(), end=end, max_segments=2),
            }
            f[key] = {k: v for k, v in f[key].items() if v is not None}  # type: ignore[union-attr]
        f["registration_place"] = read(layout, B_REG_PLACE, kind_place, stop=stop, max_segments=2)
        f["registration_date"] = read(layout, B_REG_DATE, kind_date, stop=stop)
        f["issue_date"] = _declaration_date(layout)
        sign = layout.find(_SIGN_HEAD)
        if sign is not None:
            f["signer_name"] = _last_name(layout, sign.end())
        people = (Person(id_field, f["full_name"], dob, sex),)  # type: ignore[arg-type]
        return Result(self.doc_type, f, people, required=("full_name", "date_of_birth", "sex"))


def _reg_number(text: str):  # type: ignore[no-untyped-def]
    m = re.match(r"\s{0,3}(?P<n>\d{1,6})(?!\d|/)", text)
    return (m["n"].lstrip("0") or "0", m.start("n"), m.end("n"), ()) if m else None


def _book(text: str):  # type: ignore[no-untyped-def]
    m = re.match(r"\s{0,3}(?P<b>\d{1,3}\s?/\s?(?:19|20)\d\d)", text)
    return (re.sub(r"\s", "", m["b"]), m.start("b"), m.end("b"), ()) if m else None


def _date_words(text: str):  # type: ignore[no-untyped-def]
    dates = [d for d in find_dates(text) if d.form == "words"]
    if not dates or dates[0].start > 6:
        return None
    d = dates[0]
    raw = re.sub(r"\s+", " ", text[d.start: d.end]).strip()
    return spell_date_words(nfc(raw[:1].upper() + raw[1:])), d.start, d.end, ()


def _last_name(layout: Layout, start: int) -> Field | None:
    """The last personal name written after ``start`` (the signer under the signature)."""
    found = None
    for i in range(layout.segment_at(start) + 1, len(layout.segments)):
        seg = layout.segments[i]
        m = kind_name(seg.text)
        if m is not None and not seg.text.isupper() and not seg.text.strip().startswith("("):
            value, s, e, problems = m
            found = layout.field(layout.starts[i] + s, layout.starts[i] + e, value, *problems)
    return found


# --- CT01 residence declaration ---------------------------------------------------------

R_TO = Label.of("addressee", "Kính gửi")
R_NAME = Label.of("full_name", "Họ, chữ đệm và tên", "Họ, chữ đệm, tên")
R_DOB = Label.of("date_of_birth", "Ngày, tháng, năm sinh")
R_SEX = Label.of("sex", "Giới tính")
R_ID = Label.of("id_number", "Số định danh cá nhân")
R_PHONE = Label.of("phone", "Số điện thoại liên hệ", "Số điện thoại")
R_EMAIL = Label.of("email", "Email")
R_HEAD = Label.of("household_head_name", "Họ, chữ đệm và tên chủ hộ", "Họ, chữ đệm, tên chủ hộ")
R_REL = Label.of("relation_to_head", "Mối quan hệ với chủ hộ")
R_HEAD_ID = Label.of("household_head_id_number", "Số định danh cá nhân của chủ hộ")
R_CONTENT = Label.of("request_content", "Nội dung đề nghị")
R_CURRENT = Label.of("current_residence", "Nơi cư trú hiện tại")
R_MEMBERS = Label.of("members", "Những thành viên trong hộ gia đình cùng thay đổi")
_NUMBERED = re.compile(r"(?:^|\n|\s)\W{0,2}\d{1,2}\s?[.,]\s|\n\W{0,3}(?=ho,|ngay,|so dinh|so dien|email|moi quan|noi dung|noi cu tru)")
_R_LABELS = stop_pattern((R_TO, R_NAME, R_DOB, R_SEX, R_ID, R_PHONE, R_EMAIL, R_HEAD, R_REL, R_CONTENT, R_CURRENT,
                          R_MEMBERS)).pattern
# A CT01 label starts a line or follows its item number ("… 3. Giới tính:"), never inside a value.
_R_STOP = re.compile(rf"(?:\n[^0-9a-z\n]{{0,3}}(?:\d{{1,2}}\s?[.,]\s?)?|(?<![\d/])\d{{1,2}}\s?[.,]\s?)(?:{_R_LABELS})")
RELATIONS = {fold(r): r for r in ("Chủ hộ", "Vợ", "Chồng", "Con", "Con dâu", "Con rể", "Cháu", "Em", "Anh", "Chị", "Bố",
                                  "Mẹ", "Ông", "Bà", "Ông nội", "Bà nội", "Ông ngoại", "Bà ngoại", "Cha", "Bố chồng",
                                  "Mẹ chồng", "Bố vợ", "Mẹ vợ", "Anh trai", "Chị gái", "Em trai", "Em gái", "Người ở nhờ")}


def _relation(f: Field | None) -> Field | None:
    """A relation to the household head is one of a short list: right its diacritics, or flag it."""
    if f is None:
        return None
    known = RELATIONS.get(fold(f.value))
    if known is None:
        return f.flagged("unknown_relation")
    return f.with_value(known) if known == f.value else f.with_value(known).flagged("relation_respelled")


class ResidenceDeclarationExtractor:
    doc_type = "residence_declaration"

    def score(self, layout: Layout) -> float | None:
        if folded_has(layout, "thay đổi thông tin cư trú", "mẫu ct01", "mau ct0", head=10):
            return 0.9
        if folded_has(layout, "mối quan hệ với chủ hộ", "số định danh cá nhân của chủ hộ", "nơi cư trú hiện tại"):
            return 0.8
        return None

    def extract(self, layout: Layout) -> Result:
        f: dict[str, object] = {}
        stop = _R_STOP
        f["document_type"] = Field("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "", 100.0, None, None)
        f["addressee"] = read(layout, R_TO, kind_place, stop=stop, max_segments=2)
        head_at = layout.find(R_HEAD.pattern)
        name_end = head_at.start() if head_at else None
        f["full_name"] = read(layout, R_NAME, _upper_name, stop=stop, end=name_end)
        dob = read(layout, R_DOB, kind_date, stop=stop)
        sex = read(layout, R_SEX, kind_sex, stop=stop)
        f["date_of_birth"], f["sex"] = dob, sex
        head_id_at = layout.find(R_HEAD_ID.pattern)
        id_field = read(layout, R_ID, kind_id, stop=stop, end=head_id_at.start() if head_id_at else None)
        id_field, dob, sex = cross_check(id_field, dob=dob, sex=sex)
        f["id_number"], f["date_of_birth"], f["sex"] = id_field, dob, sex
        f["phone"] = read(layout, R_PHONE, _phone, stop=stop)
        f["email"] = read(layout, R_EMAIL, _email, stop=stop)
        head = read(layout, R_HEAD, _upper_name, stop=stop)
        f["household_head_name"] = head
        rel = _relation(read(layout, R_REL, kind_words, stop=stop))
        f["relation_to_head"] = rel
        head_id = read(layout, R_HEAD_ID, kind_id, stop=stop)
        f["household_head_id_number"] = head_id
        if rel is not None and fold(rel.value) == "chu ho" and id_field is not None and head_id is not None:
            if id_field.value != head_id.value:  # the declarant is the head: one number, printed twice
                id_field = id_field.flagged("head_id_disagrees")
                head_id = head_id.flagged("head_id_disagrees")
                f["id_number"], f["household_head_id_number"] = id_field, head_id
        content = read(layout, R_CONTENT, kind_place, stop=stop, max_segments=4)
        f["request_content"] = content.with_value(content.value.rstrip(".")) if content else None
        current = read(layout, R_CURRENT, kind_place, stop=stop, max_segments=3)
        f["current_residence"] = current.with_value(current.value.rstrip(".")) if current else None
        members, member_people = self._members(layout)
        f["members"] = members
        f["declaration_date"] = _declaration_date(layout)
        people = [Person(id_field, f["full_name"], dob, sex)]  # type: ignore[arg-type]
        head_person = Person(head_id, head)
        if rel is not None and fold(rel.value) == "chu ho":
            head_person = Person(head_id, head, dob, sex)
        people.append(head_person)
        people += member_people
        return Result(self.doc_type, f, tuple(people), required=("full_name", "date_of_birth", "id_number"))

    @staticmethod
    def _members(layout: Layout) -> tuple[list[dict], list[Person]]:
        """Table rows: "1 | NGUYỄN VĂN A | 26/09/2001 | Nam | 024201480209 | Con"."""
        at = layout.find(R_MEMBERS.pattern)
        if at is None:
            return [], []
        end_m = layout.find(re.compile(r"ngay\s\d{1,2}\sthang|y kien cua chu ho|nguoi ke khai"), at.end())
        end = end_m.start() if end_m else len(layout.text)
        rows: list[dict] = []
        people: list[Person] = []
        row_rx = re.compile(
            r"(?P<name>[A-ZÀ-ỸĐ]{1,7}(?:[ ][A-ZÀ-ỸĐ]{1,7}){1,5})\W{1,6}"
            r"(?P<dob>\d{1,2}/\d{1,2}/\d{4})\W{1,6}(?P<sex>Nam|Nữ)\W{1,6}"
            r"(?P<id>\d{12}|\d{9})\W{1,6}(?P<rel>[A-ZĐ][a-zà-ỹđ]{1,5}(?:[ ][a-zà-ỹđ]{1,5})?)"
        )
        for m in row_rx.finditer(layout.text, at.end(), end):
            read_name = kind_name(m["name"])
            name = layout.field(m.start("name"), m.end("name"), read_name[0]).flagged(*read_name[3]) if read_name else None
            dob = layout.field(m.start("dob"), m.end("dob"), find_dates(m["dob"])[0].value.isoformat()) if find_dates(m["dob"]) else None
            sex = layout.field(m.start("sex"), m.end("sex"), m["sex"])
            idf, dob, sex = cross_check(layout.field(m.start("id"), m.end("id"), m["id"]), dob=dob, sex=sex)
            rel = _relation(layout.field(m.start("rel"), m.end("rel"), m["rel"]))
            if not _same_row([name, dob, sex, idf, rel]):
                continue  # cells of different rows joined in reading order: never guess a row
            rows.append({"full_name": name, "date_of_birth": dob, "sex": sex, "id_number": idf, "relation_to_head": rel})
            people.append(Person(idf, name, dob, sex))
        return rows, people


def _same_row(cells: list[Field | None]) -> bool:
    """Whether the cells sit on one table row (their vertical centres within half a line height)."""
    boxes = [c.bbox for c in cells if c is not None and c.bbox]
    if len(boxes) != len(cells):
        return False
    centres = [(b[1] + b[3]) / 2 for b in boxes]
    height = max(min(b[3] - b[1] for b in boxes), 1)
    return max(centres) - min(centres) <= 0.5 * height


def _phone(text: str):  # type: ignore[no-untyped-def]
    m = re.match(r"\s{0,3}(?P<p>0\d{2,3}[ .]?\d{3}[ .]?\d{3,4})(?!\d)", text)
    return (re.sub(r"\D", "", m["p"]), m.start("p"), m.end("p"), ()) if m else None


def _email(text: str):  # type: ignore[no-untyped-def]
    m = re.match(r"\s{0,3}(?P<e>[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,63}\.[A-Za-z]{2,10})", text)
    return (m["e"].lower(), m.start("e"), m.end("e"), ()) if m else None


def _declaration_date(layout: Layout) -> Field | None:
    """The place-date line above the signatures ("Lê Lợi, ngày 07 tháng 6 năm 2024")."""
    for i in range(len(layout.segments) - 1, -1, -1):
        seg = layout.segments[i]
        dates = [d for d in find_dates(seg.text) if d.form == "decree30"]
        if dates and re.search(r",\s?ng[a-z]y", fold(seg.text)):
            d = dates[0]
            return layout.field(layout.starts[i] + d.start, layout.starts[i] + d.end, d.value.isoformat())
    return None


# --- CCCD / CMND card front -------------------------------------------------------------

def _card_label(key: str, *vietnamese: str) -> Label:
    """A bilingual card label: the Vietnamese words, then "/ English words:" however misread (the
    slash may be lost: a faint "/" read below confidence is dropped as debris)."""
    alternatives = "|".join(f"(?:{label_pattern(v)})" for v in vietnamese)
    return Label.raw(key, rf"(?:{alternatives})(?:\s{{0,2}}/?\s{{0,2}}[^:/\n\d]{{0,24}}:)?")


C_NO = Label.raw("id_number", r"(?<![a-z])s[o0ø]\s{0,2}/\s{0,2}no\s{0,2}[:.]?|(?<![a-z])so\s{0,2}[:.]")
C_NAME = _card_label("full_name", "Họ và tên", "Họ tên")
C_DOB = _card_label("date_of_birth", "Ngày sinh", "Ngày, tháng, năm sinh", "Sinh ngày")
C_SEX = _card_label("sex", "Giới tính")
C_NAT = _card_label("nationality", "Quốc tịch")
C_ORIGIN = _card_label("place_of_origin", "Quê quán", "Nguyên quán")
C_RES = _card_label("place_of_residence", "Nơi thường trú", "Nơi ĐKHK thường trú")
C_EXP = _card_label("expiry_date", "Có giá trị đến")
_C_STOP = stop_pattern((C_NAME, C_DOB, C_SEX, C_NAT, C_ORIGIN, C_RES, C_EXP))


class IdCardFrontExtractor:
    doc_type = "id_card_front"

    def score(self, layout: Layout) -> float | None:
        marks = ("căn cước công dân", "citizen identity", "chứng minh nhân dân", "socialist republic", "full name",
                 "date of birth", "place of origin", "place of residence")
        found = sum(folded_has(layout, m, head=14) for m in marks)
        if found >= 2 and not folded_has(layout, "quyết định", "tờ khai", "khai sinh", "nơi nhận", head=12):
            return 0.95
        return None

    def extract(self, layout: Layout) -> Result:
        f: dict[str, object] = {}
        stop = _C_STOP
        cmnd = folded_has(layout, "chứng minh nhân dân")
        f["document_type"] = Field("CHỨNG MINH NHÂN DÂN" if cmnd else "CĂN CƯỚC CÔNG DÂN", "", 100.0, None, None)
        name_at = layout.find(C_NAME.pattern)
        f["id_number"] = read(layout, C_NO, kind_id, stop=stop, end=name_at.start() if name_at else None)
        if f["id_number"] is None:  # the number may sit on its own line
            f["id_number"] = _lone_id(layout)
        f["full_name"] = read(layout, C_NAME, _upper_name, stop=stop, next_segment=True)
        if f["full_name"] is not None and f["full_name"].reasons:  # the card prints names in capitals
            f["full_name"] = f["full_name"]
        dob = read(layout, C_DOB, kind_date, stop=stop)
        sex = read(layout, C_SEX, kind_sex, stop=stop)
        f["date_of_birth"], f["sex"] = dob, sex
        f["nationality"] = read(layout, C_NAT, kind_words, stop=stop)
        f["place_of_origin"] = read_wrapped(layout, C_ORIGIN, kind_place, stop=stop, lines=2)
        f["place_of_residence"] = read_wrapped(layout, C_RES, kind_place, stop=stop, lines=2)
        f["expiry_date"] = self._expiry(layout)
        qr = card_qr(layout)
        if qr is not None:
            apply_card_qr(f, *qr)
            dob, sex = f["date_of_birth"], f["sex"]  # type: ignore[assignment]
        f["id_number"], dob, sex = cross_check(f["id_number"], dob=dob, sex=sex)  # type: ignore[arg-type]
        f["date_of_birth"], f["sex"] = dob, sex
        people = (Person(f["id_number"], f["full_name"], dob, sex),)  # type: ignore[arg-type]
        return Result(self.doc_type, f, people, required=("id_number", "full_name", "date_of_birth"))

    @staticmethod
    def _expiry(layout: Layout) -> Field | None:
        m = layout.find(C_EXP.pattern)
        if m is None:
            return None
        w0, w1 = layout.window(m.end())
        if not re.search(r"\w{2}", layout.text[w0:w1]):
            below = layout.aligned_below(layout.segment_at(m.start()))
            if not below:
                return None
            w0, w1 = layout.window(layout.starts[below[0]])
        window = layout.text[w0:w1]
        if "khong thoi han" in fold(window) or "khong thoi" in fold(window):
            i = fold(window).index("khong thoi")
            return layout.field(w0 + i, w0 + i + len("không thời hạn"), None)
        dates = find_dates(window)
        if dates:
            d = dates[0]
            return layout.field(w0 + d.start, w0 + d.end, d.value.isoformat())
        return _slashes_misread(layout, w0, window)


def card_qr(layout: Layout) -> tuple[int, str, QrPayload] | None:
    """The first chip-card QR code on the pages: (page, raw text, parsed payload)."""
    for page, text in layout.codes:
        payload = decode_qr_payload(text)
        if payload is not None and payload.kind == "cccd":
            return page, text, payload
    return None


# Printed and QR texts this similar (folded) are one value misread by OCR; less similar ones
# are two different values (a second card's code on the page, a forged card): sent to review.
QR_AGREEMENT = 0.75


def apply_card_qr(f: dict[str, object], page: int, text: str, qr: QrPayload) -> None:
    """Fill the card's fields from its QR code and cross-check the printed ones.

    The QR code carries error correction, so a decoded value is exact: where the printed value
    is missing or a near miss (an OCR error) the QR value is taken, confirmed and not sent to
    review (``raw`` keeps what was printed, ``bbox`` None when nothing was); where the two really
    differ, the printed value stays, flagged ``qr_mismatch``.
    """
    f["qr_payload"] = Field(text, text, 100.0, page, None)
    values = {
        "id_number": qr.id_number,
        "full_name": capitalize_name(qr.full_name) if qr.full_name else None,
        "date_of_birth": qr.date_of_birth.isoformat() if qr.date_of_birth else None,
        "sex": qr.sex,
        "place_of_residence": qr.address,
    }
    for key, value in values.items():
        if value is None:
            continue
        printed = f.get(key)
        f[key] = reconcile_with_qr(printed if isinstance(printed, Field) else None, value, page)
    if qr.old_id_number and re.fullmatch(r"\d{9}|\d{12}", qr.old_id_number):
        f["old_id_number"] = Field(qr.old_id_number, "", 99.0, page, None)
    if qr.issue_date is not None:
        f["issue_date"] = Field(qr.issue_date.isoformat(), "", 99.0, page, None)


def reconcile_with_qr(printed: Field | None, value: str, page: int, *, fill: bool = True) -> Field | None:
    """A printed field checked against the exact value a QR code gives for it (see ``apply_card_qr``).

    Missing: the QR value (with ``fill``; no printed box). The same value: confirmed, accepted.
    A near miss (``_near_miss``): the QR value, ``raw`` keeping the misreading. Otherwise the
    printed value, flagged ``qr_mismatch``.
    """
    if printed is None or printed.value is None:
        return Field(value, "", 99.0, page, None) if fill else printed
    if _same_value(printed.value, value):
        return Field(value, printed.raw, max(printed.confidence, 99.0), printed.page, printed.bbox, False, ())
    if _near_miss(str(printed.value), value):
        return Field(value, printed.raw, 99.0, printed.page, printed.bbox)  # raw keeps the misreading
    return printed.flagged("qr_mismatch")


def _near_miss(printed: str, value: str) -> bool:
    """Whether a printed value is the QR's misread by OCR, not another value.

    Numbers (ID numbers) must have the same length and differ in one digit at most: two people's
    numbers of one province and birth year share half their digits, so any looser likeness could
    take one person's number for another's. Text must be ``QR_AGREEMENT`` alike (folded).
    """
    if printed.isdigit() and value.isdigit():
        return len(printed) == len(value) and sum(a != b for a, b in zip(printed, value)) <= 1
    return SequenceMatcher(None, fold(printed), fold(value)).ratio() >= QR_AGREEMENT


def _same_value(printed: object, value: str) -> bool:
    return " ".join(fold(str(printed)).split()) == " ".join(fold(value).split())


# The card's small bold "22/08/2027" often comes out with its slashes read as 1, I, l or |.
_MISREAD_DATE = re.compile(r"(?<!\d)(?P<d>\d{2})[1Il|](?P<m>\d{2})[1Il|](?P<y>(?:19|20)\d{2})(?!\d)")


def _slashes_misread(layout: Layout, offset: int, window: str) -> Field | None:
    """A dd/mm/yyyy date whose slashes were misread, as a date sent to review (never accepted)."""
    m = _MISREAD_DATE.search(window)
    if m is None:
        return None
    try:
        value = date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
    return layout.field(offset + m.start(), offset + m.end(), value.isoformat()).flagged("date_separator_misread")


def _lone_id(layout: Layout) -> Field | None:
    for i, seg in enumerate(layout.segments):
        m = re.fullmatch(r"\W{0,3}(?P<n>\d{12}|\d{9})\W{0,3}", seg.text)
        if m:
            s = layout.starts[i]
            return layout.field(s + m.start("n"), s + m.end("n"), m["n"])
    return None
