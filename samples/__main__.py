"""Command line: ``python -m samples generate|refresh-committed``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .corpus import COMMITTED_DIR, COMMITTED_SEED, EXTRA_TIERS, generate_corpus, refresh_committed
from .degrade import TIERS
from .documents import ALL_DOC_TYPES


def _csv(choices: tuple[str, ...]):
    def parse(value: str) -> list[str]:
        items = [v.strip() for v in value.split(",") if v.strip()]
        bad = [v for v in items if v not in choices]
        if bad or not items:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(choices)} (got {value!r})")
        return items
    return parse


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m samples",
                                 description="Synthetic Vietnamese administrative documents with ground truth.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write a corpus: documents, .truth.json files and manifest.json")
    g.add_argument("--out", type=Path, required=True, help="output directory")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--per-type", type=int, default=4, help="documents per type (each in every tier)")
    g.add_argument("--tiers", type=_csv(TIERS + EXTRA_TIERS), default=list(TIERS),
                   help=f"comma-separated, from {','.join(TIERS + EXTRA_TIERS)} (default {','.join(TIERS)})")
    g.add_argument("--types", type=_csv(ALL_DOC_TYPES), default=list(ALL_DOC_TYPES),
                   help=f"comma-separated, from {','.join(ALL_DOC_TYPES)}")
    r = sub.add_parser("refresh-committed", help=f"regenerate the committed samples in {COMMITTED_DIR}")
    r.add_argument("--out", type=Path, default=COMMITTED_DIR)
    r.add_argument("--seed", type=int, default=COMMITTED_SEED)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    if args.cmd == "generate":
        paths = generate_corpus(args.out, seed=args.seed, per_type=args.per_type, tiers=args.tiers,
                                doc_types=args.types)
        dt = time.perf_counter() - t0
        print(f"wrote {len(paths)} documents + truth to {args.out} in {dt:.1f} s "
              f"({dt / max(1, len(paths)):.2f} s per page)")
    else:
        paths = refresh_committed(args.out, args.seed)
        total = sum(p.stat().st_size for p in paths)
        for p in paths:
            print(f"{p.stat().st_size:>9}  {p}")
        print(f"{total / 1e6:.2f} MB in {len(paths)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
