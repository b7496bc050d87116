"""The clerk and QA pages in a real browser (issue #6): receive a dossier and upload scans, look a
citizen up and reuse a document, review and correct a record, and what other units cannot see.

The OCR really runs (the server's in-process worker, real Tesseract) on two generated pages; the
same bytes uploaded twice are one document, so each page is read once per module. Checks go
through the API and the server's database as well as the pages.
"""

from __future__ import annotations

import base64
import io
import re
import subprocess
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.conftest import draw_page

UNIT = "07288"  # Xã Yên Thế (since 2025-07-01)
OTHER_UNIT = "07444"  # Xã Lục Nam
APPLICANT = "024085001234"  # synthetic, male, born 1985
WRONG_ID = "024090004321"  # printed for a woman ("bà") but a man's number: flagged, not linked
RIGHT_ID = "024190004321"
LINKED_A, LINKED_B = "024085001234", "027190004321"
FLAGGED = (
    "QUYẾT ĐỊNH",
    "Về việc hỗ trợ kinh phí cho hộ gia đình khó khăn",
    "Điều 1. Hỗ trợ bà Trần Thị Lan, sinh ngày 04/07/1990,",
    f"số định danh cá nhân: {WRONG_ID}, trú tại xã Tân Sỏi.",
)
LINKED = (
    "QUYẾT ĐỊNH",
    "Về việc hỗ trợ kinh phí cho hộ gia đình khó khăn",
    "Điều 1. Hỗ trợ ông Nguyễn Văn Hùng, sinh ngày 12/03/1985,",
    f"số định danh cá nhân: {LINKED_A}, trú tại xã Tân Sỏi;",
    "bà Trần Thị Lan, sinh ngày 04/07/1990,",
    f"số định danh cá nhân: {LINKED_B}, trú tại xã Đồng Lạc.",
)


def _png(lines: tuple[str, ...]) -> bytes:
    buf = io.BytesIO()
    draw_page(lines, size=(2480, 1400)).convert("L").save(buf, "PNG", dpi=(300, 300))
    return buf.getvalue()


FLAGGED_PNG, LINKED_PNG = _png(FLAGGED), _png(LINKED)


class Api:
    """The JSON API as a staff member, for set-up and for checking what the pages did."""

    def __init__(self, server: LiveServer, username: str) -> None:
        self.client = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_token(username)}"}, timeout=30)

    def dossier(self) -> str:
        code = f"{UNIT}-test-{uuid.uuid4().hex[:8]}"
        response = self.client.post("/v1/dossiers", json={"code": code, "procedure_code": "DA06-01", "applicant_id_number": APPLICANT})
        assert response.status_code == 201, response.text
        return code

    def upload(self, code: str, data: bytes, name: str) -> str:
        response = self.client.post(f"/v1/dossiers/{code}/documents", files={"file": (name, data, "image/png")}, data={"role": "component"})
        assert response.status_code == 202, response.text
        return response.json()["document_id"]

    def wait(self, document_id: str, timeout: float = 180) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = self.client.get(f"/v1/documents/{document_id}").json()
            if body["status"] in ("done", "failed"):
                assert body["status"] == "done", body
                return body
            time.sleep(0.3)
        raise AssertionError(f"{document_id} did not finish")


def _db(server: LiveServer) -> sa.Engine:
    return sa.create_engine(f"sqlite:///{server.data_dir / 'ocr.sqlite3'}")


def _pdftotext(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", fh.name, "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module")
def staff(live_server: LiveServer) -> dict[str, str]:
    return {
        "clerk": live_server.create_staff("tiepnhan.yenthe", role="clerk", unit=UNIT, full_name="Nguyễn Thị Hoa"),
        "qa": live_server.create_staff("kiemtra.yenthe", role="qa", unit=UNIT, full_name="Lê Văn Bình"),
        "other_clerk": live_server.create_staff("tiepnhan.lucnam", role="clerk", unit=OTHER_UNIT, full_name="Phạm Văn Cường"),
        "other_qa": live_server.create_staff("kiemtra.lucnam", role="qa", unit=OTHER_UNIT, full_name="Đỗ Thị Dung"),
    }


@pytest.fixture(scope="module")
def records(live_server: LiveServer, staff: dict[str, str]) -> dict[str, str]:
    """The two pages digitized in a dossier of the unit (the same document as any upload of the same bytes)."""
    api = Api(live_server, staff["clerk"])
    code = api.dossier()
    flagged, linked = api.upload(code, FLAGGED_PNG, "quyết định cần sửa.png"), api.upload(code, LINKED_PNG, "quyết định.png")
    api.wait(flagged)
    api.wait(linked)
    return {"flagged": flagged, "linked": linked, "dossier": code}


def test_clerk_receives_a_dossier_and_uploads_scans(
    page: Page, live_server: LiveServer, staff: dict[str, str], login: Callable[[Page, str], None], screenshot: Callable[[Page, str], Path]
) -> None:
    login(page, staff["clerk"])
    page.get_by_role("link", name="Tiếp nhận hồ sơ").first.click()
    expect(page.get_by_role("heading", name="Tiếp nhận hồ sơ")).to_be_visible()
    expect(page.get_by_test_id("unit")).to_have_text("Xã Yên Thế")
    expect(page.locator("#procedure option")).to_have_count(26)  # the 25 essential procedures and the prompt
    screenshot(page, "receive-empty")

    page.get_by_label("Thủ tục hành chính").select_option("DA06-01")
    id_input = page.get_by_label("Số định danh cá nhân của người nộp")
    id_input.press_sequentially("0240")
    expect(page.get_by_test_id("id-hint")).to_have_text("Còn thiếu 8 chữ số.")
    id_input.fill("999085001234")
    expect(page.get_by_test_id("id-hint")).to_have_text("Mã tỉnh 999 không đúng (3 chữ số đầu).")
    expect(page.get_by_role("button", name="Tạo hồ sơ")).to_be_disabled()
    id_input.fill(APPLICANT)
    expect(page.get_by_test_id("id-hint")).to_have_text("Hợp lệ · Nam, sinh năm 1985.")
    page.get_by_role("button", name="Tạo hồ sơ").dblclick()  # a double click makes one dossier
    expect(page.get_by_test_id("dossier-code")).to_have_text(re.compile(rf"^{UNIT}-\d{{6}}-\d{{6}}$"))
    code = page.get_by_test_id("dossier-code").inner_text()

    # One file by drag and drop, one through the file picker, and one that is not a scan.
    drop = page.evaluate_handle(
        """([b64, name]) => { const dt = new DataTransfer();
             dt.items.add(new File([Uint8Array.from(atob(b64), c => c.charCodeAt(0))], name, {type: "image/png"})); return dt; }""",
        [base64.b64encode(FLAGGED_PNG).decode(), "quyết định cần sửa.png"],
    )
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": drop})
    page.locator("#file-input").set_input_files([
        {"name": "quyết định.png", "mimeType": "image/png", "buffer": LINKED_PNG},
        {"name": "ảnh hỏng.png", "mimeType": "image/png", "buffer": b"GIF89a not a scan at all"},
    ])
    rows = page.locator("#files tbody tr")
    expect(rows).to_have_count(3)
    page.get_by_label("Vai trò của quyết định.png").select_option("result")
    screenshot(page, "receive-files-chosen")
    page.get_by_role("button", name="Tải lên 3 tệp").dblclick()

    bad = rows.filter(has_text="ảnh hỏng.png").get_by_test_id("file-status")
    expect(bad).to_have_text("Bị từ chối: Định dạng tệp không được hỗ trợ. Chỉ nhận PDF, JPEG, PNG hoặc TIFF.")
    page.reload()  # a refresh while the scans are processed loses nothing
    expect(page.get_by_test_id("dossier-code")).to_have_text(code)
    for name in ("quyết định cần sửa.png", "quyết định.png"):
        expect(rows.filter(has_text=name).get_by_test_id("file-status")).to_have_text("Đã số hóa xong", timeout=180_000)
    expect(rows.filter(has_text="quyết định.png").locator("td.role")).to_have_text("Kết quả giải quyết")
    screenshot(page, "receive-done")

    dossier = Api(live_server, staff["clerk"]).client.get(f"/v1/dossiers/{code}").json()
    assert [c["filename"] for c in dossier["components"]] == ["quyết định cần sửa.png"]
    assert [r["filename"] for r in dossier["results"]] == ["quyết định.png"]
    with _db(live_server).connect() as db:
        assert db.execute(sa.text("SELECT count(*) FROM dossiers WHERE created_by = :who"), {"who": f"staff:{staff['clerk']}"}).scalar() == 1


def test_citizen_lookup_and_reuse(
    page: Page, live_server: LiveServer, staff: dict[str, str], records: dict[str, str],
    login: Callable[[Page, str], None], screenshot: Callable[[Page, str], Path],
) -> None:
    login(page, staff["clerk"])
    code = Api(live_server, staff["clerk"]).dossier()
    page.evaluate("([code]) => sessionStorage.setItem('receive.dossier', JSON.stringify({code, procedure: 'DA06-01', applicant: '024******234'}))", [code])
    page.goto("/tra-cuu")
    expect(page.get_by_test_id("no-results")).to_have_count(0)
    page.get_by_label("Số định danh cá nhân").fill("12345")
    expect(page.get_by_role("button", name="Tra cứu")).to_be_disabled()
    page.get_by_label("Số định danh cá nhân").fill("027199999999")  # well formed, nobody
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_test_id("no-results")).to_be_visible()
    screenshot(page, "lookup-empty")

    page.get_by_label("Số định danh cá nhân").fill(LINKED_B)
    page.get_by_role("button", name="Tra cứu").click()
    card = page.locator(f"article.result[data-document='{records['linked']}']")
    expect(card).to_contain_text("Quyết định")
    expect(card).to_contain_text("Trần Thị Lan")
    expect(card.locator("img.thumb")).to_have_js_property("complete", True)
    assert card.locator("img.thumb").evaluate("img => img.naturalWidth") > 100
    assert LINKED_B not in page.url  # the number stays out of the address bar and history
    screenshot(page, "lookup-found")
    card.get_by_role("button", name="Dùng lại cho hồ sơ hiện tại").dblclick()
    expect(card.get_by_role("button")).to_have_text(f"Đã đính kèm vào hồ sơ {code}")

    dossier = Api(live_server, staff["clerk"]).client.get(f"/v1/dossiers/{code}").json()
    assert [(c["document_id"], c["reused"]) for c in dossier["components"]] == [(records["linked"], True)]
    with _db(live_server).connect() as db:
        logged = db.execute(
            sa.text("SELECT principal_name, action FROM access_log WHERE citizen_id_number = :n"), {"n": LINKED_B}
        ).all()
    assert (staff["clerk"], "web_citizen_lookup") in [tuple(row) for row in logged]


def test_qa_reviews_and_corrects_a_record(
    page: Page, live_server: LiveServer, staff: dict[str, str], records: dict[str, str],
    login: Callable[[Page, str], None], screenshot: Callable[[Page, str], Path],
) -> None:
    document_id = records["flagged"]
    login(page, staff["qa"])
    page.get_by_role("link", name="Hàng đợi kiểm tra").first.click()
    row = page.locator(f"tr[data-document='{document_id}']")
    expect(row).to_contain_text("Số định danh đáng ngờ")
    screenshot(page, "queue")
    page.get_by_label("Lý do").select_option("low_confidence")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator(f"tr[data-document='{document_id}']")).to_have_count(0)
    page.get_by_label("Lý do").select_option("id_number")
    page.get_by_role("button", name="Lọc").click()
    page.locator(f"tr[data-document='{document_id}'] a").click()

    # The page image with the OCR's word boxes; the ID number's field is focused first (flagged).
    expect(page.get_by_test_id("version")).to_have_text("1")
    expect(page.locator("#page-image")).to_have_js_property("complete", True)
    assert page.locator("#page-image").evaluate("img => img.naturalWidth") > 500
    expect(page.locator("#overlay rect.word")).not_to_have_count(0)
    id_field = page.get_by_test_id("field-citizens[0].id_number")
    expect(id_field).to_be_focused()
    expect(page.locator("#overlay rect.field-box")).to_have_count(1)  # its box on the image
    screenshot(page, "review-open")

    # Keyboard only: correct the number, Enter accepts it and moves on; fix the OCR word; save.
    id_field.fill(RIGHT_ID)
    id_field.press("Enter")
    expect(page.locator(".field[data-path='citizens[0].id_number']")).to_have_class(re.compile(r"\baccepted\b"))
    expect(page.get_by_test_id("field-citizens[0].sex")).to_be_focused()
    word = page.locator("#overlay rect.word").filter(has=page.locator(f"title:text-matches('^{WRONG_ID}')"))
    word.click()
    word_input = page.get_by_test_id("word-input")
    expect(word_input).to_be_focused()
    expect(word_input).to_have_value(f"{WRONG_ID},")
    word_input.fill(f"{RIGHT_ID},")
    word_input.press("Enter")
    expect(page.locator("#overlay rect.word.fixed")).to_have_count(1)
    page.reload()  # unsaved corrections survive a refresh
    expect(page.locator("#banner")).to_have_text("Đã khôi phục 2 chỗ sửa chưa lưu.")
    expect(page.get_by_test_id("field-citizens[0].id_number")).to_have_value(RIGHT_ID)
    screenshot(page, "review-corrected")
    page.keyboard.press("Control+s")
    expect(page.get_by_test_id("version")).to_have_text("2")
    expect(page.get_by_test_id("review-status")).to_have_text("Đã xác minh")
    expect(page.locator("#banner")).to_contain_text("Đã lưu phiên bản 2")
    screenshot(page, "review-saved")

    page.get_by_role("link", name="Lịch sử").click()
    latest = page.locator("li.version[data-version='2']")
    expect(latest).to_contain_text("kiemtra.yenthe")
    expect(latest.locator("tr", has_text="Công dân 1 · Số định danh cá nhân")).to_contain_text(RIGHT_ID)
    expect(latest.locator("tr", has_text="Từ")).to_contain_text(f"{WRONG_ID},")
    expect(page.locator("li.version[data-version='1']")).to_contain_text("Bản nhận dạng gốc")
    screenshot(page, "history")

    # Through the API: the correction, its history, the new searchable PDF's text.
    api = Api(live_server, staff["qa"]).client
    record = api.get(f"/v1/documents/{document_id}").json()["record"]
    assert (record["version"], record["review_status"], record["citizen_ids"]) == (2, "verified", [RIGHT_ID])
    assert record["fields"]["citizens"][0]["id_number"]["value"] == RIGHT_ID
    history = api.get(f"/v1/documents/{document_id}/history").json()["versions"]
    assert history[1]["principal_name"] == staff["qa"]
    assert {"kind": "field", "target": "citizens[0].id_number", "old": WRONG_ID, "new": RIGHT_ID} in history[1]["changes"]
    assert any(c["kind"] == "word" and c["old"] == f"{WRONG_ID}," and c["new"] == f"{RIGHT_ID}," for c in history[1]["changes"])
    text = _pdftotext(api.get(f"/v1/documents/{document_id}/pdf").content)
    assert RIGHT_ID in text and WRONG_ID not in text
    assert WRONG_ID in _pdftotext(api.get(f"/v1/documents/{document_id}/pdf", params={"version": 1}).content)


def test_other_units_cannot_see_the_record(
    page: Page, live_server: LiveServer, staff: dict[str, str], records: dict[str, str],
    login: Callable[[Page, str], None], screenshot: Callable[[Page, str], Path],
) -> None:
    document_id = records["flagged"]
    other = Api(live_server, staff["other_clerk"]).client
    for path in ("", "/history", "/pdf", "/pages/0/image"):
        assert other.get(f"/v1/documents/{document_id}{path}").status_code == 404
    assert other.get(f"/v1/citizens/{LINKED_B}/documents").json()["documents"] == []

    login(page, staff["other_clerk"])
    page.goto(f"/kiem-tra/{document_id}/lich-su")
    expect(page.get_by_test_id("error")).to_have_text("Không tìm thấy, hoặc bạn không có quyền xem.")
    screenshot(page, "other-unit-404")
    page.goto("/kiem-tra")
    expect(page.get_by_test_id("error")).to_have_text("Tài khoản của bạn không có quyền thực hiện thao tác này.")
    page.get_by_role("button", name="Đăng xuất").click()

    login(page, staff["other_qa"])
    page.goto("/kiem-tra")
    expect(page.locator(f"tr[data-document='{document_id}']")).to_have_count(0)
    page.goto(f"/kiem-tra/{document_id}")
    expect(page.get_by_test_id("error")).to_have_text("Không tìm thấy, hoặc bạn không có quyền xem.")
