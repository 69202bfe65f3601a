#!/usr/bin/env python3
"""Evaluation-awareness scan of a run (analysis.md §9); same as `ic scan-awareness`.

Usage: scripts/scan_eval_awareness.py RUN_DIR [--include-reasoning-summaries]
       [--include-tool-args] [--out DIR] [--workers N] [--lexicon FILE]
Writes RUN_DIR/eval_awareness/ (or --out): hits.csv, sample_summary.csv, aggregate.csv,
report.md, scanner_manifest.json.
"""

import typer

from inspect_ic.analysis.awareness.cli import scan_awareness_command


def main() -> None:
    """Run the scanner command as a standalone script."""
    typer.run(scan_awareness_command)


if __name__ == "__main__":
    main()
