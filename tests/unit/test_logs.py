"""No full ID number reaches a log, including uvicorn's access log."""

from __future__ import annotations

import logging

from uvicorn.logging import AccessFormatter

from ocr_service.logs import MaskIdNumbers, mask_ids


def test_mask_ids_keeps_ends_only() -> None:
    assert mask_ids("tra cứu 024085001234 và 123456789") == "tra cứu 024******234 và 123******789"
    assert mask_ids("điện thoại 0912345678") == "điện thoại 091******678"
    assert mask_ids("năm 2024, số 12") == "năm 2024, số 12"
    uuid = "document-208a61b3-acd4-4ff4-a252-e3b386310014"
    assert mask_ids(uuid) == uuid


def test_access_log_record_masked_and_still_formats() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/v1/citizens/024085001234/documents", "1.1", 200), None,
    )
    assert MaskIdNumbers().filter(record)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(record)
    assert "024085001234" not in line and "/v1/citizens/024******234/documents" in line


def test_plain_message_masked() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "citizen %s looked up", ("027190004321",), None)
    MaskIdNumbers().filter(record)
    assert record.getMessage() == "citizen 027******321 looked up"
