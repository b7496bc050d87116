"""The local-disk object store: atomic writes, originals never overwritten, keys kept inside the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocr_service.errors import NotFound
from storage.objects import LocalObjectStore, derived_key, original_key, quarantine_key


def test_key_layout_keeps_originals_derived_and_quarantine_apart() -> None:
    sha = "ab" + "0" * 62
    assert original_key(sha) == f"originals/ab/{sha}"
    assert quarantine_key(sha) == f"quarantine/ab/{sha}"
    assert derived_key("doc-1", "text.txt") == "derived/doc-1/text.txt"


def test_put_never_overwrites_unless_asked(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_bytes(b"original bytes")
    second.write_bytes(b"other bytes")
    assert store.put_file("originals/x", first, "image/png") is True
    assert store.put_file("originals/x", second, "image/png") is False
    assert b"".join(store.open_stream("originals/x")) == b"original bytes"
    assert store.put_file("derived/d/text.txt", second, "text/plain", overwrite=True) is True
    assert store.put_file("derived/d/text.txt", first, "text/plain", overwrite=True) is True
    assert b"".join(store.open_stream("derived/d/text.txt")) == b"original bytes"
    assert store.size("originals/x") == len(b"original bytes")
    assert not list((tmp_path / "objects").rglob(".upload-*"))


def test_missing_and_escaping_keys(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    assert not store.exists("originals/nope")
    with pytest.raises(NotFound):
        store.open_stream("originals/nope")
    with pytest.raises(NotFound):
        store.exists("../../etc/passwd")


def test_download_copies_bytes(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    src = tmp_path / "src"
    src.write_bytes(bytes(range(256)) * 1000)
    store.put_file("originals/y", src, "application/pdf")
    store.download("originals/y", tmp_path / "copy")
    assert (tmp_path / "copy").read_bytes() == src.read_bytes()
