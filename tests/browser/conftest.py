"""Browser tests: Playwright for Python drives Debian's chromium (headless, by its executable path)
against a real ``ocr-service serve`` started here on the embedded default (SQLite, local store,
in-process worker with the real Tesseract).

Fixtures: ``live_server`` (one per test module: base URL, data dir, ``create_staff``), ``browser``
(one chromium per session), ``page`` (a fresh 1366×768 context per test, Vietnamese locale, Vietnam
time), ``login(page, username)`` and ``screenshot(page, name)``; screenshots are kept as
artifacts under ``var/artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "artifacts" / "screenshots"
PASSWORD = "mật-khẩu-thử-nghiệm-1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.integration)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    base_url: str
    data_dir: Path
    env: dict[str, str]
    log: Path
    accounts: dict[str, str] = field(default_factory=dict)

    def cli(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "ocr_service.cli", *args],
            env={**self.env, **(env or {})}, cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def create_staff(self, username: str, *, role: str, unit: str | None = None, full_name: str | None = None) -> str:
        """A staff account with the shared test password; returns the user name."""
        args = ["staff", "create", "--username", username, "--full-name", full_name or f"Cán bộ {username}", "--role", role]
        self.cli(*args, *(["--unit", unit] if unit else []), env={"OCR_NEW_PASSWORD": PASSWORD})
        self.accounts[username] = PASSWORD
        return username

    def api_token(self, username: str) -> str:
        response = httpx.post(f"{self.base_url}/v1/auth/login", json={"username": username, "password": PASSWORD})
        response.raise_for_status()
        return response.json()["token"]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("web") / "var"
    # The embedded default: none of the service settings `make test` exports for other tests.
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCR_")} | {"OCR_DATA_DIR": str(data_dir)}
    port = _free_port()
    log = data_dir.parent / "server.log"
    server = LiveServer(base_url=f"http://127.0.0.1:{port}", data_dir=data_dir, env=env, log=log)
    server.cli("db", "upgrade")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "ocr_service.cli", "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_ready(server.base_url, process, log)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited ({process.returncode}):\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base_url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server did not become ready:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run scripts/install-browser.sh (make test does)")
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1366, "height": 768}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(live_server: LiveServer) -> Callable[[Page, str], None]:
    def sign_in(page: Page, username: str) -> None:
        page.goto("/login")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(live_server.accounts[username])
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_test_id("whoami")).to_be_visible()

    return sign_in


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    def save(page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{request.node.name}-{name}")
        path = ARTIFACTS / f"{stem}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
