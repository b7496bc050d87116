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
    version: int = Field(description="1 is the OCR as read; each correction adds one.")
    review_status: Literal["needs_review", "not_required", "verified"]
    verified_at: datetime | None = None
    verified_by: str | None = None


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
    error_code: str | None = None


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
    review_status: str
    dossiers: list[str] = Field(description="Codes of the most recent dossiers (at most 20) the document belongs to, of those the caller may see.")
    dossier_count: int = Field(0, description="How many dossiers the caller may see the document in.")
    digitized_at: datetime


class CitizenDocuments(BaseModel):
    id_number: str
    documents: list[CitizenDocument]


# --- review and correction -----------------------------------------------------------------


class ReviewReason(BaseModel):
    category: Literal["id_number", "validation", "missing", "low_confidence", "unknown_type"]
    target: str = Field(description="the field path (citizens[0].id_number) or doc_type")
    reason: str = Field(description="low_confidence, id_sex_mismatch, missing, …")


class DossierRef(BaseModel):
    code: str
    unit_code: str
    received_at: datetime


class ReviewQueueItem(BaseModel):
    document_id: str
    record_id: str
    filename: str
    doc_type: str | None
    version: int
    priority: int
    reasons: list[ReviewReason]
    mean_confidence: float | None
    page_count: int
    dossiers: list[DossierRef]
    digitized_at: datetime


class ReviewQueue(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ReviewQueueItem]


class FieldCorrection(BaseModel):
    key: str = Field(max_length=200, description="field path: full_name, mother.full_name, citizens[0].id_number")
    value: str | int | None = Field(description="the right value; empty or null when the paper shows none")


class WordCorrection(BaseModel):
    page: int = Field(ge=0)
    index: int = Field(ge=0, description="the word's position in the page's words")
    text: str = Field(max_length=400)


class CorrectionRequest(BaseModel):
    expected_version: int = Field(ge=1, description="the version the corrections were made on (409 version_conflict if it is no longer the latest)")
    fields: list[FieldCorrection] = Field(default_factory=list, max_length=500)
    words: list[WordCorrection] = Field(default_factory=list, max_length=5000)
    comment: str | None = Field(default=None, max_length=2000)


class WordPublic(BaseModel):
    index: int = Field(description="what a word correction names")
    text: str
    bbox: list[int] = Field(description="[x0, y0, x1, y1] in page pixels")
    confidence: float = Field(description="Tesseract's, 0–100 (100: born digital, or corrected by a person); -1 unknown")


class PageWords(BaseModel):
    index: int
    width: int
    height: int
    dpi: int
    ocred: bool = Field(description="False for a born-digital page: its words are the PDF's own and cannot be corrected")
    words: list[WordPublic]


class RecordVersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    at: datetime
    principal_kind: str
    principal_name: str
    changes: list[dict[str, Any]]
    comment: str | None
    review_status: str


class RecordReviewState(BaseModel):
    document_id: str
    record_id: str
    version: int
    review_status: str
    verified_at: datetime | None
    verified_by: str | None


class RecordHistory(RecordReviewState):
    versions: list[RecordVersionPublic]


class CorrectionSaved(RecordReviewState):
    changes: list[dict[str, Any]]
    citizen_ids: list[str]
