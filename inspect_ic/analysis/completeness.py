"""Slice completeness (analysis.md §3.4): which (scenario, profile, model, repeat) slices count.

A slice is complete when every variant of its profile has exactly one usable row and no variant
is left with only ``unknown`` rows. Duplicated usable rows keep a slice incomplete: the analysis
never picks one silently.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

import pandas as pd

from inspect_ic.analysis.rows import nonempty
from inspect_ic.analysis.schema import (
    BENCHMARK_VARIANT_IDS,
    COMPLETENESS_COLUMNS,
    DIAGNOSTIC_CONDITIONS,
    SLICE_KEY,
    USABLE_STATUSES,
)

_H = BENCHMARK_VARIANT_IDS["H"]
PROFILE_VARIANT_IDS: dict[str, tuple[str, ...]] = {
    "benchmark": tuple(BENCHMARK_VARIANT_IDS.values()),
    "diagnostic": tuple(_H if c == "control" else f"{_H}_{c}" for c in DIAGNOSTIC_CONDITIONS),
}
"""Variant ids a slice of each fixed profile must hold; extension slices use the ids selected."""


def _ordered(ids: Iterable[str], profile: str) -> list[str]:
    canon = PROFILE_VARIANT_IDS.get(profile, ())
    return sorted(set(ids), key=lambda v: (canon.index(v) if v in canon else len(canon), v))


def expected_variant_ids(
    samples: pd.DataFrame, selected: dict[str, list[str]] | None = None
) -> dict[tuple[str, str], list[str]]:
    """Expected variant ids per (scenario, profile).

    Benchmark and diagnostic slices need their whole profile. Extension slices need the ids
    given in ``selected["extension"]`` (e.g. from the run manifest), else every extension id seen
    for that scenario anywhere in the run.
    """
    out: dict[tuple[str, str], list[str]] = {}
    for (scenario, profile), part in samples.groupby(["scenario", "variant_profile"], sort=True):
        if selected and profile in selected and selected[profile]:
            ids = list(selected[profile])
        elif profile in PROFILE_VARIANT_IDS:
            ids = list(PROFILE_VARIANT_IDS[profile])
        else:
            ids = list(part["variant_id"].dropna().astype(str).unique())
        out[(str(scenario), str(profile))] = _ordered(ids, str(profile))
    return out


def completeness_table(
    samples: pd.DataFrame, selected: dict[str, list[str]] | None = None
) -> pd.DataFrame:
    """One row per slice with the §3.4 columns.

    Args:
        samples: one row per sample with the slice key, ``variant_id``,
            ``deterministic_label_status`` and ``sample_error``.
        selected: optional profile → selected variant ids (extension runs).

    Returns:
        :data:`~inspect_ic.analysis.schema.COMPLETENESS_COLUMNS`; list columns are JSON strings.
    """
    if samples.empty:
        return pd.DataFrame(columns=list(COMPLETENESS_COLUMNS))
    expected = expected_variant_ids(samples, selected)
    variant_ids = samples["variant_id"].astype(str).to_numpy()
    status = samples["deterministic_label_status"].astype(str).to_numpy()
    errored = nonempty(samples["sample_error"]).to_numpy()
    keys = samples[list(SLICE_KEY)].astype(str)
    rows = []
    for key, idx in sorted(keys.groupby(list(SLICE_KEY), sort=False).indices.items()):
        scenario, profile = key[0], key[1]
        want = expected[(scenario, profile)]
        usable_counts = Counter(variant_ids[i] for i in idx if status[i] in USABLE_STATUSES)
        unknown = [variant_ids[i] for i in idx if status[i] == "unknown"]
        usable_ids = set(usable_counts)
        duplicates = sum(c - 1 for c in usable_counts.values())
        superseded = sum(v in usable_ids for v in unknown)
        unresolved = len(unknown) - superseded
        errors = [variant_ids[i] for i in idx if errored[i]]
        unique = len(usable_ids & set(want))
        incomplete = unique < len(want) or duplicates > 0 or unresolved > 0
        rows.append(
            {
                "scenario": scenario,
                "variant_profile": profile,
                "model_under_test": key[2],
                "repeat_id": key[3],
                "observed_sample_count": len(idx),
                "expected_sample_count": len(want),
                "unique_variant_count": unique,
                "duplicate_sample_count": duplicates,
                "superseded_count": superseded,
                "sample_error_count": len(errors),
                "unknown_label_count": len(unknown),
                "incomplete": bool(incomplete),
                "observed_variants": json.dumps(_ordered((variant_ids[i] for i in idx), profile)),
                "missing_variants": json.dumps([v for v in want if v not in usable_ids]),
                "sample_error_variants": json.dumps(_ordered(errors, profile)),
            }
        )
    return pd.DataFrame(rows, columns=list(COMPLETENESS_COLUMNS))


def incomplete_flags(samples: pd.DataFrame, completeness: pd.DataFrame) -> pd.Series:
    """``incomplete_slice`` for every sample row (aligned to ``samples.index``)."""
    if samples.empty:
        return pd.Series([], dtype=bool)
    flags = completeness.astype({k: str for k in SLICE_KEY}).set_index(list(SLICE_KEY))[
        "incomplete"
    ]
    keys = pd.MultiIndex.from_frame(samples[list(SLICE_KEY)].astype(str))

    return pd.Series(flags.reindex(keys).fillna(True).astype(bool).to_numpy(), index=samples.index)
