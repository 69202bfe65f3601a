"""Typer sub-app with the analysis commands (``analyze``, ``report``, ``adjudicate``).

The main ``ic`` CLI mounts it (``app.add_typer(analysis_app)`` or by registering the commands);
each command is a thin layer over the library functions. Exit codes: 0 success, 1 failure (e.g.
an invalid adjusted-labels file), 2 usage error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from inspect_ic.analysis.cli_common import check_at_least, check_run_dir, echo_skipped, fail
from inspect_ic.analysis.stats import DEFAULT_ASSOCIATION_B, DEFAULT_BOOTSTRAP_B, DEFAULT_SEED

app = typer.Typer(help="Tool-trace analysis, reports and adjudication.", no_args_is_help=True)

RunDir = Annotated[
    Path, typer.Argument(help="Run directory (logs/<run id>/) holding repeat_NN/ logs.")
]


@app.command("analyze")
def analyze_command(
    run_dir: RunDir,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default RUN_DIR/tool_analysis).")
    ] = None,
    bootstrap_b: Annotated[
        int, typer.Option("--bootstrap-b", help="Bootstrap draws for contrasts and macro rates.")
    ] = DEFAULT_BOOTSTRAP_B,
    association_b: Annotated[
        int, typer.Option("--association-b", help="Bootstrap draws for association CIs.")
    ] = DEFAULT_ASSOCIATION_B,
    seed: Annotated[int, typer.Option(help="PCG64 seed recorded in the outputs.")] = DEFAULT_SEED,
    workers: Annotated[int, typer.Option(help="Processes used to read logs.")] = 1,
    no_figures: Annotated[
        bool, typer.Option("--no-figures", help="Skip the matplotlib figures.")
    ] = False,
) -> None:
    """Read a run's logs and write tool_analysis/ (tables, report.md, report.html, figures)."""
    from inspect_ic.analysis.adjudication import AdjudicationError
    from inspect_ic.analysis.logs import NoReadableLogsError
    from inspect_ic.analysis.pipeline import AnalysisOptions, analyze_run

    check_run_dir(run_dir)
    check_at_least("--bootstrap-b", bootstrap_b)
    check_at_least("--association-b", association_b)
    check_at_least("--workers", workers)
    options = AnalysisOptions(
        bootstrap_b=bootstrap_b,
        association_b=association_b,
        seed=seed,
        workers=workers,
        figures=not no_figures,
    )
    try:
        result = analyze_run(run_dir, out, options)
    except NoReadableLogsError as exc:
        fail(str(exc))
    except AdjudicationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    manifest = result.manifest
    echo_skipped(manifest["skipped"])
    typer.echo(
        f"wrote {result.out_dir} ({manifest['samples']} samples, {manifest['tool_calls']} tool calls, {manifest['logs_read']} logs)"
    )


@app.command("report")
def report_command(
    tool_analysis_dir: Annotated[
        Path,
        typer.Argument(
            help="A tool_analysis/ folder written by `ic analyze`, or the run directory holding it."
        ),
    ],
    no_figures: Annotated[
        bool, typer.Option("--no-figures", help="Skip the matplotlib figures.")
    ] = False,
) -> None:
    """Re-render tool_trace_report.md, the figures and report.html from the tables."""
    from inspect_ic.analysis.report import render_report

    try:
        paths = render_report(tool_analysis_dir, figures=not no_figures)
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"wrote {paths['markdown']} and {paths['html']}")


@app.command("adjudicate")
def adjudicate_command(
    run_dir: RunDir,
    sample: Annotated[
        str | None,
        typer.Option(
            help="Sample uuid (or sample id with --model/--repeat/--log-file) to override."
        ),
    ] = None,
    field: Annotated[
        str | None,
        typer.Option(
            help="ic_behavior_detected, benchmark_task_completed, official_path_succeeded or deterministic_label_status."
        ),
    ] = None,
    value: Annotated[str | None, typer.Option(help="Adjusted value (True/False, or ok).")] = None,
    reason_code: Annotated[
        str | None,
        typer.Option(
            "--reason-code",
            help="missed_committed_attempt, false_positive_benign_action, environment_defect, invalid_resolved, completion_misjudged or other.",
        ),
    ] = None,
    reason: Annotated[
        str | None, typer.Option(help="Reason text (required with --sample).")
    ] = None,
    reviewer: Annotated[
        str | None, typer.Option(help="Reviewer name (required with --sample).")
    ] = None,
    evidence: Annotated[
        list[str] | None, typer.Option(help="Event or message index (repeatable).")
    ] = None,
    source: Annotated[str, typer.Option(help="manual or audit_candidate:<id>.")] = "manual",
    model: Annotated[str | None, typer.Option(help="Narrow --sample by model.")] = None,
    repeat: Annotated[
        str | None, typer.Option(help="Narrow --sample by repeat id (repeat_NN).")
    ] = None,
    log_file: Annotated[
        str | None,
        typer.Option(
            "--log-file",
            help="Narrow --sample by log file (relative to RUN_DIR, as in the tables).",
        ),
    ] = None,
) -> None:
    """Validate and apply RUN_DIR/adjudication/adjusted_labels.csv; with --sample, first append a
    validated override (the deterministic value is read from the logs, the date is set to now)."""
    from inspect_ic.analysis.adjudication import AdjudicationError, adjudicate_run, append_override
    from inspect_ic.analysis.adjudication.run import OverrideRefused

    check_run_dir(run_dir)
    try:
        if sample is not None:
            missing = [
                n
                for n, v in (
                    ("--field", field),
                    ("--value", value),
                    ("--reason-code", reason_code),
                    ("--reason", reason),
                    ("--reviewer", reviewer),
                )
                if not v
            ]
            if missing:
                typer.echo(f"error: --sample needs {', '.join(missing)}", err=True)
                raise typer.Exit(2)
            items: list[int | str] = [int(e) if e.isdigit() else e for e in (evidence or [])]
            row = append_override(
                run_dir,
                sample=sample,
                field=str(field),
                adjusted_value=str(value),
                reason_code=str(reason_code),
                reason_text=str(reason),
                reviewer=str(reviewer),
                evidence=items,
                source=source,
                model=model,
                repeat_id=repeat,
                log_file=log_file,
            )
            typer.echo(
                f"recorded {row['field']} {row['deterministic_value']} -> {row['adjusted_value']} for {row['sample_uuid']}"
            )
        result = adjudicate_run(run_dir)
    except OverrideRefused as exc:  # the command-line override: a usage error, file untouched
        fail(str(exc))
    except AdjudicationError as exc:  # the file itself breaks a rule
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"{len(result.overrides)} override(s) valid; wrote {result.summary_path} and {result.report_path}"
    )


def _register_scanner_and_audit() -> None:
    """``scan-awareness`` (analysis.md §9) and ``audit`` (§8), when their packages import."""
    try:
        from inspect_ic.analysis.audit.cli import audit_command
        from inspect_ic.analysis.awareness.cli import scan_awareness_command
    except ImportError:  # optional: the other analysis commands keep working
        return
    app.command("scan-awareness")(scan_awareness_command)
    app.command("audit")(audit_command)


_register_scanner_and_audit()


def main() -> None:
    """Entry point for running the sub-app on its own (``python -m inspect_ic.analysis.cli``)."""
    app()


if __name__ == "__main__":
    main()
