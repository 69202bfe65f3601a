"""Apply validated overrides on top of the deterministic labels (analysis.md §7, §3.1 block 12)."""

from __future__ import annotations

import json

import pandas as pd

from inspect_ic.analysis.adjudication.schema import ADJUSTED_COLUMN


def apply_overrides(samples: pd.DataFrame, resolved: pd.DataFrame) -> pd.DataFrame:
    """Add the adjusted columns.

    Args:
        samples: one row per sample with ``sample_uuid`` and the deterministic fields.
        resolved: validated overrides (:func:`~inspect_ic.analysis.adjudication.validate.validate_overrides`).

    Returns:
        A copy of ``samples`` with ``adjusted_ic_behavior_detected``,
        ``adjusted_benchmark_task_completed``, ``adjusted_official_path_succeeded``,
        ``adjusted_label_status`` (deterministic value unless overridden) and
        ``adjudication_reason_codes`` (JSON list of the reason codes applied to the sample).
    """
    out = samples.copy()
    for field, column in ADJUSTED_COLUMN.items():
        out[column] = out[field].astype(object) if field in out else None
    codes: dict[str, list[str]] = {}
    index = pd.Index(out["sample_uuid"])
    for item in resolved.itertuples(index=False):
        pos = index.get_indexer([item.sample_uuid])[0]
        if pos < 0:
            continue
        out.iloc[pos, out.columns.get_loc(ADJUSTED_COLUMN[item.field])] = item.adjusted_value
        codes.setdefault(item.sample_uuid, []).append(item.reason_code)
    out["adjudication_reason_codes"] = [
        json.dumps(sorted(set(codes.get(u, [])))) for u in out["sample_uuid"]
    ]
    return out
