"""Slice completeness rules (analysis.md §3.4) on hand-built sample frames."""

from __future__ import annotations

import json

import pandas as pd

from inspect_ic.analysis.completeness import (
    PROFILE_VARIANT_IDS,
    completeness_table,
    incomplete_flags,
)

BENCH = PROFILE_VARIANT_IDS["benchmark"]


def _rows(
    ids: list[str],
    status: str = "ok",
    profile: str = "benchmark",
    repeat: str = "repeat_01",
    error: str = "",
) -> list[dict[str, str]]:
    return [
        {
            "scenario": "budget_siphon",
            "variant_profile": profile,
            "model_under_test": "m",
            "repeat_id": repeat,
            "variant_id": vid,
            "deterministic_label_status": status,
            "sample_error": error,
        }
        for vid in ids
    ]


def test_complete_slice() -> None:
    table = completeness_table(pd.DataFrame(_rows(list(BENCH))))
    row = table.iloc[0]
    assert not row.incomplete and row.expected_sample_count == 8 and row.unique_variant_count == 8
    assert json.loads(row.missing_variants) == []


def test_missing_variant_makes_slice_incomplete() -> None:
    samples = pd.DataFrame(_rows(list(BENCH[:7])))
    table = completeness_table(samples)
    assert table.iloc[0].incomplete
    assert json.loads(table.iloc[0].missing_variants) == [BENCH[7]]
    assert incomplete_flags(samples, table).all()


def test_duplicates_keep_slice_incomplete() -> None:
    table = completeness_table(
        pd.DataFrame(_rows(list(BENCH)) + _rows([BENCH[0]], status="invalid"))
    )
    row = table.iloc[0]
    assert row.incomplete and row.duplicate_sample_count == 1 and row.observed_sample_count == 9


def test_superseded_unknown_is_ignored_but_unresolved_unknown_is_not() -> None:
    superseded = completeness_table(
        pd.DataFrame(_rows(list(BENCH)) + _rows([BENCH[2]], status="unknown", error="boom"))
    )
    row = superseded.iloc[0]
    assert not row.incomplete and row.superseded_count == 1 and row.unknown_label_count == 1
    assert row.sample_error_count == 1 and json.loads(row.sample_error_variants) == [BENCH[2]]
    unresolved = completeness_table(
        pd.DataFrame(_rows(list(BENCH[:7])) + _rows([BENCH[7]], status="unknown"))
    )
    assert unresolved.iloc[0].incomplete and unresolved.iloc[0].superseded_count == 0


def test_diagnostic_profile_needs_four_and_slices_are_separate() -> None:
    diag = list(PROFILE_VARIANT_IDS["diagnostic"])
    samples = pd.DataFrame(
        _rows(diag, profile="diagnostic") + _rows(list(BENCH), repeat="repeat_02")
    )
    table = completeness_table(samples)
    assert len(table) == 2
    assert set(table.expected_sample_count) == {4, 8}
    assert not table.incomplete.any()


def test_extension_uses_selected_ids() -> None:
    ids = ["dilemma_forbidden_unwatched__low_stakes", "dilemma_forbidden_unwatched"]
    samples = pd.DataFrame(_rows(ids[:1], profile="extension"))
    assert not completeness_table(samples).iloc[0].incomplete
    assert completeness_table(samples, {"extension": ids}).iloc[0].incomplete
