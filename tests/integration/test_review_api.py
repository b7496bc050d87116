"""QA review and correction through the API, on both backends (embedded, and PostgreSQL + S3 + RQ).

A decision names a woman ("bà") with a man's ID number: extraction flags it and does not link
it. A QA reviewer of the unit corrects the number (field and OCR word); the record becomes
version 2, verified, linked, with new text, hOCR and searchable PDF; version 1 stays.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import unicodedata
import uuid

import pytest
from PIL import Image

from storage import dossiers as dossier_repo
from storage.db import transaction
from tests.integration.test_service import LUC_NAM, TAN_SOI, YEN_THE, Backend, _dossier, _png, _upload, backend  # noqa: F401 - fixture

pytestmark = pytest.mark.integration

WRONG_ID = "024090004321"  # synthetic: a man born 1990 (century/sex digit 0)
RIGHT_ID = "024190004321"  # the same with the digit of a woman born 1990
LINES = (
    "QUYẾT ĐỊNH",
    "Về việc hỗ trợ kinh phí cho hộ gia đình khó khăn",
    "Điều 1. Hỗ trợ bà Trần Thị Lan, sinh ngày 04/07/1990,",
    f"số định danh cá nhân: {WRONG_ID}, trú tại xã Tân Sỏi.",
)


def _pdftotext(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        return unicodedata.normalize("NFC", subprocess.run(["pdftotext", "-enc", "UTF-8", fh.name, "-"], capture_output=True, text=True, check=True).stdout)


def _digitized(b: Backend, clerk: dict[str, str]) -> str:
    code = _dossier(b, clerk, unit=TAN_SOI)
    document_id = _upload(b, clerk, code, _png(LINES, seed=uuid.uuid4().int % 200 + 20)).json()["document_id"]
    body = b.wait(document_id, clerk)
    assert body["status"] == "done", body
    return document_id


def test_queue_correct_history_and_outputs(backend: Backend) -> None:
    b, client = backend, backend.client
    clerk = b.staff("clerk", YEN_THE)
    qa = b.staff("qa", YEN_THE)
    document_id = _digitized(b, clerk)

    record = client.get(f"/v1/documents/{document_id}", headers=qa).json()["record"]
    assert (record["version"], record["review_status"], record["citizen_ids"]) == (1, "needs_review", [])

    # The queue: flagged for its ID number, found by that reason, not by another type.
    queue = client.get("/v1/review/queue", headers=qa, params={"reason": "id_number"}).json()
    item = next(i for i in queue["items"] if i["document_id"] == document_id)
    assert {"category": "id_number", "target": "citizens[0].id_number", "reason": "id_sex_mismatch"} in item["reasons"]
    assert item["dossiers"][0]["unit_code"] == TAN_SOI and item["priority"] >= 100
    assert client.get("/v1/review/queue", headers=qa, params={"doc_type": "birth_certificate"}).json()["items"] == []
    assert document_id in [i["document_id"] for i in client.get("/v1/review/queue", headers=qa, params={"unit": TAN_SOI}).json()["items"]]
    assert client.get("/v1/review/queue", headers=qa, params={"unit": LUC_NAM}).json()["items"] == []
    assert client.get("/v1/review/queue", headers=qa, params={"reason": "nonsense"}).status_code == 422
    assert client.get("/v1/review/queue", headers=clerk).status_code == 403

    words = client.get(f"/v1/documents/{document_id}/pages/0/words", headers=qa).json()
    index = next(w["index"] for w in words["words"] if w["text"].startswith(WRONG_ID))

    # A correction that leaves the ID number disagreeing with the sex is refused, with details.
    refused = client.post(f"/v1/documents/{document_id}/corrections", headers=qa, json={"expected_version": 1, "fields": []})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_correction"
    assert refused.json()["error"]["details"] == [{"target": "citizens[0].id_number", "problem": "id_sex_mismatch"}]
    assert client.post(f"/v1/documents/{document_id}/corrections", headers=clerk, json={"expected_version": 1}).status_code == 403

    new_name = unicodedata.normalize("NFD", "Trần Thị Lành")  # typed decomposed: stored NFC
    saved = client.post(
        f"/v1/documents/{document_id}/corrections",
        headers=qa,
        json={
            "expected_version": 1,
            "fields": [{"key": "citizens[0].id_number", "value": RIGHT_ID}, {"key": "citizens[0].full_name", "value": new_name}],
            "words": [{"page": 0, "index": index, "text": f"{RIGHT_ID},"}],
            "comment": "Số định danh đọc sai một chữ số",
        },
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert (body["version"], body["review_status"], body["citizen_ids"]) == (2, "verified", [RIGHT_ID])
    assert body["verified_by"].startswith("staff:qa-")

    stale = client.post(
        f"/v1/documents/{document_id}/corrections", headers=qa, json={"expected_version": 1, "fields": [{"key": "citizens[0].full_name", "value": "Trần Thị Lan"}]}
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "version_conflict"

    # The record, its history, its citizen link, its outputs.
    record = client.get(f"/v1/documents/{document_id}", headers=qa).json()["record"]
    assert record["version"] == 2 and record["review_status"] == "verified" and record["needs_review"] is False
    person = record["fields"]["citizens"][0]
    assert person["full_name"]["value"] == unicodedata.normalize("NFC", "Trần Thị Lành") and person["id_number"]["value"] == RIGHT_ID
    assert RIGHT_ID in record["text"] and WRONG_ID not in record["text"]

    history = client.get(f"/v1/documents/{document_id}/history", headers=qa).json()
    assert [v["version"] for v in history["versions"]] == [1, 2]
    first, second = history["versions"]
    assert first["principal_kind"] == "system" and first["changes"] == []
    assert second["principal_kind"] == "staff" and second["principal_name"].startswith("qa-") and second["comment"] == "Số định danh đọc sai một chữ số"
    assert {"kind": "field", "target": "citizens[0].id_number", "old": WRONG_ID, "new": RIGHT_ID} in second["changes"]
    assert {"kind": "word", "target": {"page": 0, "index": index}, "old": f"{WRONG_ID},", "new": f"{RIGHT_ID},"} in second["changes"]

    assert RIGHT_ID in client.get(f"/v1/documents/{document_id}/text", headers=qa).text
    assert WRONG_ID in client.get(f"/v1/documents/{document_id}/text", headers=qa, params={"version": 1}).text
    assert f">{RIGHT_ID},<" in client.get(f"/v1/documents/{document_id}/hocr", headers=qa).text
    new_pdf = _pdftotext(client.get(f"/v1/documents/{document_id}/pdf", headers=qa).content)
    old_pdf = _pdftotext(client.get(f"/v1/documents/{document_id}/pdf", headers=qa, params={"version": 1}).content)
    assert RIGHT_ID in new_pdf and WRONG_ID not in new_pdf
    assert WRONG_ID in old_pdf and RIGHT_ID not in old_pdf  # version 1 is still there, as it was
    assert client.get(f"/v1/documents/{document_id}/pdf", headers=qa, params={"version": 3}).status_code == 404

    found = client.get(f"/v1/citizens/{RIGHT_ID}/documents", headers=qa).json()["documents"]
    assert [d["document_id"] for d in found] == [document_id]
    assert item["document_id"] not in [i["document_id"] for i in client.get("/v1/review/queue", headers=qa).json()["items"]]
    with transaction(b.state.sessions) as session:
        actions = [(e.action, e.principal_name[:3]) for e in dossier_repo.access_log_for(session, RIGHT_ID)]
    assert ("record_correction", "qa-") in actions and ("record_history", "qa-") in actions

    # The page image: as the OCR saw the page, at 110 DPI, cached after the first request.
    image = client.get(f"/v1/documents/{document_id}/pages/0/image", headers=clerk)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(image.content)) as img:
        assert img.size == pytest.approx((round(words["width"] * 110 / words["dpi"]), round(words["height"] * 110 / words["dpi"])), abs=2)
    assert client.get(f"/v1/documents/{document_id}/pages/0/image", headers=clerk).content == image.content
    assert client.get(f"/v1/documents/{document_id}/pages/1/image", headers=clerk).status_code == 404


def test_other_units_and_bad_corrections(backend: Backend) -> None:
    b, client = backend, backend.client
    clerk = b.staff("clerk", YEN_THE)
    document_id = _digitized(b, clerk)

    other_qa = b.staff("qa", LUC_NAM)
    other_clerk = b.staff("clerk", LUC_NAM)
    for path in ("history", "pages/0/image", "pages/0/words"):
        assert client.get(f"/v1/documents/{document_id}/{path}", headers=other_clerk).status_code == 404
    assert client.post(f"/v1/documents/{document_id}/corrections", headers=other_qa, json={"expected_version": 1}).status_code == 404
    assert document_id not in [i["document_id"] for i in client.get("/v1/review/queue", headers=other_qa).json()["items"]]

    qa = b.staff("qa", TAN_SOI)  # a commune's reviewer sees its own dossiers
    cases = [
        ({"fields": [{"key": "citizens[0].date_of_birth", "value": "31/02/1990"}]}, "citizens[0].date_of_birth", "not_a_date"),
        ({"fields": [{"key": "citizens[3].full_name", "value": "Ai Đó"}]}, "citizens[3].full_name", "no_such_field"),
        ({"words": [{"page": 0, "index": 9999, "text": "x"}]}, "page 0 word 9999", "no_such_word"),
        ({"words": [{"page": 0, "index": 0, "text": "  "}]}, "page 0 word 0", "empty_word"),
    ]
    for extra, target, problem in cases:
        response = client.post(f"/v1/documents/{document_id}/corrections", headers=qa, json={"expected_version": 1, **extra})
        assert response.status_code == 422, response.text
        assert {"target": target, "problem": problem} in response.json()["error"]["details"]
    bad_version = client.post(f"/v1/documents/{document_id}/corrections", headers=qa, json={"expected_version": 0})
    assert bad_version.status_code == 422 and bad_version.json()["error"]["code"] == "validation_failed"

    # Emptying the unreadable number verifies the record without linking anyone.
    saved = client.post(
        f"/v1/documents/{document_id}/corrections", headers=qa, json={"expected_version": 1, "fields": [{"key": "citizens[0].id_number", "value": ""}]}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["citizen_ids"] == [] and saved.json()["version"] == 2
    assert client.get(f"/v1/documents/{document_id}/text", headers=qa).text == client.get(
        f"/v1/documents/{document_id}/text", headers=qa, params={"version": 1}
    ).text  # no word changed: the same objects
