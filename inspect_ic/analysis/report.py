"""``ic report`` core: render ``tool_trace_report.md``, the figures and ``report.html`` from the
tables of a ``tool_analysis/`` folder (analysis.md §3.7). Works on the CSVs alone, so a report can
be re-rendered without the logs.
"""

from __future__ import annotations

import base64
import html
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from markdown_it import MarkdownIt

from inspect_ic.analysis.csvio import read_csv, write_text
from inspect_ic.analysis.report_sections import SECTIONS, ReportInputs

REPORT_MD = "tool_trace_report.md"
REPORT_HTML = "report.html"
FIGURE_DIR = "figures"
TOOL_ANALYSIS_DIR = "tool_analysis"
_FILES = {
    "state": "deterministic_state_table.csv",
    "completeness": "tool_trace_completeness_table.csv",
    "aggregate": "tool_trace_aggregate_table.csv",
    "pooled": "tool_trace_pooled_aggregate_table.csv",
    "pooled_associations": "tool_trace_pooled_outcome_association_table.csv",
    "contrasts": "tool_trace_variant_contrast_table.csv",
    "rates": "tool_trace_rate_table.csv",
    "logistic": "tool_trace_logistic_model_table.csv",
}
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#1a1a1a}
table{border-collapse:collapse;margin:0.8em 0;font-size:0.85em}
th,td{border:1px solid #ccc;padding:0.25em 0.5em;text-align:left}
th{background:#f2f2f2}
code{background:#f5f5f5;padding:0 0.2em}
figure{margin:1.5em 0}
figure img{max-width:100%;border:1px solid #ddd}
h2{border-bottom:1px solid #ddd;padding-bottom:0.2em;margin-top:2em}
"""


def load_inputs(folder: Path) -> ReportInputs:
    """Read the tables of a ``tool_analysis`` folder (and eval-awareness output beside it)."""
    frames = {key: read_csv(folder / name) for key, name in _FILES.items()}
    manifest_path = folder / "analysis_manifest.json"
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    )
    awareness = read_csv(folder.parent / "eval_awareness" / "aggregate.csv")
    return ReportInputs(manifest=manifest, awareness=awareness, **frames)


def render_markdown(inputs: ReportInputs) -> str:
    """The report text: a title, then every section of :data:`SECTIONS` in order."""
    run = inputs.manifest.get("run_dir", "")
    lines = [
        "# Tool Trace Report",
        "",
        f"Run: `{run}`. Generated {datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}.",
        "",
    ]
    for title, builder in SECTIONS:
        body = (
            builder(inputs)
            if not inputs.state.empty
            or title in ("Benchmark Caveats", "Interpretation And Limitations")
            else ["No rows are available."]
        )
        lines += [f"## {title}", "", *(body or ["No rows are available."]), ""]
    return "\n".join(lines)


def render_html(markdown: str, figures: list[Path]) -> str:
    """Self-contained HTML: the figures (embedded PNG) followed by the markdown report."""
    body = str(MarkdownIt("commonmark").enable("table").render(markdown))
    figure_html = []
    for path in figures:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        caption = html.escape(path.stem.replace("_", " "))
        figure_html.append(
            f'<figure><img alt="{caption}" src="data:image/png;base64,{data}"><figcaption>{caption}</figcaption></figure>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Instrumental Choices: tool trace report</title>"
        f"<style>{_CSS}</style></head><body>\n<h1>Figures</h1>\n"
        + "\n".join(figure_html)
        + "\n"
        + body
        + "\n</body></html>\n"
    )


def resolve_tool_analysis_dir(path: Path) -> Path:
    """``path`` itself when it holds the tables, else ``path/tool_analysis`` when that exists
    (``path`` is then a run directory), else ``path`` unchanged."""
    if (path / _FILES["state"]).exists():
        return path
    nested = path / TOOL_ANALYSIS_DIR
    return nested if nested.is_dir() else path


def render_report(tool_analysis_dir: Path | str, figures: bool = True) -> dict[str, Path]:
    """Write ``tool_trace_report.md``, ``figures/*.png`` and ``report.html``.

    Args:
        tool_analysis_dir: a folder written by :func:`inspect_ic.analysis.pipeline.analyze_run`,
            or the run directory it was written into (``RUN/tool_analysis`` is then used).
        figures: render the matplotlib figures (embedded in the HTML).

    Returns:
        Paths keyed ``markdown``, ``html`` and ``figure:<name>``.

    Raises:
        FileNotFoundError: the folder or its state table is missing.
    """
    folder = resolve_tool_analysis_dir(Path(tool_analysis_dir))
    if not (folder / _FILES["state"]).exists():
        raise FileNotFoundError(f"no {_FILES['state']} in {folder}; run `ic analyze` first")
    inputs = load_inputs(folder)
    text = render_markdown(inputs)
    out = {"markdown": write_text(folder / REPORT_MD, text)}
    figure_paths: list[Path] = []
    if figures:
        from inspect_ic.analysis.figures import render_figures

        figure_paths = render_figures(inputs.rates, inputs.contrasts, folder / FIGURE_DIR)
        out.update({f"figure:{p.name}": p for p in figure_paths})
    out["html"] = write_text(folder / REPORT_HTML, render_html(text, figure_paths))
    return out


def report_section_titles(markdown: str) -> list[str]:
    """The ``##`` headings of a rendered report, in order (used by tests)."""
    return [line[3:].strip() for line in markdown.splitlines() if line.startswith("## ")]


__all__ = [
    "render_report",
    "resolve_tool_analysis_dir",
    "render_markdown",
    "load_inputs",
    "report_section_titles",
    "pd",
]
