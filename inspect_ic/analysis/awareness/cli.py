"""``ic scan-awareness``: the typer command over :func:`inspect_ic.analysis.awareness.run.scan_run`.

Exit codes: 0 success, 1 the scan failed (e.g. an invalid lexicon file), 2 usage error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from inspect_ic.analysis.cli_common import check_run_dir, echo_skipped, fail


def scan_awareness_command(
    run_dir: Annotated[
        Path, typer.Argument(help="Run directory (logs/<run id>/) holding repeat_NN/ logs.")
    ],
    include_reasoning_summaries: Annotated[
        bool,
        typer.Option(
            "--include-reasoning-summaries",
            help="Also scan readable reasoning (encrypted reasoning is only counted).",
        ),
    ] = False,
    include_tool_args: Annotated[
        bool, typer.Option("--include-tool-args", help="Also scan tool-call arguments.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default RUN_DIR/eval_awareness).")
    ] = None,
    workers: Annotated[int, typer.Option(help="Processes used to read logs.")] = 1,
    lexicon: Annotated[
        Path | None, typer.Option(help="Lexicon YAML (default: the packaged lexicon).")
    ] = None,
) -> None:
    """Scan transcripts for evaluation awareness (strict and broad tiers) and write
    eval_awareness/ (hits, per-sample summary, aggregate rates, report, manifest)."""
    from inspect_ic.analysis.awareness.run import scan_run
    from inspect_ic.analysis.awareness.scan import ScanOptions
    from inspect_ic.analysis.logs import NoReadableLogsError

    check_run_dir(run_dir)
    if lexicon is not None and not lexicon.is_file():
        typer.echo(f"error: lexicon file not found: {lexicon}", err=True)
        raise typer.Exit(2)
    options = ScanOptions(
        include_reasoning_summaries=include_reasoning_summaries,
        include_tool_args=include_tool_args,
        workers=max(1, workers),
        lexicon_path=str(lexicon) if lexicon else None,
    )
    try:
        result = scan_run(run_dir, out, options)
    except NoReadableLogsError as exc:
        fail(str(exc))
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    counts = result.manifest["counts"]
    echo_skipped(result.manifest["skipped"])
    typer.echo(
        f"wrote {result.out_dir}: {counts['strict_aware_samples']} strict / "
        f"{counts['broad_aware_samples']} broad aware of {counts['samples']} samples "
        f"({counts['logs_read']} logs)"
    )
