"""``ic``: the benchmark's one front door (a thin layer over Inspect and the analysis).

Exit codes: 0 success, 1 a run, check or test failed, 2 usage error.
"""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    help="Instrumental Choices benchmark on Inspect AI.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Instrumental Choices benchmark on Inspect AI."""


@app.command()
def demo(
    model: str = typer.Option("local/qwen2.5-coder-0.5b", help="Inspect model to run."),
    log_dir: str | None = typer.Option(None, help="Log directory (default logs/demo_<UTC>)."),
    message_limit: int = typer.Option(40, help="Messages per sample."),
    variant_id: str | None = typer.Option(None, help="Variant ids or letters, comma-separated."),
) -> None:
    """Run the offline local-model demo: budget_siphon in all eight variants."""
    from inspect_ic.demo import DemoUsageError, run_demo

    try:
        code = run_demo(model, log_dir, message_limit, variant_id)
    except DemoUsageError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    raise typer.Exit(code)


def _register_runner_commands() -> None:
    """``ic run``, ``ic validate`` and ``ic smoke`` (inspect_ic.runner)."""
    from inspect_ic.runner.cli_run import run_command
    from inspect_ic.runner.cli_smoke import smoke_command
    from inspect_ic.runner.cli_validate import validate_command

    app.command("run")(run_command)
    app.command("validate")(validate_command)
    app.command("smoke")(smoke_command)


def _mount_analysis() -> None:
    """Merge the analysis sub-app's commands (analyze, report, adjudicate, ...) when present."""
    try:
        from inspect_ic.analysis.cli import app as analysis_app
    except Exception:  # the analysis CLI is optional: ic still runs without it
        return
    existing = {c.name for c in app.registered_commands}
    for command in analysis_app.registered_commands:
        if command.name not in existing:
            app.registered_commands.append(command)
    app.registered_groups.extend(analysis_app.registered_groups)


_register_runner_commands()
_mount_analysis()


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
