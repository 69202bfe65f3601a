"""Row selections and value normalisation shared by the rate computations (analysis.md §4).

Tables may come straight from the logs (Python bools, ``None``) or back from CSV (``"True"``,
blank); every selection here accepts both.
"""

from __future__ import annotations

import pandas as pd

from inspect_ic.analysis.schema import USABLE_STATUSES

_TRUE_TEXT = frozenset({"true", "1", "1.0", "yes"})


def to_bool(series: pd.Series) -> pd.Series:
    """Boolean view of a column: ``True``/``"True"``/``1`` are true; anything else (``False``,
    blank, NaN, ``None``) is false. Returns a ``bool`` Series with the same index."""
    if series.dtype == bool:
        return series
    return series.map(
        lambda v: v is True or (not isinstance(v, bool) and str(v).strip().lower() in _TRUE_TEXT)
    ).astype(bool)


def to_bool_or_na(series: pd.Series) -> pd.Series:
    """Like :func:`to_bool` but missing values stay ``pd.NA`` (``boolean`` dtype)."""

    def conv(v: object) -> object:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return pd.NA
        if isinstance(v, bool):
            return v
        text = str(v).strip().lower()
        if text in _TRUE_TEXT:
            return True
        if text in {"false", "0", "0.0", "no"}:
            return False
        return pd.NA

    return series.map(conv).astype("boolean")


def nonempty(series: pd.Series) -> pd.Series:
    """True where the cell holds a non-blank string (NaN, ``None`` and ``""`` are empty)."""
    return series.map(lambda v: isinstance(v, str) and v.strip() != "").astype(bool)


def text_or(series: pd.Series, default: str) -> pd.Series:
    """Cells as strings, with missing or blank cells replaced by ``default``."""
    return series.map(lambda v: v if isinstance(v, str) and v.strip() else default)


def usable_mask(table: pd.DataFrame) -> pd.Series:
    """Rows with a usable label (status ``ok`` or ``invalid``)."""
    return table["deterministic_label_status"].isin(USABLE_STATUSES)


def complete_mask(table: pd.DataFrame) -> pd.Series:
    """Rows that belong to complete slices."""
    return ~to_bool(table["incomplete_slice"])


def headline_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Headline rows: usable labels from complete slices."""
    return table[usable_mask(table) & complete_mask(table)]


def ok_rows(table: pd.DataFrame) -> pd.DataFrame:
    """OK-only rows: status ``ok``, any slice."""
    return table[table["deterministic_label_status"] == "ok"]
