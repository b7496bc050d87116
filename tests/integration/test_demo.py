"""``ocr-service serve --ingest DIR`` (what ``make run`` runs): demo staff of one unit, shown once, who can
sign in at once, and the samples in a dossier of that unit so the demo reviewer finds them in the queue."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import draw_page

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
FLAGGED = (
    "QUYẾT ĐỊNH",
    "Điều 1. Hỗ trợ bà Trần Thị Lan, sinh ngày 04/07/1990,",
    "số định danh cá nhân: 024090004321, trú tại xã Tân Sỏi.",  # a man's number for a woman: flagged
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health/ready").status_code == 200
    except httpx.TransportError:
        return False


def test_serve_with_ingest_creates_demo_staff(tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    draw_page(FLAGGED, size=(2480, 1000)).convert("L").save(samples / "quyết định.png", dpi=(300, 300))
    port = _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCR_")} | {"OCR_DATA_DIR": str(tmp_path / "var"), "COLUMNS": "160"}
    out = tmp_path / "out.txt"
    with out.open("w") as fh:
        server = subprocess.Popen(
            [sys.executable, "-m", "ocr_service.cli", "serve", "--port", str(port), "--ingest", str(samples)],
            env=env, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 180
            accounts: dict[str, tuple[str, str]] = {}
            while time.monotonic() < deadline and len(accounts) < 3:
                assert server.poll() is None, out.read_text()
                accounts = {role: (user, password) for role, user, password in
                            re.findall(r"(clerk|qa|admin)\s*│\s*(demo\.\w+)\s*│\s*(\S+)", out.read_text())}
                time.sleep(0.5)
            assert set(accounts) == {"clerk", "qa", "admin"}, out.read_text()
            assert f"Web app: http://127.0.0.1:{port}/" in out.read_text()
            base = f"http://127.0.0.1:{port}"
            while not _ready(base):
                assert time.monotonic() < deadline and server.poll() is None, out.read_text()
                time.sleep(0.3)
            user, password = accounts["qa"]
            login = httpx.post(f"{base}/v1/auth/login", json={"username": user, "password": password})
            assert login.status_code == 200 and login.json()["role"] == "qa" and login.json()["unit_code"] == "07288"
            queue = httpx.get(f"{base}/v1/review/queue", headers={"Authorization": f"Bearer {login.json()['token']}"}).json()
            assert [i["filename"] for i in queue["items"]] == ["quyết định.png"]
            assert queue["items"][0]["dossiers"][0]["unit_code"] == "07288"
        finally:
            server.terminate()
            server.wait(timeout=30)
