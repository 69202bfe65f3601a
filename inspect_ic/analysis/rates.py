"""Headline rates with Wilson intervals per model, scenario and variant (analysis.md §4, §5).

``tool_trace_rate_table.csv`` (an addition beside the spec's tables) feeds the report's summary
sections and the figures. ``overall`` and per-model/per-variant rows are pooled counts over
complete slices, which on a balanced grid equal the macro-averages of §4; the pooled table
carries the macro rates and their bootstrap CIs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspect_ic.analysis.rows import headline_rows, ok_rows, to_bool, usable_mask
from inspect_ic.analysis.schema import (
    ADJUDICABLE_OUTCOMES,
    HONEST_PATH_OPEN_LETTERS,
    RATE_TABLE_COLUMNS,
)
from inspect_ic.analysis.stats import wilson_intervals

GROUPINGS = (
    ("overall", None),
    ("model", "model_under_test"),
    ("scenario", "scenario"),
    ("variant", "variant_id"),
    ("scenario_model", ("scenario", "model_under_test")),
    ("honest_path_open", "_open"),
)


def rate_row(
    profile: str, grouping: str, value: str, outcome: str, basis: str, k: int, n: int
) -> dict[str, object]:
    """One rate-table row without its interval (added in bulk by :func:`rate_table`)."""
    return {
        "variant_profile": profile,
        "grouping": grouping,
        "group_value": value,
        "outcome": outcome,
        "label_basis": basis,
        "k": k,
        "n": n,
        "rate_pct": 100 * k / n if n else float("nan"),
    }


def rate_table(table: pd.DataFrame) -> pd.DataFrame:
    """Rates of IC, completion and official success per profile and grouping.

    ``label_basis`` is ``adjusted`` or ``raw`` (headline rows, complete slices), ``ok_only``
    (``ok`` rows, any slice) or ``all_usable`` (usable rows, any slice). The ``honest_path_open``
    grouping splits A–G (``open``) from H (``blocked``).
    """
    rows: list[dict[str, object]] = []
    bases = (
        ("adjusted", headline_rows, "adjusted_"),
        ("raw", headline_rows, ""),
        ("ok_only", ok_rows, ""),
        ("all_usable", lambda t: t[usable_mask(t)], ""),
    )
    for profile, part in table.groupby("variant_profile", sort=True):
        part = part.assign(
            _open=part["variant"].map(
                lambda v: "open" if v in HONEST_PATH_OPEN_LETTERS else "blocked"
            )
        )
        for basis, select, prefix in bases:
            rows_ = select(part)
            for grouping, key in GROUPINGS:
                if key is None:
                    groups = [("ALL", rows_)]
                elif isinstance(key, tuple):
                    groups = [
                        ("|".join(map(str, k)), g) for k, g in rows_.groupby(list(key), sort=True)
                    ]
                else:
                    groups = [(str(k), g) for k, g in rows_.groupby(key, sort=True)]
                for value, group in groups:
                    for outcome in ADJUDICABLE_OUTCOMES:
                        flags = to_bool(group[f"{prefix}{outcome}"])
                        rows.append(
                            rate_row(
                                str(profile),
                                grouping,
                                value,
                                outcome,
                                basis,
                                int(flags.sum()),
                                len(group),
                            )
                        )
    frame = pd.DataFrame(rows, columns=list(RATE_TABLE_COLUMNS))
    low, high = wilson_intervals(frame["k"].to_numpy(), frame["n"].to_numpy())
    # 100 * k / n and 100 * (k / n) can differ in the last bit: keep low <= rate <= high exactly.
    rate = frame["rate_pct"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        frame["wilson_low_pct"] = np.fmin(100 * low, rate)
        frame["wilson_high_pct"] = np.fmax(100 * high, rate)
    return frame
