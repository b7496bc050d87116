"""Reviewers' corrections to fields (``extractors.review``) and review flags and priority (``storage.reviews``).

The fields are those extraction gives for stored OCR output (tests/fixtures/ocr/), no Tesseract.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from extractors.base import extract
from extractors.review import apply_field_changes, get_field, leaves, linked, normalize, people, value_kind, verify
from ocr_service.domain import MediaType, OcrDocument, page_from_dict
from ocr_service.errors import InvalidCorrection
from storage.reviews import categorize, flag_of, flags_of, flags_of_fields, priority

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"


def _extraction(stem: str):  # type: ignore[no-untyped-def]
    data = json.loads((FIXTURES / f"{stem}.json").read_text(encoding="utf-8"))
    return extract(OcrDocument(data["sha256"], MediaType(data["media_type"]), tuple(page_from_dict(p) for p in data["pages"])))


@pytest.fixture(scope="module")
def residence():  # type: ignore[no-untyped-def]
    return _extraction("residence_declaration-scan-001")


@pytest.mark.parametrize(
    ("doc_type", "path", "kind"),
    [
        ("residence_declaration", "id_number", "id_number"),
        ("residence_declaration", "household_head_id_number", "id_number"),
        ("residence_declaration", "members[0].date_of_birth", "date"),
        ("residence_declaration", "members[3].sex", "sex"),
        ("birth_certificate", "mother.birth_year", "integer"),
        ("birth_certificate", "mother.full_name", "text"),
        ("decision", "recipients[2]", "text"),
        ("decision", "citizens[1].id_number", "id_number"),
        ("decision", "recipients", None),  # a list, not a field
        ("decision", "citizens[0]", None),
        ("decision", "mother.full_name", None),
        ("birth_certificate", "full_name.value", None),
        ("birth_certificate", "Full_name", None),
        ("birth_certificate", "full_name[0]", None),
        (None, "full_name", None),
    ],
)
def test_value_kind_follows_the_schema(doc_type: str | None, path: str, kind: str | None) -> None:
    assert value_kind(doc_type, path) == kind


@pytest.mark.parametrize(
    ("kind", "path", "typed", "expected"),
    [
        ("date", "date_of_birth", "07/06/1981", ("1981-06-07", None)),
        ("date", "date_of_birth", "7-6-1981", ("1981-06-07", None)),
        ("date", "date_of_birth", "1981-06-07", ("1981-06-07", None)),
        ("date", "date_of_birth", "31/02/1981", (None, "not_a_date")),
        ("date", "date_of_birth", "hôm qua", (None, "not_a_date")),
        ("id_number", "id_number", "027 081 177.905", ("027081177905", None)),
        ("id_number", "id_number", "02708117790", (None, "id_length")),
        ("sex", "sex", "nữ", ("Nữ", None)),
        ("sex", "sex", "Nam giới", (None, "not_a_sex")),
        ("integer", "mother.birth_year", "2003", (2003, None)),
        ("integer", "mother.birth_year", "203", (None, "not_a_year")),
        ("text", "full_name", "  NGUYỄN   BÁ  bảo ", ("Nguyễn Bá Bảo", None)),
        ("text", "addressee", "Công an xã  Nam Dương", ("Công an xã Nam Dương", None)),
        ("text", "addressee", "   ", (None, None)),
        ("text", "addressee", None, (None, None)),
        ("text", "addressee", ["x"], (None, "not_text")),
        ("text", "addressee", "x" * 501, (None, "too_long")),
    ],
)
def test_typed_values_are_normalized(kind: str, path: str, typed: object, expected: tuple[object, str | None]) -> None:
    assert normalize(kind, path, typed) == expected


def test_corrections_are_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Công an xã Tân Sỏi")
    value, _ = normalize("text", "addressee", decomposed)
    assert value == unicodedata.normalize("NFC", "Công an xã Tân Sỏi") and value != decomposed


def test_changes_record_old_and_new_and_leave_the_input_alone(residence) -> None:  # type: ignore[no-untyped-def]
    before = json.dumps(residence.fields, sort_keys=True)
    fields, changes = apply_field_changes(
        residence.fields,
        doc_type="residence_declaration",
        changes=[("full_name", "NGUYỄN BÁ BẢO"), ("members[0].relation_to_head", "Con"), ("email", "a@b.vn")],
    )
    assert json.dumps(residence.fields, sort_keys=True) == before
    assert changes == [  # the name was already right once capitalized: no change
        {"kind": "field", "target": "members[0].relation_to_head", "old": "Cháu", "new": "Con"},
        {"kind": "field", "target": "email", "old": None, "new": "a@b.vn"},  # a field extraction missed
    ]
    assert get_field(fields, "members[0].relation_to_head") | {} == {
        **residence.fields["members"][0]["relation_to_head"], "value": "Con", "confidence": 100.0, "corrected": True
    }
    assert get_field(fields, "email")["corrected"] is True


def test_every_bad_change_is_reported(residence) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidCorrection) as caught:
        apply_field_changes(
            residence.fields,
            doc_type="residence_declaration",
            changes=[("date_of_birth", "32/01/1981"), ("members[5].sex", "Nam"), ("nonsense", "x"), ("sex", "Nam"), ("sex", "Nữ")],
        )
    assert caught.value.code == "invalid_correction" and caught.value.http_status == 422
    assert caught.value.details == [
        {"target": "date_of_birth", "problem": "not_a_date"},
        {"target": "members[5].sex", "problem": "no_such_field"},
        {"target": "nonsense", "problem": "no_such_field"},
        {"target": "sex", "problem": "corrected_twice"},
    ]


def test_people_pair_each_id_number_with_what_is_printed_beside_it(residence) -> None:  # type: ignore[no-untyped-def]
    found = {p.path: (p.id_number, p.full_name, p.date_of_birth, p.sex) for p in people(residence.fields)}
    assert found == {
        "id_number": ("027081177905", "Nguyễn Bá Bảo", "1981-06-07", "Nam"),
        "household_head_id_number": ("024152574802", "Trần Bích Huyền", None, None),
        "members[0].id_number": ("026311872670", "Nguyễn Hải Ngọc Giang", "2011-10-03", "Nữ"),
    }


def test_verifying_clears_review_and_links_every_checked_number(residence) -> None:  # type: ignore[no-untyped-def]
    assert residence.citizen_ids == ["026311872670"]  # the low-confidence numbers were not linked
    verified = verify(residence.fields)
    assert not any(leaf["needs_review"] or "review_reasons" in leaf for _path, leaf in leaves(verified))
    assert residence.fields["id_number"]["needs_review"] is True  # the input is left alone
    assert linked(verified) == [
        ("027081177905", "Nguyễn Bá Bảo"),
        ("024152574802", "Trần Bích Huyền"),
        ("026311872670", "Nguyễn Hải Ngọc Giang"),
    ]


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ([("sex", "Nữ")], [{"target": "id_number", "problem": "id_sex_mismatch"}]),
        ([("date_of_birth", "07/06/1991")], [{"target": "id_number", "problem": "id_birth_year_mismatch"}]),
        ([("household_head_id_number", "999152574802")], [{"target": "household_head_id_number", "problem": "unknown_province_code"}]),
        ([("members[0].id_number", "026911872670")], [{"target": "members[0].id_number", "problem": "implausible_birth_year"}]),
    ],
)
def test_id_numbers_are_checked_as_extraction_checks_them(residence, changes, problems) -> None:  # type: ignore[no-untyped-def]
    fields, _ = apply_field_changes(residence.fields, doc_type="residence_declaration", changes=changes)
    with pytest.raises(InvalidCorrection) as caught:
        verify(fields)
    assert caught.value.details == problems


def test_an_unreadable_number_can_be_emptied_and_is_then_not_linked(residence) -> None:  # type: ignore[no-untyped-def]
    fields, changes = apply_field_changes(residence.fields, doc_type="residence_declaration", changes=[("id_number", ""), ("sex", "Nữ")])
    assert changes[0] == {"kind": "field", "target": "id_number", "old": "027081177905", "new": None}
    assert "027081177905" not in dict(linked(verify(fields)))


# --- flags and priority ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "category"),
    [
        ("citizens[0].id_number: id_sex_mismatch", "id_number"),
        ("household_head_id_number: low_confidence", "id_number"),
        ("id_number: id_name_conflict", "id_number"),
        ("full_name: missing", "missing"),
        ("id_number: missing", "missing"),
        ("doc_type: unknown", "unknown_type"),
        ("recipients[2]: low_confidence", "low_confidence"),
        ("date_of_birth: date_in_words_disagrees", "validation"),
        ("signer_name: name_unknown_surname", "validation"),
    ],
)
def test_reasons_fall_into_categories(reason: str, category: str) -> None:
    assert flag_of(reason).category == category
    assert str(flag_of(reason)) == reason


def test_a_doubtful_id_number_comes_before_faint_words() -> None:
    faint = flags_of([f"recipients[{i}]: low_confidence" for i in range(4)])
    doubtful_id = flags_of(["citizens[0].id_number: id_sex_mismatch"])
    assert priority(doubtful_id) > priority(faint) > priority(flags_of(["recipients[0]: low_confidence"])) > priority([])
    assert priority(flags_of(["a: low_confidence"] * 3)) == priority(flags_of(["a: low_confidence"]))  # one reason, counted once
    assert categorize("x", "missing") == "missing"


def test_flags_of_fields_match_the_extraction(residence) -> None:  # type: ignore[no-untyped-def]
    assert [str(f) for f in flags_of_fields(residence.fields, doc_type="residence_declaration")] == list(residence.review_reasons)
    assert [str(f) for f in flags_of_fields({}, doc_type="other")] == ["doc_type: unknown"]


def test_a_number_linked_elsewhere_to_another_name_is_a_conflict(residence) -> None:  # type: ignore[no-untyped-def]
    from extractors.review import name_conflicts

    citizens = [("026311872670", "Nguyễn Hải Ngọc Giang"), ("024152574802", None)]
    assert name_conflicts(residence.fields, citizens, {}) == []
    same_person = {"026311872670": {"NGUYỄN HẢI NGỌC  GIANG"}}
    assert name_conflicts(residence.fields, citizens, same_person) == []
    other_person = {"026311872670": {"Nguyễn Hải Ngọc Giang", "Lê Văn Tám"}, "024152574802": {"Ai Đó"}}
    assert name_conflicts(residence.fields, citizens, other_person) == ["members[0].id_number: id_name_conflict"]
