"""Signing in and out of the staff web app in a real browser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer


def test_sign_in_out_and_redirects(page: Page, live_server: LiveServer, login: Callable[[Page, str], None], screenshot: Callable[[Page, str], Path]) -> None:
    live_server.create_staff("canbo.login", role="clerk", unit="07291", full_name="Trần Thị Mai")

    # Not signed in: a page sends the browser to the login page, and back after signing in.
    page.goto("/")
    expect(page).to_have_url(f"{live_server.base_url}/login?next=/")
    screenshot(page, "login")

    page.get_by_label("Tên đăng nhập").fill("canbo.login")
    page.get_by_label("Mật khẩu").fill("sai-mật-khẩu-rồi")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("canbo.login")  # kept for the retry
    screenshot(page, "login-error")

    login(page, "canbo.login")
    expect(page).to_have_url(f"{live_server.base_url}/")
    expect(page.get_by_test_id("whoami")).to_have_text("Trần Thị Mai · Cán bộ tiếp nhận")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Trần Thị Mai")
    screenshot(page, "home")

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{live_server.base_url}/login")
    page.goto("/")
    expect(page).to_have_url(f"{live_server.base_url}/login?next=/")


def test_expired_session_asks_to_sign_in_again(page: Page, live_server: LiveServer) -> None:
    # A cookie whose signature no longer verifies (expired, or signed under an old secret).
    page.context.add_cookies([{"name": "ocr_session", "value": "ocrs_e30.bm90LXNpZ25lZA", "url": live_server.base_url}])
    page.goto("/")
    expect(page.get_by_test_id("notice")).to_have_text("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.")
    assert not [c for c in page.context.cookies() if c["name"] == "ocr_session"]


def test_open_redirect_is_refused(live_server: LiveServer) -> None:
    live_server.create_staff("canbo.redirect", role="qa")
    response = httpx.post(
        f"{live_server.base_url}/login",
        data={"username": "canbo.redirect", "password": live_server.accounts["canbo.redirect"], "next": "//evil.example/"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_api_still_answers_json(live_server: LiveServer) -> None:
    response = httpx.get(f"{live_server.base_url}/v1/auth/me", headers={"Accept": "text/html"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
