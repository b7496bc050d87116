"""A 200 MB PDF uploads through a real HTTP server without being held in memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pikepdf
import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_200_mb_pdf_is_streamed(tmp_path: Path) -> None:
    big = tmp_path / "hồ sơ lớn.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.Root.Payload = pdf.make_indirect(pikepdf.Stream(pdf, b"\0" * (200 * 1024 * 1024)))  # e.g. embedded attachments
        pdf.save(big, compress_streams=False)
    assert big.stat().st_size > 200 * 1024 * 1024

    env = {k: v for k, v in os.environ.items() if not k.startswith("OCR_")} | {"OCR_DATA_DIR": str(tmp_path / "var")}
    key = subprocess.run(
        [sys.executable, "-m", "ocr_service.cli", "apikey", "create", "--role", "clerk"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "ocr_service.cli", "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health/live").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        before = _vm_hwm_mb(server.pid)
        with big.open("rb") as fh:
            response = httpx.post(
                f"{base}/v1/documents", headers={"Authorization": f"Bearer {key}"}, files={"file": (big.name, fh, "application/pdf")}, timeout=300
            )
        assert response.status_code == 202, response.text
        growth = _vm_hwm_mb(server.pid) - before
        assert growth < 100, f"the server's peak memory grew by {growth:.0f} MB for a 200 MB upload"
        stored = list((tmp_path / "var" / "objects" / "originals").rglob("*"))
        assert any(p.is_file() and p.stat().st_size == big.stat().st_size for p in stored)
    finally:
        server.terminate()
        server.wait(timeout=30)
