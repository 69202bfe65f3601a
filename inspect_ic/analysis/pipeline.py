"""``ic analyze`` core: read a run's logs and write ``tool_analysis/`` (analysis.md §3).

Steps: stream the logs → sample rows, tool calls, assistant texts; completeness and
``incomplete_slice``; event classification; sample metrics; adjudication (validated overrides
applied to adjusted columns); the state, sample and event tables; aggregates, pooled rates,
associations, contrasts, the rate table and the logistic model; then the report
(:func:`inspect_ic.analysis.report.render_report`).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from inspect_ic.analysis.adjudication.run import adjudicate_samples, write_adjudication_outputs
from inspect_ic.analysis.aggregate import aggregate_table
from inspect_ic.analysis.associations import association_tables
from inspect_ic.analysis.completeness import completeness_table, incomplete_flags
from inspect_ic.analysis.contrasts import contrast_table
from inspect_ic.analysis.csvio import write_csv, write_text
from inspect_ic.analysis.events import classify_call_records, events_frame, group_by_sample
from inspect_ic.analysis.logistic import fit_logistic
from inspect_ic.analysis.logs import RunData, read_run, require_readable_logs
from inspect_ic.analysis.metrics import sample_metrics
from inspect_ic.analysis.pooled import pooled_aggregate_table
from inspect_ic.analysis.rates import rate_table
from inspect_ic.analysis.schema import (
    COMPLETENESS_COLUMNS,
    EVENT_TABLE_COLUMNS,
    SAMPLE_TABLE_COLUMNS,
    STATE_TABLE_COLUMNS,
    TASKS,
    TOOL_ANALYSIS_VERSION,
)
from inspect_ic.analysis.state_table import (
    build_state_table,
    derived_columns,
    samples_frame,
    written_columns,
)
from inspect_ic.analysis.stats import DEFAULT_ASSOCIATION_B, DEFAULT_BOOTSTRAP_B, DEFAULT_SEED
from inspect_ic.analysis.textflags import TEXT_HEURISTICS_VERSION, text_flags

logger = logging.getLogger(__name__)

TABLE_FILES: dict[str, str] = {
    "state": "deterministic_state_table.csv",
    "events": "tool_trace_event_table.csv",
    "samples": "tool_trace_sample_table.csv",
    "completeness": "tool_trace_completeness_table.csv",
    "aggregate": "tool_trace_aggregate_table.csv",
    "associations": "tool_trace_outcome_association_table.csv",
    "pooled": "tool_trace_pooled_aggregate_table.csv",
    "pooled_associations": "tool_trace_pooled_outcome_association_table.csv",
    "contrasts": "tool_trace_variant_contrast_table.csv",
    "rates": "tool_trace_rate_table.csv",
    "logistic": "tool_trace_logistic_model_table.csv",
}
"""Table key → file name in ``tool_analysis/`` (the first eight are the spec's list)."""

MANIFEST_FILE = "analysis_manifest.json"


@dataclass
class AnalysisOptions:
    """Knobs of :func:`analyze_run`."""

    bootstrap_b: int = DEFAULT_BOOTSTRAP_B
    """Draws for contrast and macro-rate CIs (paper: 10,000)."""
    association_b: int = DEFAULT_ASSOCIATION_B
    """Draws for the association CIs (default 1,000)."""
    seed: int = DEFAULT_SEED
    workers: int = 1
    """Processes for log reading."""
    contrast_breakdowns: bool = True
    figures: bool = True
    report: bool = True

    def __post_init__(self) -> None:
        for name in ("bootstrap_b", "association_b"):
            value = getattr(self, name)
            if value < 1:
                raise ValueError(f"{name} must be at least 1, got {value}")


class _Stopwatch:
    """Wall and CPU seconds per stage (CPU includes worker processes' time only when in-process)."""

    def __init__(self) -> None:
        self.laps: dict[str, dict[str, float]] = {}
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.laps[name] = {
            "wall_s": round(wall - self._wall, 3),
            "cpu_s": round(cpu - self._cpu, 3),
        }
        self._wall, self._cpu = wall, cpu


@dataclass
class AnalysisResult:
    """What :func:`analyze_run` produced."""

    out_dir: Path
    tables: dict[str, pd.DataFrame]
    manifest: dict[str, Any] = field(default_factory=dict)


def _selected_variants(run_dir: Path) -> dict[str, list[str]] | None:
    path = run_dir / "run_manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        bench = manifest.get("benchmark", {})
        profile, ids = bench.get("variant_profile"), bench.get("variant_ids")
        if profile == "extension" and isinstance(ids, list) and ids:
            return {"extension": [str(i) for i in ids]}
    except (OSError, ValueError, AttributeError):
        pass
    return None


def build_tables(run_dir: Path, data: RunData, options: AnalysisOptions) -> dict[str, pd.DataFrame]:
    """All tables of a run from its extracted records (pure apart from reading the overrides).

    Raises:
        AdjudicationError: the run's adjusted-labels file is invalid.
    """
    samples = samples_frame(data.rows)
    if samples.empty:
        return {
            "state": pd.DataFrame(columns=list(STATE_TABLE_COLUMNS)),
            "samples": pd.DataFrame(columns=list(SAMPLE_TABLE_COLUMNS)),
            "events": pd.DataFrame(columns=list(EVENT_TABLE_COLUMNS)),
            "completeness": pd.DataFrame(columns=list(COMPLETENESS_COLUMNS)),
            "_overrides": pd.DataFrame(),
        }
    completeness = completeness_table(samples, _selected_variants(run_dir))
    samples["incomplete_slice"] = incomplete_flags(samples, completeness)
    records = classify_call_records(data.calls, samples)
    events = events_frame(records)
    grouped = group_by_sample(records)
    flags = text_flags(pd.DataFrame(data.texts, columns=["sample_uuid", "message_idx", "text"]))
    metrics = sample_metrics(grouped, samples, flags)
    adjudicated, overrides = adjudicate_samples(samples, run_dir)
    derived = derived_columns(adjudicated, grouped)
    state = build_state_table(adjudicated, derived, metrics)
    per_scenario, pooled_assoc = association_tables(
        state, b=options.association_b, seed=options.seed
    )
    return {
        "state": state,
        "events": events,
        "completeness": completeness,
        "aggregate": aggregate_table(state, completeness),
        "associations": per_scenario,
        "pooled": pooled_aggregate_table(state, b=options.bootstrap_b, seed=options.seed),
        "pooled_associations": pooled_assoc,
        "contrasts": contrast_table(
            state, b=options.bootstrap_b, seed=options.seed, breakdowns=options.contrast_breakdowns
        ),
        "rates": rate_table(state),
        "logistic": fit_logistic(state),
        "_overrides": overrides,
    }


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Write every table with its contract column order; returns the paths."""
    paths = []
    for key, name in TABLE_FILES.items():
        frame = tables.get(key)
        if frame is None:
            continue
        if key == "state":
            columns: list[str] | None = written_columns(frame)
        elif key == "events":
            columns = list(EVENT_TABLE_COLUMNS)
        elif key == "completeness":
            columns = list(COMPLETENESS_COLUMNS)
        else:
            columns = None
        paths.append(write_csv(frame, out_dir / name, columns))
    return paths


def analyze_run(
    run_dir: Path | str, out_dir: Path | str | None = None, options: AnalysisOptions | None = None
) -> AnalysisResult:
    """Analyse a run directory and write ``tool_analysis/``.

    Args:
        run_dir: the run (``logs/<run id>/`` with ``repeat_NN/`` log folders) or any folder of
            ``.eval`` logs.
        out_dir: output folder (default ``<run_dir>/tool_analysis``).
        options: bootstrap sizes, seed, reading workers, report switches.

    Returns:
        The tables (DataFrames keyed as in :data:`TABLE_FILES`), the output folder and the
        analysis manifest (logs read, logs and samples skipped with reasons, options, timings).

    Raises:
        FileNotFoundError: ``run_dir`` does not exist.
        NoReadableLogsError: no log below ``run_dir`` could be read (nothing is written).
        AdjudicationError: the run's adjusted-labels file is invalid (nothing is written).
    """
    options = options or AnalysisOptions()
    run_path = Path(run_dir)
    if not run_path.is_dir():
        raise FileNotFoundError(f"run directory not found: {run_path}")
    target = Path(out_dir) if out_dir else run_path / "tool_analysis"
    clock = _Stopwatch()
    data = read_run(run_path, workers=options.workers)
    clock.lap("read_logs")
    require_readable_logs(run_path, data.logs_read, [s.log_file for s in data.skipped])
    for item in data.skipped:  # listed in the manifest and the report; callers print them
        logger.info("skipped %s %s: %s", item.log_file, item.sample, item.reason)
    tables = build_tables(run_path, data, options)
    state = tables["state"]
    if not state.empty:
        tables["samples"] = state[list(SAMPLE_TABLE_COLUMNS)]
    clock.lap("tables")
    target.mkdir(parents=True, exist_ok=True)
    write_tables(tables, target)
    if not state.empty:
        write_adjudication_outputs(state, tables["_overrides"], run_path)
    clock.lap("write")
    manifest = {
        "artifact_family": "tool_analysis",
        "version": TOOL_ANALYSIS_VERSION,
        "run_dir": str(run_path.resolve()),
        "trace_spec_scenarios": list(TASKS),
        "text_heuristics_version": TEXT_HEURISTICS_VERSION,
        "options": asdict(options),
        "logs_read": len(data.logs_read),
        "samples": len(state),
        "tool_calls": len(tables["events"]),
        "skipped": [asdict(s) for s in data.skipped],
        "partial_logs": data.partial_logs,
        "timings": clock.laps,
    }
    write_text(target / MANIFEST_FILE, json.dumps(manifest, indent=2, default=str) + "\n")
    if options.report:
        from inspect_ic.analysis.report import render_report

        render_report(target, figures=options.figures)
        clock.lap("report")
        write_text(target / MANIFEST_FILE, json.dumps(manifest, indent=2, default=str) + "\n")
    return AnalysisResult(out_dir=target, tables=tables, manifest=manifest)
