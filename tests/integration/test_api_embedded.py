"""The API on the embedded default: SQLite, local-disk objects, in-process worker."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bench.metrics import score
from ocr_service.api.app import create_app
from ocr_service.config import Settings
from storage import repository as repo
from storage.db import transaction
from tests.conftest import DECISION_LINES

pytestmark = pytest.mark.integration


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "var", ocr_processes=1, database_url=None, redis_url=None, s3_endpoint=None)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture()
def auth(client: TestClient) -> dict[str, str]:
    state = client.app.state.ocr  # type: ignore[attr-defined]
    with transaction(state.sessions) as session:
        _row, key = repo.create_api_key(session, name="test", role="clerk", unit_code=None)
    return {"Authorization": f"Bearer {key}"}


def _wait_done(client: TestClient, document_id: str, headers: dict[str, str], timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/v1/documents/{document_id}", headers=headers).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"document {document_id} did not finish")


def test_upload_process_and_fetch(client: TestClient, auth: dict[str, str], page_png: Path) -> None:
    data = page_png.read_bytes()
    response = client.post("/v1/documents", headers=auth, files={"file": ("hồ sơ.png", data, "image/png")})
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "queued" and accepted["sha256"] == hashlib.sha256(data).hexdigest()

    body = _wait_done(client, accepted["document_id"], auth)
    assert body["status"] == "done", body
    assert body["record"]["page_count"] == 1 and body["record"]["ocred_pages"] == [0]
    assert score("\n".join(DECISION_LINES), body["record"]["text"]).cer < 0.02

    doc_id = accepted["document_id"]
    assert client.get(f"/v1/documents/{doc_id}/original", headers=auth).content == data
    assert score("\n".join(DECISION_LINES), client.get(f"/v1/documents/{doc_id}/text", headers=auth).text).cer < 0.02
    assert client.get(f"/v1/documents/{doc_id}/pdf", headers=auth).content.startswith(b"%PDF-")
    assert "ocrx_word" in client.get(f"/v1/documents/{doc_id}/hocr", headers=auth).text

    again = client.post("/v1/documents", headers=auth, files={"file": ("copy.png", data, "image/png")}).json()
    assert again["duplicate"] is True and again["document_id"] == doc_id


def test_bad_upload_rejected_with_code_and_quarantined(client: TestClient, auth: dict[str, str], tmp_path: Path) -> None:
    response = client.post("/v1/documents", headers=auth, files={"file": ("a.pdf", b"not a scan at all", "application/pdf")})
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_type"
    quarantined = list((tmp_path / "var" / "objects" / "quarantine").rglob("*"))
    assert any(p.is_file() and p.read_bytes() == b"not a scan at all" for p in quarantined)


def test_authentication_required(client: TestClient) -> None:
    assert client.get("/v1/documents/x").status_code == 401
    bad = client.get("/v1/documents/x", headers={"Authorization": "Bearer ocrk_wrong"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthenticated"


def test_role_checked_on_upload(client: TestClient) -> None:
    state = client.app.state.ocr  # type: ignore[attr-defined]
    with transaction(state.sessions) as session:
        _row, key = repo.create_api_key(session, name="qa", role="qa", unit_code=None)
    response = client.post("/v1/documents", headers={"Authorization": f"Bearer {key}"}, files={"file": ("a.png", b"x", "image/png")})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_unknown_document_404_and_health(client: TestClient, auth: dict[str, str]) -> None:
    missing = client.get("/v1/documents/00000000-0000-0000-0000-000000000000", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready").json()
    assert ready["status"] == "ok" and set(ready["checks"]) == {"database", "queue", "object_store"}


def test_the_fields_schema_is_published_and_matches_the_docs(client: TestClient) -> None:
    import json

    from extractors.base import SCHEMA_VERSION

    response = client.get("/v1/schema/fields")  # public: it names no citizen
    assert response.status_code == 200 and response.headers["etag"] == f'"fields-{SCHEMA_VERSION}"'
    body = response.json()
    assert body["schema_version"] == SCHEMA_VERSION
    assert {"qr_payload", "dossier_code", "procedure_code"} <= set(body["$defs"]["birth_certificate"]["properties"])
    docs = Path(__file__).resolve().parents[2] / "docs" / "extraction-fields.schema.json"
    assert json.loads(docs.read_text(encoding="utf-8")) == body, "regenerate docs/extraction-fields.schema.json (README)"
