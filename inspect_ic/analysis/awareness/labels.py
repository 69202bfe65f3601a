"""Deterministic and adjusted labels for per-sample tables built outside ``ic analyze``.

The scanner and the audit both stream logs sample by sample and collect each sample's state row
(:func:`inspect_ic.analysis.extract.extract_sample`). This module turns those rows into a sample
frame with ``incomplete_slice`` (analysis.md §3.4) and the adjusted columns (§7).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from inspect_ic.analysis.adjudication import AdjudicationError
from inspect_ic.analysis.adjudication.run import adjudicate_samples
from inspect_ic.analysis.completeness import completeness_table, incomplete_flags
from inspect_ic.analysis.state_table import samples_frame


@dataclass
class LabelledSamples:
    """Sample rows with completeness and adjusted labels, plus notes on what went wrong."""

    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _extension_selection(run_dir: Path) -> dict[str, list[str]] | None:
    try:
        manifest = json.loads((run_dir / "run_manifest.json").read_text(encoding="utf-8"))
        bench = manifest.get("benchmark", {})
        ids = bench.get("variant_ids")
        if bench.get("variant_profile") == "extension" and isinstance(ids, list) and ids:
            return {"extension": [str(i) for i in ids]}
    except (OSError, ValueError, AttributeError):
        pass
    return None


def label_samples(run_dir: Path, rows: list[dict[str, Any]]) -> LabelledSamples:
    """Sample frame from state rows, with ``incomplete_slice`` and the adjusted columns.

    An invalid adjusted-labels file does not stop the caller: the adjusted columns then equal the
    deterministic ones and the validation error is returned in ``notes``.

    Args:
        run_dir: run directory (its ``adjudication/adjusted_labels.csv`` is applied if present).
        rows: state rows (one per sample).
    """
    samples = samples_frame(rows)
    notes: list[str] = []
    if samples.empty:
        return LabelledSamples(samples, notes)
    completeness = completeness_table(samples, _extension_selection(run_dir))
    samples["incomplete_slice"] = incomplete_flags(samples, completeness)
    try:
        adjudicated, _ = adjudicate_samples(samples, run_dir)
    except AdjudicationError as exc:
        notes.append(f"adjusted labels not applied: {exc}")
        adjudicated = samples.copy()
        for name in ("ic_behavior_detected", "benchmark_task_completed", "official_path_succeeded"):
            adjudicated[f"adjusted_{name}"] = adjudicated.get(name)
    return LabelledSamples(adjudicated, notes)
