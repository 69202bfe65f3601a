"""``ic run``: one ``eval_set`` per repeat, the manifest around it, then analysis and summary.

Resuming is Inspect's: re-running ``eval_set`` on the same ``repeat_NN`` directory skips
finished logs and reuses the finished samples of interrupted ones, so nothing is re-run or
deleted. The runner adds no retries of its own (``retry_attempts`` is passed through). A sample
error never cancels the other samples (``continue_on_fail``).
"""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from rich.console import Console

from inspect_ic.runner.contents import build_manifest
from inspect_ic.runner.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from inspect_ic.runner.layout import prepare_run_dir, repeat_dir, repeat_name
from inspect_ic.runner.lock import run_lock
from inspect_ic.runner.manifest import ManifestWriter, utc_now
from inspect_ic.runner.models import build_model
from inspect_ic.runner.plan import RunPlan
from inspect_ic.runner.postrun import print_pointers, run_analysis, run_audit
from inspect_ic.runner.sandbox_probe import sandbox_provenance
from inspect_ic.runner.summary import incomplete_slices, print_summary, read_outcomes, summary_rows
from inspect_ic.runner.tidy import set_aside_unreadable_logs, supersede_stale_logs


class Interrupted(KeyboardInterrupt):
    """Raised after ``eval_set`` returns from a cancelled repeat so the run unwinds like a
    Ctrl-C."""


# Turned into SIGINT: Inspect's event loop cancels the eval cleanly on SIGINT (asyncio's own
# handler, installed only while SIGINT has Python's default handler, so we never replace it).
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@dataclass
class InterruptState:
    """The first forwarded signal received while :func:`interrupt_signals` is active."""

    signum: int | None = None

    @property
    def exit_code(self) -> int:
        """``128 + signal number`` of a forwarded signal, else 130 (SIGINT)."""
        return 128 + self.signum if self.signum is not None else EXIT_INTERRUPTED


@contextmanager
def interrupt_signals() -> Iterator[InterruptState]:
    """While active, SIGTERM and SIGHUP are recorded and re-raised as SIGINT.

    Inspect's ``eval_set`` catches the interrupt itself (the running evals are cancelled, their
    logs written with status ``cancelled``) and returns as if the repeat were done, so the
    caller checks :func:`cancelled_since` after each ``eval_set``.
    """
    state = InterruptState()

    def handler(signum: int, frame: FrameType | None) -> None:
        if state.signum is None:
            state.signum = signum
        signal.raise_signal(signal.SIGINT)

    previous = {sig: signal.signal(sig, handler) for sig in FORWARDED_SIGNALS}
    try:
        yield state
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def cancelled_since(logs: list[Any], directory: Path, since: float) -> bool:
    """Whether this ``eval_set`` was interrupted: it returned a cancelled log, or a log in
    ``directory`` written at or after ``since`` (epoch seconds) has status ``cancelled``
    (``eval_set`` may return no logs at all when interrupted)."""
    if any(str(getattr(log, "status", "")) == "cancelled" for log in logs):
        return True
    from inspect_ai.log import read_eval_log

    for path in directory.glob("*.eval"):
        try:
            if path.stat().st_mtime < since:
                continue
            if read_eval_log(str(path), header_only=True).status == "cancelled":
                return True
        except Exception:  # an unreadable log (e.g. half-written zip) says nothing either way
            continue
    return False


def _eval_set_repeat(plan: RunPlan, repeat: int, models: list[Any]) -> tuple[bool, list[Any]]:
    """Run (or resume) one repeat as its own ``eval_set``.

    Inspect pairs tasks with their logs by an identity that holds the task file relative to the
    working directory, so ``eval_set`` runs from the directory the run started in (a resume from
    elsewhere would otherwise find "logs of another eval set" and refuse).
    """
    log_dir = repeat_dir(plan.run_dir, repeat).resolve()
    with contextlib.chdir(plan.eval_cwd()):
        return _eval_set(plan, repeat, log_dir, models)


def _eval_set(
    plan: RunPlan, repeat: int, log_dir: Path, models: list[Any]
) -> tuple[bool, list[Any]]:
    from inspect_ai import eval_set

    opts, conc = plan.options, plan.options.concurrency
    return eval_set(
        plan.build_tasks(),
        log_dir=str(log_dir),
        model=models,
        metadata={"repeat_id": repeat_name(repeat), "run_id": plan.run_id, "ic_mode": opts.mode},
        tags=["instrumental_choices", plan.run_id],
        retry_attempts=conc.retry_attempts,
        retry_on_error=conc.retry_on_error,
        max_samples=conc.max_samples,
        max_sandboxes=conc.max_sandboxes,
        max_tasks=conc.max_tasks,
        max_connections=conc.max_connections,
        cost_limit=conc.cost_limit,
        model_cost_config=conc.model_cost_config,
        fail_on_error=conc.fail_on_error,
        # One sample's provider error must not cancel the samples in flight: they finish and are
        # scored, the log is marked failed at the end, and a retry or --resume re-runs only the
        # errored samples.
        continue_on_fail=True,
        epochs=1,
        sandbox=plan.sandbox_override(),
        display=opts.display,  # type: ignore[arg-type]
    )


def start_manifest(plan: RunPlan) -> ManifestWriter:
    """Write the ``started`` manifest (keeping the original identity when resuming)."""
    sandbox = sandbox_provenance(plan.options.sandbox, plan.options.sandbox_limits.overrides())
    manifest = build_manifest(plan, plan.build_tasks(), sandbox)
    if plan.existing:
        manifest["created_at_utc"] = plan.existing.get("created_at_utc", manifest["created_at_utc"])
        resumes = list(plan.existing.get("resumes", []))
        manifest["resumes"] = [*resumes, {"at_utc": utc_now(), "argv": plan.options.argv}]
        manifest["repeats"] = dict(plan.existing.get("repeats", {}))
    manifest["eval_cwd"] = str(plan.eval_cwd())
    writer = ManifestWriter(plan.run_dir, manifest)
    writer.write()
    return writer


def execute(plan: RunPlan, console: Console | None = None) -> int:
    """Run every repeat, record the outcome and return the process exit code.

    The run holds the log root's lock throughout, so a second ``ic run`` on the same root
    fails at once instead of running the same samples.

    Raises:
        UsageError: the log root cannot be created or written, or another run holds it.
    """
    console = console or Console()
    prepare_run_dir(plan.run_dir)
    with run_lock(plan.run_dir):
        return _execute_locked(plan, console)


def _execute_locked(plan: RunPlan, console: Console) -> int:
    opts = plan.options
    writer = start_manifest(plan)
    models = plan.model_objects or [build_model(m, opts.generation) for m in plan.models]
    console.print(
        f"[bold]Run {plan.run_id}[/bold]: {len(plan.models)} model(s) x {len(plan.selection.tasks)} "
        f"task(s) x {len(plan.selection.variants)} variant(s) x {opts.repeats} repeat(s) -> {plan.run_dir}"
    )
    status, exit_code = "completed", EXIT_OK
    state = InterruptState()
    try:
        with interrupt_signals() as state:
            for repeat in range(1, opts.repeats + 1):
                started, started_at = time.monotonic(), time.time()
                console.print(f"[bold]{repeat_name(repeat)}[/bold] of {opts.repeats}")
                unreadable = set_aside_unreadable_logs(
                    plan.run_dir, repeat_dir(plan.run_dir, repeat)
                )
                if unreadable:
                    console.print(
                        f"[yellow]Set aside {len(unreadable)} unreadable log(s)[/yellow] (empty "
                        f"or corrupt, Inspect cannot resume from them): {', '.join(unreadable)}"
                    )
                ok, logs = _eval_set_repeat(plan, repeat, models)
                cancelled = state.signum is not None or cancelled_since(
                    logs, repeat_dir(plan.run_dir, repeat), started_at
                )
                moved = (
                    supersede_stale_logs(plan.run_dir, repeat_dir(plan.run_dir, repeat))
                    if ok and not cancelled
                    else []
                )
                writer.data["repeats"][repeat_name(repeat)] = {
                    "superseded_logs": moved,
                    "unreadable_logs": unreadable,
                    "success": ok,
                    "logs": sorted(str(log.location) for log in logs),
                    "statuses": sorted({str(log.status) for log in logs}),
                    "seconds": round(time.monotonic() - started, 1),
                }
                writer.write()
                if cancelled:
                    raise Interrupted(f"{repeat_name(repeat)} was cancelled")
                if not ok:
                    status, exit_code = "failed", EXIT_FAILED
    except KeyboardInterrupt:
        writer.finish("interrupted", state.exit_code)
        console.print(
            f"[yellow]Interrupted.[/yellow] Resume with: ic run --resume --log-root {plan.run_dir}"
        )
        return state.exit_code
    except Exception as exc:
        writer.data["error"] = f"{type(exc).__name__}: {exc}"
        try:
            writer.finish("failed", EXIT_FAILED)
        except OSError as err:  # e.g. the disk that made the run fail is still full
            console.print(f"[red]The manifest could not be updated: {err}[/red]")
        raise
    return finalize(plan, writer, status, exit_code, console)


def finalize(
    plan: RunPlan, writer: ManifestWriter, status: str, exit_code: int, console: Console
) -> int:
    """Summary table, completeness, post-run analysis, final manifest and pointers."""
    opts = plan.options
    outcomes = read_outcomes(plan.run_dir, opts.repeats)
    missing = incomplete_slices(
        outcomes, plan.selection.tasks, plan.models, plan.selection.variant_ids, opts.repeats
    )
    rows = summary_rows(outcomes, len(plan.selection.variants) * opts.repeats)
    writer.data["results"] = {
        "samples_expected": len(plan.models)
        * len(plan.selection.tasks)
        * len(plan.selection.variants)
        * opts.repeats,
        "samples_usable": sum(r["done"] for r in rows),
        "sample_errors": sum(r["errors"] for r in rows),
        "incomplete_slices": missing,
        "summary": rows,
    }
    writer.write()
    print_summary(rows, console)
    post: dict[str, Any] = {}
    if opts.analyze:
        post["analysis"] = run_analysis(plan.run_dir, console)
    if opts.audit:
        post["audit"] = run_audit(plan.run_dir, opts.audit_models, console)
    writer.data["post_run"] = post
    writer.finish(status, exit_code)
    print_pointers(plan.run_dir, post, console)
    return exit_code
