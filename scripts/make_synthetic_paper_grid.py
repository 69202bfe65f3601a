#!/usr/bin/env python3
"""Write the synthetic paper grid (analysis.md §10): real .eval logs, no model calls.

Usage: scripts/make_synthetic_paper_grid.py OUT_DIR [--calls-per-sample N] [--no-diagnostic]
Writes OUT_DIR/paper_grid (1,680 samples + the incomplete synthetic-extra slice, the
adjusted-labels file, synthetic_plan.json) and OUT_DIR/diagnostic (72 samples).
"""

import argparse
import sys

from inspect_ic.analysis.synthetic import build_paper_grid


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--calls-per-sample", type=int, default=20)
    parser.add_argument("--no-diagnostic", action="store_true")
    args = parser.parse_args(argv)
    grid = build_paper_grid(args.out_dir, args.calls_per_sample, diagnostic=not args.no_diagnostic)
    print(
        f"wrote {grid.log_count} logs, {grid.sample_count} samples: {grid.benchmark_run}"
        + (f", {grid.diagnostic_run}" if grid.diagnostic_run else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
