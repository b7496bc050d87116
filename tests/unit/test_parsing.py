"""Pure parsing: Tesseract hOCR and poppler's bbox layout into words, and words into text."""

from __future__ import annotations

import unicodedata

from ocr_service.domain import BBox, Word
from ocr_service.pipeline.ocr import parse_hocr_words
from ocr_service.pipeline.rasterize import _parse_bbox_layout, has_usable_text, words_to_text

# Shaped like Tesseract 5.3's hOCR; the second word is deliberately decomposed (NFD).
HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <body>
  <div class='ocr_page' id='page_1' title='image "page.pgm"; bbox 0 0 2480 3508; ppageno 0'>
   <div class='ocr_carea' id='block_1_1' title="bbox 250 300 1400 420">
    <p class='ocr_par' id='par_1_1' lang='vie' title="bbox 250 300 1400 420">
     <span class='ocr_line' id='line_1_1' title="bbox 250 300 1400 360; baseline 0 -10; x_size 60">
      <span class='ocrx_word' id='word_1_1' title='bbox 250 300 600 360; x_wconf 96'>QUYẾT</span>
      <span class='ocrx_word' id='word_1_2' title='bbox 630 300 900 360; x_wconf 91'>""" + unicodedata.normalize("NFD", "ĐỊNH") + """</span>
     </span>
     <span class='ocr_header' id='line_1_2' title="bbox 250 370 900 420">
      <span class='ocrx_word' id='word_1_3' title='bbox 250 370 500 420; x_wconf 40'><strong>Số:</strong></span>
      <span class='ocrx_word' id='word_1_4' title='bbox 520 370 900 420; x_wconf 88'>12/QĐ-UBND</span>
     </span>
    </p>
   </div>
   <div class='ocr_carea' id='block_1_2' title="bbox 250 500 900 560">
    <p class='ocr_par'><span class='ocr_line' title="bbox 250 500 900 560">
      <span class='ocrx_word' title='bbox 250 500 900 560; x_wconf 77'>Điều&amp;1</span>
    </span></p>
   </div>
  </div>
 </body>
</html>"""


def test_hocr_words_with_boxes_confidence_and_nfc() -> None:
    words = parse_hocr_words(HOCR)
    assert [w.text for w in words] == ["QUYẾT", "ĐỊNH", "Số:", "12/QĐ-UBND", "Điều&1"]
    assert all(unicodedata.is_normalized("NFC", w.text) for w in words)
    assert words[0].bbox == BBox(250, 300, 600, 360)
    assert words[2].confidence == 40.0
    assert [(w.block, w.line) for w in words] == [(0, 0), (0, 0), (0, 1), (0, 1), (1, 2)]


def test_words_to_text_keeps_lines_and_separates_blocks() -> None:
    assert words_to_text(parse_hocr_words(HOCR)) == "QUYẾT ĐỊNH\nSố: 12/QĐ-UBND\n\nĐiều&1"
    assert words_to_text([]) == ""


BBOX_LAYOUT = b"""<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head><title></title></head><body>
<doc><page width="595.276000" height="841.890000">
<flow><block xMin="72" yMin="72" xMax="300" yMax="100">
<line xMin="72" yMin="72" xMax="300" yMax="86"><word xMin="72.000000" yMin="72.000000" xMax="120.000000" yMax="86.000000">C\xe1\xbb\x98NG</word><word xMin="124" yMin="72" xMax="160" yMax="86">H\xc3\x92A</word></line>
<line xMin="72" yMin="90" xMax="200" yMax="100"><word xMin="72" yMin="90" xMax="200" yMax="100">x\xc3\xa3</word></line>
</block></flow></page></doc></body></html>"""


def test_text_layer_boxes_scaled_from_points_to_pixels() -> None:
    layer = _parse_bbox_layout(BBOX_LAYOUT, dpi=300)
    assert (layer.width, layer.height) == (2480, 3508)
    assert layer.words[0] == Word("CỘNG", BBox(300, 300, 500, 358), 100.0, 0, 0)
    assert layer.text == "CỘNG HÒA\nxã"
    assert not has_usable_text(layer, min_chars=20)
    assert has_usable_text(layer, min_chars=9)
