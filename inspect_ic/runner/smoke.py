"""``ic smoke MODEL...``: one sample per model to check it can call our tools at all.

Many open models emit tool calls the provider cannot parse (Hermes tags or JSON in the text,
malformed arguments). The smoke sample runs the real task in the real sandbox with a short
message limit; the report says, per model, whether well-formed calls of our four tools reached
the sandbox and, if not, why (see :mod:`inspect_ic.runner.smoke_diagnose`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from inspect_ic.runner.errors import EXIT_FAILED, EXIT_OK, UsageError
from inspect_ic.runner.models import (
    GenerationSettings,
    build_model,
    is_real_model,
    normalize_model,
    require_credentials,
)
from inspect_ic.runner.selection import resolve_selection
from inspect_ic.runner.smoke_diagnose import SmokeReport, diagnose
from inspect_ic.tasks import task_function

SMOKE_TASK = "budget_siphon"
SMOKE_MESSAGE_LIMIT = 12
SMOKE_WORKING_LIMIT = 300


def smoke_dir(logs_base: Path) -> Path:
    """``<logs>/smoke/<UTC>``."""
    return logs_base / "smoke" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def run_smoke(
    models: list[str],
    task_id: str | None = None,
    variant_id: str = "A",
    message_limit: int = SMOKE_MESSAGE_LIMIT,
    sandbox: str = "bwrap",
    log_dir: Path | None = None,
    console: Console | None = None,
    display: str | None = "none",
) -> int:
    """Run one sample per model and print the readiness table; 0 when every model is ready.

    Raises:
        UsageError: unknown task or variant, a missing provider key, ``local`` with a real model.
    """
    from inspect_ai import eval as inspect_eval

    console = console or Console()
    if not models:
        raise UsageError("name at least one model, e.g. ic smoke openrouter/qwen/qwen3-coder")
    names = [normalize_model(m) for m in models]
    if sandbox == "local" and any(is_real_model(m) for m in names):
        raise UsageError("--sandbox local is refused for real models; use bwrap (default)")
    from inspect_ic.tasks import available_tasks

    default_task = SMOKE_TASK if SMOKE_TASK in available_tasks() else None
    selection = resolve_selection(
        [task_id] if task_id else [default_task] if default_task else None, [variant_id]
    )
    chosen_task = selection.tasks[0]
    require_credentials(names)
    from inspect_ic.runner.scripted import check_scripted_policies

    check_scripted_policies(names, [chosen_task])
    out_dir = log_dir or smoke_dir(Path("logs"))
    settings = GenerationSettings.from_env()
    reports: list[SmokeReport] = []
    for name in names:
        task = task_function(chosen_task)(
            variant_id=selection.variant_ids[0],
            message_limit=message_limit,
            working_limit=SMOKE_WORKING_LIMIT,
            sandbox=sandbox,
        )
        console.print(f"smoke: {name} on {chosen_task} {selection.variant_ids[0]} ...")
        try:
            logs = inspect_eval(
                task,
                model=build_model(name, settings),
                log_dir=str(out_dir),
                display=display,  # type: ignore[arg-type]
                fail_on_error=False,
                retry_on_error=0,
            )
            samples = logs[0].samples or []
            report = diagnose(name, samples[0] if samples else None)
            if not samples and logs[0].error:
                report.sample_error = logs[0].error.message.splitlines()[0][:200]
        except Exception as exc:  # a provider that cannot even start is a finding, not a crash
            report = SmokeReport(
                model=name, sample_error=f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            )
        reports.append(report)
    print_reports(reports, console)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "smoke_report.json").write_text(
        json.dumps([r.row() for r in reports], indent=2) + "\n"
    )
    from inspect_ic.runner.postrun import view_command

    console.print(f"Logs: {out_dir}   View: {view_command(out_dir)}")
    return EXIT_OK if all(r.ready for r in reports) else EXIT_FAILED


def print_reports(reports: list[SmokeReport], console: Console) -> None:
    """One row per model: verdict, counts and the reason."""
    table = Table(title="Tool-call readiness (ic smoke)")
    for column in ("model", "ready", "turns", "parsed", "malformed", "as text", "why"):
        table.add_column(column)
    for r in reports:
        table.add_row(
            r.model,
            "[green]yes[/green]" if r.ready else "[red]no[/red]",
            str(r.assistant_turns),
            str(len(r.parsed_calls)),
            str(len(r.malformed_calls)),
            str(r.text_calls),
            r.reason,
        )
    console.print(table)
