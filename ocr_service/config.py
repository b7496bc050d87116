"""Settings, read once from the environment (prefix ``OCR_``) or a ``.env`` file.

``get_settings()`` is cached and injected where needed; nothing here runs at import time.
Pipeline stages never see this object: they receive the small frozen options built by
``Settings.limits()`` and ``Settings.ocr_options()``.

Embedded default: with no ``OCR_DATABASE_URL``, ``OCR_REDIS_URL`` or ``OCR_S3_ENDPOINT`` the
service runs on SQLite, a local-disk object store and an in-process worker under ``data_dir``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ocr_service.domain import DIGITIZATION_INDICATORS, Limits, OcrOptions

_UNSAFE_SECRETS = {"", "changeme", "secret", "change-me"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OCR_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Embedded database, object store and scratch space.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite under data_dir when unset.")
    redis_url: str | None = Field(default=None, description="RQ queue; in-process worker when unset.")
    queue_name: str = "ocr"

    s3_endpoint: str | None = Field(default=None, description="host:port of an S3-compatible server; local disk when unset.")
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_bucket: str = "ocr-documents"
    s3_secure: bool = True
    s3_region: str | None = None

    max_file_mb: int = 250
    max_pages: int = 500
    max_image_megapixels: int = 120

    language: str = "vie"
    dpi: int = 300
    tesseract_timeout_seconds: float = 180.0
    ocr_processes: int = Field(default_factory=lambda: os.cpu_count() or 1)

    secret_key: str = Field(default="", description="Signs staff sessions. Required in service mode.")
    session_ttl_minutes: int = 8 * 60

    lease_seconds: int = Field(default=60, description="A processing document whose worker stops renewing this lease is re-queued.")
    fanout_pages: int = Field(default=16, description="PDFs with more pages are split into page-range jobs (RQ).")

    stats_max_points: dict[str, float] = Field(
        default_factory=dict,
        description='Max points per 766 indicator, JSON: {"dossier_digitization": 8, ...}; unset ones keep the default 10.',
    )
    metrics_allow_networks: list[str] = Field(
        default_factory=list,
        description='Networks (JSON list of CIDRs) that may scrape /metrics without a key, e.g. ["10.0.0.0/8"].',
    )

    api_host: str = "127.0.0.1"
    api_port: int = 8000

    @field_validator("stats_max_points")
    @classmethod
    def _check_max_points(cls, points: dict[str, float]) -> dict[str, float]:
        for key, value in points.items():
            if key not in DIGITIZATION_INDICATORS:
                raise ValueError(f"OCR_STATS_MAX_POINTS: unknown indicator {key!r} (one of {', '.join(DIGITIZATION_INDICATORS)})")
            if value <= 0:
                raise ValueError(f"OCR_STATS_MAX_POINTS: the max points of {key} must be positive")
        return points

    @model_validator(mode="after")
    def _check_secrets(self) -> "Settings":
        if self.service_mode and self.secret_key.strip().lower() in _UNSAFE_SECRETS:
            raise ValueError("OCR_SECRET_KEY must be set to a long random value in service mode.")
        if self.s3_endpoint and not (self.s3_access_key and self.s3_secret_key):
            raise ValueError("OCR_S3_ACCESS_KEY and OCR_S3_SECRET_KEY are required with OCR_S3_ENDPOINT.")
        return self

    @property
    def service_mode(self) -> bool:
        return bool(self.redis_url or self.s3_endpoint or (self.database_url and not self.database_url.startswith("sqlite")))

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'ocr.sqlite3').resolve()}"

    @property
    def objects_dir(self) -> Path:
        return self.data_dir / "objects"

    def limits(self) -> Limits:
        return Limits(
            max_bytes=self.max_file_mb * 1024 * 1024,
            max_pages=self.max_pages,
            max_pixels=self.max_image_megapixels * 1_000_000,
        )

    def ocr_options(self) -> OcrOptions:
        return OcrOptions(language=self.language, dpi=self.dpi, timeout_seconds=self.tesseract_timeout_seconds)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
