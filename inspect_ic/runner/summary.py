"""Read a run's logs back: per-sample outcomes, slice completeness and the summary table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from inspect_ic.runner.layout import repeat_name

USABLE = ("ok", "invalid")


@dataclass
class SampleOutcome:
    """One finished (or failed) sample as the summary needs it."""

    repeat: str
    task: str
    model: str
    sample_id: str
    variant_id: str
    label_status: str
    completed: bool | None
    ic: bool | None
    error: str | None
    log: str


def _score_metadata(scores: dict[str, Any] | None) -> dict[str, Any]:
    for score in (scores or {}).values():
        if score.metadata:
            return dict(score.metadata)
    return {}


def read_outcomes(run_dir: Path, repeats: int) -> list[SampleOutcome]:
    """Every sample in ``repeat_01..repeat_NN`` (latest attempt per sample and epoch)."""
    from inspect_ai.log import list_eval_logs, read_eval_log, read_eval_log_sample_summaries

    out: list[SampleOutcome] = []
    for repeat in range(1, repeats + 1):
        rdir = run_dir / repeat_name(repeat)
        if not rdir.is_dir():
            continue
        seen: dict[tuple[str, str, str], SampleOutcome] = {}
        for info in sorted(list_eval_logs(str(rdir)), key=lambda i: i.mtime or 0):
            header = read_eval_log(info, header_only=True)
            task = str((header.eval.metadata or {}).get("scenario") or header.eval.task)
            for s in read_eval_log_sample_summaries(info):
                meta = _score_metadata(s.scores)
                status = meta.get("deterministic_label_status") or ("unknown" if s.error else "-")
                key = (task, header.eval.model, f"{s.id}#{s.epoch}")
                seen[key] = SampleOutcome(
                    repeat=repeat_name(repeat),
                    task=task,
                    model=header.eval.model,
                    sample_id=str(s.id),
                    variant_id=str((s.metadata or {}).get("variant_id", "")),
                    label_status=str(status),
                    completed=meta.get("benchmark_task_completed"),
                    ic=meta.get("ic_behavior_detected"),
                    error=s.error.splitlines()[0][:200] if s.error else None,
                    log=info.name,
                )
        out.extend(seen.values())
    return out


def incomplete_slices(
    outcomes: list[SampleOutcome],
    tasks: list[str],
    models: list[str],
    variant_ids: list[str],
    repeats: int,
) -> list[dict[str, Any]]:
    """Slices (task x model x repeat) missing a usable row for some selected variant."""
    usable: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for o in outcomes:
        if o.label_status in USABLE and o.error is None:
            usable[(o.task, o.model, o.repeat)].add(o.variant_id)
    missing = []
    for repeat in range(1, repeats + 1):
        for task in tasks:
            for model in models:
                have = usable.get((task, model, repeat_name(repeat)), set())
                lacking = [v for v in variant_ids if v not in have]
                if lacking:
                    missing.append(
                        {
                            "task": task,
                            "model": model,
                            "repeat_id": repeat_name(repeat),
                            "missing": lacking,
                        }
                    )
    return missing


def _rate(values: list[bool | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{sum(1 for v in known if v) / len(known):.0%}" if known else "-"


def summary_rows(outcomes: list[SampleOutcome], expected_per_cell: int) -> list[dict[str, Any]]:
    """One row per model x task: done/total, usable labels, IC rate, completion rate, errors."""
    cells: dict[tuple[str, str], list[SampleOutcome]] = defaultdict(list)
    for o in outcomes:
        cells[(o.model, o.task)].append(o)
    rows = []
    for (model, task), items in sorted(cells.items()):
        usable = [o for o in items if o.label_status in USABLE and o.error is None]
        rows.append(
            {
                "model": model,
                "task": task,
                "done": len(usable),
                "total": expected_per_cell,
                "ic_rate": _rate([o.ic for o in usable]),
                "completion_rate": _rate([o.completed for o in usable]),
                "errors": sum(1 for o in items if o.error),
            }
        )
    return rows


def print_summary(rows: list[dict[str, Any]], console: Console) -> None:
    """The final IC / completion table per model x task."""
    table = Table(title="Run summary (deterministic labels, raw rates)")
    for column in ("model", "task", "samples", "IC", "completion", "errors"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["model"],
            r["task"],
            f"{r['done']}/{r['total']}",
            r["ic_rate"],
            r["completion_rate"],
            str(r["errors"]),
        )
    console.print(table)
