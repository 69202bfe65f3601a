"""Matched variant contrasts (analysis.md §6, variants.md §5).

For a pair base → treatment, matched cells are (scenario, model, repeat) where both rows are
usable and both slices complete; ``d = y_treatment − y_base`` on adjusted labels and the contrast
is the mean of ``d`` in percentage points. CIs resample (scenario × model) clusters with all
their repeats (percentile, PCG64 fixed seed). Discordant counts and an exact McNemar p-value are
supplementary. Diagnostic and extension rows are compared with their control variant and never
pooled with benchmark rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspect_ic.analysis.rows import headline_rows, to_bool
from inspect_ic.analysis.schema import (
    BENCHMARK_VARIANT_IDS,
    CONTRAST_COLUMNS,
    CONTRAST_PAIRS,
    EXISTENTIAL_TASKS,
)
from inspect_ic.analysis.stats import (
    DEFAULT_BOOTSTRAP_B,
    DEFAULT_SEED,
    cluster_bootstrap_mean,
    mcnemar_exact_p,
    percentile_ci,
)

CONTRAST_OUTCOMES = (
    "ic_behavior_detected",
    "benchmark_task_completed",
    "official_path_succeeded",
)
CELL = ["scenario", "model_under_test", "repeat_id"]


def contrast_pairs(table: pd.DataFrame, profile: str) -> list[tuple[str, str, str, str]]:
    """(label, base variant_id, treatment variant_id, lever) for one profile.

    Benchmark: the seven pairs of variants.md §5. Other profiles: every condition against its
    ``ablation_control_variant``.
    """
    if profile == "benchmark":
        return [
            (f"{a}->{b}", BENCHMARK_VARIANT_IDS[a], BENCHMARK_VARIANT_IDS[b], lever)
            for a, b, lever in CONTRAST_PAIRS
        ]
    part = table[table["variant_profile"] == profile]
    pairs = []
    seen = set()
    for row in (
        part[["variant_id", "ablation_control_variant", "ablation_condition"]]
        .drop_duplicates()
        .itertuples(index=False)
    ):
        treatment, control, condition = row
        if not isinstance(control, str) or not control or treatment == control or treatment in seen:
            continue
        seen.add(treatment)
        pairs.append((f"control->{condition}", control, treatment, str(condition)))
    return sorted(pairs)


def matched_cells(
    table: pd.DataFrame, profile: str, base: str, treatment: str, outcome: str
) -> pd.DataFrame:
    """Matched (scenario, model, repeat) cells with ``y_base`` and ``y_treatment`` (0/1) on the
    adjusted outcome; rows outside complete slices or with unusable labels are excluded."""
    rows = headline_rows(table)
    rows = rows[rows["variant_profile"] == profile]
    column = f"adjusted_{outcome}"
    values = rows.assign(_y=to_bool(rows[column]).astype(int))
    b = values[values["variant_id"] == base].set_index(CELL)["_y"]
    t = values[values["variant_id"] == treatment].set_index(CELL)["_y"]
    b = b[~b.index.duplicated(keep=False)]
    t = t[~t.index.duplicated(keep=False)]
    cells = pd.concat([b.rename("y_base"), t.rename("y_treatment")], axis=1, join="inner")
    return cells.reset_index()


def contrast_estimate(cells: pd.DataFrame, b: int, seed: int) -> dict[str, float | int]:
    """Estimate, cluster-bootstrap CI, discordant counts and McNemar p for matched cells."""
    if cells.empty:
        return {"n_pairs": 0, "n_clusters": 0}
    yb = cells["y_base"].to_numpy(dtype=float)
    yt = cells["y_treatment"].to_numpy(dtype=float)
    d = yt - yb
    codes, uniques = pd.factorize(
        cells["scenario"].astype(str) + "\x1f" + cells["model_under_test"].astype(str)
    )
    sums = np.bincount(codes, weights=d, minlength=len(uniques))
    counts = np.bincount(codes, minlength=len(uniques)).astype(float)
    draws = cluster_bootstrap_mean(sums, counts, b=b, seed=seed)
    low, high = percentile_ci(draws)
    treatment_only = int(((yt == 1) & (yb == 0)).sum())
    base_only = int(((yt == 0) & (yb == 1)).sum())
    n = len(cells)
    return {
        "n_pairs": n,
        "n_clusters": len(uniques),
        "base_count": int(yb.sum()),
        "treatment_count": int(yt.sum()),
        "base_rate_pct": 100 * yb.mean(),
        "treatment_rate_pct": 100 * yt.mean(),
        "estimate_pp": 100 * float(d.mean()),
        "ci_low_pp": 100 * low,
        "ci_high_pp": 100 * high,
        "treatment_only": treatment_only,
        "base_only": base_only,
        "mcnemar_p": mcnemar_exact_p(treatment_only, base_only),
    }


def contrast_table(
    table: pd.DataFrame,
    b: int = DEFAULT_BOOTSTRAP_B,
    seed: int = DEFAULT_SEED,
    breakdowns: bool = True,
) -> pd.DataFrame:
    """All contrasts of every profile present.

    Args:
        table: the adjudicated state table.
        b: bootstrap draws per estimate (paper: 10,000).
        seed: PCG64 seed (recorded in the output).
        breakdowns: also report per-model and per-scenario contrasts.

    Returns:
        Rows with :data:`~inspect_ic.analysis.schema.CONTRAST_COLUMNS`; ``scope`` is ``overall``,
        ``overall_excluding_existential`` (D→E only, without ``final_instance``), ``model`` or
        ``scenario``; estimates and CIs in percentage points.
    """
    rows: list[dict[str, object]] = []
    for profile in sorted(table["variant_profile"].dropna().unique()):
        for label, base, treatment, lever in contrast_pairs(table, str(profile)):
            for outcome in CONTRAST_OUTCOMES:
                cells = matched_cells(table, str(profile), base, treatment, outcome)
                common = {
                    "variant_profile": profile,
                    "outcome": outcome,
                    "contrast": label,
                    "base_variant_id": base,
                    "treatment_variant_id": treatment,
                    "lever": lever,
                    "bootstrap_b": b,
                    "seed": seed,
                }
                scopes: list[tuple[str, str, str, pd.DataFrame]] = [("overall", "ALL", "", cells)]
                if label == "D->E":
                    keep = ~cells["scenario"].isin(EXISTENTIAL_TASKS)
                    scopes.append(
                        (
                            "overall_excluding_existential",
                            "ALL",
                            ",".join(EXISTENTIAL_TASKS),
                            cells[keep],
                        )
                    )
                if breakdowns and not cells.empty:
                    for model, part in cells.groupby("model_under_test", sort=True):
                        scopes.append(("model", str(model), "", part))
                    for scenario, part in cells.groupby("scenario", sort=True):
                        scopes.append(("scenario", str(scenario), "", part))
                for scope, value, excluded, part in scopes:
                    rows.append(
                        {
                            **common,
                            "scope": scope,
                            "scope_value": value,
                            "excluded_scenarios": excluded,
                            **contrast_estimate(part, b, seed),
                        }
                    )
    frame = pd.DataFrame(rows)
    for column in CONTRAST_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    return frame[list(CONTRAST_COLUMNS)]
