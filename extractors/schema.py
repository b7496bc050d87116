"""The JSON Schema of an extraction record's ``fields``, versioned, for the API to serve.

Every leaf is a *field*: ``{value, raw, confidence, page, bbox, needs_review, review_reasons?}``.
Lists (citizens, recipients, members) hold fields or objects of fields. The schema is built
from the public keys below, so adding a key to an extractor means adding it here (a unit test
checks that every key an extractor publishes is in the schema of its type).
"""

from __future__ import annotations

from typing import Any

from extractors.base import SCHEMA_VERSION

_DATE = {"type": ["string", "null"], "format": "date"}
_ID = {"type": "string", "pattern": r"^\d{9}$|^\d{12}$"}
_TEXT = {"type": "string"}
_SEX = {"enum": ["Nam", "Nữ"]}


def field_schema(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["value", "raw", "confidence", "page", "bbox", "needs_review"],
        "properties": {
            "value": value,
            "raw": {"type": "string", "description": "the text as read"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 100,
                           "description": "lowest word confidence of the words read"},
            "page": {"type": ["integer", "null"], "minimum": 0},
            "bbox": {"type": ["array", "null"], "items": {"type": "integer"}, "minItems": 4, "maxItems": 4,
                     "description": "[x0, y0, x1, y1] in page pixels, union of the words read"},
            "needs_review": {"type": "boolean"},
            "review_reasons": {"type": "array", "items": {"type": "string"}},
        },
    }


def _obj(props: dict[str, dict]) -> dict[str, Any]:
    return {"type": "object", "properties": {k: field_schema(v) for k, v in props.items()}}


_CITIZEN = _obj({"full_name": _TEXT, "id_number": _ID, "date_of_birth": _DATE, "sex": _SEX})
_PARENT = _obj({"full_name": _TEXT, "birth_year": {"type": "integer"}, "ethnicity": _TEXT, "nationality": _TEXT,
                "residence": _TEXT})
# What the QR code of a paper issued through a one-stop system adds (extractors.onestop).
_ONE_STOP = {
    "qr_payload": field_schema({"type": "string", "description": "the text of the paper's one-stop QR code"}),
    "dossier_code": field_schema({"type": "string", "description": "the dossier code (mã hồ sơ) the QR code names"}),
    "procedure_code": field_schema({"type": "string", "description": "the procedure code (mã TTHC) the QR code names"}),
}

_ADMIN = {
    **{k: field_schema(_TEXT) for k in ("document_number", "issue_place", "issuing_body", "parent_body",
                                         "document_type", "subject", "signing_authority", "signer_title",
                                         "signer_name", "addressee")},
    "issue_date": field_schema(_DATE),
    "recipients": {"type": "array", "items": field_schema(_TEXT)},
    "citizens": {"type": "array", "items": _CITIZEN},
    **_ONE_STOP,
}
_GENERIC = {
    "document_type": field_schema(_TEXT),
    "dates": {"type": "array", "items": field_schema(_DATE)},
    "citizens": {"type": "array", "items": _CITIZEN},
    **_ONE_STOP,
}

FIELDS_BY_TYPE: dict[str, dict[str, Any]] = {
    "decision": _ADMIN,
    "official_letter": _ADMIN,
    "administrative_document": _ADMIN,
    "birth_certificate": {
        **{k: field_schema(_TEXT) for k in ("document_type", "full_name", "date_of_birth_in_words", "ethnicity",
                                             "nationality", "place_of_birth", "hometown", "registration_number",
                                             "registration_book", "registration_place", "signer_name")},
        **{k: field_schema(_DATE) for k in ("date_of_birth", "registration_date", "issue_date")},
        "sex": field_schema(_SEX), "id_number": field_schema(_ID), "mother": _PARENT, "father": _PARENT,
        **_ONE_STOP,
    },
    "residence_declaration": {
        **{k: field_schema(_TEXT) for k in ("document_type", "addressee", "full_name", "phone", "email",
                                             "household_head_name", "relation_to_head", "request_content",
                                             "current_residence")},
        **{k: field_schema(_DATE) for k in ("date_of_birth", "declaration_date")},
        "sex": field_schema(_SEX), "id_number": field_schema(_ID), "household_head_id_number": field_schema(_ID),
        "members": {"type": "array", "items": _obj({"full_name": _TEXT, "date_of_birth": _DATE, "sex": _SEX,
                                                     "id_number": _ID, "relation_to_head": _TEXT})},
        **_ONE_STOP,
    },
    "id_card_front": {
        **{k: field_schema(_TEXT) for k in ("document_type", "full_name", "nationality", "place_of_origin",
                                             "place_of_residence", "qr_payload")},
        **{k: field_schema(_DATE) for k in ("date_of_birth", "expiry_date", "issue_date")},
        "sex": field_schema(_SEX), "id_number": field_schema(_ID), "old_id_number": field_schema(_ID),
    },
    "marriage_certificate": _GENERIC,
    "death_extract": _GENERIC,
    "other": _GENERIC,
}


def fields_schema() -> dict[str, Any]:
    """The schema of ``fields`` for every document type (``oneOf`` keyed by ``doc_type``)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:ocr-service:extraction-fields:{SCHEMA_VERSION}",
        "title": "Extracted fields of a digitized document",
        "schema_version": SCHEMA_VERSION,
        "type": "object",
        "$defs": {t: {"type": "object", "properties": props, "additionalProperties": False}
                  for t, props in FIELDS_BY_TYPE.items()},
        "description": "Validate a record's fields against $defs[doc_type].",
    }
