"""Ingest checks: every kind of bad input gets its own stable error code, before any OCR."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from ocr_service.domain import Limits, MediaType
from ocr_service.errors import (
    CorruptFile,
    EmptyFile,
    EncryptedPdf,
    FileTooLarge,
    ImageTooLarge,
    TooManyPages,
    UnsupportedType,
)
from ocr_service.pipeline.triage import sha256_file, sniff_media_type, triage

LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_pages=3, max_pixels=20_000_000)


def _image_bytes(fmt: str, size: tuple[int, int] = (400, 300), **save: object) -> bytes:
    buf = io.BytesIO()
    Image.new("L", size, 255).save(buf, fmt, **save)
    return buf.getvalue()


def _pdf_bytes(pages: int = 1, **save: object) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf, **save)
    return buf.getvalue()


def _write(tmp_path: Path, data: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", MediaType.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", MediaType.PNG),
        (b"II*\x00\x08\x00\x00\x00", MediaType.TIFF),
        (b"MM\x00*\x00\x00\x00\x08", MediaType.TIFF),
        (b"%PDF-1.7\n", MediaType.PDF),
        (b"\r\n\r\n%PDF-1.4\n", MediaType.PDF),
    ],
    ids=["jpeg", "png", "tiff-le", "tiff-be", "pdf", "pdf-after-junk"],
)
def test_type_comes_from_magic_bytes(head: bytes, expected: MediaType) -> None:
    assert sniff_media_type(head) is expected


def test_file_name_does_not_decide_the_type(tmp_path: Path) -> None:
    path = _write(tmp_path, _image_bytes("PNG"), "scan.pdf")
    assert triage(path, LIMITS).media_type is MediaType.PNG


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_good_images_pass_with_hash_and_pages(tmp_path: Path, fmt: str) -> None:
    path = _write(tmp_path, _image_bytes(fmt))
    result = triage(path, LIMITS)
    assert result.page_count == 1
    assert result.sha256 == sha256_file(path)
    assert result.size == path.stat().st_size


def test_multipage_tiff_counts_frames(tmp_path: Path) -> None:
    frames = [Image.new("L", (300, 400), 255) for _ in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    assert triage(_write(tmp_path, buf.getvalue()), LIMITS).page_count == 3


def test_pdf_pages_counted(tmp_path: Path) -> None:
    result = triage(_write(tmp_path, _pdf_bytes(2)), LIMITS)
    assert (result.media_type, result.page_count) == (MediaType.PDF, 2)


def _truncated_png() -> bytes:
    data = _image_bytes("PNG", (800, 600))
    return data[: len(data) // 2]


def _bomb_png() -> bytes:
    """A PNG header claiming 100000×100000 pixels with a tiny body: must be refused before decoding."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b"")


def _corrupt_pdf() -> bytes:
    return b"%PDF-1.4\n" + b"\x00garbage that is not a PDF object\n" * 20


def _multipage_tiff(pages: int) -> bytes:
    frames = [Image.new("L", (64, 64), 255) for _ in range(pages)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


BAD_INPUTS = [
    ("empty", lambda: b"", EmptyFile),
    ("unsupported-text", lambda: "Tờ khai, không phải ảnh".encode(), UnsupportedType),
    ("unsupported-gif", lambda: _image_bytes("GIF"), UnsupportedType),
    ("truncated-png", _truncated_png, CorruptFile),
    ("truncated-jpeg", lambda: _image_bytes("JPEG", (800, 600))[:900], CorruptFile),
    ("corrupt-pdf", _corrupt_pdf, CorruptFile),
    ("encrypted-pdf", lambda: _pdf_bytes(1, encryption=pikepdf.Encryption(user="mật-khẩu", owner="chủ")), EncryptedPdf),
    ("pdf-over-page-limit", lambda: _pdf_bytes(4), TooManyPages),
    ("tiff-over-page-limit", lambda: _multipage_tiff(4), TooManyPages),
    ("decompression-bomb", _bomb_png, ImageTooLarge),
    ("file-over-size-limit", lambda: _image_bytes("PNG") + b"\x00" * (6 * 1024 * 1024), FileTooLarge),
]


@pytest.mark.parametrize(("data", "error"), [(d, e) for _, d, e in BAD_INPUTS], ids=[i for i, _, _ in BAD_INPUTS])
def test_bad_input_gets_its_error_code(tmp_path: Path, data, error) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, data())
    with pytest.raises(error) as caught:
        triage(path, LIMITS)
    assert caught.value.code == error.code
    assert caught.value.message  # tells the user what to do


def test_poster_sized_pdf_page_is_refused(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(14400, 14400))  # 200 × 200 inches
    buf = io.BytesIO()
    pdf.save(buf)
    with pytest.raises(ImageTooLarge):
        triage(_write(tmp_path, buf.getvalue()), LIMITS)


def test_pdf_with_owner_password_only_is_readable(tmp_path: Path) -> None:
    data = _pdf_bytes(1, encryption=pikepdf.Encryption(user="", owner="chủ"))
    assert triage(_write(tmp_path, data), LIMITS).page_count == 1


def test_triage_never_modifies_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, _pdf_bytes(2))
    before = path.read_bytes()
    triage(path, LIMITS)
    assert path.read_bytes() == before


@pytest.mark.parametrize("data", [_truncated_png, lambda: _image_bytes("JPEG", (800, 600))[:900]], ids=["png", "jpeg"])
def test_the_pipeline_reports_a_truncated_image_before_any_ocr(tmp_path: Path, data, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ocr_service.pipeline.run as run
    from ocr_service.domain import OcrOptions

    def no_ocr(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("OCR ran on a truncated image")

    monkeypatch.setattr(run, "ocr_page_image", no_ocr)
    # Triage without the full decode accepts it; loading the page refuses it.
    assert triage(_write(tmp_path, data()), LIMITS, decode=False).page_count == 1
    with pytest.raises(CorruptFile):
        run.run_pipeline(_write(tmp_path, data()), limits=LIMITS, opts=OcrOptions(), scratch=tmp_path / "scratch")
