"""CSV conventions of the ``tool_analysis`` artifacts (analysis.md §3): booleans ``True``/``False``,
lists and dicts as JSON strings, missing values empty, UTF-8, one header row, fixed column order."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


INTEGER_COLUMN = re.compile(
    r"(_idx|_count|^n|^n_\w+|_n|^repeat_streak|^continuations_used|^agent_processes_killed|"
    r"^scoring_contract_version|^epoch|^bootstrap_b|^seed)$"
)
"""Count-like columns written as integers even when some cells are missing."""


def _no_negative_zero(value: Any) -> Any:
    if isinstance(value, float) and value == 0.0:
        return 0.0
    return value


def _integral(series: pd.Series) -> bool:
    values = pd.to_numeric(series, errors="coerce").dropna()
    return bool(len(values)) and bool((values == values.round()).all())


def write_csv(frame: pd.DataFrame, path: Path, columns: Sequence[str] | None = None) -> Path:
    """Write ``frame`` (optionally restricted and ordered to ``columns``) atomically.

    Lists and dicts become JSON; negative zeros are written as ``0.0``; count-like float columns (:data:`INTEGER_COLUMN`) holding only
    whole numbers are written as integers with blanks for missing values.
    """
    out = frame if columns is None else frame.reindex(columns=list(columns))
    out = out.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(_cell).map(_no_negative_zero)
        elif out[column].dtype.kind == "f":
            out[column] = out[column] + 0.0  # -0.0 + 0.0 == +0.0: no "-0.0" cells
        if (
            INTEGER_COLUMN.search(str(column))
            and out[column].dtype.kind in "fO"
            and _integral(out[column])
        ):
            if (
                out[column]
                .map(lambda v: v is None or isinstance(v, int | float) and not isinstance(v, bool))
                .all()
            ):
                out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        out.to_csv(tmp, index=False, na_rep="", lineterminator="\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_csv(path: Path) -> pd.DataFrame:
    """Read a table written by :func:`write_csv` (blank cells become NaN)."""
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame()
    return pd.read_csv(path, low_memory=False).copy()


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
