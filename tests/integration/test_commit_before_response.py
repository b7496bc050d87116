"""Over real HTTP, what a request wrote is committed before its response is sent: a client told 201
reads it back at once, however slow the commit (here made slow on purpose)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import event

from ocr_service.api.app import build_state, create_app
from ocr_service.auth import hash_password
from ocr_service.config import Settings
from storage import dossiers as dossier_repo
from storage.db import transaction

pytestmark = pytest.mark.integration


def test_a_created_dossier_is_readable_as_soon_as_the_client_is_told(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", ocr_processes=1, database_url=None, redis_url=None, s3_endpoint=None)
    state = build_state(settings)
    with transaction(state.sessions) as session:
        dossier_repo.create_staff(session, username="clerk", full_name="Cán bộ", password_hash=hash_password("mật-khẩu-1"), role="clerk", unit_code="07288")
    event.listen(state.engine, "commit", lambda _connection: time.sleep(0.4))  # a slow disk or a busy database
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, state=state), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        token = httpx.post(f"{base}/v1/auth/login", json={"username": "clerk", "password": "mật-khẩu-1"}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        for n in range(3):
            code = f"07288-000000-00000{n}"
            created = httpx.post(f"{base}/v1/dossiers", headers=headers, json={"code": code, "procedure_code": "DA06-01", "applicant_id_number": "024085001234"})
            assert created.status_code == 201, created.text
            assert httpx.get(f"{base}/v1/dossiers/{code}", headers=headers).status_code == 200
    finally:
        server.should_exit = True
        thread.join(timeout=10)
