"""Adjusted labels (analysis.md §7): validate, apply, summarise and append overrides."""

from inspect_ic.analysis.adjudication.apply import apply_overrides
from inspect_ic.analysis.adjudication.run import (
    AdjudicationResult,
    adjudicate_run,
    append_override,
    labels_path,
)
from inspect_ic.analysis.adjudication.validate import AdjudicationError, validate_overrides

__all__ = [
    "AdjudicationError",
    "AdjudicationResult",
    "adjudicate_run",
    "append_override",
    "apply_overrides",
    "labels_path",
    "validate_overrides",
]
