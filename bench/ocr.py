"""OCR bench: our pipeline against raw ``tesseract IMG stdout -l vie`` on the same generated corpus.

For every sample both run in the same bench worker process, one after the other, single
process each (no page pool), so CPU seconds compare like with like:

- raw: ``tesseract IMG stdout -l vie`` (for a PDF sample, ``pdftoppm -r 300`` first, counted
  too: raw Tesseract cannot read a PDF); CPU and peak memory from ``wait4`` of each child.
- ours: ``run_pipeline`` in this process; CPU is this process's (its Tesseract engines run in it)
  plus its children's (poppler) rusage delta. Writing the outputs (searchable PDF, hOCR) is timed apart.

Accuracy is scored against the ground truth text in reading order (``bench.metrics``).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bench.fields import SampleScore, score_sample
from bench.metrics import ZERO, Scores, score
from extractors.base import extract
from ocr_service.domain import Limits, OcrOptions, PreprocessOptions
from ocr_service.pipeline.run import run_pipeline, write_outputs

# Preprocessing steps, then the OCR stage's own switches (reading order).
ABLATIONS = ("orientation", "crop_card", "blank_pictures", "deskew", "upscale", "remove_red", "denoise", "normalize_contrast",
             "binarize", "faint_table", "drop_specks", "remove_rulings", "drop_debris", "reading_order", "table_rulings", "reread_table_rows", "reread_stacked",
             "correct", "restore_marks", "reread_digits")


@dataclass(frozen=True)
class Run:
    """One engine on one sample."""

    sample: str
    doc_type: str
    tier: str
    engine: str
    pages: int
    cpu_s: float
    wall_s: float
    peak_rss_mb: float
    outputs_cpu_s: float
    scores: Scores
    fields: "SampleScore | None" = None  # extraction against the truth's fields (--fields)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _run_child(cmd: list[str]) -> tuple[float, bytes]:
    """Run a command; return its peak RSS in MB and its stdout (CPU: the caller's children rusage).

    The peak is the child's own VmHWM, polled while it runs: ``ru_maxrss`` of a child counts
    the memory of the Python process it was forked from, before it exec'd.
    """
    peak_kb = 0
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        status_file = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            peak_kb = max(peak_kb, _vm_hwm_kb(status_file))
            time.sleep(0.02)
        out.seek(0)
        stdout = out.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}")
    return peak_kb / 1024, stdout


def _vm_hwm_kb(status_file: Path) -> int:
    try:
        for line in status_file.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_raw(path: Path, truth: dict) -> Run:
    start, cpu0 = time.perf_counter(), _children_cpu()
    peak = 0.0
    texts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-raw-") as tmp:
        images = [path]
        if truth["media_type"] == "application/pdf":
            m, _ = _run_child(["pdftoppm", "-r", "300", "-png", str(path), f"{tmp}/page"])
            peak = max(peak, m)
            images = sorted(Path(tmp).glob("page*.png"))
        for image in images:
            m, out = _run_child(["tesseract", str(image), "stdout", "-l", "vie"])
            peak = max(peak, m)
            texts.append(out.decode("utf-8", errors="replace"))
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu0
    return Run(path.name, truth["doc_type"], truth["tier"], "raw", len(texts), cpu, wall, peak, 0.0, score(truth["text"], "\n".join(texts)))


def _children_cpu() -> float:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def run_ours(path: Path, truth: dict, *, opts: OcrOptions, engine: str = "ours", outputs: bool = True,
             fields: bool = False) -> Run:
    with tempfile.TemporaryDirectory(prefix="bench-ours-") as tmp:
        cpu0, start = _cpu(), time.perf_counter()
        doc = run_pipeline(path, limits=Limits(), opts=opts, scratch=Path(tmp) / "pages")
        cpu, wall = _cpu() - cpu0, time.perf_counter() - start
        outputs_cpu = 0.0
        if outputs:
            cpu1 = _cpu()
            write_outputs(doc, path, Path(tmp) / "out", stem="bench")
            outputs_cpu = _cpu() - cpu1
    own = _vm_hwm_kb(Path("/proc/self/status")) / 1024  # this bench process's peak (Tesseract's own peak is raw's)
    field_score = score_sample(path.name, truth, extract(doc)) if fields and truth.get("fields") is not None else None
    return Run(path.name, truth["doc_type"], truth["tier"], engine, len(doc.pages), cpu, wall, own, outputs_cpu,
               score(truth["text"], doc.text), field_score)


def _bench_sample(args: tuple[Path, bool, bool]) -> list[Run]:
    path, ablation, fields = args
    truth = json.loads(path.with_name(path.name.split(".")[0] + ".truth.json").read_text(encoding="utf-8"))
    runs = [run_raw(path, truth), run_ours(path, truth, opts=OcrOptions(), fields=fields)]
    if ablation:
        for step in ABLATIONS:
            if step in PreprocessOptions.__dataclass_fields__:
                opts = OcrOptions(preprocess=replace(PreprocessOptions(), **{step: False}))
            else:
                opts = replace(OcrOptions(), **{step: False})
            runs.append(run_ours(path, truth, opts=opts, engine=f"ours−{step}", outputs=False))
    return runs


def bench_corpus(samples: list[Path], *, jobs: int, ablation: bool, progress=None, fields: bool = False) -> list[Run]:  # type: ignore[no-untyped-def]
    runs: list[Run] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for result in pool.map(_bench_sample, [(s, ablation, fields) for s in samples]):
            runs.extend(result)
            if progress is not None:
                progress()
    return runs


@dataclass(frozen=True)
class Row:
    group: str
    engine: str
    samples: int
    pages: int
    scores: Scores
    cpu_per_page: float
    wall_per_page: float
    peak_rss_mb: float
    outputs_cpu_per_page: float


def aggregate(runs: list[Run], key) -> list[Row]:  # type: ignore[no-untyped-def]
    groups: dict[tuple[str, str], list[Run]] = {}
    for run in runs:
        groups.setdefault((key(run), run.engine), []).append(run)
    rows = []
    for (group, engine), members in sorted(groups.items()):
        pages = sum(r.pages for r in members) or 1
        total = ZERO
        for r in members:
            total = total + r.scores
        rows.append(
            Row(
                group=group,
                engine=engine,
                samples=len(members),
                pages=pages,
                scores=total,
                cpu_per_page=sum(r.cpu_s for r in members) / pages,
                wall_per_page=sum(r.wall_s for r in members) / pages,
                peak_rss_mb=max(r.peak_rss_mb for r in members),
                outputs_cpu_per_page=sum(r.outputs_cpu_s for r in members) / pages,
            )
        )
    return rows


def _pct(value: float) -> str:
    return f"{value * 100:.2f}%"


def render_report(runs: list[Run], *, title: str, params: dict) -> tuple[str, dict]:
    by_tier = aggregate([r for r in runs if r.engine in ("raw", "ours")], key=lambda r: r.tier)
    by_type = aggregate([r for r in runs if r.engine in ("raw", "ours")], key=lambda r: f"{r.tier} / {r.doc_type}")
    lines = [
        f"# {title}",
        "",
        "Parameters: " + ", ".join(f"{k}={v}" for k, v in params.items()),
        "",
        "Raw is `tesseract IMG stdout -l vie` (PDF samples rasterized by `pdftoppm -r 300` first, counted in its time); "
        "ours is `run_pipeline` in one process with no page pool. CPU is user+system of the process and its children. "
        "Peak MB raw is Tesseract's (or pdftoppm's) own high-water mark; peak MB ours is the pipeline's process "
        "over the run, its Tesseract engines (in-process, `pipeline/engine.py`) included. Outputs CPU is writing the searchable PDF and hOCR, "
        "not in the ratio.",
        "",
    ]
    lines += _side_by_side("Per tier", by_tier)
    lines += _side_by_side("Per tier and document type", by_type)

    ablation_runs = [r for r in runs if r.engine.startswith("ours")]
    if any(r.engine != "ours" for r in ablation_runs):
        lines += ["## Ablation: CER with one preprocessing step switched off", ""]
        rows = aggregate(ablation_runs, key=lambda r: r.tier)
        engines = sorted({r.engine for r in rows}, key=lambda e: (e != "ours", e))
        tiers = sorted({r.group for r in rows})
        lines.append("| engine | " + " | ".join(tiers) + " |")
        lines.append("|---" * (len(tiers) + 1) + "|")
        cell = {(r.group, r.engine): r for r in rows}
        for engine in engines:
            lines.append(f"| {engine} | " + " | ".join(_pct(cell[(t, engine)].scores.cer) if (t, engine) in cell else "-" for t in tiers) + " |")
        lines.append("")

    checks = _targets(by_tier)
    lines += ["## Targets (issue: embedded pipeline)", ""] + [f"- {'PASS' if ok else 'FAIL'}: {text}" for text, ok in checks] + [""]
    data = {
        "params": params,
        "by_tier": [_row_json(r) for r in by_tier],
        "by_type": [_row_json(r) for r in by_type],
        "targets": [{"target": t, "pass": ok} for t, ok in checks],
        "runs": [{**asdict(r), "scores": asdict(r.scores), "fields": None} for r in runs],
    }
    return "\n".join(lines), data


def _row_json(row: Row) -> dict:
    return {
        "group": row.group,
        "engine": row.engine,
        "pages": row.pages,
        "cer": row.scores.cer,
        "wer": row.scores.wer,
        "diacritic_error_rate": row.scores.diacritic_rate,
        "cpu_per_page": row.cpu_per_page,
        "wall_per_page": row.wall_per_page,
        "peak_rss_mb": row.peak_rss_mb,
    }


def _side_by_side(title: str, rows: list[Row]) -> list[str]:
    cell = {(r.group, r.engine): r for r in rows}
    out = [
        f"## {title}",
        "",
        "| group | pages | CER raw | CER ours | WER raw | WER ours | diacritic raw | diacritic ours "
        "| CPU s/page raw | CPU s/page ours | ratio | wall s/page raw | wall s/page ours | peak MB raw | peak MB ours | outputs CPU s/page |",
        "|---" * 16 + "|",
    ]
    for group in sorted({r.group for r in rows}):
        raw, ours = cell.get((group, "raw")), cell.get((group, "ours"))
        if raw is None or ours is None:
            continue
        out.append(
            f"| {group} | {ours.pages} | {_pct(raw.scores.cer)} | {_pct(ours.scores.cer)} | {_pct(raw.scores.wer)} | "
            f"{_pct(ours.scores.wer)} | {_pct(raw.scores.diacritic_rate)} | {_pct(ours.scores.diacritic_rate)} | "
            f"{raw.cpu_per_page:.2f} | {ours.cpu_per_page:.2f} | {ours.cpu_per_page / raw.cpu_per_page:.2f} | "
            f"{raw.wall_per_page:.2f} | {ours.wall_per_page:.2f} | {raw.peak_rss_mb:.0f} | {ours.peak_rss_mb:.0f} | "
            f"{ours.outputs_cpu_per_page:.2f} |"
        )
    return out + [""]


def _targets(by_tier: list[Row]) -> list[tuple[str, bool]]:
    cell = {(r.group, r.engine): r for r in by_tier}
    checks: list[tuple[str, bool]] = []
    if ("scan", "raw") in cell and ("scan", "ours") in cell:
        raw, ours = cell[("scan", "raw")], cell[("scan", "ours")]
        checks.append((f"scan tier CER ours {_pct(ours.scores.cer)} < raw {_pct(raw.scores.cer)}", ours.scores.cer < raw.scores.cer))
        ratio = ours.cpu_per_page / raw.cpu_per_page
        checks.append((f"scan tier CPU per page ours/raw = {ratio:.2f} ≤ 1.2", ratio <= 1.2))
    if ("hard", "raw") in cell and ("hard", "ours") in cell:
        raw, ours = cell[("hard", "raw")], cell[("hard", "ours")]
        checks.append(
            (f"hard tier CER ours {_pct(ours.scores.cer)} ≤ half of raw {_pct(raw.scores.cer)}", ours.scores.cer <= raw.scores.cer / 2)
        )
    return checks
