"""The web app's Vietnamese wording: every error code has plain Vietnamese text; dates as Vietnamese write them."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime

from ocr_service import errors
from ocr_service.web.messages import ERROR_TEXT_VI, error_text_vi
from ocr_service.web.templates import vi_date, vi_datetime, vi_month


def test_every_error_code_has_vietnamese_text() -> None:
    codes = {
        cls.code for _name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.OcrServiceError) and cls is not errors.OcrServiceError
    }
    assert codes - ERROR_TEXT_VI.keys() == set()
    assert error_text_vi("no_such_code") == "Đã có lỗi xảy ra. Hãy thử lại."


def test_vietnamese_dates() -> None:
    assert vi_date(date(2022, 6, 1)) == "01/06/2022"
    assert vi_date("2023-06-01") == "01/06/2023"
    # 17:30 UTC on 30 November is already 1 December in Vietnam (UTC+7).
    assert vi_date(datetime(2022, 11, 30, 17, 30, tzinfo=UTC)) == "01/12/2022"
    assert vi_datetime(datetime(2022, 11, 30, 17, 30)) == "00:30 01/12/2022"  # naive = UTC (SQLite)
    assert vi_month("2025-07") == "tháng 7/2025"
    assert vi_date(None) == ""


def test_every_published_field_and_qr_reason_has_vietnamese_text() -> None:
    from extractors.schema import FIELDS_BY_TYPE
    from ocr_service.web.labels import _PARTS_VI, FIELD_LABELS_VI, PROBLEMS_VI

    def keys(props: dict) -> set[str]:
        found = set(props)
        for schema in props.values():
            schema = schema.get("items", schema)
            if "value" not in schema.get("required", ()) and "properties" in schema:
                found |= keys(schema["properties"])
        return found

    published = set().union(*(keys(props) for props in FIELDS_BY_TYPE.values()))
    assert published - FIELD_LABELS_VI.keys() - _PARTS_VI.keys() == set()
    assert "qr_mismatch" in PROBLEMS_VI
