"""API schemas, separate from the ORM tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class PagePublic(BaseModel):
    index: int
    text: str
    mean_confidence: float | None
    ocred: bool
    width: int
    height: int
    dpi: int
    rotation: int
    skew_degrees: float
    preprocessing: list[str]
    warnings: list[str]


class RecordPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    text: str
    page_count: int
    ocred_pages: list[int]
    mean_confidence: float | None
    doc_type: str | None
    fields: dict[str, Any]
    citizen_ids: list[str]
    needs_review: bool
    pipeline_version: str
    pages: list[PagePublic]
    created_at: datetime


class DocumentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    sha256: str
    filename: str
    media_type: str | None
    size_bytes: int
    page_count: int | None
    status: str
    error_code: str | None
    error_message: str | None
    attempts: int
    created_at: datetime
    finished_at: datetime | None
    record: RecordPublic | None = None


class UploadAccepted(BaseModel):
    document_id: str
    status: str
    sha256: str
    duplicate: bool
    dossier_code: str | None = None
    role: str | None = None


class DossierCreate(BaseModel):
    code: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._\-/]+$")
    procedure_code: str
    unit_code: str | None = Field(default=None, description="Receiving unit; defaults to the caller's unit.")
    received_at: datetime | None = Field(default=None, description="ISO 8601; defaults to now.")
    applicant_id_number: str = Field(pattern=r"^\d{12}$", description="The applicant's 12-digit personal ID number.")


class AttachmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    document_id: str
    role: str
    reused: bool
    reused_from_dossier_id: str | None
    created_at: datetime
    status: str
    filename: str


class DossierPublic(BaseModel):
    id: str
    code: str
    procedure_code: str
    procedure_name: str
    unit_code: str
    received_at: datetime
    applicant_id_number: str
    status: str
    components: list[AttachmentPublic]
    results: list[AttachmentPublic]


class ReuseRequest(BaseModel):
    document_id: str
    role: Literal["component", "result"] = "component"


class CitizenDocument(BaseModel):
    document_id: str
    record_id: str
    filename: str
    doc_type: str | None
    fields: dict[str, Any]
    citizen_ids: list[str]
    page_count: int
    mean_confidence: float | None
    needs_review: bool
    dossiers: list[str]
    digitized_at: datetime


class CitizenDocuments(BaseModel):
    id_number: str
    documents: list[CitizenDocument]
