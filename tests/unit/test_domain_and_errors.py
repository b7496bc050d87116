"""The document state machine and the error tree are public contracts: pin them."""

from __future__ import annotations

import pytest

from ocr_service.domain import DocumentStatus as S
from ocr_service.domain import OcrDocument, OcrPage, MediaType, Word, BBox, nfc
from ocr_service.errors import InputError, OcrServiceError, TransientError, all_error_classes


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        (S.UPLOADED, S.QUEUED, True),
        (S.QUEUED, S.PROCESSING, True),
        (S.PROCESSING, S.DONE, True),
        (S.PROCESSING, S.FAILED, True),
        (S.PROCESSING, S.QUEUED, True),
        (S.FAILED, S.QUEUED, True),
        (S.DONE, S.QUEUED, True),
        (S.UPLOADED, S.DONE, False),
        (S.QUEUED, S.DONE, False),
        (S.DONE, S.FAILED, False),
        (S.FAILED, S.DONE, False),
    ],
)
def test_transitions(old: S, new: S, allowed: bool) -> None:
    assert old.can_become(new) is allowed


def test_error_codes_are_unique_and_statuses_sane() -> None:
    classes = all_error_classes()
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes))
    for cls in classes:
        assert 400 <= cls.http_status < 600
        assert cls.default_message.endswith(".")
        if issubclass(cls, InputError):
            assert not cls.retryable and 400 <= cls.http_status < 500
        if issubclass(cls, TransientError):
            assert cls.retryable and cls.http_status == 503


def test_error_renders_code_and_message() -> None:
    exc = OcrServiceError("Thử lại sau.")
    assert exc.to_dict() == {"code": "internal_error", "message": "Thử lại sau."}


def test_document_text_pages_separated_by_form_feed() -> None:
    word = Word("Hà", BBox(0, 0, 10, 10), 90.0)
    pages = tuple(
        OcrPage(index=i, width=100, height=100, dpi=300, text=t, words=(word,), ocred=i == 1)
        for i, t in enumerate(["một", "hai"])
    )
    doc = OcrDocument(sha256="0" * 64, media_type=MediaType.PDF, pages=pages)
    assert doc.text == "một\fhai"
    assert doc.ocred_pages == [1]
    assert pages[0].mean_confidence == 90.0


def test_nfc() -> None:
    assert nfc("Hoa\u0300") == "Hoà"


def test_local_date_is_the_day_in_vietnam() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from ocr_service.domain import local_date

    # 2023-05-31 20:00 UTC is already 1 June in Vietnam (03:00 +07:00).
    assert str(local_date(datetime(2023, 5, 31, 20, 0, tzinfo=UTC))) == "2023-06-01"
    assert str(local_date(datetime(2023, 5, 31, 23, 30, tzinfo=timezone(timedelta(hours=7))))) == "2023-05-31"
    assert str(local_date(datetime(2023, 5, 31, 16, 59))) == "2023-05-31"  # naive: stored UTC
    assert str(local_date(datetime(2023, 5, 31, 17, 0))) == "2023-06-01"
