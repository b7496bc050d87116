"""Who imports whom (STYLE.md module map): leaves import nothing of ours; the API never loads OCR."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("ocr_service", "extractors", "storage", "workers", "samples", "bench")
LEAVES = ("ocr_service/domain.py", "ocr_service/errors.py", "ocr_service/config.py", "ocr_service/vietnamese.py",
          "ocr_service/language.py")


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _ours(names: set[str]) -> set[str]:
    return {n for n in names if n.split(".")[0] in OURS}


@pytest.mark.parametrize("leaf", LEAVES)
def test_leaves_import_only_leaves(leaf: str) -> None:
    allowed = {"ocr_service.domain", "ocr_service.errors", "ocr_service.vietnamese"}
    assert _ours(_imported_modules(ROOT / leaf)) <= allowed


@pytest.mark.parametrize("package", ["extractors", "ocr_service/pipeline", "storage"])
def test_lower_layers_import_only_leaves(package: str) -> None:
    allowed = {"ocr_service.domain", "ocr_service.errors", "ocr_service.config", "ocr_service.vietnamese",
               "ocr_service.language"}
    for path in (ROOT / package).rglob("*.py"):
        own_package = package.replace("/", ".")
        imported = {n for n in _ours(_imported_modules(path)) if not n.startswith(own_package)}
        assert imported <= allowed, f"{path.relative_to(ROOT)} imports {imported - allowed}"


def test_api_process_never_loads_opencv_or_tesseract() -> None:
    code = (
        "import sys; import ocr_service.api.app, ocr_service.intake, workers.queue; "
        "print(','.join(m for m in ('cv2', 'pytesseract', 'pdf2image') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == ""
