"""Generate a corpus of synthetic documents with ground truth, deterministically.

For each document type and index ``n`` the page content comes from
``numpy.random.default_rng([seed, type_index, n])`` (so the clean, scan and
hard versions of ``decision-*-003`` show the same document), and each tier's
degradation from ``default_rng([seed, type_index, n, 1 + tier_index])``.
``type_index`` is the position in :data:`ALL_DOC_TYPES`, so a file does not
change when other types are left out.  Same seed, same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image

from .degrade import MEDIA_TYPES, TIERS, degrade, encode_image, make_born_digital_pdf
from .documents import ALL_DOC_TYPES, ONE_STOP_FIELDS, render_document
from .layout import DPI, Truth, font_path

__all__ = [
    "ALL_DOC_TYPES", "TIERS", "EXTRA_TIERS", "generate_corpus", "generate_sample", "sample_format",
    "write_sample", "refresh_committed", "COMMITTED", "COMMITTED_SEED", "COMMITTED_DIR", "load_truth",
]

# "digital" is an extra tier: a born-digital PDF with a text layer and no image.
EXTRA_TIERS: tuple[str, ...] = ("digital",)

# Output format per tier, cycling over (n + type_index) so that even a small
# corpus has PNG, JPEG, TIFF and PDF files.
FORMAT_CYCLE: dict[str, tuple[str, ...]] = {
    "clean": ("png", "png", "tiff", "png"),
    "scan": ("jpg", "pdf", "jpg", "tiff"),
    "hard": ("jpg", "png", "pdf", "jpg"),
    "digital": ("pdf",),
}
JPEG_QUALITY = {"scan": 75, "hard": 65, "clean": 90}


def sample_format(doc_type: str, tier: str, n: int) -> str:
    cycle = FORMAT_CYCLE[tier]
    return cycle[(n + ALL_DOC_TYPES.index(doc_type)) % len(cycle)]


def _content_rng(seed: int, doc_type: str, n: int) -> np.random.Generator:
    return np.random.default_rng([seed, ALL_DOC_TYPES.index(doc_type), n])


def _tier_rng(seed: int, doc_type: str, n: int, tier: str) -> np.random.Generator:
    tiers = TIERS + EXTRA_TIERS
    return np.random.default_rng([seed, ALL_DOC_TYPES.index(doc_type), n, 1 + tiers.index(tier)])


def generate_sample(doc_type: str, n: int, tier: str, seed: int = 0,
                    clean: tuple[Image.Image, Truth] | None = None) -> tuple[Image.Image | None, Truth]:
    """One sample in memory: (image, truth).  For the ``digital`` tier the image is None.

    ``clean`` may pass the already rendered clean page of the same (doc_type, n, seed).
    """
    if clean is None:
        clean = render_document(doc_type, _content_rng(seed, doc_type, n))
    img, truth = clean
    if tier == "digital":
        t = Truth.from_dict(truth.to_dict())
        t.tier, t.dpi, t.media_type = "digital", DPI, "application/pdf"
        if t.meta.pop("one_stop_qr", None) is not None:  # a text layer only: the code is not drawn
            for key in ONE_STOP_FIELDS:
                t.fields.pop(key, None)
        t.meta["degradation"] = {"transform": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "scale": 1.0, "angle": 0.0}
        return None, t
    return degrade(img, truth, tier, _tier_rng(seed, doc_type, n, tier))


def write_sample(img: Image.Image | None, truth: Truth, path: Path, *, quality: int | None = None,
                 small: bool = False) -> tuple[Path, Path]:
    """Write the document (format from the extension) and ``{stem}.truth.json`` beside it."""
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    ext = {"jpeg": "jpg", "tif": "tiff"}.get(ext, ext)
    truth.media_type = MEDIA_TYPES[ext]
    truth.meta["file"] = path.name
    if img is None:
        make_born_digital_pdf(truth.lines, path, font_path(truth.font, "regular"), page_size=truth.page_size,
                              line_fonts=truth.meta.get("line_fonts"))
        truth.meta["text_layer"] = True
    else:
        q = quality if quality is not None else JPEG_QUALITY.get(truth.tier, 75)
        path.write_bytes(encode_image(img, ext, truth.dpi, quality=q, small=small))
    truth_path = path.with_name(path.name[: -len(path.suffix)] + ".truth.json")
    truth_path.write_text(json.dumps(truth.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path, truth_path


def load_truth(path: Path | str) -> Truth:
    """Read a ``.truth.json`` file (or the truth beside a document file)."""
    path = Path(path)
    if not path.name.endswith(".truth.json"):
        path = path.with_name(path.name[: -len(path.suffix)] + ".truth.json")
    return Truth.from_dict(json.loads(path.read_text(encoding="utf-8")))


def generate_corpus(out_dir: Path, *, seed: int = 0, per_type: int = 4,
                    tiers: Sequence[str] = TIERS, doc_types: Sequence[str] = ALL_DOC_TYPES) -> list[Path]:
    """Write ``{doc_type}-{tier}-{n:03d}.{ext}`` + ``.truth.json`` for every sample, and ``manifest.json``.

    Returns the paths of the document files, in manifest order.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for t in tiers:
        if t not in TIERS + EXTRA_TIERS:
            raise ValueError(f"unknown tier {t!r}; choose from {', '.join(TIERS + EXTRA_TIERS)}")
    for d in doc_types:
        if d not in ALL_DOC_TYPES:
            raise ValueError(f"unknown doc_type {d!r}; choose from {', '.join(ALL_DOC_TYPES)}")
    paths: list[Path] = []
    entries: list[dict] = []
    for doc_type in doc_types:
        for n in range(per_type):
            clean = render_document(doc_type, _content_rng(seed, doc_type, n))
            for tier in tiers:
                img, truth = generate_sample(doc_type, n, tier, seed, clean=clean)
                ext = sample_format(doc_type, tier, n)
                path, truth_path = write_sample(img, truth, out_dir / f"{doc_type}-{tier}-{n:03d}.{ext}")
                paths.append(path)
                entries.append({
                    "file": path.name, "truth": truth_path.name, "doc_type": doc_type, "tier": tier, "n": n,
                    "media_type": truth.media_type, "dpi": truth.dpi, "font": truth.font,
                    "citizen_ids": truth.citizen_ids,
                })
    manifest = {
        "generator": "samples.corpus.generate_corpus", "seed": seed, "per_type": per_type,
        "tiers": list(tiers), "doc_types": list(doc_types), "count": len(entries), "samples": entries,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return paths


# ---------------------------------------------------------------------------
# Committed samples (samples/documents/), digitized by the demo job
# ---------------------------------------------------------------------------

COMMITTED_DIR = Path(__file__).resolve().parent / "documents"
COMMITTED_SEED = 2058


@dataclass(frozen=True)
class Committed:
    doc_type: str
    tier: str
    n: int
    ext: str
    quality: int | None = None
    small: bool = False

    @property
    def name(self) -> str:
        return f"{self.doc_type}-{self.tier}-{self.n:03d}.{self.ext}"


COMMITTED: tuple[Committed, ...] = (
    Committed("decision", "scan", 0, "jpg", quality=60),
    Committed("decision", "hard", 0, "jpg", quality=60),
    Committed("decision", "digital", 0, "pdf"),
    Committed("birth_certificate", "clean", 0, "png", small=True),
    Committed("residence_declaration", "scan", 0, "pdf", quality=55),
    Committed("id_card_front", "scan", 0, "jpg", quality=80),
)


def refresh_committed(out_dir: Path | str = COMMITTED_DIR, seed: int = COMMITTED_SEED) -> list[Path]:
    """Regenerate the small committed sample set; returns all files written (documents and truths)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    cache: dict[tuple[str, int], tuple[Image.Image, Truth]] = {}
    for c in COMMITTED:
        key = (c.doc_type, c.n)
        if key not in cache:
            cache[key] = render_document(c.doc_type, _content_rng(seed, c.doc_type, c.n))
        img, truth = generate_sample(c.doc_type, c.n, c.tier, seed, clean=cache[key])
        truth.meta["generated_by"] = f"python -m samples refresh-committed (seed {seed})"
        written += list(write_sample(img, truth, out_dir / c.name, quality=c.quality, small=c.small))
    return written
