"""The digitization statistics, their dossier lists, CSV, operations figures and /metrics through
the API, on SQLite (the embedded default) and PostgreSQL (service mode's database).

The dossiers are the hand-computed fixture of tests/unit/test_indicators.py, written to the
database as the API would (dossiers, documents, records, attachments); no OCR runs here.
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from ocr_service.api.app import create_app
from ocr_service.config import Settings
from ocr_service.domain import DocumentStatus
from storage import dossiers as dossier_repo
from storage import repository as repo
from storage.db import transaction

pytestmark = pytest.mark.integration

APPLICANT = "024085001234"  # synthetic
TAN_SOI, YEN_THE_DISTRICT, PROVINCE, YEN_THE_COMMUNE = "07291", "215", "24", "07288"


@pytest.fixture(params=["sqlite", "postgresql"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "var", ocr_processes=1, database_url=None, redis_url=None, s3_endpoint=None)
    if request.param == "postgresql":
        base = os.environ.get("OCR_DATABASE_URL", "")
        if not base.startswith("postgresql"):
            pytest.fail("needs OCR_DATABASE_URL (PostgreSQL): run the suite with `make test`")
        name = f"ocr_stats_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(base.replace("postgresql+psycopg", "postgresql"), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        settings = settings.model_copy(update={"database_url": base.rsplit("/", 1)[0] + f"/{name}", "secret_key": "stats-test-" + uuid.uuid4().hex})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _state(client: TestClient):  # type: ignore[no-untyped-def]
    return client.app.state.ocr  # type: ignore[attr-defined]


def _key(client: TestClient, role: str, unit: str | None = None) -> dict[str, str]:
    with transaction(_state(client).sessions) as session:
        _row, key = repo.create_api_key(session, name=f"{role}-test", role=role, unit_code=unit)
    return {"Authorization": f"Bearer {key}"}


def _document(session, name: str, status: str = "done", *, error: str | None = None, review: bool = False) -> str:  # type: ignore[no-untyped-def]
    """A document in the state the indicators read; 'done' with its record, as a worker leaves it."""
    doc = repo.create_document(
        session, sha256=uuid.uuid4().hex * 2, original_key=f"originals/{name}", filename=name,
        media_type="image/png", size_bytes=100, page_count=2, status=DocumentStatus.QUEUED,
    )
    if status == "failed":
        repo.set_status(session, doc, DocumentStatus.FAILED, error_code=error, error_message="test")
    elif status == "done":
        repo.set_status(session, doc, DocumentStatus.PROCESSING)
        repo.save_record(
            session,
            document_id=doc.id,
            values=dict(text="", pages=[], page_count=2, ocred_pages=[0, 1], mean_confidence=90.0, doc_type="other", fields={},
                        citizen_ids=[], needs_review=review, review_status="needs_review" if review else "not_required",
                        text_key="t", hocr_key="h", pdf_key="p", pipeline_version="test"),
        )
        repo.set_status(session, doc, DocumentStatus.DONE)
    return doc.id


# (code, unit, received_at, procedure, attachments: (role, status, reused))
# DA06-09 (birth registration) returns a paper result; DA06-03 (permanent residence) does not;
# DA06-01 (district) and DA06-12 (province) return one.
FIXTURE = [
    ("T-A", TAN_SOI, "2023-06-05T09:00:00+07:00", "DA06-09", [("component", "done", False), ("result", "done", False)]),
    ("T-B", TAN_SOI, "2023-06-06T09:00:00+07:00", "DA06-09", [("component", "done", False)]),
    ("T-C", TAN_SOI, "2023-06-07T09:00:00+07:00", "DA06-03", [("component", "done", True)]),
    ("T-D", TAN_SOI, "2023-06-08T09:00:00+07:00", "DA06-03", [("component", "failed", False)]),
    ("T-E", YEN_THE_DISTRICT, "2023-06-09T09:00:00+07:00", "DA06-01", [("component", "done", False), ("component", "done", True), ("result", "done", False)]),
    ("T-F", PROVINCE, "2023-06-10T09:00:00+07:00", "DA06-12", [("result", "done", False)]),
    ("T-G", TAN_SOI, "2023-05-31T23:30:00+07:00", "DA06-03", [("component", "done", False)]),  # day before the commune rollout
    ("T-H", TAN_SOI, "2023-06-30T17:30:00Z", "DA06-03", [("component", "done", False)]),  # 00:30 on 1 July in Vietnam
    ("T-I", TAN_SOI, "2023-05-31T20:00:00Z", "DA06-03", [("component", "done", False)]),  # 03:00 on 1 June in Vietnam
    # The unit that changed on 2025-07-01
    ("R-OLD", TAN_SOI, "2025-06-30T23:30:00+07:00", "DA06-03", [("component", "done", False)]),
    ("R-NEW", YEN_THE_COMMUNE, "2025-07-01T08:00:00+07:00", "DA06-03", [("component", "done", False)]),
]


def _seed(client: TestClient) -> None:
    with transaction(_state(client).sessions) as session:
        source = _document(session, "đã số hóa.png")
        for code, unit, received, procedure, attachments in FIXTURE:
            dossier = dossier_repo.create_dossier(
                session, code=code, procedure_code=procedure, unit_code=unit,
                received_at=datetime.fromisoformat(received.replace("Z", "+00:00")), applicant_id_number=APPLICANT, created_by="test",
            )
            for i, (role, status, reused) in enumerate(attachments):
                if reused:
                    dossier_repo.attach(session, dossier=dossier, document_id=source, role=role, reused=True)
                else:
                    error = "corrupt_file" if status == "failed" else None
                    document_id = _document(session, f"{code}-{role}-{i}.png", status, error=error)
                    dossier_repo.attach(session, dossier=dossier, document_id=document_id, role=role)


def _indicators(figures: dict) -> dict[str, tuple]:
    return {i["key"]: (i["numerator"], i["denominator"], None if i["rate"] is None else round(i["rate"], 4), i["score"], i["status"]) for i in figures["indicators"]}


JUNE = {"from": "2023-05-01", "to": "2023-06-30", "unit": PROVINCE}


def test_hand_computed_indicators_through_the_api(client: TestClient) -> None:
    _seed(client)
    admin = _key(client, "admin")
    body = client.get("/v1/stats/digitization", params=JUNE, headers=admin).json()
    # As tests/unit/test_indicators.py, plus T-I (received 03:00 on 1 June in Vietnam, digitized,
    # no paper result): dossiers 4/7, results 3/4, reuse 2/7.
    assert _indicators(body["summary"]) == {
        "dossier_digitization": (4, 7, 0.5714, 7.1429, "ok"),
        "result_digitization": (3, 4, 0.75, 9.375, "ok"),
        "reuse": (2, 7, 0.2857, 3.5714, "ok"),
    }
    assert body["summary"]["voluntary"]["received"] == 1  # T-G, 23:30 on 31 May
    assert [(s["period"], s["mandatory"]["received"], s["voluntary"]["received"]) for s in body["series"]] == [
        ("2023-05", 0, 1),
        ("2023-06", 7, 0),  # T-I counts in June: its day in Vietnam is 1 June
    ]
    may = body["series"][0]
    assert [i["status"] for i in may["indicators"]] == ["no_data"] * 3 and may["indicators"][0]["rate"] is None
    rows = {r["row"]: (r["relation"], r["mandatory"]["received"], r["drill"] is not None) for r in body["rows"]}
    assert rows == {"24@2020-01-01": ("direct", 1, False), "215@2020-01-01": ("child", 6, True)}
    assert [e["date"] for e in body["events"]] == ["2023-06-01"]

    district = next(r for r in body["rows"] if r["row"] == "215@2020-01-01")
    down = client.get(f"/v1/stats/digitization?{district['drill']}", headers=admin).json()
    assert {r["row"]: r["relation"] for r in down["rows"]} == {"215@2020-01-01": "direct", "07291@2020-01-01": "child"}
    assert down["scope"]["unit_name"] == "Huyện Yên Thế"


def test_every_figure_opens_to_its_dossiers_with_reasons(client: TestClient) -> None:
    _seed(client)
    admin = _key(client, "admin")

    def codes(**extra: str) -> list[str]:
        listing = client.get("/v1/stats/digitization/dossiers", params={**JUNE, **extra}, headers=admin).json()
        assert listing["total"] == len(listing["items"])
        return sorted(item["code"] for item in listing["items"])

    assert codes(subset="missing") == ["T-B", "T-D", "T-F"]
    assert codes(indicator="result_digitization", subset="denominator") == ["T-A", "T-B", "T-E", "T-F"]
    assert codes(indicator="reuse", subset="numerator") == ["T-C", "T-E"]
    assert codes(subset="voluntary") == ["T-G"]
    assert codes(subset="numerator", row="24@2020-01-01") == []
    assert codes(subset="denominator", row="24@2020-01-01") == ["T-F"]

    listing = client.get("/v1/stats/digitization/dossiers", params={**JUNE, "subset": "missing"}, headers=admin).json()
    failed = next(i for i in listing["items"] if i["code"] == "T-D")
    assert failed["counted"] == {"dossier_digitization": False, "result_digitization": None, "reuse": False}
    assert {"mandatory", "components_not_digitized", "result_not_required", "not_digitized"} <= set(failed["reason_codes"])
    assert "corrupt_file" in failed["explanation"] and failed["components"][0]["state"] == "failed"
    assert "applicant_id_number" not in failed and APPLICANT not in str(listing)
    g = client.get("/v1/stats/digitization/dossiers", params={**JUNE, "subset": "voluntary"}, headers=admin).json()["items"][0]
    assert g["received_day"] == "2023-05-31" and "voluntary_before_rollout" in g["reason_codes"] and "01/06/2023" in g["explanation"]
    i = client.get("/v1/stats/digitization/dossiers", params={"from": "2023-06-01", "to": "2023-06-01", "subset": "all"}, headers=admin).json()
    assert [(x["code"], x["received_day"], x["mandatory"]) for x in i["items"]] == [("T-I", "2023-06-01", True)]

    page = client.get("/v1/stats/digitization/dossiers", params={**JUNE, "subset": "all", "limit": 2, "offset": 2}, headers=admin).json()
    assert (page["total"], len(page["items"])) == (8, 2)


def test_the_unit_that_changed_on_2025_07_01(client: TestClient) -> None:
    _seed(client)
    admin = _key(client, "admin")
    around = {"from": "2025-06-01", "to": "2025-07-31", "unit": PROVINCE}
    historical = client.get("/v1/stats/digitization", params=around, headers=admin).json()
    assert {r["row"]: r["unit_name"] for r in historical["rows"]} == {"215@2020-01-01": "Huyện Yên Thế", "07288@2025-07-01": "Xã Yên Thế"}
    assert [(s["period"], s["mandatory"]["received"]) for s in historical["series"]] == [("2025-06", 1), ("2025-07", 1)]
    assert [e["kind"] for e in historical["events"]] == ["reorganization"]
    current = client.get("/v1/stats/digitization", params={**around, "rollup": "current"}, headers=admin).json()
    assert {r["row"]: r["mandatory"]["received"] for r in current["rows"]} == {"07288@2025-07-01": 2}
    merged = client.get("/v1/stats/digitization", params={**around, "unit": YEN_THE_COMMUNE}, headers=admin).json()
    assert {r["row"]: r["relation"] for r in merged["rows"]} == {"07288@2025-07-01": "direct", "07291@2020-01-01": "predecessor"}
    gone = client.get("/v1/stats/digitization", params={**around, "unit": YEN_THE_DISTRICT, "rollup": "current"}, headers=admin)
    assert gone.status_code == 422 and "no longer exists" in gone.json()["error"]["message"]


def test_csv_exports_match_the_json(client: TestClient) -> None:
    _seed(client)
    admin = _key(client, "admin")
    body = client.get("/v1/stats/digitization", params=JUNE, headers=admin).json()
    response = client.get("/v1/stats/digitization.csv", params=JUNE, headers=admin)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    summary = next(line for line in lines if line["section"] == "summary")
    assert (summary["dossier_digitization_numerator"], summary["dossier_digitization_denominator"], summary["dossier_digitization_rate"]) == ("4", "7", "0.5714")
    assert summary["unit_name"] == "Tỉnh Bắc Giang"  # the scope as it was at the end of the period
    may = next(line for line in lines if line["section"] == "period" and line["period"] == "2023-05")
    assert may["dossier_digitization_rate"] == "" and may["voluntary_received"] == "1"  # no data, not 0
    units = {line["row"]: line["dossier_digitization_denominator"] for line in lines if line["section"] == "unit"}
    assert units == {r["row"]: str(r["mandatory"]["received"]) for r in body["rows"]}

    listing = client.get("/v1/stats/digitization/dossiers.csv", params={**JUNE, "subset": "missing"}, headers=admin)
    rows = list(csv.DictReader(io.StringIO(listing.content.decode("utf-8-sig"))))
    assert sorted(r["code"] for r in rows) == ["T-B", "T-D", "T-F"]
    assert all(r["explanation"] and r["reason_codes"] for r in rows)


def test_who_may_read_and_bad_queries(client: TestClient) -> None:
    _seed(client)
    assert client.get("/v1/stats/digitization").status_code == 401
    clerk = client.get("/v1/stats/digitization", headers=_key(client, "clerk"))
    assert (clerk.status_code, clerk.json()["error"]["code"]) == (403, "forbidden")
    assert client.get("/v1/stats/digitization", params=JUNE, headers=_key(client, "system")).status_code == 200

    district_admin = _key(client, "admin", YEN_THE_DISTRICT)
    own = client.get("/v1/stats/digitization", params={"from": "2023-05-01", "to": "2023-06-30"}, headers=district_admin).json()
    assert own["scope"]["unit_code"] == YEN_THE_DISTRICT and own["summary"]["mandatory"]["received"] == 6  # not the province's T-F
    outside = client.get("/v1/stats/digitization", params=JUNE, headers=district_admin)
    assert (outside.status_code, outside.json()["error"]["code"]) == (403, "forbidden")
    other = client.get("/v1/stats/digitization", params={"from": "2023-05-01", "to": "2023-06-30"}, headers=_key(client, "admin", "218"))
    assert other.json()["summary"]["mandatory"]["received"] == 0

    admin = _key(client, "admin")
    for params, fragment in (
        ({"from": "2023-07-01", "to": "2023-06-01"}, "from"),
        ({"unit": "99999"}, "unit"),
        ({"level": "hamlet"}, "level"),
        ({"from": "2023-13-01"}, "from"),
        ({"group_by": "week"}, "group_by"),
    ):
        response = client.get("/v1/stats/digitization", params=params, headers=admin)
        assert response.status_code == 422 and response.json()["error"]["code"] == "validation_failed", params
        assert fragment in response.json()["error"]["message"], response.json()
    empty = client.get("/v1/stats/digitization", params={"from": "2021-01-01", "to": "2021-12-31"}, headers=admin).json()
    assert [i["status"] for i in empty["summary"]["indicators"]] == ["no_data"] * 3 and empty["rows"] == []


def test_operations_figures_and_metrics(client: TestClient) -> None:
    _seed(client)
    with transaction(_state(client).sessions) as session:
        _document(session, "cần xem lại.png", review=True)
        _document(session, "mã hóa.pdf", "failed", error="encrypted_pdf")
    admin = _key(client, "admin")
    ops = client.get("/v1/stats/operations", headers=admin).json()
    assert ops["mode"] == "embedded" and ops["queue_depth"] == 0
    assert ops["failed_by_error_code"] == {"corrupt_file": 1, "encrypted_pdf": 1}
    done = ops["documents_by_status"]["done"]
    assert done == 13 and ops["documents_by_status"]["failed"] == 2  # 11 attached, the reused source, the flagged one
    assert ops["latency_count"] == done and ops["latency_p50_seconds"] is not None and ops["latency_p95_seconds"] < 60
    assert ops["pages_digitized_total"] == 2 * done and ops["pages_per_minute"] == pytest.approx(2 * done / 15, abs=0.001)
    assert ops["review_backlog"] == 1 and ops["review_oldest_age_seconds"] >= 0
    assert [(w["name"], w["state"], w["healthy"]) for w in ops["workers"]] == [("in-process", "idle", True)]

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=_key(client, "clerk")).status_code == 403
    text = client.get("/metrics", headers=_key(client, "system")).text
    assert 'ocr_documents_failed{error_code="corrupt_file"} 1.0' in text
    assert f"ocr_pages_digitized_total {float(2 * done)}" in text
    assert "ocr_queue_depth 0.0" in text and "ocr_review_backlog 1.0" in text and "ocr_workers_healthy 1.0" in text
    assert 'ocr_upload_to_record_seconds{quantile="0.95"}' in text
    assert APPLICANT not in text


def test_metrics_from_an_allowed_network_need_no_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", ocr_processes=1, database_url=None, redis_url=None, s3_endpoint=None, metrics_allow_networks=["10.0.0.0/8"])
    app = create_app(settings)
    with TestClient(app, client=("10.1.2.3", 40000)) as inside:
        assert inside.get("/metrics").status_code == 200
    with TestClient(app, client=("192.0.2.7", 40000)) as outside:
        assert outside.get("/metrics").status_code == 401


def test_latency_uses_upload_and_finish_times(client: TestClient) -> None:
    with transaction(_state(client).sessions) as session:
        ids = [_document(session, f"{i}.png") for i in range(4)]
        from storage.tables import Document

        now = datetime.now(UTC)
        for i, document_id in enumerate(ids):  # 10, 20, 30, 400 seconds from upload to record
            doc = session.get(Document, document_id)
            doc.created_at = now - timedelta(seconds=(10, 20, 30, 400)[i])
            doc.finished_at = now
    ops = client.get("/v1/stats/operations", headers=_key(client, "admin")).json()
    assert ops["latency_count"] == 4
    assert ops["latency_p50_seconds"] == pytest.approx(20, abs=2) and ops["latency_p95_seconds"] == pytest.approx(400, abs=2)


def test_operations_in_service_mode_read_rq(tmp_path: Path) -> None:
    """Queue depth from the RQ queue and worker health from RQ's worker registry, with a real worker."""
    import signal
    import subprocess

    from tests.integration.test_service import YEN_THE, Backend, _dossier, _png, _service_settings, _upload

    settings, env = _service_settings(tmp_path)
    with TestClient(create_app(settings)) as service_client:
        b = Backend("service", service_client, settings, worker_env=env)
        try:
            admin = _key(service_client, "admin")
            clerk = b.staff("clerk", YEN_THE)
            code = _dossier(b, clerk)
            document_id = _upload(b, clerk, code, _png(seed=23)).json()["document_id"]
            before = service_client.get("/v1/stats/operations", headers=admin).json()
            assert (before["mode"], before["queue_depth"], before["workers"], before["workers_healthy"]) == ("service", 1, [], 0)
            assert "ocr_queue_depth 1.0" in service_client.get("/metrics", headers=admin).text

            b.start_worker()
            assert b.wait(document_id, clerk)["status"] == "done"
            after = service_client.get("/v1/stats/operations", headers=admin).json()
            assert after["queue_depth"] == 0 and after["workers_healthy"] == 1
            assert after["workers"][0]["healthy"] and after["workers"][0]["last_heartbeat"] is not None
            assert after["latency_count"] == 1 and after["pages_digitized_total"] == 1
            assert 'ocr_workers{healthy="true",state=' in service_client.get("/metrics", headers=admin).text
        finally:
            for proc in b.workers:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
