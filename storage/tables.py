"""ORM tables (SQLAlchemy 2). API schemas live apart, in ``ocr_service.api.schemas``.

Portable across PostgreSQL (service mode) and SQLite (embedded default): JSON columns, string
ids (UUID text), timezone-aware timestamps stored as UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_key: Mapped[str] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    page_count: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # While processing, the worker renews this lease; an expired lease means the worker died.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    record: Mapped["Record | None"] = relationship(back_populates="document", uselist=False)


class Record(Base):
    """The digitized output of a document: exactly one per document (unique ``document_id``)."""

    __tablename__ = "records"
    __table_args__ = (UniqueConstraint("document_id", name="uq_records_document_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    pages: Mapped[list[Any]] = mapped_column(JSON)
    page_count: Mapped[int] = mapped_column(Integer)
    ocred_pages: Mapped[list[Any]] = mapped_column(JSON)
    mean_confidence: Mapped[float | None] = mapped_column(Float)
    doc_type: Mapped[str | None] = mapped_column(String(64), index=True)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    citizen_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    text_key: Mapped[str] = mapped_column(String(255))
    hocr_key: Mapped[str] = mapped_column(String(255))
    pdf_key: Mapped[str] = mapped_column(String(255))
    pipeline_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # Human review (storage.reviews): the current version (1 = the OCR as read), whether a person
    # must look at it, how urgently, and who verified it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    review_status: Mapped[str] = mapped_column(String(16), default="not_required", index=True)
    review_priority: Mapped[int] = mapped_column(Integer, default=0)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_by: Mapped[str | None] = mapped_column(String(160))

    document: Mapped[Document] = relationship(back_populates="record")


class RecordVersion(Base):
    """One version of a record: who made it, when, what changed, and its derived files.

    Version 1 is the OCR as read; each correction adds one. A version's objects (text, hOCR,
    searchable PDF) are never overwritten, and ``fields`` is the fields as they were at it, so
    every earlier version stays recoverable.
    """

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("record_id", "version", name="uq_record_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    principal_kind: Mapped[str] = mapped_column(String(16))
    principal_id: Mapped[str] = mapped_column(String(36))
    principal_name: Mapped[str] = mapped_column(String(128))
    changes: Mapped[list[Any]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    text_key: Mapped[str] = mapped_column(String(255))
    hocr_key: Mapped[str] = mapped_column(String(255))
    pdf_key: Mapped[str] = mapped_column(String(255))
    review_status: Mapped[str] = mapped_column(String(16))


class ReviewFlag(Base):
    """Why a record needs review, one row per reason (the queue filters and ranks by these)."""

    __tablename__ = "review_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(64))


class ApiKey(Base):
    """A system's API key. Only a SHA-256 of the key is stored (keys are 256-bit random)."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- Service mode: units, procedures, dossiers, citizens, access ------------------------------


class Unit(Base):
    """One version of an administrative unit; (code, valid_from) identifies it (see storage.seed.units)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("code", "valid_from", name="uq_units_code_valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(16))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_code: Mapped[str | None] = mapped_column(String(16))


class Procedure(Base):
    __tablename__ = "procedures"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    returns_paper_result: Mapped[bool] = mapped_column(Boolean)
    level: Mapped[str] = mapped_column(String(16))
    result_title: Mapped[str | None] = mapped_column(String(255))


class Dossier(Base):
    """A hồ sơ received at a one-stop shop: what the citizen submits and what the office issues."""

    __tablename__ = "dossiers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    procedure_code: Mapped[str] = mapped_column(ForeignKey("procedures.code"))
    unit_code: Mapped[str] = mapped_column(String(16), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    applicant_id_number: Mapped[str] = mapped_column(String(12), index=True)
    status: Mapped[str] = mapped_column(String(16), default="received")
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    attachments: Mapped[list["DossierDocument"]] = relationship(back_populates="dossier", order_by="DossierDocument.created_at")
    procedure: Mapped[Procedure] = relationship()


class DossierDocument(Base):
    """A document attached to a dossier as a component (submitted) or result (issued); maybe reused."""

    __tablename__ = "dossier_documents"
    __table_args__ = (UniqueConstraint("dossier_id", "document_id", "role", name="uq_dossier_document_role"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    reused: Mapped[bool] = mapped_column(Boolean, default=False)
    reused_from_dossier_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")
    document: Mapped[Document] = relationship()


class CitizenLink(Base):
    """A record names a citizen (one document may name several people)."""

    __tablename__ = "citizen_links"
    __table_args__ = (UniqueConstraint("record_id", "id_number", name="uq_citizen_link"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    id_number: Mapped[str] = mapped_column(String(12), index=True)
    full_name: Mapped[str | None] = mapped_column(String(128))


class AccessLog(Base):
    """Every read of a citizen's records: who, when, which citizen, which records."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    principal_kind: Mapped[str] = mapped_column(String(16))
    principal_id: Mapped[str] = mapped_column(String(36))
    principal_name: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    citizen_id_number: Mapped[str] = mapped_column(String(12), index=True)
    record_ids: Mapped[list[Any]] = mapped_column(JSON)


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IdempotencyKey(Base):
    """A retried request with the same Idempotency-Key gets the first response, not a second upload."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("principal_id", "key", name="uq_idempotency_principal_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    principal_id: Mapped[str] = mapped_column(String(36))
    key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
