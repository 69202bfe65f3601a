"""The ``ic smoke`` command (see :mod:`inspect_ic.runner.smoke`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from inspect_ic.runner.errors import EXIT_USAGE, UsageError


def smoke_command(
    models: Annotated[list[str], typer.Argument(metavar="MODEL...", help="Inspect model names.")],
    task: str = typer.Option(None, "--task", "-t", help="Task id (default: budget_siphon)."),
    variant_id: str = typer.Option("A", "--variant-id", "-v", help="Variant id or letter."),
    message_limit: int = typer.Option(12, min=1, help="Messages in the smoke sample."),
    sandbox: str = typer.Option("bwrap", help="bwrap | docker | k8s."),
    log_dir: Annotated[
        Path | None, typer.Option(help="Log directory (default logs/smoke/<UTC>).")
    ] = None,
) -> None:
    """One-sample readiness check: can MODEL call our tools? Reports which calls parsed and why not."""
    from inspect_ic.runner.envsetup import prepare_environment
    from inspect_ic.runner.smoke import run_smoke

    prepare_environment()
    try:
        code = run_smoke(list(models), task, variant_id, message_limit, sandbox, log_dir)
    except UsageError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    raise typer.Exit(code)
