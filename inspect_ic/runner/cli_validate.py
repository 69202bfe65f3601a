"""The ``ic validate`` command (see :mod:`inspect_ic.runner.validation`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from inspect_ic.runner.errors import EXIT_USAGE, UsageError


def validate_command(
    skip: Annotated[
        list[str] | None,
        typer.Option("--skip", help="Step to skip: lint, types, unit, matrix (repeatable)."),
    ] = None,
    ci_matrix: bool = typer.Option(
        False, "--ci-matrix", help="Run the CI subset of the policy matrix instead of the full one."
    ),
    logs_dir: Annotated[
        Path, typer.Option(help="Logs base; the dry-run manifest goes to <logs-dir>/validation/.")
    ] = Path("logs"),
) -> None:
    """Validation suite with no model calls: lint, types, unit tests, scripted-policy matrix."""
    from inspect_ic.runner.validation import default_steps, run_validation, select_steps

    try:
        steps = select_steps(default_steps(full_matrix=not ci_matrix), list(skip or []))
    except UsageError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    raise typer.Exit(run_validation(steps, logs_dir, ["ic", *sys.argv[1:]]))
