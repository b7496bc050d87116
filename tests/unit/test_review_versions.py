"""Record versions in the database (storage.reviews): version 1 from the OCR, one per save, stale saves refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ocr_service.errors import VersionConflict
from storage import repository as repo
from storage import reviews
from storage.db import make_engine, session_factory, transaction, upgrade
from storage.tables import Record

REVIEWER = reviews.SystemActor(kind="staff", id="a1", name="kiemtra")


@pytest.fixture()
def sessions(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    return session_factory(make_engine(url))


def _record(sessions) -> str:  # type: ignore[no-untyped-def]
    with transaction(sessions) as session:
        document = repo.create_document(session, sha256="0" * 64, original_key="k", filename="a.png", media_type="image/png", size_bytes=1, page_count=1)
        record = repo.save_record(session, document_id=document.id, values={
            "text": "", "pages": [], "page_count": 1, "ocred_pages": [0], "mean_confidence": 90.0, "doc_type": "decision",
            "fields": {}, "citizen_ids": [], "needs_review": True, "pipeline_version": "1",
            "text_key": "t1", "hocr_key": "h1", "pdf_key": "p1",
        })
        reviews.start_review(session, record, flags=reviews.flags_of(["citizens[0].id_number: id_sex_mismatch", "recipients[0]: low_confidence"]))
        return record.id


def _save(sessions, record_id: str, expected: int, key: str) -> None:  # type: ignore[no-untyped-def]
    with transaction(sessions) as session:
        reviews.commit_version(
            session, record_id=record_id, expected_version=expected, actor=REVIEWER, at=datetime.now(UTC),
            changes=[{"kind": "field", "target": "x", "old": None, "new": key}], comment=None,
            values={"fields": {"x": key}, "text_key": f"t-{key}", "hocr_key": f"h-{key}", "pdf_key": f"p-{key}"},
        )


def test_versions_flags_and_stale_saves(sessions) -> None:  # type: ignore[no-untyped-def]
    record_id = _record(sessions)
    with transaction(sessions) as session:
        record = session.get(Record, record_id)
        assert (record.version, record.review_status, record.review_priority) == (1, "needs_review", 100 + 10 + 4)
        total, rows = reviews.queue(session, unit_codes=None, category="id_number")
        assert total == 1 and rows[0][0].id == record_id
        assert reviews.queue(session, unit_codes=frozenset({"07288"}))[0] == 0  # in no dossier of that unit

    _save(sessions, record_id, 1, "first")
    with pytest.raises(VersionConflict):
        _save(sessions, record_id, 1, "second")  # made on version 1 too: refused in the UPDATE itself

    with transaction(sessions) as session:
        record = session.get(Record, record_id)
        assert (record.version, record.review_status, record.verified_by, record.pdf_key) == (2, "verified", "staff:kiemtra", "p-first")
        versions = reviews.versions_of(session, record_id)
        assert [(v.version, v.principal_kind, v.pdf_key) for v in versions] == [(1, "system", "p1"), (2, "staff", "p-first")]
        assert reviews.flags_by_record(session, [record_id]) == {record_id: []}
        assert reviews.queue(session, unit_codes=None)[0] == 0  # verified: out of the queue
