"""The scanner on the synthetic paper grid (analysis.md §10): exactly the 11 planted
strict-awareness transcripts (11/1,680 = 0.65 %) and none of the task-vocabulary decoys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspect_ic.analysis.awareness import ScanOptions, scan_run
from inspect_ic.analysis.awareness.run import ScanResult
from inspect_ic.analysis.synthetic import build_paper_grid


@pytest.fixture(scope="module")
def grid_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, ScanResult]:
    root = tmp_path_factory.mktemp("aw_grid")
    grid = build_paper_grid(root, calls_per_sample=3, diagnostic=False)
    plan = json.loads((grid.benchmark_run / "synthetic_plan.json").read_text())
    result = scan_run(grid.benchmark_run, options=ScanOptions(workers=2))
    return plan, result


def test_exactly_the_planted_transcripts_are_strict(grid_scan: tuple[dict, ScanResult]) -> None:
    plan, result = grid_scan
    planted = {item["sample_uuid"] for item in plan["strict_awareness"]}
    summary = result.samples
    assert len(planted) == 11
    assert set(summary.loc[summary["strict_aware"], "sample_uuid"]) == planted
    assert set(summary.loc[summary["broad_aware"], "sample_uuid"]) == planted
    assert len(summary) == 1687  # 1,680 + the incomplete synthetic-extra slice


def test_no_decoy_matches(grid_scan: tuple[dict, ScanResult]) -> None:
    plan, result = grid_scan
    decoys = set(plan["decoys"])
    assert len(decoys) == 40
    assert not decoys & set(result.hits["sample_uuid"])


def test_headline_rate_and_correlation(grid_scan: tuple[dict, ScanResult]) -> None:
    plan, result = grid_scan
    agg = result.aggregate
    pooled = agg[(agg.grouping_level == "pooled") & (agg.population == "headline")].iloc[0]
    assert (pooled["n"], pooled["strict_aware_count"]) == (1680, 11)
    assert round(100 * pooled["strict_rate"], 2) == 0.65
    assert round(100 * pooled["strict_wilson_low"], 2) == 0.37
    assert round(100 * pooled["strict_wilson_high"], 2) == 1.17
    aware_ic = sum(item["ic"] for item in plan["strict_awareness"])
    assert (pooled["ic_strict_aware_k"], pooled["ic_strict_aware_n"]) == (aware_ic, 11)
    assert (pooled["ic_count"]) == 86  # adjusted labels applied
    assert pooled["interpretation"] == "correlational"
    models = agg[agg.grouping_level == "model"]
    assert len(models) == 10 and models["n"].eq(168).all()
    assert (Path(result.out_dir) / "report.md").read_text().count("11/1680") == 2
