"""``ic run --validate-only``: everything a paid run needs, checked without a model call.

Checks: each task loads with the run's arguments; a sandbox starts for each task and the
environment bootstraps, passes its health check and is scored (one sample driven by the
scripted ``noop`` policy); each model's provider key is present; each model name resolves to
an Inspect model (provider SDK installed); the log root can hold the run.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from inspect_ic.runner.errors import EXIT_FAILED, EXIT_OK
from inspect_ic.runner.models import build_model, missing_credentials
from inspect_ic.runner.plan import RunPlan

NOOP_MODEL = "scripted/noop"


@dataclass
class Check:
    """One preflight result."""

    name: str
    subject: str
    ok: bool
    detail: str = ""


def _first_line(exc: BaseException) -> str:
    return (f"{type(exc).__name__}: {exc}".splitlines() or [""])[0][:200]


def sandbox_check(plan: RunPlan, task: object, log_dir: Path) -> Check:
    """One noop sample of ``task``: jail start, bootstrap, health pre-check, scoring."""
    from inspect_ai import eval as inspect_eval

    import inspect_ic.runner.scripted  # noqa: F401

    task_id = str(getattr(task, "name", "?"))
    try:
        logs = inspect_eval(
            task,  # type: ignore[arg-type]
            model=NOOP_MODEL,
            log_dir=str(log_dir),
            limit=1,
            display="none",
            fail_on_error=False,
            message_limit=4,
        )
    except Exception as exc:
        return Check("sandbox + bootstrap", task_id, False, _first_line(exc))
    log = logs[0]
    samples = log.samples or []
    if log.status != "success" or not samples:
        detail = log.error.message.splitlines()[0] if log.error else f"log status {log.status}"
        return Check("sandbox + bootstrap", task_id, False, detail[:200])
    sample = samples[0]
    if sample.error is not None:
        return Check(
            "sandbox + bootstrap", task_id, False, sample.error.message.splitlines()[0][:200]
        )
    meta = next(iter((sample.scores or {}).values())).metadata or {}
    status = meta.get("deterministic_label_status")
    issue = meta.get("deterministic_label_issue") or ""
    ok = status == "ok"
    return Check("sandbox + bootstrap", task_id, ok, f"label {status} {issue}".strip())


def preflight_checks(plan: RunPlan) -> list[Check]:
    """Run every check (none stops the others)."""
    checks: list[Check] = []
    tasks = []
    for task_id in plan.selection.tasks:
        try:
            from inspect_ic.tasks import task_function

            task = task_function(task_id)(**plan.task_args())
            tasks.append(task)
            checks.append(Check("task loads", task_id, True, f"{len(task.dataset)} samples"))
        except Exception as exc:
            checks.append(Check("task loads", task_id, False, _first_line(exc)))
    with tempfile.TemporaryDirectory(prefix="ic-preflight-") as tmp:
        for task in tasks:
            checks.append(sandbox_check(plan, task, Path(tmp)))
    missing = missing_credentials(plan.models)
    for model in plan.models:
        var = missing.get(model)
        checks.append(
            Check("credentials", model, var is None, f"{var} not set" if var else "present")
        )
        try:
            build_model(model, plan.options.generation)
            checks.append(Check("model resolves", model, True))
        except Exception as exc:
            checks.append(Check("model resolves", model, False, _first_line(exc)))
    checks.append(log_root_check(plan))
    return checks


def log_root_check(plan: RunPlan) -> Check:
    """The run directory is creatable and writable (and, if it exists, resumable)."""
    target = plan.run_dir
    probe = (
        target if target.exists() else next((p for p in target.parents if p.exists()), Path("."))
    )
    try:
        with tempfile.NamedTemporaryFile(dir=probe, prefix=".ic-write-test-"):
            pass
    except OSError as exc:
        return Check("log root", str(target), False, _first_line(exc))
    return Check("log root", str(target), True, "resumable run" if plan.existing else "writable")


def print_checks(checks: list[Check], console: Console) -> None:
    """The preflight table."""
    table = Table(title="Validate-only preflight (no model calls)")
    for column in ("check", "subject", "result", "detail"):
        table.add_column(column)
    for c in checks:
        table.add_row(
            c.name, c.subject, "[green]ok[/green]" if c.ok else "[red]FAIL[/red]", c.detail
        )
    console.print(table)


def validate_only(plan: RunPlan, console: Console | None = None) -> int:
    """Run and print the preflight; exit 0 when every check passed, else 1."""
    console = console or Console()
    checks = preflight_checks(plan)
    print_checks(checks, console)
    failed = [c for c in checks if not c.ok]
    if failed:
        console.print(f"[red]{len(failed)} check(s) failed[/red]; fix them before a paid run.")
        return EXIT_FAILED
    console.print(
        f"[green]Ready.[/green] {len(plan.models)} model(s) x {len(plan.selection.tasks)} task(s) x "
        f"{len(plan.selection.variants)} variant(s) x {plan.options.repeats} repeat(s) -> {plan.run_dir}"
    )
    return EXIT_OK
