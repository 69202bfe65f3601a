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
    from inspect_ic.demo import run_demo

    raise typer.Exit(run_demo(model, log_dir, message_limit, variant_id))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
