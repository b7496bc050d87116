"""OpenCV steps on synthetic pages: each recovers what was done to the page, and leaves clean pages alone."""

from __future__ import annotations

import numpy as np
import pytest

from ocr_service.domain import PreprocessOptions
from ocr_service.pipeline import preprocess as P
from tests.conftest import draw_page


@pytest.fixture(scope="module")
def clean_rgb() -> np.ndarray:
    return np.asarray(draw_page(colour_mark=False))


@pytest.fixture(scope="module")
def clean_gray(clean_rgb: np.ndarray) -> np.ndarray:
    return P.to_gray(clean_rgb)


@pytest.mark.parametrize("angle", [-4.0, -1.5, 0.7, 2.5, 3.8])
def test_estimate_skew_recovers_rotation(clean_gray: np.ndarray, angle: float) -> None:
    # Rotating a straight page counter-clockwise by `angle` makes its lines rise by `angle`.
    tilted = P.rotate(clean_gray, -angle)
    assert P.estimate_skew(tilted) == pytest.approx(angle, abs=0.2)


def test_rotate_by_estimate_straightens(clean_gray: np.ndarray) -> None:
    tilted = P.rotate(clean_gray, -3.0)
    straightened = P.rotate(tilted, P.estimate_skew(tilted))
    assert abs(P.estimate_skew(straightened)) <= 0.15


def test_blank_page_has_no_skew() -> None:
    assert P.estimate_skew(np.full((800, 600), 255, np.uint8)) == 0.0


def test_impulse_noise_detected_only_when_present(clean_gray: np.ndarray) -> None:
    rng = np.random.default_rng(1)
    noisy = clean_gray.copy()
    mask = rng.random(noisy.shape)
    noisy[mask < 0.004] = 0
    noisy[mask > 0.996] = 255
    assert P.impulse_noise_ratio(clean_gray) < 0.0001
    assert P.impulse_noise_ratio(noisy) > 0.001


def test_contrast_stretched_only_when_faded(clean_gray: np.ndarray) -> None:
    assert P.stretch_contrast(clean_gray) is clean_gray
    faded = (clean_gray.astype(np.float32) * 0.35 + 140).astype(np.uint8)  # grey ink on grey paper
    stretched = P.stretch_contrast(faded)
    assert stretched.min() <= 10 and np.percentile(stretched, 90) >= 245


def test_red_seal_and_blue_signature_removed_black_print_and_red_title_kept() -> None:
    import cv2

    rgb = np.full((1200, 1200, 3), 255, np.uint8)
    rgb[20:40, 20:1000] = (0, 0, 0)  # a line of print
    cv2.putText(rgb, "CAN CUOC", (60, 150), cv2.FONT_HERSHEY_SIMPLEX, 3, (200, 30, 30), 8)  # a red printed title
    cv2.circle(rgb, (600, 700), 200, (210, 40, 40), 18)  # a 34 mm seal at 300 DPI
    cv2.putText(rgb, "UBND", (470, 720), cv2.FONT_HERSHEY_SIMPLEX, 3, (210, 40, 40), 10)
    rgb[1100:1120, 100:600] = (30, 40, 170)  # blue signature ink
    assert P.has_colour_marks(rgb)
    gray = P.suppress_colour_marks(rgb, dpi=300)
    assert gray[30, 500] < 20  # print
    assert gray[500, 600] > 200  # the seal's ring
    assert gray[1110, 300] > 160  # the signature
    title = gray[80:160, 60:500]
    assert title.min() < 120  # the red title is still there to read


def test_plain_greyscale_scan_has_no_colour_marks(clean_rgb: np.ndarray) -> None:
    assert not P.has_colour_marks(clean_rgb)


@pytest.mark.parametrize(("shape", "dpi"), [((3508, 2480), 300), ((1754, 1240), 150), ((2339, 1654), 200)])
def test_dpi_estimated_from_a4_size(shape: tuple[int, int], dpi: int) -> None:
    assert P.estimate_dpi(shape) == pytest.approx(dpi, abs=2)


def test_low_resolution_page_is_upscaled_and_straightened(clean_rgb: np.ndarray) -> None:
    small = P.rotate(clean_rgb[::2, ::2], -2.0)  # 150 DPI, tilted
    result = P.preprocess(np.ascontiguousarray(small), dpi=150, opts=PreprocessOptions())
    assert result.dpi == 300
    assert result.gray.shape == (3508, 2480)
    assert result.display.shape[:2] == result.gray.shape
    assert "upscale" in result.steps and "deskew" in result.steps
    assert result.skew_degrees == pytest.approx(2.0, abs=0.2)


def test_clean_page_passes_through_untouched(clean_rgb: np.ndarray) -> None:
    result = P.preprocess(clean_rgb, dpi=300, opts=PreprocessOptions())
    assert result.steps == ()
    assert np.array_equal(result.gray, P.to_gray(clean_rgb))


def test_steps_can_be_switched_off(clean_rgb: np.ndarray) -> None:
    tilted = P.rotate(clean_rgb, -2.0)
    off = PreprocessOptions(deskew=False, upscale=False, denoise=False, remove_red=False, normalize_contrast=False)
    assert P.preprocess(tilted, dpi=300, opts=off).steps == ()


def test_quarter_rotations_compose() -> None:
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert P.rotate_quarter(img, 90).shape == (4, 3)
    assert np.array_equal(P.rotate_quarter(P.rotate_quarter(img, 90), 270), img)
    assert np.array_equal(P.rotate_quarter(img, 0), img)


def test_rulings_are_erased_and_letters_kept() -> None:
    from PIL import Image, ImageDraw, ImageFont

    from ocr_service.pipeline.preprocess import remove_rulings

    img = Image.new("L", (1800, 400), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf", 67)  # 16 pt bold title
    draw.text((40, 40), "GIẤY KHAI SINH lIl", font=font, fill=0)
    for i in range(12):  # CT01 digit boxes: 57 × 68 px cells
        draw.rectangle((40 + i * 57, 200, 97 + i * 57, 268), outline=0, width=2)
    draw.line((40, 330, 1700, 330), fill=0, width=3)  # a table border
    gray = np.array(img)
    text_ink = np.count_nonzero(gray[:150] < 128)

    cleaned = remove_rulings(gray, dpi=300)

    assert np.count_nonzero(cleaned[180:350] < 128) == 0  # boxes and border gone
    assert np.count_nonzero(cleaned[:150] < 128) >= 0.97 * text_ink  # the title's stems survive
    assert remove_rulings(cleaned, dpi=300) is cleaned  # nothing left to erase: the same object


def test_a_dark_bar_with_light_text_is_not_a_ruling() -> None:
    from ocr_service.pipeline.preprocess import remove_rulings

    gray = np.full((300, 1500), 255, np.uint8)
    gray[100:180, 100:1400] = 30  # a shaded table header, 80 px tall
    gray[120:160, 300:330] = 255  # its light lettering
    assert remove_rulings(gray, dpi=300) is gray


def test_rulings_are_left_alone_without_a_table_or_digit_boxes() -> None:
    from ocr_service.pipeline.preprocess import remove_rulings

    # A Decree 30 underline and a card-like frame: lines, but no row of equal vertical rulings.
    gray = np.full((800, 1800), 255, np.uint8)
    gray[150:153, 200:700] = 0  # underline
    gray[300:700, 100:102] = 0  # frame sides of assorted heights
    gray[300:580, 400:402] = 0
    gray[300:600, 1700:1702] = 0
    assert remove_rulings(gray, dpi=300) is gray
    assert remove_rulings(gray, dpi=300, min_vertical_lines=0) is not gray  # the old rule erased them


def test_small_print_is_doubled_and_body_text_is_not(clean_gray: np.ndarray) -> None:
    from PIL import Image, ImageDraw, ImageFont

    card = Image.new("L", (1500, 1250), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", 24)  # a card's 6 pt print
    for i in range(12):
        ImageDraw.Draw(card).text((100, 100 + 60 * i), "Nơi thường trú / Place of residence: Bản Khe Nghè", font=font, fill=0)
    small = P.preprocess(np.asarray(card), dpi=300, opts=PreprocessOptions())
    assert "small_text" in small.steps and small.dpi == 600 and small.gray.shape == (2500, 3000)
    body = P.preprocess(clean_gray, dpi=300, opts=PreprocessOptions())
    assert "small_text" not in body.steps and body.dpi == 300


def _small_print(height: int = 300, width: int = 900, *, size: int = 11, pitch: int = 27) -> np.ndarray:
    """A card's 6 pt labels at 175 DPI (``size`` 11: glyphs about 9 px tall with one-pixel strokes), grey ink."""
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (width, height), 200)
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", size)
    for i in range(height // pitch):
        ImageDraw.Draw(page).text((20, 10 + pitch * i), "Nơi thường trú / Place of residence: Bản Khe Nghè", font=font, fill=90)
    return np.asarray(page)


def test_despeckle_keeps_one_pixel_strokes_of_small_print() -> None:
    gray = _small_print()
    noisy = gray.copy()
    mask = np.random.default_rng(2).random(gray.shape)
    noisy[mask < 0.001] = 40
    noisy[mask > 0.999] = 255
    cleaned = P.despeckle(noisy)
    ink = gray < 150
    specks = (mask < 0.001) | (mask > 0.999)
    left = np.abs(cleaned.astype(np.int16) - gray.astype(np.int16)) > 40
    assert np.count_nonzero(left & specks) < 0.1 * np.count_nonzero(specks)
    # The plain median would erase most one-pixel strokes; the switching median keeps them.
    import cv2

    assert np.count_nonzero((cleaned < 150) & ink) > 0.9 * np.count_nonzero(ink)
    assert np.count_nonzero((cv2.medianBlur(noisy, 3) < 150) & ink) < 0.9 * np.count_nonzero(ink)


def test_despeckle_is_a_plain_median_for_body_text(clean_gray: np.ndarray) -> None:
    import cv2

    noisy = clean_gray.copy()
    noisy[np.random.default_rng(3).random(noisy.shape) < 0.003] = 0
    assert np.array_equal(P.despeckle(noisy), cv2.medianBlur(noisy, 3))


def test_binarize_whitens_mottled_paper_and_keeps_grey_ink() -> None:
    # Upscaled small print (glyphs ~30 px) on grainy paper, lit unevenly: no global threshold fits.
    rng = np.random.default_rng(4)
    print_ = _small_print(600, 1800, size=36, pitch=80)
    paper = np.clip(170 + rng.normal(0, 12, print_.shape), 0, 255).astype(np.uint8)
    page = np.minimum(paper, print_)
    page[:, 900:] = np.clip(page[:, 900:].astype(np.int16) + 45, 0, 255).astype(np.uint8)
    binary = P.binarize(page, window=60)
    ink = print_ < 150
    assert set(np.unique(binary)) <= {0, 255}
    assert np.count_nonzero((binary == 0) & ink) > 0.6 * np.count_nonzero(ink)
    assert np.count_nonzero((binary == 0) & ~ink) < 0.02 * np.count_nonzero(~ink)


def test_faded_table_page_is_binarized_and_faded_text_page_is_not(clean_gray: np.ndarray) -> None:
    faded = (clean_gray.astype(np.float32) * 0.45 + 110).astype(np.uint8)
    table = faded.copy()
    for x in range(300, 2200, 300):  # a table's column borders
        table[2000:2600, x : x + 3] = 110
    for y in (2000, 2200, 2400, 2600):
        table[y : y + 3, 300:2103] = 110
    opts = PreprocessOptions()
    assert "binarize" in P.preprocess(table, dpi=300, opts=opts).steps
    assert "binarize" not in P.preprocess(faded, dpi=300, opts=opts).steps
    assert P.has_table(table, dpi=300) and not P.has_table(faded, dpi=300)


def test_binarize_in_strips_matches_the_whole_page() -> None:
    import cv2

    noise = (np.random.default_rng(5).random((700, 400)) * 255).astype(np.uint8)
    page = cv2.GaussianBlur(noise, (0, 0), 3)
    assert np.array_equal(P.binarize(page, window=61, strip_rows=100), P.binarize(page, window=61, strip_rows=10_000))


def _faint_grid_on_noisy_paper() -> tuple[np.ndarray, np.ndarray]:
    """A table's thin grey rulings on grainy paper, as a 150 DPI phone photo upscaled to 300:
    under one page-wide threshold they break into dashes. Returns the page and the grid's pixels."""
    import cv2

    rng = np.random.default_rng(6)
    grid = np.zeros((900, 2000), bool)
    for x in range(100, 1900, 300):  # seven column borders
        grid[150:750, x : x + 2] = True
    for y in (150, 350, 550, 750):
        grid[y : y + 2, 100:1902] = True
    page = np.where(grid, 150, 185).astype(np.float32)
    page = cv2.GaussianBlur(page, (0, 0), 1.0) + rng.normal(0, 14, page.shape)
    return np.clip(page, 0, 255).astype(np.uint8), grid


def test_faint_rulings_on_a_noisy_photo_are_found_and_erased() -> None:
    import cv2

    page, grid = _faint_grid_on_noisy_paper()
    _, otsu = cv2.threshold(page, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    assert P._aligned_verticals(P._thin_runs(otsu, 60, 10, horizontal=False), min_length=60) < P.MIN_VERTICAL_RULINGS  # dashes
    mask = P.ruling_mask(page, dpi=300, min_vertical_lines=P.MIN_VERTICAL_RULINGS)
    assert np.count_nonzero(mask[grid]) > 0.95 * np.count_nonzero(grid)
    assert np.count_nonzero(mask) < 6 * np.count_nonzero(grid)  # the lines, not the paper around them
    # Without the grey search (a clean page's fast path) most of the dashes stay.
    fast = P.ruling_mask(page, dpi=300, min_vertical_lines=P.MIN_VERTICAL_RULINGS, faint=False)
    assert np.count_nonzero(fast[grid]) < 0.5 * np.count_nonzero(grid)


def test_no_ruling_is_found_in_plain_text(clean_gray: np.ndarray) -> None:
    # Letters respond to the line filter too (a serif baseline averaged along a word is a thin
    # dark row), but none makes a run as long as a ruling.
    assert not np.any(P.ruling_mask(clean_gray, dpi=300))


def test_table_grid_keeps_row_rulings_and_stretches_short_columns() -> None:
    from ocr_service.domain import BBox

    columns = (BBox(100, 500, 104, 900), BBox(600, 540, 604, 900), BBox(1200, 500, 1204, 900))  # the middle one's top lost
    rows = (BBox(100, 498, 1204, 502), BBox(100, 898, 1204, 902), BBox(300, 200, 900, 204))  # and an underline above
    grid = P.table_grid(columns, rows, snap=60)
    assert BBox(600, 500, 604, 900) in grid  # stretched to the top border
    assert BBox(300, 200, 900, 204) not in grid  # crosses no column: not the table's
    assert len(grid) == 5


def test_drop_specks_removes_lone_dots_and_keeps_marks_and_dots() -> None:
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (1400, 400), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", 48)
    ImageDraw.Draw(page).text((40, 60), "Độc lập, Tự do-Hạnh phúc. Ngày: i j", font=font, fill=0)
    text = np.asarray(page)
    glyph = P.median_glyph_height(text)
    noisy = text.copy()
    specks = [(250, 100), (300, 700), (380, 1300), (20, 1000)]  # on the paper, away from the line
    for y, x in specks:
        noisy[y : y + 6, x : x + 6] = 0
    cleaned = P.drop_specks(noisy, glyph_px=glyph)
    for y, x in specks:
        assert cleaned[y : y + 6, x : x + 6].min() == 255
    # Every mark, dot, comma, hyphen and full stop of the line is still there, and nothing else.
    assert np.array_equal(cleaned < 128, text < 128)


def test_drop_specks_returns_the_page_when_nothing_is_a_lone_speck() -> None:
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (900, 200), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", 48)
    ImageDraw.Draw(page).text((40, 60), "Quê quán: Bắc Giang", font=font, fill=0)
    binary = np.asarray(page).copy()
    assert P.drop_specks(binary, glyph_px=P.median_glyph_height(binary)) is binary


def test_strokes_of_text_are_not_rulings() -> None:
    # Horizontal runs on a 300 DPI page: the crossbars of "4444" run together (letters' ink right
    # above it), a short dash alone on paper, a long row ruling with text above, and a short piece
    # of a digit box's border joined to its side.
    ink = np.zeros((400, 1500), np.uint8)
    horizontal = np.zeros_like(ink)
    horizontal[100:104, 100:255] = 255  # "4444": 0.52 in
    ink[100:104, 100:255] = 255
    for x in range(100, 255, 39):  # the fours' diagonals and stems above the bar
        ink[70:98, x : x + 16] = 255
        ink[70:98, x + 20 : x + 28] = 255
    horizontal[200:203, 100:190] = 255  # a lone dash: paper around it
    ink[200:203, 100:190] = 255
    horizontal[300:303, 100:1400] = 255  # a table's row ruling, its cell's text right above
    ink[280:298, 100:1400:3] = 255
    vertical = np.zeros_like(ink)
    vertical[320:390, 1450:1453] = 255
    horizontal[388:391, 1300:1452] = 255  # a digit box's bottom, joined to its side
    ink[370:386, 1300:1450] = 255

    kept = P.without_glyph_strokes(horizontal, ink, vertical, dpi=300)

    assert not np.any(kept[100:104])  # the crossbars stay in the number
    assert np.all(kept[200:203, 100:190])  # the dash is erased
    assert np.all(kept[300:303, 100:1400])  # the ruling is erased
    assert np.all(kept[388:391, 1300:1452])  # the box is erased
    empty = np.zeros_like(ink)
    assert P.without_glyph_strokes(empty, ink, vertical, dpi=300) is empty


def test_a_faint_table_is_found_by_its_grid_and_letters_make_none(clean_gray: np.ndarray) -> None:
    page, _grid = _faint_grid_on_noisy_paper()
    assert not P.has_table(page, dpi=300)  # dashes under the ink's threshold
    assert P.has_faint_grid(page, dpi=300)
    faded = (clean_gray.astype(np.float32) * 0.45 + 110).astype(np.uint8)
    assert not P.has_faint_grid(faded, dpi=300)  # letters' stems, no row ruling crossing them
    columns_only = page.copy()
    columns_only[140:160] = columns_only[170:190]  # no row ruling above the columns ...
    for y in (350, 550, 750):
        columns_only[y - 8 : y + 10] = columns_only[170:188]  # ... nor between or below them
    assert not P.has_faint_grid(columns_only, dpi=300)


def test_the_faint_table_search_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    page, _grid = _faint_grid_on_noisy_paper()
    rgb = np.dstack([page] * 3)
    monkeypatch.setattr(P, "has_table", lambda *_args, **_kwargs: False)  # as on a bench CT01 whose grid is fainter
    assert "binarize" in P.preprocess(rgb, dpi=300, opts=PreprocessOptions()).steps
    assert "binarize" not in P.preprocess(rgb, dpi=300, opts=PreprocessOptions(faint_table=False)).steps


def test_a_table_is_rows_crossing_columns() -> None:
    from ocr_service.domain import BBox

    columns = tuple(BBox(x, 500, x + 4, 900) for x in (100, 600, 1200))
    rows = (BBox(100, 498, 1204, 502), BBox(100, 898, 1204, 902))
    assert P.is_table(columns + rows)
    assert not P.is_table(columns + rows[:1])  # one row ruling
    assert not P.is_table(columns[:2] + rows)  # two column rulings


def test_small_print_threshold_keeps_a_blurred_stroke_thin() -> None:
    import cv2

    page = np.full((200, 200), 230, np.uint8)
    page[:, 98:102] = 40  # a stroke 4 px wide, enlarged from a blurred photo
    page = cv2.GaussianBlur(page, (0, 0), 2.5)
    default = (P.binarize(page, window=40)[100] == 0).sum()
    small_print = (P.binarize(page, window=40, k=P.SMALL_PRINT_SAUVOLA_K)[100] == 0).sum()
    assert 0 < small_print < default


def test_a_worn_seal_broken_into_arcs_is_dropped_whole_and_print_under_it_kept() -> None:
    import cv2

    rgb = np.full((1200, 1200, 3), (205, 200, 185), np.uint8)  # yellowish paper
    for start in range(0, 360, 60):  # the ring in arcs 20° apart
        cv2.ellipse(rgb, (600, 600), (200, 200), 0, start, start + 40, (215, 60, 60), 12)
    cv2.ellipse(rgb, (600, 600), (200, 200), 0, 40, 60, (200, 170, 165), 12)  # a pale stretch, hardly coloured
    rgb[560:580, 300:900] = (40, 40, 40)  # print under the seal
    gray = P.suppress_colour_marks(rgb, dpi=300)
    paper = int(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)[50, 50])
    assert gray[600 + round(200 * np.sin(np.radians(50))), 600 + round(200 * np.cos(np.radians(50)))] >= paper  # the pale stretch
    assert gray[400, 600] >= paper  # the ring
    assert gray[570, 600] < 60  # the print


def test_fit_circle_through_an_arc() -> None:
    angles = np.radians(np.arange(200, 340, 10))
    points = np.column_stack([50 + 30 * np.cos(angles), 70 + 30 * np.sin(angles)])
    cx, cy, radius = P._fit_circle(points)
    assert (cx, cy, radius) == pytest.approx((50, 70, 30), abs=0.01)
    assert P._fit_circle(np.array([[0, 0], [1, 1], [2, 2]], float)) is None


def test_lines_of_one_height_at_every_level_are_no_table_but_a_row_of_digit_boxes_is() -> None:
    # A QR code binarized from a blurred scan: its modules' edges make thin vertical runs of one
    # height, side by side, but each at its own level.
    rng = np.random.default_rng(3)
    page = np.full((1200, 1200), 255, np.uint8)
    for k in range(10):
        x, top = 200 + 30 * k, 200 + int(rng.integers(0, 300))
        page[top:top + 80, x:x + 3] = 0
    assert not P.has_table(page, dpi=300)
    boxes = page.copy()
    for k in range(13):  # twelve boxes, 5 mm wide, 7 mm tall
        x = 100 + k * 59
        boxes[800:883, x:x + 3] = 0
    boxes[800:803, 100:100 + 12 * 59 + 3] = 0
    boxes[880:883, 100:100 + 12 * 59 + 3] = 0
    assert P.has_table(boxes, dpi=300)
