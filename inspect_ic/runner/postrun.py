"""After a run: tool-trace analysis, report and (optionally) the LLM audit, all guarded.

A missing or failing analysis never loses a run: the error is recorded in the manifest's
``post_run`` block and printed, and the run keeps its own exit status.
"""

from __future__ import annotations

import os
import shutil
import sys
import traceback
from pathlib import Path
from typing import Any

from rich.console import Console


def run_analysis(run_dir: Path, console: Console) -> dict[str, Any]:
    """Call ``inspect_ic.analysis.analyze_run`` when available; returns a status record."""
    try:
        from inspect_ic.analysis.pipeline import analyze_run
    except Exception as exc:  # analysis package absent or broken
        return {"status": "unavailable", "error": f"{type(exc).__name__}: {exc}"}
    console.print("[bold]Analysing tool traces...[/bold]")
    try:
        result = analyze_run(run_dir)
    except Exception as exc:  # never lose the run over its analysis
        console.print(f"[yellow]analysis failed:[/yellow] {type(exc).__name__}: {exc}")
        return {
            "status": "failed",
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=5),
        }
    out_dir = Path(getattr(result, "out_dir", run_dir / "tool_analysis"))
    reports = sorted(str(p) for p in (*out_dir.glob("*.md"), *out_dir.glob("*.html")))
    return {"status": "completed", "tool_analysis_dir": str(out_dir), "reports": reports}


def run_audit(run_dir: Path, models: list[str], console: Console) -> dict[str, Any]:
    """The optional LLM tool-trace audit (``IC_ENABLE_TOOL_TRACE_AUDIT``), when the analysis
    package provides ``inspect_ic.analysis.audit.audit_run``."""
    if not models:
        return {"status": "skipped", "error": "IC_TOOL_TRACE_AUDIT_MODELS is empty"}
    try:
        from inspect_ic.analysis.audit import audit_run  # type: ignore[import-not-found]
    except Exception as exc:
        return {"status": "unavailable", "error": f"{type(exc).__name__}: {exc}"}
    results: dict[str, Any] = {}
    for model in models:
        try:
            audit_run(run_dir, model=model)
            results[model] = "completed"
        except Exception as exc:
            console.print(f"[yellow]audit with {model} failed:[/yellow] {exc}")
            results[model] = f"failed: {type(exc).__name__}: {exc}"
    return {"status": "completed", "models": results}


def inspect_command() -> str:
    """How to call Inspect's CLI here: ``inspect`` when it is on ``PATH``, else the one next to
    this interpreter (e.g. ``.venv/bin/inspect``), else ``python -m inspect_ai``."""
    if shutil.which("inspect"):
        return "inspect"
    local = Path(sys.executable).parent / "inspect"
    if not (local.is_file() and os.access(local, os.X_OK)):
        return f"{sys.executable} -m inspect_ai"
    try:
        return str(local.relative_to(Path.cwd()))
    except ValueError:
        return str(local)


def view_command(log_dir: Path) -> str:
    """The ``inspect view`` command for ``log_dir`` (see :func:`inspect_command`)."""
    return f"{inspect_command()} view --log-dir {log_dir}"


def print_pointers(run_dir: Path, post: dict[str, Any], console: Console) -> None:
    """The closing lines: where logs, tables and report are, and the ``inspect view`` command."""
    analysis = post.get("analysis", {})
    console.print(f"Logs:    {run_dir}")
    console.print(f"Manifest: {run_dir / 'run_manifest.json'}")
    if analysis.get("status") == "completed":
        console.print(f"Tables:  {analysis['tool_analysis_dir']}")
        for report in analysis.get("reports", []):
            console.print(f"Report:  {report}")
    else:
        console.print(f"Tables:  not written (analysis {analysis.get('status', 'skipped')})")
    console.print(f"View:    {view_command(run_dir)}")
