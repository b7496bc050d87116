"""Job state rules on the embedded default: claims, attempt cap, crash recovery of leases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ocr_service.config import Settings
from ocr_service.domain import DocumentStatus
from storage import repository as repo
from storage.db import transaction, upgrade
from storage.objects import original_key
from workers.context import build_context
from workers.jobs import MAX_ATTEMPTS, run_document, sweep

pytestmark = pytest.mark.integration
REQUEUED: list[str] = []


@pytest.fixture()
def ctx(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path, ocr_processes=1, database_url=None, redis_url=None, s3_endpoint=None)
    upgrade(settings.effective_database_url)
    return build_context(settings, requeue=REQUEUED.append)


def _document(ctx, page_png: Path, *, status: DocumentStatus, attempts: int = 0, lease: datetime | None = None) -> str:  # type: ignore[no-untyped-def]
    digest = "a" * 64
    ctx.store.put_file(original_key(digest), page_png, "image/png")
    with transaction(ctx.sessions) as session:
        document = repo.create_document(
            session, sha256=digest, original_key=original_key(digest), filename="x.png", media_type="image/png",
            size_bytes=page_png.stat().st_size, page_count=1, status=status,
        )
        document.attempts, document.lease_until = attempts, lease
        return document.id


def test_document_that_keeps_crashing_ends_failed(ctx, page_png: Path) -> None:  # type: ignore[no-untyped-def]
    document_id = _document(ctx, page_png, status=DocumentStatus.QUEUED, attempts=MAX_ATTEMPTS)
    assert run_document(ctx, document_id) == "skipped"
    with transaction(ctx.sessions) as session:
        document = repo.get_document(session, document_id)
        assert (document.status, document.error_code) == ("failed", "retries_exhausted")


def test_live_lease_is_not_taken_and_expired_one_is_swept(ctx, page_png: Path) -> None:  # type: ignore[no-untyped-def]
    live = _document(ctx, page_png, status=DocumentStatus.PROCESSING, attempts=1, lease=datetime.now(UTC) + timedelta(minutes=5))
    assert run_document(ctx, live) == "skipped"  # another worker holds it
    with transaction(ctx.sessions) as session:
        repo.get_document(session, live).lease_until = datetime.now(UTC) - timedelta(seconds=1)
    REQUEUED.clear()
    assert sweep(ctx) == 1 and REQUEUED == [live]
    assert run_document(ctx, live) == "done"
    with transaction(ctx.sessions) as session:
        document = repo.get_document(session, live)
        assert (document.status, document.attempts) == ("done", 2)
        assert repo.get_record(session, document_id=live) is not None
    assert run_document(ctx, live) == "skipped"  # a duplicate delivery changes nothing
