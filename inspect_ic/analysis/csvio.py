"""CSV conventions of the ``tool_analysis`` artifacts (analysis.md §3): booleans ``True``/``False``,
lists and dicts as JSON strings, missing values empty, UTF-8, one header row, fixed column order."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def write_csv(frame: pd.DataFrame, path: Path, columns: Sequence[str] | None = None) -> Path:
    """Write ``frame`` (optionally restricted and ordered to ``columns``) atomically."""
    out = frame if columns is None else frame.reindex(columns=list(columns))
    out = out.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(_cell)
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
