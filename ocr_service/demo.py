"""Demo data for the digitization dashboard: months of dossier flow across Bắc Giang's units.

Honest by construction:
- every dossier is marked: code ``DEMO-<seed>-<n>``, ``created_by`` ``demo-seed``, synthetic
  applicants (well-formed ID numbers of made-up people);
- no OCR is pretended. A digitized component or result is a link to a document this service
  really digitized (status done, with its record: the committed samples ``make run`` ingests),
  attached to many dossiers as the same bytes would be; a reused component is such a link marked
  reused, from an earlier demo dossier that had it; records flagged for review are not used (they
  would reach every unit's review queue). A failed one is a file with a real defect (empty,
  truncated, not a scan) passed through the real intake, which rejects it with its code and keeps
  it in quarantine. A dossier kept on paper simply has no attachment;
- deterministic for a seed (same dossiers, dates, units, procedures and outcomes), and refused
  (``Conflict``) when demo dossiers are already there.

The flow: ``per_month`` dossiers a month (fewer around Tết, slowly growing), received on working
days in office hours, split by level as one-stop shops see them (commune 60 %, district 30 %,
province 10 %; after 2025-07-01, commune 85 %, province 15 %), each with a procedure of its level.
Digitization is rare before a level's rollout date and climbs after it, with lagging and leading
districts; reuse grows with the stock of digitized data; some results are never attached.
"""

from __future__ import annotations

import random
import tempfile
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from ocr_service.domain import VIETNAM, DocumentStatus, Limits, ReviewStatus
from ocr_service.errors import Conflict, NotFound
from ocr_service.intake import ingest_file
from samples.people import cccd_for
from storage.db import transaction
from storage.objects import ObjectStore
from storage.seed import procedures as procedure_seed
from storage.seed import units as unit_seed
from storage.seed.units import REFORM_2025, ROLLOUT_DATES
from storage.tables import Document, Dossier, DossierDocument, Record
from workers.queue import DocumentQueue

PREFIX = "DEMO-"
CREATED_BY = "demo-seed"
DEFAULT_START = date(2023, 1, 1)  # before the commune rollout (2023-06-01)
DEFAULT_MONTHS = 36  # to the end of 2025: across the 2025-07-01 reorganization
DEFAULT_PER_MONTH = 600
_LEVEL_SHARES_BEFORE = (("commune", 0.60), ("district", 0.30), ("province", 0.10))
_LEVEL_SHARES_AFTER = (("commune", 0.85), ("province", 0.15))
_SEASON = {1: 0.85, 2: 0.7, 3: 1.05, 8: 1.05, 12: 1.1}  # Tết in January/February; year-end rush
_FAILURE_RATE = 0.015  # a scan that turns out unreadable


@dataclass(frozen=True, slots=True)
class DemoPlan:
    start: date = DEFAULT_START
    months: int = DEFAULT_MONTHS
    per_month: int = DEFAULT_PER_MONTH
    seed: int = 2026


@dataclass(frozen=True, slots=True)
class DemoSummary:
    dossiers: int
    attachments: int
    reused: int
    failed_documents: int
    first_day: date
    last_day: date


def demo_dossier_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Dossier).where(Dossier.code.like(f"{PREFIX}%"))) or 0)


def _digitized_sources(session: Session) -> tuple[list[str], list[str]]:
    """(components, results): documents really digitized here and not waiting for review (none
    flagged, or verified by a reviewer), those naming no citizen first. A record in the review
    queue is left alone: attached to demo dossiers in every unit, it would enter every unit's queue."""
    rows = session.execute(
        select(Document.id, Record.doc_type, Record.citizen_ids)
        .join(Record, Record.document_id == Document.id)
        .where(Document.status == DocumentStatus.DONE.value, Record.review_status != ReviewStatus.NEEDS_REVIEW.value)
        .order_by(Document.created_at, Document.id)
    ).all()
    if not rows:
        raise NotFound("No digitized document out of the review queue to attach: ingest some scans first (make run ingests samples/documents).")
    anonymous = [r for r in rows if not r.citizen_ids]
    pool = anonymous if len(anonymous) >= 3 else rows
    results = [r.id for r in pool if r.doc_type in ("decision", "birth_certificate", "marriage_certificate", "death_extract")]
    return [r.id for r in pool], results or [r.id for r in pool]


class _Failures:
    """Files with real defects, each different, rejected by the real intake (and kept in quarantine)."""

    def __init__(self, rng: random.Random, *, sessions: sessionmaker[Session], store: ObjectStore, queue: DocumentQueue, limits: Limits, scratch: Path) -> None:
        self.rng, self.sessions, self.store, self.queue, self.limits, self.scratch = rng, sessions, store, queue, limits, scratch
        self.count = 0

    def new(self) -> str:
        self.count += 1
        kind = self.rng.choice(("corrupt", "corrupt", "not_a_scan", "empty"))
        path = self.scratch / f"demo-{self.count:05d}"
        if kind == "corrupt":  # a PNG cut off after its header: the scanner's upload was interrupted
            body = zlib.compress(self.rng.randbytes(4096))
            path = path.with_suffix(".png")
            path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + body[:600])
        elif kind == "not_a_scan":
            path = path.with_suffix(".docx")
            path.write_bytes(b"PK\x03\x04" + self.rng.randbytes(300))
        else:
            path = path.with_suffix(".pdf")
            path.write_bytes(b"")
        intake = ingest_file(path, filename=f"demo-{path.name}", sessions=self.sessions, store=self.store, queue=self.queue, limits=self.limits)
        if intake.error is None:  # never expected: these files are built to be rejected
            raise AssertionError(f"demo file {path.name} was accepted by the intake")
        return intake.document_id


def _working_day(rng: random.Random, first: date, last: date) -> date | None:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5 or (d.weekday() == 5 and rng.random() < 0.3)]
    return rng.choice(weekdays) if weekdays else None


def _month_range(start: date, index: int) -> tuple[date, date]:
    months = start.year * 12 + start.month - 1 + index
    first = date(months // 12, months % 12 + 1, 1)
    nxt = date((months + 1) // 12, (months + 1) % 12 + 1, 1)
    return (max(first, start) if index == 0 else first), nxt - timedelta(days=1)


@lru_cache(maxsize=4096)
def _units_of(level: str, day: date) -> tuple[unit_seed.UnitSeed, ...]:
    """Bắc Giang's units of a level on a day (after 2025-07-01: the new Bắc Ninh's, in this seed)."""
    found = []
    for unit in unit_seed.units_valid_on(day):
        if unit.level != level:
            continue
        chain = {u.code for u in unit_seed.ancestors(unit.code, day)} | {unit.code}
        if "24" in chain:
            found.append(unit)
    return tuple(found)


@lru_cache(maxsize=4096)
def _path(code: str, day: date) -> tuple[unit_seed.UnitSeed, ...]:
    return (*reversed(unit_seed.ancestors(code, day)), unit_seed.unit_on(code, day))  # type: ignore[return-value]


def seed_demo(
    *,
    sessions: sessionmaker[Session],
    store: ObjectStore,
    queue: DocumentQueue,
    limits: Limits,
    plan: DemoPlan,
    today: date,
) -> DemoSummary:
    rng = random.Random(plan.seed)
    people = np.random.default_rng(plan.seed)
    with transaction(sessions) as session:
        existing = demo_dossier_count(session)
        if existing:
            raise Conflict(f"{existing} demo dossiers ({PREFIX}…) are already in the database; the demo is seeded once.")
        components, results = _digitized_sources(session)
    procedures_by_level: dict[str, list[procedure_seed.ProcedureSeed]] = {}
    for proc in procedure_seed.all_procedures():
        procedures_by_level.setdefault(proc.level, []).append(proc)
    # A district's (after 2025: a commune's) own pace: some lag, some lead.
    pace: dict[str, float] = {}

    dossier_rows: list[dict] = []
    link_rows: list[dict] = []
    holders: dict[str, str] = {}  # document id -> the first demo dossier that attached it
    reused = 0
    days: list[date] = []
    with tempfile.TemporaryDirectory(prefix="ocr-demo-") as scratch:
        failures = _Failures(rng, sessions=sessions, store=store, queue=queue, limits=limits, scratch=Path(scratch))
        for month in range(plan.months):
            first, last = _month_range(plan.start, month)
            if first > today:
                break
            last = min(last, today)
            volume = round(plan.per_month * _SEASON.get(first.month, 1.0) * (1 + 0.01 * month) * rng.uniform(0.92, 1.08))
            for _ in range(volume):
                day = _working_day(rng, first, last)
                if day is None:
                    continue
                shares = _LEVEL_SHARES_BEFORE if day < REFORM_2025 else _LEVEL_SHARES_AFTER
                level = rng.choices([s[0] for s in shares], weights=[s[1] for s in shares])[0]
                unit = rng.choice(_units_of(level, day))
                offered = procedures_by_level[level] + (procedures_by_level["district"] if level == "commune" and day >= REFORM_2025 else [])
                procedure = rng.choice(offered)
                received = datetime.combine(day, time(7, 30), VIETNAM) + timedelta(minutes=rng.randrange(0, 9 * 60))

                path = _path(unit.code, day)
                pace_key = path[1].code if len(path) > 1 else unit.code
                lag = pace.setdefault(pace_key, rng.uniform(-0.2, 0.06))
                since = (day - ROLLOUT_DATES[level]).days / 30.4
                if since < 0:
                    p_scan, p_reuse = 0.3, 0.03
                else:
                    p_scan = min(0.97, 0.6 + 0.025 * since + lag)
                    p_reuse = min(0.45, 0.08 + 0.012 * since + lag / 2)

                dossier_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                index = len(dossier_rows) + 1
                birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
                dossier_rows.append(
                    dict(
                        id=dossier_id,
                        code=f"{PREFIX}{plan.seed}-{index:06d}",
                        procedure_code=procedure.code,
                        unit_code=unit.code,
                        received_at=received.astimezone(UTC),
                        applicant_id_number=cccd_for(birth, rng.choice(("Nam", "Nữ")), "024", people),
                        status="received",
                        created_by=CREATED_BY,
                        created_at=received.astimezone(UTC),
                    )
                )
                days.append(day)

                def link(document_id: str, role: str, minutes: int, *, reuse_from: str | None = None) -> None:
                    link_rows.append(
                        dict(
                            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                            dossier_id=dossier_id,
                            document_id=document_id,
                            role=role,
                            reused=reuse_from is not None,
                            reused_from_dossier_id=reuse_from,
                            created_at=(received + timedelta(minutes=minutes)).astimezone(UTC),
                        )
                    )

                scanned = rng.random() < p_scan
                if scanned:
                    wanted = min(len(procedure.typical_components), len(components))
                    chosen = rng.sample(components, wanted)
                    for i, document_id in enumerate(chosen):
                        if i == 0 and document_id in holders and rng.random() < p_reuse:
                            link(document_id, "component", 1, reuse_from=holders[document_id])
                            reused += 1
                        elif rng.random() < _FAILURE_RATE:
                            link(failures.new(), "component", 2 + i)
                        else:
                            link(document_id, "component", 2 + i)
                            holders.setdefault(document_id, dossier_id)
                if procedure.returns_paper_result and rng.random() < (min(0.97, p_scan + 0.05) if scanned else 0.25):
                    minutes = rng.randrange(60, 60 * 24 * 10)
                    link(failures.new() if rng.random() < _FAILURE_RATE else rng.choice(results), "result", minutes)

        with transaction(sessions) as session:
            _insert(session, Dossier, dossier_rows)
            _insert(session, DossierDocument, link_rows)
        failed = failures.count
    return DemoSummary(
        dossiers=len(dossier_rows),
        attachments=len(link_rows),
        reused=reused,
        failed_documents=failed,
        first_day=min(days) if days else plan.start,
        last_day=max(days) if days else plan.start,
    )


def _insert(session: Session, table: type, rows: Sequence[dict], *, chunk: int = 2000) -> None:
    for i in range(0, len(rows), chunk):
        session.execute(insert(table), list(rows[i : i + chunk]))
