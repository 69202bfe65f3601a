"""Markdown table rendering for the reports."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def fmt(value: Any, digits: int = 1) -> str:
    """Cell text: floats rounded to ``digits``, missing values as ``-``, pipes escaped."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "-"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(frame: pd.DataFrame, digits: int = 1) -> list[str]:
    """Lines of a GitHub-style markdown table for ``frame`` (no index)."""
    if frame.empty:
        return ["No rows are available."]
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = [
        "| " + " | ".join(fmt(v, digits) for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return [header, rule, *body]
