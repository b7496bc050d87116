"""`ocr-service process`: outputs per file; bad files named with their code, kept, and the rest still done."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.metrics import score
from tests.conftest import DECISION_LINES

pytestmark = pytest.mark.integration


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # The embedded default: none of the service settings `make test` exports for other tests.
    embedded = {k: v for k, v in os.environ.items() if not k.startswith("OCR_")}
    return subprocess.run(
        [sys.executable, "-m", "ocr_service.cli", *args],
        capture_output=True,
        text=True,
        env={**embedded, "COLUMNS": "200", **(env or {})},
        timeout=300,
    )


def test_process_good_and_bad_files(tmp_path: Path, page_png: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "notes.txt").write_text("không phải bản quét", encoding="utf-8")
    (bad / "cut.png").write_bytes(page_png.read_bytes()[:5000])
    out = tmp_path / "out"

    result = _cli("process", str(bad / "empty.pdf"), str(page_png), str(bad / "notes.txt"), str(bad / "cut.png"), "--out", str(out))

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": " in line and "_" in line.split(": ")[1]]
    assert f"{bad / 'empty.pdf'}: empty_file: " in result.stderr
    assert f"{bad / 'notes.txt'}: unsupported_type: " in result.stderr
    assert f"{bad / 'cut.png'}: corrupt_file: " in result.stderr
    assert len(errors) == 3, result.stderr

    text = (out / "decision.txt").read_text(encoding="utf-8")
    assert score("\n".join(DECISION_LINES), text).cer < 0.02
    record = json.loads((out / "decision.json").read_text(encoding="utf-8"))
    assert record["page_count"] == 1 and record["ocred_pages"] == [0]
    assert len(record["sha256"]) == 64 and record["document_id"]
    page = record["pages"][0]
    assert page["ocred"] is True and page["mean_confidence"] > 80 and page["text"]
    assert {"doc_type", "fields", "citizen_ids"} <= record.keys()
    assert (out / "decision.pdf").read_bytes().startswith(b"%PDF-")

    quarantine = out / "quarantine"
    assert (quarantine / "notes.txt").read_text(encoding="utf-8") == "không phải bản quét"
    assert json.loads((quarantine / "cut.error.json").read_text())["error"]["code"] == "corrupt_file"


def test_limits_are_settings(tmp_path: Path, page_png: Path) -> None:
    result = _cli("process", str(page_png), "--out", str(tmp_path), env={"OCR_MAX_FILE_MB": "0"})
    assert result.returncode == 1
    assert "file_too_large" in result.stderr


def test_usage_error_exits_2(tmp_path: Path) -> None:
    assert _cli("process", "--out", str(tmp_path)).returncode == 2
