"""The demo seeding: honest (real digitized documents, real rejections, DEMO- codes), deterministic,
seeded once, and part of the main job (`serve --ingest`, which prints where the dashboard is)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, select

from ocr_service.api.app import build_state
from ocr_service.config import Settings
from ocr_service.demo import DemoPlan, seed_demo
from ocr_service.errors import Conflict, NotFound
from ocr_service.intake import ingest_file
from ocr_service.stats import StatsParams, check, digitization
from ocr_service.indicators import DEFAULT_MAX_POINTS
from storage.db import transaction
from storage.tables import Document, Dossier, DossierDocument
from tests.integration.test_demo import _port, _ready
from workers.queue import InProcessQueue

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# A sample whose every field is accepted: the demo seed attaches only records out of the review
# queue (the clean birth certificate's name is read at 87, under the review threshold).
SAMPLE = ROOT / "samples" / "documents" / "id_card_front-scan-000.jpg"
PLAN = DemoPlan(start=date(2023, 3, 1), months=6, per_month=50, seed=7)  # across the commune rollout, 2023-06-01
TODAY = date(2026, 1, 1)


def _state(tmp_path: Path):  # type: ignore[no-untyped-def]
    return build_state(Settings(data_dir=tmp_path / "var", ocr_processes=1, database_url=None, redis_url=None, s3_endpoint=None))


def _seed(state, plan: DemoPlan = PLAN):  # type: ignore[no-untyped-def]
    return seed_demo(sessions=state.sessions, store=state.store, queue=state.queue, limits=state.settings.limits(), plan=plan, today=TODAY)


def _fingerprint(state) -> list[tuple]:  # type: ignore[no-untyped-def]
    with transaction(state.sessions) as session:
        rows = session.execute(
            select(Dossier.code, Dossier.unit_code, Dossier.procedure_code, Dossier.received_at, DossierDocument.role, DossierDocument.reused, Document.status, Document.error_code)
            .outerjoin(DossierDocument, DossierDocument.dossier_id == Dossier.id)
            .outerjoin(Document, Document.id == DossierDocument.document_id)
            .where(Dossier.code.like("DEMO-%"))
            .order_by(Dossier.code, DossierDocument.role, DossierDocument.created_at)
        ).all()
    return [tuple(r) for r in rows]


def test_demo_needs_digitized_documents_and_refuses_to_pretend(tmp_path: Path) -> None:
    state = _state(tmp_path)
    with pytest.raises(NotFound, match="No digitized document"):
        _seed(state)


def test_demo_seed_is_honest_deterministic_and_once(tmp_path: Path) -> None:
    state = _state(tmp_path)
    intake = ingest_file(SAMPLE, filename=SAMPLE.name, sessions=state.sessions, store=state.store, queue=state.queue, limits=state.settings.limits())
    assert isinstance(state.queue, InProcessQueue)
    state.queue.join(timeout=180)  # really digitized, by the real pipeline

    summary = _seed(state)
    assert summary.dossiers > 250 and summary.first_day >= PLAN.start and summary.last_day <= date(2023, 8, 31)
    with pytest.raises(Conflict, match="already in the database"):
        _seed(state)

    first = _fingerprint(state)
    assert all(code.startswith("DEMO-7-") for code, *_ in first)
    statuses = {(role, status) for _c, _u, _p, _r, role, _reused, status, _e in first if role}
    assert statuses <= {("component", "done"), ("component", "failed"), ("result", "done"), ("result", "failed")}
    errors = {error for *_rest, error in first if error}
    assert errors and errors <= {"corrupt_file", "unsupported_type", "empty_file"}  # rejected by the real intake
    with transaction(state.sessions) as session:
        done = session.scalars(select(Document.id).where(Document.status == "done")).all()
        assert done == [intake.document_id]  # the one document OCR really produced: nothing else claims to be digitized
        creators = set(session.scalars(select(Dossier.created_by).where(Dossier.code.like("DEMO-%"))))
        assert creators == {"demo-seed"}

    # The same seed again (after removing the demo dossiers) gives the same dossiers and outcomes.
    with transaction(state.sessions) as session:
        ids = select(Dossier.id).where(Dossier.code.like("DEMO-%"))
        session.execute(delete(DossierDocument).where(DossierDocument.dossier_id.in_(ids)))
        session.execute(delete(Dossier).where(Dossier.code.like("DEMO-%")))
    _seed(state)
    assert _fingerprint(state) == first

    # What the demo is for: the indicators have voluntary and mandatory dossiers, reuse and missing results.
    with transaction(state.sessions) as session:
        params, query = check(StatsParams(unit="24", start=date(2023, 3, 1), end=date(2023, 8, 31)), viewer_unit=None, today=TODAY)
        stats = digitization(session, params, query, today=TODAY, max_points=DEFAULT_MAX_POINTS)
    summary_counts = stats.summary
    assert summary_counts.voluntary.received > 0 and summary_counts.mandatory.received > 0
    assert summary_counts.mandatory.reused > 0
    assert 0 < summary_counts.mandatory.result_digitized < summary_counts.mandatory.result_required
    assert 0 < summary_counts.mandatory.digitized < summary_counts.mandatory.received


def test_the_main_job_seeds_the_demo_and_says_where_the_dashboard_is(tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    shutil.copy(SAMPLE, samples / SAMPLE.name)
    port = _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCR_")} | {"OCR_DATA_DIR": str(tmp_path / "var"), "COLUMNS": "200"}
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "ocr_service.cli", "serve", "--port", str(port), "--ingest", str(samples)],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True,
        )
        try:
            deadline = time.monotonic() + 300
            while "Digitization dashboard" not in log.read_text() or "whole province" not in log.read_text():
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
            text = log.read_text()
            assert re.search(r"demo data: \d+ DEMO- dossiers received 2023-01-\d\d to 2025-12-\d\d", text), text
            assert f"http://127.0.0.1:{port}/admin/digitization" in text
            signed = re.search(r"sign in as (\S+), below", text).group(1)  # type: ignore[union-attr]
            username, password = re.search(rf"admin\s*│\s*({re.escape(signed)})\s*│\s*(\S+)\s*│\s*the whole province", text).groups()  # type: ignore[union-attr]
            while not _ready(f"http://127.0.0.1:{port}"):
                assert time.monotonic() < deadline and server.poll() is None, log.read_text()
                time.sleep(0.3)
            token = httpx.post(f"http://127.0.0.1:{port}/v1/auth/login", json={"username": username, "password": password}).json()["token"]
            stats = httpx.get(
                f"http://127.0.0.1:{port}/v1/stats/digitization", params={"unit": "24", "from": "2023-01-01", "to": "2025-12-31"},
                headers={"Authorization": f"Bearer {token}"}, timeout=60,
            ).json()
            assert stats["summary"]["mandatory"]["received"] > 10_000
            page = httpx.get(f"http://127.0.0.1:{port}/admin/digitization", cookies={"ocr_session": token}, timeout=60)
            assert page.status_code == 200 and "Giám sát số hóa hồ sơ" in page.text
        finally:
            server.terminate()
            server.wait(timeout=30)
    # A second start finds the demo there and does not seed it again.
    again = subprocess.run(
        [sys.executable, "-m", "ocr_service.cli", "demo", "seed"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 1 and "already in the database" in again.stderr
