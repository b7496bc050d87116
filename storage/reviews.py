"""The human side of records: why one needs review, how urgently, its versions, the QA queue.

Review reasons are ``"target: reason"`` strings, as extraction writes them
(``"citizens[0].id_number: id_sex_mismatch"``, ``"full_name: missing"``), sorted into the
categories the queue filters by:

    id_number       an ID number is flagged: unreadable, malformed, disagreeing with the birth
                    date or sex printed beside it, read with low confidence, or linked by
                    another record to another name (``id_name_conflict``)
    validation      another field failed a check (a date in words that disagrees, a title not
                    in the list, junk characters …)
    missing         a required field was not found
    low_confidence  a field read with a low confidence
    unknown_type    the document type was not recognized

The priority is the sum of the weights of the categories present plus 2 per reason (at most
ten counted): a doubtful ID number (a wrong citizen link) comes before a faint word.

Versions: version 1 is the OCR as read; every correction adds one (``commit_version``), with
an optimistic check: it names the version it edited, and a stale one is a ``VersionConflict``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ocr_service.domain import ReviewStatus
from ocr_service.errors import VersionConflict
from storage.tables import Document, Dossier, DossierDocument, Record, RecordVersion, ReviewFlag

WEIGHTS = {"id_number": 100, "validation": 30, "missing": 20, "low_confidence": 10, "unknown_type": 5}
CATEGORIES = tuple(WEIGHTS)
_PER_REASON, _MAX_REASONS = 2, 10


@dataclass(frozen=True, slots=True)
class Flag:
    category: str
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.target}: {self.reason}" if self.target else self.reason


class Actor(Protocol):
    """Who makes a version: a staff account, an API key, or the OCR itself."""

    kind: str
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class SystemActor:
    kind: str = "system"
    id: str = "ocr"
    name: str = "ocr"


def categorize(target: str, reason: str) -> str:
    if reason == "missing":
        return "missing"
    if target == "doc_type":
        return "unknown_type"
    if target.rsplit(".", 1)[-1].endswith("id_number"):
        return "id_number"
    if reason == "low_confidence":
        return "low_confidence"
    return "validation"


def flag_of(text: str) -> Flag:
    target, sep, reason = text.rpartition(": ")
    if not sep:
        target, reason = "", text
    return Flag(categorize(target, reason), target[:128], reason[:64])


def flags_of(reasons: Iterable[str]) -> list[Flag]:
    return list(dict.fromkeys(flag_of(r) for r in reasons))


def flags_of_fields(fields: dict[str, Any], *, doc_type: str | None) -> list[Flag]:
    """The flags the fields themselves carry (their ``review_reasons``), and an unknown type."""
    reasons: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict) and "value" in value and "needs_review" in value:
            reasons.extend(f"{path}: {r}" for r in value.get("review_reasons", ()))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk(fields, "")
    if doc_type == "other":
        reasons.append("doc_type: unknown")
    return flags_of(reasons)


def priority(flags: Sequence[Flag]) -> int:
    categories = {f.category for f in flags}
    return sum(WEIGHTS.get(c, 0) for c in categories) + _PER_REASON * min(len(flags), _MAX_REASONS)


# --- writing -------------------------------------------------------------------------------------


def start_review(session: Session, record: Record, *, flags: Sequence[Flag], actor: Actor = SystemActor()) -> RecordVersion:
    """After OCR wrote ``record``: its review status, priority and flags, and its version row.

    A new record is version 1. A reprocessed one (the OCR run again) gets the next version, so
    the history keeps what reviewers did before.
    """
    last = session.scalar(select(func.max(RecordVersion.version)).where(RecordVersion.record_id == record.id))
    status = ReviewStatus.NEEDS_REVIEW if (flags or record.needs_review) else ReviewStatus.NOT_REQUIRED
    record.version = (last or 0) + 1
    record.review_status = status.value
    record.review_priority = priority(flags)
    record.verified_at = None
    record.verified_by = None
    replace_flags(session, record_id=record.id, flags=flags)
    row = RecordVersion(
        record_id=record.id,
        version=record.version,
        principal_kind=actor.kind,
        principal_id=actor.id,
        principal_name=actor.name,
        changes=[] if last is None else [{"kind": "reprocessed"}],
        fields=record.fields,
        text_key=record.text_key,
        hocr_key=record.hocr_key,
        pdf_key=record.pdf_key,
        review_status=status.value,
    )
    session.add(row)
    session.flush()
    return row


def replace_flags(session: Session, *, record_id: str, flags: Sequence[Flag]) -> None:
    for old in session.scalars(select(ReviewFlag).where(ReviewFlag.record_id == record_id)):
        session.delete(old)
    session.flush()
    for f in dict.fromkeys(flags):
        session.add(ReviewFlag(record_id=record_id, category=f.category, target=f.target, reason=f.reason))
    session.flush()


def commit_version(
    session: Session,
    *,
    record_id: str,
    expected_version: int,
    actor: Actor,
    at: datetime,
    changes: list[dict[str, Any]],
    comment: str | None,
    values: dict[str, Any],
) -> RecordVersion:
    """Make version ``expected_version + 1`` of the record, only if it is still at ``expected_version``.

    ``values`` are the record's new columns (text, pages, fields, keys …). The check is in the
    UPDATE itself (``WHERE version = expected``), so two reviewers saving at once cannot both
    win, on SQLite as on PostgreSQL; the version row's unique (record, version) guards it twice.
    """
    new_version = expected_version + 1
    status = ReviewStatus.VERIFIED.value
    result = session.execute(
        update(Record)
        .where(Record.id == record_id, Record.version == expected_version)
        .values(
            version=new_version,
            review_status=status,
            review_priority=0,
            needs_review=False,
            verified_at=at,
            verified_by=f"{actor.kind}:{actor.name}",
            updated_at=at,
            **values,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        current = session.scalar(select(Record.version).where(Record.id == record_id))
        raise VersionConflict(
            f"The record is at version {current}, not {expected_version}: someone saved it since. Reload it and correct again."
        )
    row = RecordVersion(
        record_id=record_id,
        version=new_version,
        at=at,
        principal_kind=actor.kind,
        principal_id=actor.id,
        principal_name=actor.name,
        changes=changes,
        comment=comment,
        fields=values["fields"],
        text_key=values["text_key"],
        hocr_key=values["hocr_key"],
        pdf_key=values["pdf_key"],
        review_status=status,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:
        raise VersionConflict(f"Version {new_version} of the record was saved by someone else. Reload it and correct again.") from exc
    replace_flags(session, record_id=record_id, flags=[])
    return row


# --- reading -------------------------------------------------------------------------------------


def versions_of(session: Session, record_id: str) -> Sequence[RecordVersion]:
    return session.scalars(select(RecordVersion).where(RecordVersion.record_id == record_id).order_by(RecordVersion.version)).all()


def version_of(session: Session, record_id: str, version: int) -> RecordVersion | None:
    return session.scalars(
        select(RecordVersion).where(RecordVersion.record_id == record_id, RecordVersion.version == version)
    ).one_or_none()


def flags_by_record(session: Session, record_ids: Sequence[str]) -> dict[str, list[Flag]]:
    found: dict[str, list[Flag]] = {r: [] for r in record_ids}
    if record_ids:
        rows = session.scalars(select(ReviewFlag).where(ReviewFlag.record_id.in_(record_ids)).order_by(ReviewFlag.id))
        for row in rows:
            found[row.record_id].append(Flag(row.category, row.target, row.reason))
    return found


def queue(
    session: Session,
    *,
    unit_codes: frozenset[str] | None,
    doc_type: str | None = None,
    category: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[tuple[Record, Document]]]:
    """Records needing review, highest priority first (oldest first among equals), and how many there are.

    ``unit_codes`` None means every record (province-wide); otherwise only records of a
    document attached to a dossier of one of these units.
    """
    query = (
        select(Record, Document)
        .join(Document, Document.id == Record.document_id)
        .where(Record.review_status == ReviewStatus.NEEDS_REVIEW.value)
    )
    if unit_codes is not None:
        in_units = (
            select(DossierDocument.id)
            .join(Dossier, Dossier.id == DossierDocument.dossier_id)
            .where(DossierDocument.document_id == Document.id, Dossier.unit_code.in_(sorted(unit_codes)))
        )
        query = query.where(exists(in_units))
    if doc_type:
        query = query.where(Record.doc_type == doc_type)
    if category:
        query = query.where(exists(select(ReviewFlag.id).where(ReviewFlag.record_id == Record.id, ReviewFlag.category == category)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Record.review_priority.desc(), Record.created_at.asc(), Record.id).limit(limit).offset(offset)
    ).all()
    return total, [(row[0], row[1]) for row in rows]


def dossiers_of_document(session: Session, document_id: str) -> Sequence[tuple[str, str, datetime]]:
    """(code, unit code, received_at) of every dossier the document is attached to, oldest first."""
    rows = session.execute(
        select(Dossier.code, Dossier.unit_code, Dossier.received_at)
        .join(DossierDocument, DossierDocument.dossier_id == Dossier.id)
        .where(DossierDocument.document_id == document_id)
        .order_by(Dossier.received_at)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]
