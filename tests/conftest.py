"""Shared fixtures. Integration tests use the real Tesseract and poppler; unit tests need neither."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf")

# A synthetic decision excerpt (made-up people and numbers).
DECISION_LINES = (
    "QUYẾT ĐỊNH",
    "Về việc hỗ trợ kinh phí cho hộ gia đình khó khăn",
    "Điều 1. Hỗ trợ ông Nguyễn Văn Hùng, sinh ngày 12/03/1985,",
    "số định danh cá nhân: 024085001234, trú tại xã Tân Sỏi.",
    "Điều 2. Giao Văn phòng Ủy ban nhân dân xã tổ chức thực hiện.",
    "Chủ tịch Ủy ban nhân dân xã và các ông, bà có tên tại Điều 1",
    "chịu trách nhiệm thi hành Quyết định này.",
)


def draw_page(lines: tuple[str, ...] = DECISION_LINES, *, size: tuple[int, int] = (2480, 3508), colour_mark: bool = False) -> Image.Image:
    """A clean 300-DPI A4 page of Vietnamese text, drawn with a Times-metric font."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    regular = ImageFont.truetype(str(FONT), 54)
    bold = ImageFont.truetype(str(FONT_BOLD), 58)
    y = 300
    for i, line in enumerate(lines):
        draw.text((250, y), line, font=bold if i == 0 else regular, fill="black")
        y += 110
    if colour_mark:
        draw.ellipse((1500, 1200, 1900, 1600), outline=(220, 30, 30), width=14)
    return img


@pytest.fixture(scope="session")
def page_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pages") / "decision.png"
    draw_page().save(path, dpi=(300, 300))
    return path
