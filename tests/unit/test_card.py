"""An ID card on a background: found, its resolution measured from its width, cut out straight."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr_service.pipeline import card as C

CARD_W, CARD_H = 590, 372  # an ID-1 card at 175 DPI


def photo(angle: float, *, seal: bool = True, size: tuple[int, int] = (729, 875), card_grey: int = 186) -> np.ndarray:
    """A grey-beige table, a slightly darker card with lines of print turned by ``angle``
    (degrees, counter-clockwise), and a red seal half over its lower edge."""
    height, width = size
    image = np.empty((height, width, 3), np.uint8)
    image[:] = (205, 200, 190)
    rng = np.random.default_rng(3)
    card = np.full((CARD_H, CARD_W, 3), card_grey, np.uint8)
    for y in range(40, CARD_H - 40, 30):
        card[y : y + 10, 170 : CARD_W - 60 - (y % 90)] = (40, 40, 40)
    card[120:300, 30:140] = (150, 150, 150)  # the photo
    canvas = np.zeros((height, width, 3), np.uint8)
    mask = np.zeros((height, width), np.uint8)
    x, y = (width - CARD_W) // 2, max(0, (height - CARD_H) // 2 - 60)
    canvas[y : y + CARD_H, x : x + CARD_W] = card
    mask[y : y + CARD_H, x : x + CARD_W] = 255
    matrix = cv2.getRotationMatrix2D((x + CARD_W / 2, y + CARD_H / 2), angle, 1.0)
    canvas = cv2.warpAffine(canvas, matrix, (width, height))
    mask = cv2.warpAffine(mask, matrix, (width, height))
    image[mask > 127] = canvas[mask > 127]
    if seal:
        centre = (x + CARD_W // 2 + 80, y + CARD_H + 60)
        cv2.circle(image, centre, 110, (200, 60, 60), 6)
        cv2.circle(image, centre, 80, (200, 60, 60), 3)
        cv2.line(image, (centre[0] - 90, centre[1] - 20), (centre[0] + 100, centre[1] + 10), (50, 60, 170), 4)
    noise = rng.normal(0, 2.5, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("angle", [-3.5, -1.0, 0.0, 2.0, 4.0])
def test_card_found_under_a_seal_and_measured(angle: float) -> None:
    quad = C.find_card(photo(angle))
    assert quad is not None
    assert quad.width_px == pytest.approx(CARD_W, rel=0.03)
    assert quad.height_px == pytest.approx(CARD_H, rel=0.04)
    assert quad.dpi == pytest.approx(175, rel=0.03)
    top = quad.corners[1] - quad.corners[0]
    assert np.degrees(np.arctan2(-top[1], top[0])) == pytest.approx(angle, abs=0.4)


def test_rectified_card_is_straight_and_has_no_background() -> None:
    image = photo(3.0)
    quad = C.find_card(image)
    assert quad is not None
    card = C.rectify_card(image, quad)
    assert abs(card.shape[1] - CARD_W) <= 0.03 * CARD_W
    # The card's own grey all round the edge: no table, no seal outside the card.
    edge = np.concatenate([card[:3].reshape(-1, 3), card[-3:].reshape(-1, 3), card[:, :3].reshape(-1, 3), card[:, -3:].reshape(-1, 3)])
    assert np.median(edge[:, 0]) == pytest.approx(186, abs=6)
    # The first line of print is level: its ink in one band of rows across the card.
    ink_rows = np.flatnonzero((card[:80, 180:500, 0] < 100).mean(axis=1) > 0.9)
    assert len(ink_rows) and ink_rows[-1] - ink_rows[0] <= 14


def test_card_cut_out_enlarged_in_one_resampling_matches_the_cut_out_enlarged_after() -> None:
    image = photo(3.0)
    quad = C.find_card(image)
    assert quad is not None
    scale = 300 / quad.dpi
    once = C.rectify_card(image, quad, scale=scale)
    twice = cv2.resize(C.rectify_card(image, quad), (once.shape[1], once.shape[0]), interpolation=cv2.INTER_CUBIC)
    assert once.shape[1] == pytest.approx(scale * CARD_W * 0.98, rel=0.03)
    # The same card, as sharp or sharper: the print's edges step at least as steeply.
    assert np.abs(once[:, :, 0] - twice[:, :, 0].astype(np.int16)).mean() < 6
    assert np.abs(np.diff(once[:, :, 0].astype(np.int16), axis=0)).max() >= np.abs(np.diff(twice[:, :, 0].astype(np.int16), axis=0)).max() - 5


def test_card_standing_on_its_short_side_is_read_long_side_across() -> None:
    quad = C.find_card(np.ascontiguousarray(np.rot90(photo(1.0, seal=False))))
    assert quad is not None
    assert quad.width_px > quad.height_px
    assert quad.dpi == pytest.approx(175, rel=0.03)


def test_no_card_on_a_page_of_print() -> None:
    page = np.full((1754, 1240, 3), 255, np.uint8)
    for y in range(150, 1600, 40):
        page[y : y + 14, 150:1090] = 20
    cv2.rectangle(page, (100, 100), (1140, 1650), (0, 0, 0), 3)  # a drawn frame is no card
    assert C.find_card(page) is None


def test_no_card_when_the_image_is_the_card() -> None:
    assert C.find_card(photo(0.0, seal=False, size=(CARD_H + 10, CARD_W + 10))) is None


def test_no_card_for_a_region_of_another_shape() -> None:
    image = np.full((800, 800, 3), 200, np.uint8)
    image[150:650, 150:650] = 160  # a square
    assert C.find_card(image) is None


def test_card_extent_drops_what_sticks_out_of_the_rectangle() -> None:
    mask = np.zeros((300, 400), np.uint8)
    mask[50:200, 60:300] = 255
    cv2.circle(mask, (200, 220), 45, 255, -1)  # a seal half under the lower edge
    mask[70:90, 300:330] = 255  # a signature's stroke off the right edge
    assert C.card_extent(mask) == (60, 50, 300, 200)


def test_card_extent_of_an_empty_mask() -> None:
    assert C.card_extent(np.zeros((10, 10), np.uint8)) == (0, 0, 0, 0)


def _card_print(*, portrait: bool) -> np.ndarray:
    """A cut-out card at 175 DPI in grey: lines of print (a bold name among them) and, with
    ``portrait``, a darker photo with a frame and a silhouette to the left of them."""
    from PIL import Image, ImageDraw, ImageFont

    card = Image.new("L", (CARD_W, CARD_H), 186)
    draw = ImageDraw.Draw(card)
    regular = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", 13)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf", 20)
    draw.text((150, 60), "CĂN CƯỚC CÔNG DÂN", font=bold, fill=60)
    for i, y in enumerate(range(110, 330, 24)):
        draw.text((170, y), "Nơi thường trú / Place of residence: Bản Khe Nghè" if i % 3 else "HOÀNG DUY ĐỨC", font=bold if i % 3 == 0 else regular, fill=70)
    draw.text((25, 330), "Có giá trị đến:", font=regular, fill=70)
    if portrait:
        draw.rectangle((25, 140, 140, 310), fill=160, outline=110, width=2)
        draw.ellipse((60, 170, 105, 215), fill=135)
        draw.ellipse((40, 225, 125, 308), fill=135)
    return np.asarray(card)


def test_portrait_painted_over_and_print_kept() -> None:
    card = _card_print(portrait=True)
    blanked = C.blank_pictures(card, dpi=175)
    assert np.all(np.abs(blanked[140:311, 25:141].astype(int) - 186) <= 2)  # frame, photo and silhouette gone
    print_only = _card_print(portrait=False)
    outside = np.ones(card.shape, bool)
    outside[130:320, 15:150] = False  # the photo and its padding
    assert np.array_equal(blanked[outside], print_only[outside])  # every line of print as it was


def test_card_without_pictures_comes_back_as_it_was() -> None:
    card = _card_print(portrait=False)
    assert C.blank_pictures(card, dpi=175) is card
