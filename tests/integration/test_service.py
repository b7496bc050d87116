"""Dossiers, uploads, workers, citizen lookup — on both backends.

``embedded``: SQLite, local-disk objects, the in-process worker.
``service``: PostgreSQL, SeaweedFS's S3 gateway, Redis with real ``ocr-service worker``
processes (started by ``make test`` through scripts/services.sh; the settings come from its
``env``). Each test gets its own database, bucket and queue.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from ocr_service.api.app import create_app
from ocr_service.auth import hash_password
from ocr_service.config import Settings
from storage import dossiers as dossier_repo
from storage import repository as repo
from storage.db import transaction
from storage.tables import Record
from tests.conftest import draw_page

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CITIZEN_A = "024085001234"  # synthetic: Bắc Giang, male, born 1985
CITIZEN_B = "027190004321"  # synthetic: Bắc Ninh, female, born 1990
LINES = (
    "QUYẾT ĐỊNH",
    "Về việc hỗ trợ kinh phí cho hộ gia đình khó khăn",
    "Điều 1. Hỗ trợ ông Nguyễn Văn Hùng, sinh ngày 12/03/1985,",
    f"số định danh cá nhân: {CITIZEN_A}, trú tại xã Tân Sỏi;",
    "bà Trần Thị Lan, sinh ngày 04/07/1990,",
    f"số định danh cá nhân: {CITIZEN_B}, trú tại xã Đồng Lạc.",
)
YEN_THE = "215"  # Huyện Yên Thế, until the district level ended on 2025-07-01
TAN_SOI = "07291"  # Xã Tân Sỏi, a commune of Yên Thế until 2025-07-01 (storage/seed/units.py)
LUC_NAM = "218"  # Huyện Lục Nam
RECEIVED = "2024-03-15T09:30:00+07:00"
SERVICE_ENV = ("OCR_DATABASE_URL", "OCR_REDIS_URL", "OCR_S3_ENDPOINT", "OCR_S3_ACCESS_KEY", "OCR_S3_SECRET_KEY")


def _png(lines: tuple[str, ...] = LINES, *, seed: int = 0) -> bytes:
    img = draw_page(lines)
    if seed:  # a different file with the same text
        img.putpixel((5, 5), (seed % 256, 0, 0))
    buf = io.BytesIO()
    img.convert("L").save(buf, "PNG", dpi=(300, 300))
    return buf.getvalue()


@dataclass
class Backend:
    name: str
    client: TestClient
    settings: Settings
    workers: list[subprocess.Popen] = field(default_factory=list)
    worker_env: dict[str, str] = field(default_factory=dict)

    @property
    def state(self):  # type: ignore[no-untyped-def]
        return self.client.app.state.ocr  # type: ignore[attr-defined]

    def staff(self, role: str, unit: str | None) -> dict[str, str]:
        username = f"{role}-{uuid.uuid4().hex[:6]}"
        with transaction(self.state.sessions) as session:
            dossier_repo.create_staff(
                session, username=username, full_name="Nhân viên thử", password_hash=hash_password("mật-khẩu-thử-1"), role=role, unit_code=unit
            )
        token = self.client.post("/v1/auth/login", json={"username": username, "password": "mật-khẩu-thử-1"}).json()["token"]
        self.client.cookies.clear()
        return {"Authorization": f"Bearer {token}"}

    def api_key(self, role: str, unit: str | None = None) -> dict[str, str]:
        with transaction(self.state.sessions) as session:
            _row, key = repo.create_api_key(session, name=f"{role}-system", role=role, unit_code=unit)
        return {"Authorization": f"Bearer {key}"}

    def start_worker(self) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ocr_service.cli", "worker"],
            env=self.worker_env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.workers.append(proc)
        return proc

    def wait(self, document_id: str, headers: dict[str, str], *, timeout: float = 180, until: tuple[str, ...] = ("done", "failed")) -> dict:
        deadline = time.monotonic() + timeout
        body: dict = {}
        while time.monotonic() < deadline:
            body = self.client.get(f"/v1/documents/{document_id}", headers=headers).json()
            if body.get("status") in until:
                return body
            time.sleep(0.25)
        raise AssertionError(f"{document_id} stuck at {body.get('status')}")


def _service_settings(tmp_path: Path, **overrides: object) -> tuple[Settings, dict[str, str]]:
    missing = [name for name in SERVICE_ENV if not os.environ.get(name)]
    if missing:
        pytest.fail(f"service backend needs {', '.join(missing)}: run the suite with `make test`")
    token = uuid.uuid4().hex[:10]
    base_url = os.environ["OCR_DATABASE_URL"]
    with psycopg.connect(base_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE ocr_{token}")
    env = {
        **os.environ,
        "OCR_DATABASE_URL": base_url.rsplit("/", 1)[0] + f"/ocr_{token}",
        "OCR_S3_BUCKET": f"ocr-{token}",
        "OCR_S3_SECURE": "false",
        "OCR_QUEUE_NAME": f"ocr-{token}",
        "OCR_SECRET_KEY": "test-secret-" + token * 4,
        "OCR_DATA_DIR": str(tmp_path / "worker"),
        "OCR_LEASE_SECONDS": "6",
        "OCR_FANOUT_PAGES": "2",
        "OMP_THREAD_LIMIT": "1",
        **{k: str(v) for k, v in overrides.items()},
    }
    settings = Settings(
        data_dir=tmp_path / "api",
        database_url=env["OCR_DATABASE_URL"],
        redis_url=env["OCR_REDIS_URL"],
        s3_endpoint=env["OCR_S3_ENDPOINT"],
        s3_access_key=env["OCR_S3_ACCESS_KEY"],
        s3_secret_key=env["OCR_S3_SECRET_KEY"],
        s3_bucket=env["OCR_S3_BUCKET"],
        s3_secure=False,
        queue_name=env["OCR_QUEUE_NAME"],
        secret_key=env["OCR_SECRET_KEY"],
        lease_seconds=6,
        fanout_pages=2,
    )
    return settings, env


@pytest.fixture(params=["embedded", "service"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "embedded":
        settings = Settings(data_dir=tmp_path / "var", ocr_processes=1, database_url=None, redis_url=None, s3_endpoint=None)
        env: dict[str, str] = {}
    else:
        settings, env = _service_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        backend = Backend(request.param, client, settings, worker_env=env)
        if request.param == "service":
            backend.start_worker()
        try:
            yield backend
        finally:
            for proc in backend.workers:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGTERM)
                    try:
                        proc.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        os.killpg(proc.pid, signal.SIGKILL)


def _dossier(b: Backend, headers: dict[str, str], *, unit: str = TAN_SOI, procedure: str = "DA06-01", received: str = RECEIVED) -> str:
    code = f"000.00.24.H06-{uuid.uuid4().hex[:8]}"
    response = b.client.post(
        "/v1/dossiers",
        headers=headers,
        json={"code": code, "procedure_code": procedure, "unit_code": unit, "applicant_id_number": CITIZEN_A, "received_at": received},
    )
    assert response.status_code == 201, response.text
    return code


def _upload(b: Backend, headers: dict[str, str], code: str, data: bytes, *, role: str = "component", key: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"Idempotency-Key": key} if key else {}
    return b.client.post(
        f"/v1/dossiers/{code}/documents", headers={**headers, **extra}, files={"file": ("quyết định.png", data, "image/png")}, data={"role": role}
    )


def test_upload_digitize_and_find_by_citizen(backend: Backend) -> None:
    clerk = backend.staff("clerk", YEN_THE)
    code = _dossier(backend, clerk)
    accepted = _upload(backend, clerk, code, _png())
    assert accepted.status_code == 202, accepted.text
    document_id = accepted.json()["document_id"]

    body = backend.wait(document_id, clerk)
    assert body["status"] == "done", body
    assert sorted(body["record"]["citizen_ids"]) == sorted([CITIZEN_A, CITIZEN_B])

    dossier = backend.client.get(f"/v1/dossiers/{code}", headers=clerk).json()
    assert [c["document_id"] for c in dossier["components"]] == [document_id]
    assert dossier["components"][0]["status"] == "done" and dossier["results"] == []

    system = backend.api_key("system")
    for citizen in (CITIZEN_A, CITIZEN_B):
        found = backend.client.get(f"/v1/citizens/{citizen}/documents", headers=system).json()
        assert [d["document_id"] for d in found["documents"]] == [document_id]
        assert found["documents"][0]["dossiers"] == [code]
    with transaction(backend.state.sessions) as session:
        entries = dossier_repo.access_log_for(session, CITIZEN_A)
        # The clerk read the record once (the document with its fields); the system looked the citizen up.
        assert [(e.principal_kind, e.principal_name[:6], e.action, e.record_ids) for e in entries] == [
            ("staff", "clerk-", "read_document", [body["record"]["id"]]),
            ("api_key", "system", "citizen_documents", [body["record"]["id"]]),
        ]
    assert backend.client.get(f"/v1/documents/{document_id}/pdf", headers=clerk).content.startswith(b"%PDF-")


def test_duplicate_upload_is_one_document_and_one_ocr(backend: Backend) -> None:
    clerk = backend.staff("clerk", YEN_THE)
    first, second = _dossier(backend, clerk), _dossier(backend, clerk)
    data = _png()
    a = _upload(backend, clerk, first, data).json()
    backend.wait(a["document_id"], clerk)
    b = _upload(backend, clerk, second, data).json()
    assert b["document_id"] == a["document_id"] and b["duplicate"] is True
    body = backend.wait(a["document_id"], clerk)
    assert body["attempts"] == 1  # no second OCR
    for code in (first, second):
        assert backend.client.get(f"/v1/dossiers/{code}", headers=clerk).json()["components"][0]["document_id"] == a["document_id"]


def test_idempotent_retry(backend: Backend) -> None:
    clerk = backend.staff("clerk", YEN_THE)
    code = _dossier(backend, clerk)
    first = _upload(backend, clerk, code, _png(), key="retry-1")
    again = _upload(backend, clerk, code, _png(), key="retry-1")
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    conflict = _upload(backend, clerk, code, _png(seed=7), key="retry-1")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "conflict"
    assert len(backend.client.get(f"/v1/dossiers/{code}", headers=clerk).json()["components"]) == 1


def test_reuse_once_only(backend: Backend) -> None:
    clerk = backend.staff("clerk", YEN_THE)
    first = _dossier(backend, clerk)
    document_id = _upload(backend, clerk, first, _png(seed=3)).json()["document_id"]
    backend.wait(document_id, clerk)
    second = _dossier(backend, clerk, procedure="DA06-04")
    reused = backend.client.post(f"/v1/dossiers/{second}/reuse", headers=clerk, json={"document_id": document_id})
    assert reused.status_code == 201, reused.text
    component = reused.json()["components"][0]
    assert component["document_id"] == document_id and component["reused"] is True
    missing = backend.client.post(f"/v1/dossiers/{second}/reuse", headers=clerk, json={"document_id": str(uuid.uuid4())})
    assert missing.status_code == 404


def test_units_scope_what_staff_see(backend: Backend) -> None:
    clerk = backend.staff("clerk", YEN_THE)
    code = _dossier(backend, clerk)
    document_id = _upload(backend, clerk, code, _png(seed=5)).json()["document_id"]
    backend.wait(document_id, clerk)

    other = backend.staff("clerk", LUC_NAM)
    assert backend.client.get(f"/v1/dossiers/{code}", headers=other).status_code == 404
    assert backend.client.get(f"/v1/documents/{document_id}", headers=other).status_code == 404
    assert backend.client.get(f"/v1/citizens/{CITIZEN_A}/documents", headers=other).json()["documents"] == []
    # The same scan received again at the other unit: its clerk sees the document through their
    # own dossier, and only that dossier's code, not the first unit's.
    other_code = _dossier(backend, other, unit=LUC_NAM)
    assert _upload(backend, other, other_code, _png(seed=5)).json()["document_id"] == document_id
    seen = backend.client.get(f"/v1/citizens/{CITIZEN_A}/documents", headers=other).json()["documents"]
    assert [(d["dossiers"], d["dossier_count"]) for d in seen] == [([other_code], 1)]
    province_view = backend.client.get(f"/v1/citizens/{CITIZEN_A}/documents", headers=backend.staff("admin", None)).json()["documents"]
    assert sorted(province_view[0]["dossiers"]) == sorted([code, other_code]) and province_view[0]["dossier_count"] == 2
    below = backend.staff("qa", TAN_SOI)
    assert backend.client.get(f"/v1/documents/{document_id}", headers=below).status_code == 200
    province = backend.staff("admin", "24")
    assert backend.client.get(f"/v1/dossiers/{code}", headers=province).status_code == 200
    refused = backend.client.post(
        "/v1/dossiers", headers=other, json={"code": "x-1-2", "procedure_code": "DA06-01", "unit_code": TAN_SOI, "applicant_id_number": CITIZEN_A, "received_at": RECEIVED}
    )
    assert refused.status_code == 403


def test_errors_are_json_with_codes(backend: Backend) -> None:
    clerk = backend.staff("clerk", YEN_THE)
    qa = backend.staff("qa", YEN_THE)
    assert backend.client.get("/v1/dossiers/none").json()["error"]["code"] == "unauthenticated"
    code = _dossier(backend, clerk)
    assert _upload(backend, qa, code, _png()).status_code == 403
    bad = _upload(backend, clerk, code, b"GIF89a not a scan")
    assert (bad.status_code, bad.json()["error"]["code"]) == (415, "unsupported_type")
    wrong_id = backend.client.post(
        "/v1/dossiers", headers=clerk, json={"code": "abc-123", "procedure_code": "DA06-01", "unit_code": TAN_SOI, "applicant_id_number": "999085001234", "received_at": RECEIVED}
    )
    assert (wrong_id.status_code, wrong_id.json()["error"]["code"]) == (422, "validation_failed")
    dup = backend.client.post(
        "/v1/dossiers", headers=clerk, json={"code": code, "procedure_code": "DA06-01", "unit_code": TAN_SOI, "applicant_id_number": CITIZEN_A, "received_at": RECEIVED}
    )
    assert dup.status_code == 409
    assert backend.client.get("/v1/citizens/12/documents", headers=clerk).status_code == 422
    gone = backend.client.post(
        "/v1/dossiers", headers=clerk, json={"code": "today-1", "procedure_code": "DA06-01", "unit_code": TAN_SOI, "applicant_id_number": CITIZEN_A}
    )
    assert gone.status_code == 422 and "no unit 07291" in gone.json()["error"]["message"]  # merged on 2025-07-01
    assert backend.client.get("/health/ready").json()["status"] == "ok"


# --- service mode only -------------------------------------------------------------------------


@pytest.fixture()
def service(tmp_path: Path) -> Iterator[Backend]:
    settings, env = _service_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        b = Backend("service", client, settings, worker_env=env)
        try:
            yield b
        finally:
            for proc in b.workers:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def _dense_tiff(pages: int) -> bytes:
    frames = [draw_page(LINES * 6).convert("L") for _ in range(pages)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], dpi=(300, 300), compression="tiff_deflate")
    return buf.getvalue()


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, frontier = [], [pid]
    while frontier:
        frontier = [c for p in frontier for c in children.get(p, [])]
        found.extend(frontier)
    return found


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and everything below it, as a machine losing power would."""
    for victim in [pid, *_descendants(pid)]:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_worker_killed_mid_job_exactly_one_record(service: Backend) -> None:
    clerk = service.staff("clerk", YEN_THE)
    code = _dossier(service, clerk)
    victim = service.start_worker()
    document_id = service.client.post(
        f"/v1/dossiers/{code}/documents", headers=clerk, files={"file": ("dày.tiff", _dense_tiff(4), "image/tiff")}
    ).json()["document_id"]
    service.wait(document_id, clerk, until=("processing",), timeout=60)
    _kill_tree(victim.pid)  # the worker and its work-horse (RQ puts it in its own session), mid-page
    victim.wait()
    service.start_worker()

    body = service.wait(document_id, clerk, timeout=240)
    assert body["status"] == "done" and body["attempts"] == 2
    assert body["record"]["page_count"] == 4
    with transaction(service.state.sessions) as session:
        assert session.query(Record).filter_by(document_id=document_id).count() == 1


def test_large_pdf_fans_out_by_page_ranges(service: Backend, tmp_path: Path) -> None:
    clerk = service.staff("clerk", YEN_THE)
    code = _dossier(service, clerk)
    service.start_worker()
    service.start_worker()
    pages = [draw_page((f"Trang {i + 1} của hồ sơ", *LINES)).convert("L") for i in range(5)]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=300, save_all=True, append_images=pages[1:])
    document_id = service.client.post(
        f"/v1/dossiers/{code}/documents", headers=clerk, files={"file": ("năm trang.pdf", buf.getvalue(), "application/pdf")}
    ).json()["document_id"]
    body = service.wait(document_id, clerk, timeout=240)
    assert body["status"] == "done", body
    record = body["record"]
    assert record["page_count"] == 5 and record["ocred_pages"] == [0, 1, 2, 3, 4]
    texts = record["text"].split("\f")
    assert [f"Trang {i + 1}" in texts[i] for i in range(5)] == [True] * 5


class _Proxy:
    """A TCP proxy to the S3 server that a test can switch off, as a brief outage."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = threading.Event()
        self.up.set()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while self.up.is_set() and (chunk := src.recv(65536)):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass


def test_s3_briefly_unavailable_during_upload(tmp_path: Path) -> None:
    host, port = os.environ.get("OCR_S3_ENDPOINT", ":").split(":")
    if not host:
        pytest.fail("needs OCR_S3_ENDPOINT: run the suite with `make test`")
    proxy = _Proxy((host, int(port)))
    settings, env = _service_settings(tmp_path, OCR_S3_ENDPOINT=f"127.0.0.1:{proxy.port}")
    settings = settings.model_copy(update={"s3_endpoint": f"127.0.0.1:{proxy.port}"})
    with TestClient(create_app(settings)) as client:
        b = Backend("service", client, settings, worker_env=env)
        clerk = b.staff("clerk", YEN_THE)
        code = _dossier(b, clerk)
        proxy.up.clear()
        down = _upload(b, clerk, code, _png(seed=11))
        assert down.status_code == 503 and down.json()["error"]["code"] == "storage_unavailable"
        with transaction(b.state.sessions) as session:
            assert repo.list_documents(session) == []  # nothing half-written
        assert b.client.get("/health/ready").status_code == 503
        proxy.up.set()
        up = _upload(b, clerk, code, _png(seed=11))
        assert up.status_code == 202
        assert b.client.get(f"/v1/dossiers/{code}", headers=clerk).json()["components"][0]["document_id"] == up.json()["document_id"]


def test_transient_storage_outage_in_worker_is_retried(tmp_path: Path) -> None:
    host, port = os.environ.get("OCR_S3_ENDPOINT", ":").split(":")
    if not host:
        pytest.fail("needs OCR_S3_ENDPOINT: run the suite with `make test`")
    proxy = _Proxy((host, int(port)))
    settings, env = _service_settings(tmp_path, OCR_S3_ENDPOINT=f"127.0.0.1:{proxy.port}")
    settings = settings.model_copy(update={"s3_endpoint": f"{host}:{port}"})
    with TestClient(create_app(settings)) as client:  # the API talks to S3 directly; the worker through the proxy
        b = Backend("service", client, settings, worker_env=env)
        try:
            clerk = b.staff("clerk", YEN_THE)
            code = _dossier(b, clerk)
            proxy.up.clear()
            b.start_worker()
            document_id = _upload(b, clerk, code, _png(seed=13)).json()["document_id"]
            time.sleep(4)  # the worker meets the outage and hands the job back for a retry
            assert b.client.get(f"/v1/documents/{document_id}", headers=clerk).json()["status"] == "queued"
            proxy.up.set()
            body = b.wait(document_id, clerk, timeout=120)
            assert body["status"] == "done" and body["error_code"] is None
        finally:
            for proc in b.workers:
                _kill_tree(proc.pid)
                proc.wait()


def test_jobs_lost_with_redis_are_requeued_from_the_database(service: Backend) -> None:
    from redis import Redis

    clerk = service.staff("clerk", YEN_THE)
    code = _dossier(service, clerk)
    document_id = _upload(service, clerk, code, _png(seed=17)).json()["document_id"]
    Redis.from_url(service.settings.redis_url).delete(f"rq:queue:{service.settings.queue_name}")  # the job is lost
    service.start_worker()
    time.sleep(3)
    assert service.client.get(f"/v1/documents/{document_id}", headers=clerk).json()["status"] == "queued"
    result = subprocess.run(
        [sys.executable, "-m", "ocr_service.cli", "requeue", "--older-than-minutes", "0"],
        env=service.worker_env, cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0 and "re-enqueued 1 document" in result.stderr, result.stderr
    assert service.wait(document_id, clerk, timeout=120)["status"] == "done"
