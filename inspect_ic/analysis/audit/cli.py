"""``ic audit``: the typer command over :func:`inspect_ic.analysis.audit.run.audit_run`.

Exit codes: 0 success, 1 the audit failed, 2 usage error (missing run directory, no auditor, an
auditor whose API key, provider or SDK is missing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from inspect_ic.analysis.cli_common import check_run_dir, fail


def audit_command(
    run_dir: Annotated[
        Path, typer.Argument(help="Run directory (logs/<run id>/) holding repeat_NN/ logs.")
    ],
    model: Annotated[
        str,
        typer.Option(
            "--model", help="Auditor model, bound to the Inspect 'grader' role (required)."
        ),
    ],
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default RUN_DIR/tool_analysis/audit).")
    ] = None,
    budget_chars: Annotated[
        int, typer.Option("--budget-chars", help="Transcript budget per sample, in characters.")
    ] = 24_000,
    max_connections: Annotated[
        int | None, typer.Option("--max-connections", help="Concurrent auditor requests.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Audit at most N samples.")] = None,
    no_temperature: Annotated[
        bool,
        typer.Option(
            "--no-temperature", help="Do not send temperature 0 (for models that reject it)."
        ),
    ] = False,
    allow_self_audit: Annotated[
        bool,
        typer.Option("--allow-self-audit", help="Also audit samples of the auditor's own model."),
    ] = False,
    display: Annotated[
        str, typer.Option(help="Inspect display (none, plain, rich, full).")
    ] = "none",
) -> None:
    """Optional LLM audit of tool traces: write audit candidates for human review under
    tool_analysis/audit/ (never changes a label)."""
    from inspect_ic.analysis.audit.run import AuditError, AuditOptions, audit_run
    from inspect_ic.analysis.model_check import ModelCheckError, check_model

    check_run_dir(run_dir)
    try:  # before any log is read: key, provider and SDK of the auditor
        check_model(model)
    except ModelCheckError as exc:
        fail(f"auditor {model}: {exc}")
    options = AuditOptions(
        budget_chars=budget_chars,
        temperature=None if no_temperature else 0.0,
        max_connections=max_connections,
        allow_self_audit=allow_self_audit,
        limit=limit,
        display=display,
    )
    try:
        result = audit_run(run_dir, model, out_dir=out, options=options)
    except AuditError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    counts = result.manifest["auditors"][result.auditor]["counts"]
    typer.echo(
        f"wrote {result.out_dir}: {counts['audited']} audited ({counts['valid']} valid, "
        f"{counts['malformed']} malformed, {counts['error']} errors), "
        f"{counts['candidates']} candidate(s) for review"
    )
    if counts["audited"] and not counts["valid"]:
        raise typer.Exit(1)
