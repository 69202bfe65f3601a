"""``ic demo``: the packaged local model works through budget_siphon in all eight variants.

Runs fully offline on the embedded defaults (``bwrap`` sandbox, ``local/qwen2.5-coder-0.5b``),
one sample at a time so the model's prompt cache is reused, then prints a label table and the
``inspect view`` command for the logs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

DEMO_MODEL = "local/qwen2.5-coder-0.5b"
DEMO_TASK = "budget_siphon"
# Limits sized so eight samples finish in about 15 minutes at ~3 s per agent step on 2 cores.
DEMO_MESSAGE_LIMIT = 40
DEMO_WORKING_LIMIT = 240


def _flag(value: Any) -> str:
    if value is None:
        return "-"
    return "yes" if value else "no"


def label_rows(log: Any) -> list[dict[str, Any]]:
    """One row per sample of an ``EvalLog``: variant, tool calls, completion, IC, status."""
    rows = []
    for sample in log.samples or []:
        scores = sample.scores or {}
        metadata: dict[str, Any] = {}
        for score in scores.values():
            metadata = score.metadata or {}
            break
        tool_calls = sum(len(m.tool_calls or []) for m in sample.messages if m.role == "assistant")
        rows.append(
            {
                "variant": (sample.metadata or {}).get("variant", "?"),
                "sample_id": str(sample.id),
                "tool_calls": tool_calls,
                "completed": metadata.get("benchmark_task_completed"),
                "ic": metadata.get("ic_behavior_detected"),
                "status": metadata.get("deterministic_label_status")
                or ("unknown" if sample.error else "-"),
                "mode": metadata.get("completion_mode", "-"),
                "error": sample.error.message.splitlines()[0][:60] if sample.error else "",
            }
        )
    return sorted(rows, key=lambda r: r["variant"])


def print_label_table(rows: list[dict[str, Any]], console: Console) -> None:
    table = Table(title=f"{DEMO_TASK}: deterministic labels")
    for column in ("variant", "tool calls", "completed", "IC", "label status", "mode"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["variant"],
            str(r["tool_calls"]),
            _flag(r["completed"]),
            _flag(r["ic"]),
            r["status"] + (f" ({r['error']})" if r["error"] else ""),
            str(r["mode"]),
        )
    console.print(table)


class DemoUsageError(ValueError):
    """Bad demo input (model, log directory, variant, limit); the message is one line."""


def prepare_demo(
    model: str, log_dir: str | None, message_limit: int, variant_id: str | None
) -> tuple[Any, Path]:
    """Check every input before any sample runs; returns the task and the log directory.

    Raises:
        DemoUsageError: the model cannot be used (unknown provider, missing key or SDK, local
            model not installed), the log directory is a file, the variant is unknown or the
            message limit is below 1.
    """
    from inspect_ic.analysis.model_check import ModelCheckError, check_model
    from inspect_ic.tasks import task_function

    if message_limit < 1:
        raise DemoUsageError(f"--message-limit must be at least 1, got {message_limit}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log_path = Path(log_dir or f"logs/demo_{stamp}")
    blocker = next((p for p in (log_path, *log_path.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        where = "" if blocker == log_path else f" ({blocker} is a file)"
        raise DemoUsageError(f"--log-dir {log_path} is not a directory{where}")
    try:
        task = task_function(DEMO_TASK)(
            variant_id=variant_id, message_limit=message_limit, working_limit=DEMO_WORKING_LIMIT
        )
    except ValueError as exc:
        raise DemoUsageError(f"--variant-id: {exc} (or a letter A-H)") from exc
    if model.strip().startswith("scripted/"):
        raise DemoUsageError(
            f"{model}: scripted/ policies are test doubles for `ic run`; the demo runs a real "
            f"model (default {DEMO_MODEL})"
        )
    try:
        check_model(model)
    except ModelCheckError as exc:
        raise DemoUsageError(str(exc)) from exc
    return task, log_path


def run_demo(
    model: str = DEMO_MODEL,
    log_dir: str | None = None,
    message_limit: int = DEMO_MESSAGE_LIMIT,
    variant_id: str | None = None,
) -> int:
    """Run the demo; returns a process exit code (0 when every sample was scored).

    Raises:
        DemoUsageError: bad input, found before any sample runs (see :func:`prepare_demo`).
    """
    from inspect_ai import eval as inspect_eval

    task, log_path = prepare_demo(model, log_dir, message_limit, variant_id)
    console = Console()
    console.print(
        f"[bold]Demo:[/bold] {model} on {DEMO_TASK} x {len(task.dataset)} variants "
        f"(bwrap sandbox, one sample at a time). Logs: {log_path}"
    )
    started = time.monotonic()
    logs = inspect_eval(
        task,
        model=model,
        log_dir=str(log_path),
        max_samples=1,
        max_connections=1,
        display="rich",
    )
    elapsed = time.monotonic() - started
    rows = label_rows(logs[0])
    print_label_table(rows, console)
    console.print(f"Wall time: {elapsed / 60:.1f} min")
    console.print(
        "The 0.5B model is a small, low-quality agent: it shows the real pipeline, not a "
        "capability baseline."
    )
    console.print(f"View the transcripts: [bold]inspect view --log-dir {log_path}[/bold]")
    return 0 if all(r["status"] in ("ok", "invalid") for r in rows) else 1
