"""The admins' digitization dashboard in headless Chromium: its figures are the API's.

Data: one sample really digitized by `ocr-service ingest`, then `ocr-service demo seed` (three
years of DEMO- dossiers attaching it, across the commune rollout and the 2025 reorganization).
Expected figures come from the JSON API, formatted here independently of the page's code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, LiveServer

# A sample whose every field is accepted: the demo seed attaches only records out of the review
# queue (the clean birth certificate's name is read at 87, under the review threshold).
SAMPLE = ROOT / "samples" / "documents" / "id_card_front-scan-000.jpg"
PERIOD = {"unit": "24", "from": "2023-01-01", "to": "2025-12-31"}


def vi_percent(rate: float | None) -> str:
    if rate is None:
        return "Không có dữ liệu"
    return f"{math.floor(rate * 1000 + 1e-9) / 10:.1f}".replace(".", ",") + " %"


def vi_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@pytest.fixture(scope="module")
def seeded(live_server: LiveServer) -> LiveServer:
    live_server.cli("ingest", str(SAMPLE))
    live_server.cli("demo", "seed", "--from", "2023-01-01", "--months", "36", "--per-month", "40", "--seed", "11")
    live_server.create_staff("quantri.tinh", role="admin", full_name="Lê Văn Quản")
    live_server.create_staff("canbo.xa", role="clerk", unit="07291")
    return live_server


def _api(server: LiveServer, path: str, params: dict[str, str]) -> dict:
    token = server.api_token("quantri.tinh")
    response = httpx.get(f"{server.base_url}{path}", params=params, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    response.raise_for_status()
    return response.json()


def _query(params: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items())


def _check_cards(page: Page, stats: dict) -> None:
    for value in stats["summary"]["indicators"]:
        card = page.get_by_test_id(f"indicator-{value['key']}")
        expect(card.get_by_test_id("rate")).to_have_text(vi_percent(value["rate"]))
        fraction = card.get_by_test_id("fraction").inner_text()
        assert fraction.startswith(f"{vi_int(value['numerator'])} / {vi_int(value['denominator'])} hồ sơ"), fraction
        score = card.get_by_test_id("score").inner_text()
        expected = "—" if value["score"] is None else f"{math.floor(value['score'] * 100 + 1e-9) / 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        assert score == f"Điểm: {expected} / {vi_int(int(value['max_points']))}", score


def test_dashboard_figures_match_the_api(page: Page, seeded: LiveServer, login: Callable[[Page, str], None], screenshot: Callable[[Page, str], Path]) -> None:
    login(page, "quantri.tinh")
    page.get_by_role("navigation").get_by_role("link", name="Giám sát số hóa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giám sát số hóa hồ sơ")

    page.goto(f"/admin/digitization?{_query(PERIOD)}")
    stats = _api(seeded, "/v1/stats/digitization", PERIOD)
    assert stats["summary"]["mandatory"]["received"] > 1000 and stats["summary"]["voluntary"]["received"] > 0
    expect(page.get_by_test_id("scope")).to_have_text("Tỉnh Bắc Giang → Tỉnh Bắc Ninh")
    expect(page.get_by_test_id("period")).to_contain_text("từ 01/01/2023 đến 31/12/2025")
    _check_cards(page, stats)
    expect(page.get_by_test_id("voluntary")).to_contain_text(f"{vi_int(stats['summary']['voluntary']['received'])} hồ sơ")

    # Every drill-down row shows the API's rate for each indicator.
    rows = page.locator("table.drill tbody tr")
    expect(rows).to_have_count(len(stats["rows"]))
    for row in stats["rows"]:
        cells = page.locator(f'tr[data-row="{row["row"]}"] td.num[data-key] .rate')
        assert cells.all_inner_texts() == [vi_percent(v["rate"]) for v in row["indicators"]], row["row"]

    # Trend charts: inline SVG, a dot per month with data, the commune rollout and the 2025 reorganization marked.
    charts = page.get_by_test_id("chart")
    expect(charts).to_have_count(3)
    for i, chart in enumerate(charts.all()):
        with_data = sum(1 for s in stats["series"] if s["indicators"][i]["rate"] is not None)
        expect(chart.locator("circle.dot")).to_have_count(with_data)
        marks = chart.get_by_test_id("chart-mark")
        expect(marks).to_have_count(2)
        assert [m.locator("text").text_content() for m in marks.all()] == ["Bắt buộc cấp xã 01/06/2023", "Sắp xếp ĐVHC 01/07/2025"]

    # The operations panel refreshes itself from /v1/stats/operations.
    panel = page.get_by_test_id("operations")
    expect(panel).to_have_attribute("data-refreshed", re.compile(r"[1-9]"))
    ops = _api(seeded, "/v1/stats/operations", {})
    expect(panel.locator('[data-op="queue_depth"]')).to_have_text(vi_int(ops["queue_depth"]))
    expect(panel.locator('[data-op="failed_total"]')).to_have_text(vi_int(sum(ops["failed_by_error_code"].values())))
    expect(panel.locator('[data-op="workers"]')).to_have_text(f"{ops['workers_healthy']}/{len(ops['workers'])}")
    for code, count in ops["failed_by_error_code"].items():
        expect(page.get_by_test_id("failures").locator("tr", has_text=code)).to_contain_text(vi_int(count))
    screenshot(page, "dashboard")

    # Drill down: the province -> Huyện Yên Thế, whose figures are the API's for unit 215.
    page.locator('tr[data-row="215@2020-01-01"] a').first.click()
    expect(page.get_by_test_id("scope")).to_have_text("Huyện Yên Thế")
    district = _api(seeded, "/v1/stats/digitization", {**PERIOD, "unit": "215"})
    _check_cards(page, district)
    expect(page.locator("table.drill tbody tr")).to_have_count(len(district["rows"]))
    screenshot(page, "drill-down")

    # A figure opens to its dossiers, each explained as the API explains it.
    page.get_by_test_id("indicator-dossier_digitization").get_by_role("link", name="chưa đạt").click()
    listing = _api(seeded, "/v1/stats/digitization/dossiers", {**PERIOD, "unit": "215", "indicator": "dossier_digitization", "subset": "missing"})
    expect(page.get_by_test_id("summary")).to_contain_text(f"{vi_int(listing['total'])} hồ sơ")
    assert listing["total"] == district["summary"]["indicators"][0]["denominator"] - district["summary"]["indicators"][0]["numerator"]
    first = listing["items"][0]
    row = page.locator(f'tr[data-code="{first["code"]}"]')
    expect(row.get_by_test_id("explanation")).to_contain_text(first["explanation"])
    expect(row).to_contain_text("chưa đạt")
    screenshot(page, "dossiers")


def test_no_data_is_not_zero(page: Page, seeded: LiveServer, login: Callable[[Page, str], None]) -> None:
    login(page, "quantri.tinh")
    page.goto("/admin/digitization?unit=24&from=2021-01-01&to=2021-12-31")
    for key in ("dossier_digitization", "result_digitization", "reuse"):
        expect(page.get_by_test_id(f"indicator-{key}").get_by_test_id("rate")).to_have_text("Không có dữ liệu")
    expect(page.get_by_text("Không có hồ sơ nào trong khoảng thời gian này.")).to_be_visible()
    page.goto("/admin/digitization?unit=24&from=2024-02-01&to=2024-01-01")
    expect(page.get_by_test_id("problem")).to_contain_text("from: must not be after to")


def test_only_admins_open_the_dashboard(page: Page, seeded: LiveServer, login: Callable[[Page, str], None]) -> None:
    login(page, "canbo.xa")
    expect(page.get_by_role("link", name="Giám sát số hóa")).to_have_count(0)
    response = page.goto("/admin/digitization")
    assert response is not None and response.status == 403
    expect(page.get_by_test_id("error")).to_be_visible()
