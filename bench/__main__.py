"""``python -m bench`` (or ``make bench``): generate the sample corpus and measure the pipeline.

Writes a markdown report and a JSON file under bench/reports/ and prints the report.
``python -m bench service`` runs the service-mode bench instead (bench/service.py).
Not part of the test suite: it takes minutes and its figures go into closing notes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["service"]:  # python -m bench service: the service-mode bench (bench/service.py)
        from bench.service import main as service_main

        return service_main(argv[1:])
    # One single-threaded Tesseract per process, for ours and raw alike (as the service runs it).
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from bench.ocr import bench_corpus, render_report
    from samples.corpus import ALL_DOC_TYPES, generate_corpus

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--per-type", type=int, default=3, help="documents per type and tier")
    parser.add_argument("--seed", type=int, default=None,
                        help="corpus seed (default 2026, or the seed of the corpus --corpus names)")
    parser.add_argument("--tiers", default="clean,scan,hard")
    parser.add_argument("--types", default=",".join(ALL_DOC_TYPES))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="samples measured in parallel")
    parser.add_argument("--ablation", action="store_true", help="also run ours with each preprocessing step off")
    parser.add_argument("--fields", action="store_true", help="also extract fields and score them against the truth (bench/fields.py)")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus directory (default: generated under bench/corpus/)")
    parser.add_argument("--out", type=Path, default=None, help="report path (.md; a .json is written beside it)")
    args = parser.parse_args(argv)

    tiers = tuple(t for t in args.tiers.split(",") if t)
    types = tuple(t for t in args.types.split(",") if t)
    args.seed = corpus_seed(args.seed, args.corpus)
    corpus = args.corpus or ROOT / "bench" / "corpus" / f"seed{args.seed}-n{args.per_type}"
    console = Console(stderr=True)
    started = time.perf_counter()
    samples = generate_corpus(corpus, seed=args.seed, per_type=args.per_type, tiers=tiers, doc_types=types)
    console.print(f"corpus: {len(samples)} documents in {corpus} ({time.perf_counter() - started:.0f} s)")

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("raw Tesseract and ours", total=len(samples))
        runs = bench_corpus(samples, jobs=args.jobs, ablation=args.ablation, progress=lambda: progress.advance(task),
                            fields=args.fields)

    params = {
        "seed": args.seed,
        "per_type": args.per_type,
        "tiers": ",".join(tiers),
        "documents": len(samples),
        "jobs": args.jobs,
        "ablation": args.ablation,
        "cpu": os.cpu_count(),
    }
    report, data = render_report(runs, title=f"OCR bench {datetime.now():%Y-%m-%d %H:%M}", params=params)
    if args.fields:
        from bench.fields import render_field_report, targets

        field_scores = [r.fields for r in runs if r.engine == "ours" and r.fields is not None]
        field_lines, data["fields"] = render_field_report(field_scores)
        checks = targets(field_scores)
        field_lines += ["## Targets (issue #4: fields)", ""] + [f"- {'PASS' if ok else 'FAIL'}: {t}" for t, ok in checks] + [""]
        data["fields"]["targets"] = [{"target": t, "pass": ok} for t, ok in checks]
        report = report + "\n" + "\n".join(field_lines)
    out = args.out or ROOT / "bench" / "reports" / f"ocr-{datetime.now():%Y%m%d-%H%M%S}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report)
    console.print(f"report: {out} ({time.perf_counter() - started:.0f} s in all)")
    return 0


def corpus_seed(seed: int | None, corpus: Path | None, default: int = 2026) -> int:
    """The seed asked for; else the seed a corpus named by ``--corpus`` was made with (it is
    measured as it is, not regenerated with the default seed); else ``default``."""
    if seed is not None:
        return seed
    manifest = corpus / "manifest.json" if corpus else None
    return int(json.loads(manifest.read_text(encoding="utf-8"))["seed"]) if manifest and manifest.is_file() else default


if __name__ == "__main__":
    sys.exit(main())

