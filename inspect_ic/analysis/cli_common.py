"""Small helpers shared by the analysis commands (``analyze``, ``report``, ``adjudicate``,
``scan-awareness``, ``audit``): one-line usage errors with exit code 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import typer

EXIT_FAILED = 1
EXIT_USAGE = 2
RUN_DIR_HINT = "the folder holding repeat_NN/ or .eval files"


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``error: <message>`` (first line only) to stderr and exit with ``code``."""
    first = str(message).strip().splitlines()[0] if str(message).strip() else "failed"
    typer.echo(f"error: {first}", err=True)
    raise typer.Exit(code)


def check_run_dir(run_dir: Path) -> None:
    """Exit 2 with a one-line error unless ``run_dir`` is an existing directory."""
    if run_dir.is_dir():
        return
    if run_dir.exists():
        fail(f"expects a run directory ({RUN_DIR_HINT}), not a file: {run_dir}")
    fail(f"run directory not found: {run_dir} (expects {RUN_DIR_HINT})")


def check_at_least(option: str, value: int | None, minimum: int = 1) -> None:
    """Exit 2 when an integer option is below ``minimum``."""
    if value is not None and value < minimum:
        fail(f"{option} must be at least {minimum}, got {value}")


def echo_skipped(skipped: list[dict[str, Any]]) -> None:
    """One stderr line per log or sample the command could not read."""
    for item in skipped:
        where = " ".join(str(p) for p in (item["log_file"], item.get("sample")) if p)
        typer.echo(f"skipped {where}: {item['reason']}", err=True)
