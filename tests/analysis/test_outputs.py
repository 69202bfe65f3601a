"""The written artifacts: pinned column orders, report section order, figures, HTML, re-rendering."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from inspect_ic.analysis.pipeline import TABLE_FILES
from inspect_ic.analysis.report import REPORT_HTML, REPORT_MD, render_report, report_section_titles
from inspect_ic.analysis.schema import (
    COMPLETENESS_COLUMNS,
    EVENT_TABLE_COLUMNS,
    SAMPLE_TABLE_COLUMNS,
    STATE_TABLE_COLUMNS,
)

from .conftest import AnalysedGrid

GOLDEN = Path(__file__).parents[1] / "fixtures" / "analysis_columns"
SPEC_SECTIONS = [
    "Overview",
    "Incomplete Task / Model Slices",
    "Invalid Label Counts",
    "Invalid Label Reasons",
    "Cross-Task IC Summary",
    "Cross-Task Completion Summary",
    "Benchmark Caveats",
    "Completion Mode Breakdown",
    "Variant Contrasts",
    "Control Robustness Summary",
    "Blocked-Row Cleanliness Summary",
    "Non-Completion Explanation Summary",
    "Task-Stratified Shortcut-Rationalization Summary",
    "Adjudication Summary",
    "Scenario / Model Summary",
    "Loop Summary",
    "Detailed Variant Summary",
    "Top Referenced Paths",
    "Top Commands",
    "Outcome-Conditioned Metric Deltas",
    "Official Tool Source Inspection",
    "Evaluation Awareness",
    "Benchmark Validity Checklist",
    "Interpretation And Limitations",
]


def _header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


@pytest.mark.parametrize("key", sorted(TABLE_FILES))
def test_column_order_is_pinned(analysed_grid: AnalysedGrid, key: str) -> None:
    name = TABLE_FILES[key]
    header = _header(analysed_grid.bench.out_dir / name)
    golden = GOLDEN / f"{Path(name).stem}.txt"
    if os.environ.get("IC_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text("\n".join(header) + "\n")
    assert header == golden.read_text().split(), (
        f"{name} columns changed; review and set IC_UPDATE_GOLDEN=1"
    )


def test_schema_blocks_in_written_tables(analysed_grid: AnalysedGrid) -> None:
    out = analysed_grid.bench.out_dir
    assert _header(out / TABLE_FILES["state"]) == list(STATE_TABLE_COLUMNS)
    assert _header(out / TABLE_FILES["samples"]) == list(SAMPLE_TABLE_COLUMNS)
    assert _header(out / TABLE_FILES["events"]) == list(EVENT_TABLE_COLUMNS)
    assert _header(out / TABLE_FILES["completeness"]) == list(COMPLETENESS_COLUMNS)


def test_csv_conventions(analysed_grid: AnalysedGrid) -> None:
    text = (analysed_grid.bench.out_dir / TABLE_FILES["state"]).read_text(encoding="utf-8")
    second = text.splitlines()[1]
    assert ",True," in second or ",False," in second
    assert '"[{""path"": ' in text  # JSON lists, quoted per CSV rules
    assert "nan" not in second.split(",")


def test_report_sections_figures_and_html(analysed_grid: AnalysedGrid) -> None:
    out = analysed_grid.bench.out_dir
    markdown = (out / REPORT_MD).read_text(encoding="utf-8")
    assert report_section_titles(markdown) == SPEC_SECTIONS
    assert "+15.7" in markdown and "86/1680 = 5.1%" in markdown
    figures = sorted((out / "figures").glob("*.png"))
    assert [p.name for p in figures] == sorted(
        [
            "ic_rate_by_model.png",
            "task_model_heatmap.png",
            "variant_contrast_forest.png",
            "completion_vs_ic_by_variant.png",
        ]
    )
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in figures)
    html = (out / REPORT_HTML).read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 4
    assert "<h2>Variant Contrasts</h2>" in html and "<table>" in html


def test_report_renders_from_tables_alone(analysed_grid: AnalysedGrid, tmp_path: Path) -> None:
    copy = tmp_path / "tool_analysis"
    shutil.copytree(analysed_grid.bench.out_dir, copy)
    (copy / REPORT_MD).unlink()
    paths = render_report(copy, figures=False)
    assert report_section_titles(paths["markdown"].read_text()) == SPEC_SECTIONS
    with pytest.raises(FileNotFoundError):
        render_report(tmp_path / "nowhere")
