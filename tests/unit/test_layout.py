"""Reading order (pipeline.layout) on synthetic word boxes shaped like the Decree 30 and CT01 layouts."""

from __future__ import annotations

from ocr_service.domain import BBox, Word
from ocr_service.pipeline.layout import reading_order, without_debris
from ocr_service.pipeline.rasterize import words_to_text

H = 50  # word height in pixels (about 12 pt at 300 DPI)


def line(text: str, x: int, y: int, *, h: int = H, conf: float = 95.0) -> list[Word]:
    """Words of one line starting at ``x``, top at ``y``, 25 px per character, 20 px spaces."""
    words = []
    for token in text.split():
        width = 25 * len(token)
        words.append(Word(token, BBox(x, y, x + width, y + h), conf))
        x += width + 20
    return words


def texts(words: list[Word]) -> list[str]:
    return [line for line in words_to_text(reading_order(words)).splitlines() if line]


def interleaved_tesseract_order(*lines: list[Word]) -> list[Word]:
    # Tesseract's order: top to bottom across the page, both columns in one line.
    return sorted((w for ln in lines for w in ln), key=lambda w: (w.bbox.y0 // 20, w.bbox.x0))


def test_decree30_header_and_number_line_read_block_by_block() -> None:
    words = interleaved_tesseract_order(
        line("UBND TỈNH BẮC GIANG", 100, 100),
        line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1000, 100),
        line("ỦY BAN NHÂN DÂN", 130, 160),
        line("Độc lập - Tự do - Hạnh phúc", 1150, 160),
        line("HUYỆN YÊN THẾ", 150, 220),
        line("Số: 421/QĐ-UBND", 150, 330),
        line("Yên Thế, ngày 05 tháng 4 năm 2026", 1050, 330),
        line("QUYẾT ĐỊNH", 800, 460),
    )
    assert texts(words) == [
        "UBND TỈNH BẮC GIANG", "ỦY BAN NHÂN DÂN", "HUYỆN YÊN THẾ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: 421/QĐ-UBND", "Yên Thế, ngày 05 tháng 4 năm 2026",
        "QUYẾT ĐỊNH",
    ]


def test_recipients_then_signature_block_with_the_name_under_its_title() -> None:
    words = interleaved_tesseract_order(
        line("Nơi nhận:", 100, 1000),
        line("KT. CHỦ TỊCH", 1300, 1000),
        line("- Như Điều 3;", 100, 1055),
        line("PHÓ CHỦ TỊCH", 1300, 1060),
        line("- Lưu: VT.", 100, 1110),
        line("Trần Minh Quang", 1250, 1400),  # after the signature space
    )
    assert texts(words) == ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Minh Quang"]


def test_two_signature_blocks_keep_each_name_with_its_title() -> None:
    # CT01: "Ý KIẾN CỦA CHỦ HỘ" | "NGƯỜI KÊ KHAI", each signed below a tall gap.
    words = interleaved_tesseract_order(
        line("Ý KIẾN CỦA CHỦ HỘ", 150, 2000),
        line("NGƯỜI KÊ KHAI", 1350, 2000),
        line("Đồng ý cho đăng ký.", 180, 2060),
        line("Lê Trọng Thủy", 200, 2400),
        line("Lê Hải Kiều", 1380, 2400),
    )
    assert texts(words) == ["Ý KIẾN CỦA CHỦ HỘ", "Đồng ý cho đăng ký.", "Lê Trọng Thủy", "NGƯỜI KÊ KHAI", "Lê Hải Kiều"]


def test_table_rows_read_cell_by_cell() -> None:
    words = interleaved_tesseract_order(
        line("TT", 100, 500),
        line("Ngày, tháng,", 700, 480),
        line("năm sinh", 720, 535),
        line("Giới tính", 1200, 500),
        line("1", 100, 650),
        line("10/02/2020", 700, 650),
        line("Nam", 1200, 650),
    )
    assert texts(words) == ["TT", "Ngày, tháng,", "năm sinh", "Giới tính", "1", "10/02/2020", "Nam"]


def test_a_paragraph_keeps_its_lines_and_numbers_them() -> None:
    first = line("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", 100, 700)
    second = line("Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27 tháng 01 năm 2021;", 100, 760)
    ordered = reading_order(second + first)
    assert words_to_text(ordered).splitlines() == [" ".join(w.text for w in first), " ".join(w.text for w in second)]
    assert [w.line for w in ordered] == [0] * len(first) + [1] * len(second)
    assert {w.block for w in ordered} == {0}


def test_a_tall_speck_does_not_swallow_the_next_line() -> None:
    top = line("Họ, chữ đệm, tên: HÀ MAI", 100, 300)
    below = line("Ngày, tháng, năm sinh: 25/03/2022", 100, 360)
    speck = Word("¡", BBox(60, 270, 80, 390), 12.0)  # centre in the top line, bottom in the next
    assert texts([speck, *top, *below]) == ["¡ Họ, chữ đệm, tên: HÀ MAI", "Ngày, tháng, năm sinh: 25/03/2022"]


def test_empty_page() -> None:
    assert reading_order([]) == ()


def test_a_column_starting_far_above_is_read_first() -> None:
    # CCCD: fields beside the photo from the top; "Có giá trị đến" under the photo, lower down.
    words = interleaved_tesseract_order(
        line("Số / No.: 024087584836", 500, 240),
        line("Họ và tên / Full name:", 500, 300),
        line("HOÀNG DUY ĐỨC DƯƠNG", 500, 360),
        line("Ngày sinh / Date of birth: 22/08/1987", 500, 420),
        line("Có giá trị đến:", 20, 500),
        line("Nơi thường trú: Bản Khe Nghè", 500, 480),
        line("22/08/2027", 20, 560),
    )
    assert texts(words) == [
        "Số / No.: 024087584836", "Họ và tên / Full name:", "HOÀNG DUY ĐỨC DƯƠNG",
        "Ngày sinh / Date of birth: 22/08/1987", "Nơi thường trú: Bản Khe Nghè",
        "Có giá trị đến:", "22/08/2027",
    ]


def test_low_confidence_junk_neither_fills_a_gap_nor_decides_a_column() -> None:
    # A scanned card: the photo's edge read as "“Ì" from the header's gap down beside the fields.
    header = line("CĂN CƯỚC CÔNG DÂN", 500, 60)
    junk = Word("“Ì", BBox(380, 140, 470, 260), 28.0)
    right = [line(t, 500, y) for t, y in (("Số / No.: 024087584836", 180), ("Họ và tên:", 240), ("HOÀNG DUY", 300),
                                           ("Ngày sinh: 22/08/1987", 360), ("Nơi thường trú:", 420))]
    left = line("Có giá trị đến:", 20, 420)
    lines = [t for t in texts(interleaved_tesseract_order(header, [junk], left, *right)) if t != "“Ì"]
    assert lines == ["CĂN CƯỚC CÔNG DÂN", "Số / No.: 024087584836", "Họ và tên:", "HOÀNG DUY", "Ngày sinh: 22/08/1987",
                     "Nơi thường trú:", "Có giá trị đến:"]


def test_a_real_word_read_at_zero_confidence_does_not_split_its_line() -> None:
    words = line("Ngọc Sơn, ngày 14", 1400, 2460) + [Word("tháng", BBox(1850, 2460, 1975, 2510), 0.0)] + line("6 năm 2023", 1995, 2460)
    ordered = reading_order(words)
    assert words_to_text(ordered) == "Ngọc Sơn, ngày 14 tháng 6 năm 2023"
    assert {w.block for w in ordered} == {0}


def test_debris_is_dropped_and_unsure_letters_and_sure_dashes_are_kept() -> None:
    words = [
        *line("Độc lập - Tự do", 100, 100),
        *line("— ¬ ‹+~>", 100, 200, conf=20.0),  # a seal's ring read as symbols
        *line("Ngày 22/08/1987", 100, 300, conf=30.0),  # unsure, but letters and digits
        Word("-", BBox(100, 400, 110, 420), -1.0),  # no confidence: not judged
    ]
    kept = without_debris(words)
    assert [w.text for w in kept] == ["Độc", "lập", "-", "Tự", "do", "Ngày", "22/08/1987", "-"]


def _ct01_table_header() -> tuple[list[Word], list[BBox]]:
    """A CT01 table on a noisy photo: the line above runs into the table's top border (a
    descender's box reaches past it), and header cells stand 30 px apart, closer than a channel."""
    words = (
        line("11. Những thành viên trong hộ gia đình cùng thay đổi:", 100, 600)
        + line("TT", 110, 740)
        + line("Họ, chữ đệm và tên", 220, 740)
        + line("Ngày, tháng,", 730, 700)
        + line("năm sinh", 760, 760)
        + line("Giới", 1080, 700)
        + line("tính", 1080, 760)
        + line("1", 120, 860)
        + line("NGUYỄN VĂN AN", 220, 860)
        + line("10/02/2020", 730, 860)
        + line("Nam", 1080, 860)
    )
    tail = next(i for i, w in enumerate(words) if w.text == "thay")
    words[tail] = Word("thay", BBox(words[tail].bbox.x0, 600, words[tail].bbox.x1, 700), 95.0)  # its y's tail past the border
    x_cols = (90, 200, 700, 1050, 1200)
    rulings = [BBox(x, 680, x + 4, 930) for x in x_cols] + [BBox(90, y, 1204, y + 4) for y in (680, 840, 930)]
    return interleaved_tesseract_order(words), rulings


def test_table_header_cells_are_read_whole_at_their_rulings() -> None:
    words, rulings = _ct01_table_header()
    without = " ".join(texts(words))
    assert "Ngày, tháng, Giới" in without  # cells closer than a channel: read across the header's lines
    with_rulings = [line for line in words_to_text(reading_order(words, rulings=rulings)).splitlines() if line]
    assert with_rulings == [
        "11. Những thành viên trong hộ gia đình cùng thay đổi:",
        "TT",
        "Họ, chữ đệm và tên",
        "Ngày, tháng,",
        "năm sinh",
        "Giới",
        "tính",
        "1",
        "NGUYỄN VĂN AN",
        "10/02/2020",
        "Nam",
    ]


def test_a_ruling_a_word_straddles_is_not_a_cut() -> None:
    # A ruling found under the middle of a word (a misread line, a stroke) never splits it.
    words = line("Mối quan hệ với chủ hộ", 100, 100)
    rulings = [BBox(243, 50, 247, 400), BBox(90, 120, 900, 124)]  # "quan" spans 195-295
    assert texts(words) == [words_to_text(reading_order(words, rulings=rulings))]


def test_a_date_line_over_the_right_signature_block_is_read_before_both_blocks() -> None:
    # CT01 on a noisy photo: the date line sits one line above "NGƯỜI KÊ KHAI", too close to be a
    # band of its own, and "Ý KIẾN CỦA CHỦ HỘ" starts a line lower on the left.
    words = interleaved_tesseract_order(
        line("Xương Giang, ngày 03 tháng 8 năm 2023", 1200, 1930),
        line("NGƯỜI KÊ KHAI", 1350, 1990),
        line("Ý KIẾN CỦA CHỦ HỘ", 150, 2010),
        line("(Ký, ghi rõ họ tên)", 1330, 2050),
        line("Đồng ý cho đăng ký.", 180, 2070),
    )
    assert texts(words) == ["Xương Giang, ngày 03 tháng 8 năm 2023", "Ý KIẾN CỦA CHỦ HỘ", "Đồng ý cho đăng ký.",
                            "NGƯỜI KÊ KHAI", "(Ký, ghi rõ họ tên)"]


def test_the_date_line_comes_first_when_both_signature_blocks_span_a_signature_gap() -> None:
    # CT01 hard-000: the signers' names lie a signature gap below their titles, so the band is
    # cut into columns first; the date line still reads before both blocks. Its "Giang," box
    # reaches below the line and "Ý" rises above the left title: the lines' medians decide.
    date = line("Xương Giang, ngày 03 tháng 8 năm 2023", 1200, 1930)
    date[1] = Word(date[1].text, BBox(date[1].bbox.x0, 1940, date[1].bbox.x1, 2012), 95.0)
    left_title = line("Ý KIẾN CỦA CHỦ HỘ", 150, 2010)
    left_title[0] = Word("Ý", BBox(150, 1995, 175, 2010 + H), 95.0)
    words = interleaved_tesseract_order(
        date,
        line("NGƯỜI KÊ KHAI", 1350, 2010),
        left_title,
        line("(Ghi rõ nội dung, ký, ghi rõ họ tên)", 120, 2070),
        line("(Ký, ghi rõ họ tên)", 1330, 2070),
        line("Lê Trọng Thủy", 200, 2400),
        line("Lê Hải Thanh Kiều", 1350, 2400),
    )
    assert texts(words) == ["Xương Giang, ngày 03 tháng 8 năm 2023", "Ý KIẾN CỦA CHỦ HỘ", "(Ghi rõ nội dung, ký, ghi rõ họ tên)",
                            "Lê Trọng Thủy", "NGƯỜI KÊ KHAI", "(Ký, ghi rõ họ tên)", "Lê Hải Thanh Kiều"]
