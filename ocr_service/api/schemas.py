"""API schemas, separate from the ORM tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


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
