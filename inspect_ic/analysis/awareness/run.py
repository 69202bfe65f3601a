"""``ic scan-awareness`` core: scan a run and write ``eval_awareness/`` (analysis.md §9).

Outputs: ``hits.csv``, ``sample_summary.csv``, ``aggregate.csv``, ``report.md`` and
``scanner_manifest.json`` (lexicon version and sha256, options, inputs, counts).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from inspect_ic.analysis.awareness.labels import label_samples
from inspect_ic.analysis.awareness.lexicon import load_lexicon
from inspect_ic.analysis.awareness.report import render_report
from inspect_ic.analysis.awareness.scan import ScanOptions, scan_logs
from inspect_ic.analysis.awareness.tables import (
    HITS_COLUMNS,
    SAMPLE_SUMMARY_COLUMNS,
    aggregate_table,
    headline_mask,
    hits_table,
    sample_summary,
)
from inspect_ic.analysis.awareness.vocabulary import task_vocabulary
from inspect_ic.analysis.csvio import write_csv, write_text
from inspect_ic.analysis.logs import require_readable_logs

OUTPUT_DIR = "eval_awareness"
SCANNER_VERSION = 1
FILES = {
    "hits": "hits.csv",
    "samples": "sample_summary.csv",
    "aggregate": "aggregate.csv",
    "report": "report.md",
    "manifest": "scanner_manifest.json",
}


@dataclass
class ScanResult:
    """What :func:`scan_run` wrote and the tables themselves."""

    out_dir: Path
    hits: pd.DataFrame
    samples: pd.DataFrame
    aggregate: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _count(frame: pd.DataFrame, column: str) -> int:
    return int(pd.to_numeric(frame[column], errors="coerce").fillna(0).sum()) if len(frame) else 0


def scan_run(
    run_dir: Path | str, out_dir: Path | str | None = None, options: ScanOptions | None = None
) -> ScanResult:
    """Scan every sample of a run for evaluation awareness and write the five outputs.

    Args:
        run_dir: run directory (``logs/<run id>/``) or any folder holding ``.eval`` logs.
        out_dir: output folder (default ``<run_dir>/eval_awareness``).
        options: sources to scan, worker processes and lexicon file.

    Returns:
        The tables and the manifest written.

    Raises:
        FileNotFoundError: ``run_dir`` is not a directory.
        NoReadableLogsError: no log below ``run_dir`` could be read (nothing is written).
        ValueError: the lexicon file is invalid.
    """
    run_path = Path(run_dir)
    if not run_path.is_dir():
        raise FileNotFoundError(f"run directory not found: {run_path}")
    opts = options or ScanOptions()
    lexicon = load_lexicon(opts.lexicon_path)
    target = Path(out_dir) if out_dir else run_path / OUTPUT_DIR
    started = datetime.now(UTC)
    paths, scan = scan_logs(run_path, opts)
    require_readable_logs(run_path, scan.logs_read, [s["log_file"] for s in scan.skipped])
    labelled = label_samples(run_path, scan.rows)
    run_id = run_path.resolve().name
    summary = sample_summary(labelled.frame, scan.records, run_id)
    hits = hits_table(scan.hits, labelled.frame, run_id)
    aggregate = aggregate_table(summary)
    scenarios = sorted({str(s) for s in summary["scenario"].dropna()}) if len(summary) else []
    vocab = {s: task_vocabulary(s, opts.lexicon_path) for s in scenarios}
    manifest: dict[str, Any] = {
        "artifact_family": "eval_awareness",
        "scanner_version": SCANNER_VERSION,
        "run_id": run_id,
        "run_dir": str(run_path.resolve()),
        "created_at_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lexicon": {"version": lexicon.version, "sha256": lexicon.sha256, "path": lexicon.path},
        "options": {k: v for k, v in asdict(opts).items() if k != "lexicon_path"},
        "inputs": [
            {"log_file": p.relative_to(run_path).as_posix(), "sha256": _sha256(p)} for p in paths
        ],
        "counts": {
            "logs_found": len(paths),
            "logs_read": len(scan.logs_read),
            "samples": len(summary),
            "headline_samples": int(headline_mask(summary).sum()) if len(summary) else 0,
            "strict_aware_samples": int(summary["strict_aware"].sum()) if len(summary) else 0,
            "broad_aware_samples": int(summary["broad_aware"].sum()) if len(summary) else 0,
            "strict_hits": int((hits["tier"] == "strict").sum()),
            "broad_hits": len(hits),
            "samples_with_reasoning": int(
                (pd.to_numeric(summary["reasoning_block_count"]) > 0).sum()
            )
            if len(summary)
            else 0,
            "reasoning_blocks": _count(summary, "reasoning_block_count"),
            "reasoning_readable": _count(summary, "reasoning_summary_count"),
            "reasoning_encrypted": _count(summary, "encrypted_reasoning_count"),
            "suppressed": dict(sorted(scan.suppressed.items())),
            "skipped": len(scan.skipped),
        },
        "skipped": scan.skipped,
        "notes": labelled.notes,
        "task_vocabulary": {
            s: {
                "manual": list(v.manual),
                "automatic": list(v.automatic),
                "sources": list(v.sources),
                "prompt_error": v.prompt_error,
            }
            for s, v in vocab.items()
        },
        "outputs": dict(FILES),
    }
    write_csv(hits, target / FILES["hits"], HITS_COLUMNS)
    write_csv(summary, target / FILES["samples"], SAMPLE_SUMMARY_COLUMNS)
    write_csv(aggregate, target / FILES["aggregate"])
    write_text(target / FILES["report"], render_report(manifest, aggregate, hits))
    write_text(target / FILES["manifest"], json.dumps(manifest, indent=2, default=str) + "\n")
    return ScanResult(target, hits, summary, aggregate, manifest)
