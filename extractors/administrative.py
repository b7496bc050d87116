"""Administrative documents in the Decree 30/2020 layout: decisions, official letters, others.

    parent body            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    ISSUING BODY           Độc lập - Tự do - Hạnh phúc
    Số: 187/QĐ-UBND        Place, ngày 06 tháng 01 năm 2022
                     QUYẾT ĐỊNH                 (title: the document type; none on a công văn)
                  Về việc …                     (subject; "V/v …" under the number on a công văn)
    …body naming citizens: "Ông X, sinh ngày …, số định danh cá nhân: …" …
    Nơi nhận:                          KT. CHỦ TỊCH       (signing authority)
    - …;                               PHÓ CHỦ TỊCH       (signer title)
                                       Nguyễn Văn A       (signer)

The header is read by geometry (left column, right column) from the layout's segments, the
citizens by ``find_people`` (shared with the generic extractor).
"""

from __future__ import annotations

import re

from extractors.base import Person, Result
from extractors.common import Label, cross_check, kind_name, kind_text, read
from extractors.gazetteer import UNIT_KINDS, canonical_place
from extractors.layout import Field, Layout, Segment
from extractors.text import (
    VI_LETTERS,
    capitalize_name,
    clean_spaces,
    find_dates,
    fold,
    name_problems,
    parse_document_number,
    repair_surname,
)
from ocr_service.domain import nfc

# Folded title -> document type as printed.
TITLES = {
    "quyet dinh": "QUYẾT ĐỊNH", "chi thi": "CHỈ THỊ", "thong bao": "THÔNG BÁO", "to trinh": "TỜ TRÌNH",
    "bao cao": "BÁO CÁO", "ke hoach": "KẾ HOẠCH", "nghi quyet": "NGHỊ QUYẾT", "quy che": "QUY CHẾ",
    "quy dinh": "QUY ĐỊNH", "huong dan": "HƯỚNG DẪN", "chuong trinh": "CHƯƠNG TRÌNH", "bien ban": "BIÊN BẢN",
    "giay moi": "GIẤY MỜI", "cong dien": "CÔNG ĐIỆN", "phuong an": "PHƯƠNG ÁN", "de an": "ĐỀ ÁN",
    "giay uy quyen": "GIẤY ỦY QUYỀN", "giay gioi thieu": "GIẤY GIỚI THIỆU", "thong cao": "THÔNG CÁO",
}
# Titles of signers (folded, without spaces) -> as printed.
SIGNER_TITLES = {re.sub(r"[^a-z]", "", fold(t)): t for t in (
    "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "TỔNG CỤC TRƯỞNG",
    "CHI CỤC TRƯỞNG", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "THỦ TRƯỞNG", "TRƯỞNG CÔNG AN", "PHÓ TRƯỞNG CÔNG AN",
    "ỦY BAN NHÂN DÂN",
)}
_MOTTO = re.compile(r"cong\s?hoa\s?xa\s?hoi|doc\s?lap\W{0,3}tu\s?do|socialist|independence")
_NUMBER_LINE = re.compile(r"^\W{0,3}so\s{0,2}[:;.]?\s{0,2}(?=\d)")
_PLACE_DATE = re.compile(r"^(?P<place>[^,\n]{2,40}),\s{0,2}ng[a-z]y\s")
_AUTHORITY = re.compile(r"^(?P<auth>(?:kt|tm|q|tl|tuq|ttl)\s?\.)\s?\S")
_RECIPIENTS = re.compile(r"^\W{0,2}noi\s?nhan\s?[:;.]?")
_SUBJECT = re.compile(r"^(?:ve\b|v\s?/\s?v\b)")


def _title_of(seg: Segment) -> str | None:
    folded = re.sub(r"[^a-z ]", "", fold(seg.text)).strip()
    return TITLES.get(folded)


def _segment_field(layout: Layout, index: int, value, *reasons: str) -> Field:
    start = layout.starts[index]
    return layout.field(start, layout.segment_end(index), value, *reasons)


def _upper_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


class AdministrativeExtractor:
    doc_type = "decision"

    def score(self, layout: Layout) -> float | None:
        head = layout.segments[:25]
        title = any(_title_of(s) for s in head)
        header = any(_MOTTO.search(fold(s.text)) for s in head[:8])
        number = any(_NUMBER_LINE.search(fold(s.text)) for s in head)
        vv = any(re.match(r"^v\s?/\s?v\b", fold(s.text)) for s in head)
        score = 0.25 * header + 0.25 * number + 0.35 * title + 0.3 * vv
        return score if score >= 0.35 else None

    def extract(self, layout: Layout) -> Result:
        segs = layout.segments
        fields: dict[str, object] = {}
        title_index = next((i for i, s in enumerate(segs[:30]) if _title_of(s)), None)
        header_end = title_index if title_index is not None else min(len(segs), 12)

        # Header: left column (parent and issuing body, number), right column (place and date).
        left: list[int] = []
        for i in range(header_end):
            s = segs[i]
            f = fold(s.text)
            motto = _MOTTO.search(f)
            if motto and motto.start() > 3:
                left.append(i)  # the left column ran into the motto on one OCR line: keep the left part
                continue
            if motto or len(re.sub(r"\W", "", s.text)) < 2:
                continue
            if _NUMBER_LINE.search(f):
                number = parse_document_number(s.text)
                if number is not None:
                    fields["document_number"] = _segment_field(layout, i, str(number))
                continue
            if _PLACE_DATE.search(f) or find_dates(s.text):
                dates = find_dates(s.text)
                m = _PLACE_DATE.search(f)
                start = layout.starts[i]
                if dates:
                    d = dates[0]
                    fields["issue_date"] = layout.field(start + d.start, start + d.end, d.value.isoformat())
                if m:
                    raw = clean_spaces(s.text[: m.end("place")])
                    known = canonical_place(raw)
                    fields["issue_place"] = layout.field(start, start + m.end("place"), known or nfc(raw))
                continue
            if re.match(r"^v\s?/\s?v\b", f):
                continue
            if s.x_center < 0.5 and _upper_ratio(s.text) > 0.8:
                left.append(i)
        parts = [self._left_part(layout, i) for i in left]
        if len(parts) >= 2:
            fields["parent_body"] = parts[0]
            body = parts[1:]
        else:
            body = parts
        if body:
            merged = Field.merge(body, clean_spaces(" ".join(p.value for p in body)))
            fields["issuing_body"] = _canonical_body(merged)
        if "parent_body" in fields:
            fields["parent_body"] = _canonical_body(fields["parent_body"])

        # Title and subject.
        doc_type = "administrative_document"
        subject_from = header_end
        if title_index is not None:
            title = _title_of(segs[title_index])
            fields["document_type"] = _segment_field(layout, title_index, title)
            doc_type = "decision" if title == "QUYẾT ĐỊNH" else "administrative_document"
            subject_from = title_index + 1
        vv = next((i for i, s in enumerate(segs[:30]) if re.match(r"^v\s?/\s?v\b", fold(s.text))), None)
        if title_index is None and vv is not None:
            doc_type = "official_letter"
            fields["document_type"] = Field("CÔNG VĂN", "", 100.0, None, None)
            subject_from = vv
        subject = self._subject(layout, subject_from)
        if subject is not None:
            fields["subject"] = subject
        if "issuing_body" in fields and subject_from < len(segs):
            fields["issuing_body"] = self._confirm_body(layout, fields["issuing_body"], subject_from)

        addressee = read(layout, Label.of("addressee", "Kính gửi"), kind_text, max_segments=1)
        if addressee is not None:
            fields["addressee"] = addressee.with_value(addressee.value.rstrip(".;"))
        # Signature block and recipients.
        fields.update(self._bottom(layout))
        people = find_people(layout)
        fields["citizens"] = [
            {k: v for k, v in (("full_name", p.full_name), ("id_number", p.id_number),
                               ("date_of_birth", p.date_of_birth), ("sex", p.sex)) if v is not None}
            for p in people
        ]
        return Result(doc_type, fields, tuple(people),
                      required=("document_number", "issue_date", "issuing_body", "document_type", "signer_name"))

    @staticmethod
    def _left_part(layout: Layout, index: int) -> Field:
        seg = layout.segments[index]
        motto = _MOTTO.search(fold(seg.text))
        end = motto.start() if motto else len(seg.text)
        start = layout.starts[index]
        s, e = layout.strip_span(start, start + end)
        return layout.field(s, e, clean_spaces(layout.text[s:e]))

    @staticmethod
    def _subject(layout: Layout, start: int) -> Field | None:
        segs = layout.segments
        for i in range(start, min(start + 3, len(segs))):
            if _SUBJECT.match(fold(segs[i].text)):
                end = i
                while (end + 1 < len(segs) and end - i < 3 and _upper_ratio(segs[end + 1].text) < 0.6
                       and not re.match(r"^\W{0,2}(can cu|kinh gui|dieu \d)", fold(segs[end + 1].text))
                       and segs[end + 1].x_center > 0.35):
                    end += 1
                text = clean_spaces(" ".join(segs[j].text for j in range(i, end + 1)))
                return layout.field(layout.starts[i], layout.segment_end(end), text.rstrip(".;"))
        return None

    @staticmethod
    def _confirm_body(layout: Layout, body: Field, after: int) -> Field:
        """The authority line ("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ …") repeats the issuing body."""
        target = re.sub(r"[^a-z]", "", fold(body.value))
        for s in layout.segments[after: after + 6]:
            if target and target in re.sub(r"[^a-z]", "", fold(s.text)):
                return body
        return body.flagged("issuing_body_unconfirmed")

    @staticmethod
    def _bottom(layout: Layout) -> dict[str, object]:
        segs = layout.segments
        out: dict[str, object] = {}
        start = next((i for i in range(len(segs) - 1, -1, -1) if _RECIPIENTS.match(fold(segs[i].text))), None)
        if start is None:
            return out
        recipients: list[Field] = []
        right: list[int] = []
        for i in range(start, len(segs)):
            s = segs[i]
            f = fold(s.text)
            if i == start:
                # "Nơi nhận:" itself (the signature title may share its OCR line but is cut off)
                continue
            if s.x_center < 0.45:
                m = re.match(r"^\s{0,2}[-–•+*]\s{0,2}(?P<item>.+)$", s.text)
                if m:
                    item = m["item"].strip().rstrip(";.").strip()
                    st = layout.starts[i] + m.start("item")
                    recipients.append(layout.field(st, st + len(item), item))
                elif recipients and not re.match(r"^\W*$", s.text):
                    prev = recipients[-1]  # a wrapped recipient line
                    recipients[-1] = Field(clean_spaces(prev.value + " " + s.text.strip().rstrip(";.")), prev.raw,
                                           prev.confidence, prev.page, prev.bbox, prev.needs_review, prev.reasons)
            elif s.x_center >= 0.5:
                right.append(i)
            del f
        # the title shares the "Nơi nhận:" OCR line but is its own segment
        first = start + 1
        if first < len(segs) and segs[first].x_center >= 0.5 and first not in right:
            right.insert(0, first)
        if recipients:
            recipients = [r.with_value(_tidy_recipient(r.value)) for r in recipients]
            # One misread line shifts the list: if any item is doubtful, every item is.
            junk = [r for r in recipients if re.search(rf"[^0-9{VI_LETTERS} ,.;:()/\-–]", r.value)]
            if junk:
                recipients = [r.flagged("recipients_unreliable") for r in recipients]
            out["recipients"] = recipients
        titles = [i for i in right if _upper_ratio(segs[i].text) > 0.85 and len(re.sub(r"\W", "", segs[i].text)) >= 4]
        if titles:
            auth = _AUTHORITY.match(fold(segs[titles[0]].text))
            if auth:
                text = clean_spaces(segs[titles[0]].text)
                prefix = auth["auth"].replace(" ", "").upper()
                rest = _canonical_title(clean_spaces(segs[titles[0]].text[auth.end("auth"):]))
                f = _segment_field(layout, titles[0], f"{prefix} {rest[0]}")
                out["signing_authority"] = f.flagged(*rest[1])
                if len(titles) > 1:
                    value, problems = _canonical_title(clean_spaces(segs[titles[1]].text))
                    out["signer_title"] = _segment_field(layout, titles[1], value, *problems)
            else:
                value, problems = _canonical_title(clean_spaces(segs[titles[0]].text))
                out["signer_title"] = _segment_field(layout, titles[0], value, *problems)
        names = []
        for i in right:
            if i in titles:
                continue
            found = kind_name(segs[i].text)
            if found is not None and _upper_ratio(segs[i].text) < 0.6:
                value, s0, e0, problems = found
                names.append(layout.field(layout.starts[i] + s0, layout.starts[i] + e0, value, *problems))
        if names:
            out["signer_name"] = names[-1]
        return out


_FOR_REPORT = re.compile(r"\((để\s+)?b/c\)", re.IGNORECASE)
# A reference to a part of the text ("Như Điều 3") whose number Tesseract joined to the word.
_ARTICLE_NUMBER = re.compile(r"\b(Điều|Khoản|Điểm|Mục|Chương)(\d)")


def _tidy_recipient(item: str) -> str:
    """A "Nơi nhận" item without the punctuation that ends it in the list ("…thành phố," "…(b/c);"),
    the archive line in its Decree 30 form, "Lưu: VT, <unit>" (a comma read as ";"), the
    note "(b/c)" ("để báo cáo") in the lower case it is written in (c and C have one shape), and
    an article's number apart from its word ("Như Điều3" → "Như Điều 3")."""
    item = _ARTICLE_NUMBER.sub(r"\1 \2", item.strip().rstrip(",;.").strip())
    if fold(item).startswith("luu:"):
        item = item.replace(";", ",")
    return _FOR_REPORT.sub(lambda m: m.group(0).lower(), item)


_BODY_PREFIXES = {"uy ban nhan dan": "ỦY BAN NHÂN DÂN", "ubnd": "UBND"}
_UNIT_KINDS = {folded: printed.upper() for folded, printed in UNIT_KINDS.items()}


def _canonical_body(f: Field) -> Field:
    """"ỦY BAN NHÂN DÂN HUYỆN YÊN THỂ" → "… YÊN THẾ": the unit's name is checked against the gazetteer.

    A people's committee is named by its unit; the prefix and the kind are a closed list and the
    name is a known unit, so every word can be checked. A unit name the gazetteer cannot confirm
    is flagged rather than trusted.
    """
    folded = fold(f.value)
    for key, printed in _BODY_PREFIXES.items():
        if not folded.startswith(key + " "):
            continue
        rest_folded = folded[len(key) + 1:]
        for kind_key in sorted(_UNIT_KINDS, key=len, reverse=True):
            if rest_folded.startswith(kind_key + " "):
                name = f.value[len(key) + 1 + len(kind_key) + 1:]
                known = canonical_place(name)
                if known is None:
                    return f.flagged("unit_not_in_gazetteer")
                return f.with_value(f"{printed} {_UNIT_KINDS[kind_key]} {known.upper()}")
        return f
    return f


def _canonical_title(text: str) -> tuple[str, tuple[str, ...]]:
    """A signer title spelled as printed when it is a known one ("PHO CHỦ TỊCH" → "PHÓ CHỦ TỊCH")."""
    key = re.sub(r"[^a-z]", "", fold(text))
    known = SIGNER_TITLES.get(key)
    if known is not None:
        return known, ()
    for k, title in SIGNER_TITLES.items():  # "KT. GIÁM ĐỐC SỞ …", "TM. ỦY BAN NHÂN DÂN"
        if key.startswith(k) and text.upper() == text:
            return text, ()
    return text, ("unknown_title",)


# --- people named in running text -------------------------------------------------------

_ID_RUN = re.compile(r"(?<![\d])(?P<digits>\d(?:[ .]?\d){8,12})(?![\d])")
_HONORIFIC = re.compile(
    r"(?<![A-Za-zÀ-ỹ])(?P<hon>Ông|Bà|ông|bà|Anh|Chị|anh|chị|Cháu|cháu|Em|em)\s{1,2}"
    r"(?P<name>[A-ZÀ-ỸĐ][a-zà-ỹđ]{0,6}(?:\s{1,2}[A-ZÀ-ỸĐ][a-zà-ỹđ]{0,6}){1,5})"
)
_SEX_OF_HONORIFIC = {"ông": "Nam", "anh": "Nam", "bà": "Nữ", "chị": "Nữ"}
_DOB = re.compile(r"sinh\s{0,2}(?:ngay|nam)\s{0,2}[:]?\s{0,2}")
_ID_LABEL = re.compile(r"(?:so\s{0,2}dinh\s{0,2}danh|can\s{0,2}cuoc|cccd|cmnd|chung\s{0,2}minh)[^\d\n]{0,30}$")


def find_people(layout: Layout) -> list[Person]:
    """Every person named in running text by an ID number: "Ông X, sinh ngày D, số định danh cá nhân: N".

    The ID must follow an ID label; the name (after an honorific) and the birth date are looked
    for between the previous person and the number. The honorific gives the sex.
    """
    people: list[Person] = []
    text, folded = layout.text, layout.folded
    prev_end = 0
    for m in _ID_RUN.finditer(text):
        before = folded[max(prev_end, m.start() - 60): m.start()]
        label_before = _ID_LABEL.search(before.replace("\n", " "))
        if not label_before:
            continue
        digits = re.sub(r"\D", "", m["digits"])
        ctx_start = max(prev_end, m.start() - 260)
        context = text[ctx_start: m.start()]
        name_field = sex_field = dob_field = None
        names = list(_HONORIFIC.finditer(context))
        if names:
            n = names[-1]
            value = capitalize_name(n["name"])
            problems = name_problems(value)
            if "name_unknown_surname" in problems:
                value = repair_surname(value)  # a suggestion: the field stays flagged
            name_field = layout.field(ctx_start + n.start("name"), ctx_start + n.end("name"), value, *problems)
            sex = _SEX_OF_HONORIFIC.get(n["hon"].lower())
            if sex:
                sex_field = layout.field(ctx_start + n.start("hon"), ctx_start + n.end("hon"), sex)
            dob_from = n.end()
        else:
            dob_from = 0
        dm = _DOB.search(fold(context), dob_from)
        if dm:
            dates = find_dates(context[dm.end(): dm.end() + 30])
            if dates and dates[0].start <= 2:
                d = dates[0]
                s0 = ctx_start + dm.end() + d.start
                dob_field = layout.field(s0, ctx_start + dm.end() + d.end, d.value.isoformat())
        problems = () if len(digits) in (9, 12) else ("id_length",)
        id_field = layout.field(m.start(), m.end(), digits, *problems)
        id_field, dob_field, sex_field = cross_check(id_field, dob=dob_field, sex=sex_field)
        if len(digits) == 12 and dob_field is None:
            id_field = id_field.flagged("no_birth_date_to_check")
        people.append(Person(id_field, name_field, dob_field, sex_field))
        prev_end = m.end()
    return people
