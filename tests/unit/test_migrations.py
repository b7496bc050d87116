"""Migrations: the schema they build is the tables' (no drift), and 0003 backfills review data for old records."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import make_engine, upgrade
from storage.tables import Base


def test_migrations_build_the_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_0003_backfills_versions_status_and_flags(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url, "0002")
    engine = make_engine(url)
    fields = {
        "full_name": {"value": "Trần Thị Lan", "raw": "Trần Thị Lan", "confidence": 60.0, "page": 0, "bbox": None,
                      "needs_review": True, "review_reasons": ["low_confidence"]},
        "citizens": [{"id_number": {"value": "024090004321", "raw": "", "confidence": 96.0, "page": 0, "bbox": None,
                                    "needs_review": True, "review_reasons": ["id_sex_mismatch"]}}],
    }
    with engine.begin() as connection:
        for record_id, doc_type, record_fields, needs in (("r1", "decision", fields, 1), ("r2", "decision", {}, 0)):
            connection.execute(
                sa.text(
                    "INSERT INTO documents (id, sha256, original_key, filename, size_bytes, status, attempts, quarantined, "
                    "created_at, updated_at) VALUES (:id, 'x', 'k', 'f', 1, 'done', 1, 0, '2024-01-01', '2024-01-01')"
                ),
                {"id": "d" + record_id},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO records (id, document_id, text, pages, page_count, ocred_pages, doc_type, fields, citizen_ids, "
                    "needs_review, text_key, hocr_key, pdf_key, pipeline_version, created_at, updated_at) VALUES "
                    "(:id, 'd' || :id, '', '[]', 1, '[]', :doc_type, :fields, '[]', :needs, 't', 'h', 'p', '1', '2024-01-01', '2024-01-01')"
                ),
                {"id": record_id, "doc_type": doc_type, "fields": json.dumps(record_fields), "needs": needs},
            )
    upgrade(url)
    with engine.connect() as connection:
        records = dict(connection.execute(sa.text("SELECT id, review_status || ':' || version || ':' || review_priority FROM records")).all())
        flags = connection.execute(sa.text("SELECT record_id, category, target, reason FROM review_flags ORDER BY id")).all()
        versions = connection.execute(sa.text("SELECT record_id, version, principal_kind, pdf_key FROM record_versions ORDER BY record_id")).all()
    assert records["r2"] == "not_required:1:0"
    assert records["r1"].startswith("needs_review:1:") and int(records["r1"].rsplit(":", 1)[1]) >= 110
    assert [tuple(f) for f in flags] == [
        ("r1", "low_confidence", "full_name", "low_confidence"),
        ("r1", "id_number", "citizens[0].id_number", "id_sex_mismatch"),
    ]
    assert [tuple(v) for v in versions] == [("r1", 1, "system", "p"), ("r2", 1, "system", "p")]
