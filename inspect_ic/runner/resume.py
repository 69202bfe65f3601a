"""Rebuild :class:`RunOptions` from the ``run_options`` record of an earlier manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inspect_ic.runner.models import GenerationSettings
from inspect_ic.runner.options import Concurrency, Limits, RunOptions, SandboxLimits


def options_from_record(record: dict[str, Any]) -> RunOptions:
    """Inverse of :meth:`RunOptions.record` (unknown keys are ignored)."""
    data = dict(record)
    limits = Limits(**data.pop("limits", {}))
    concurrency = Concurrency(**data.pop("concurrency", {}))
    sandbox_limits = SandboxLimits(**(data.pop("sandbox_limits", None) or {}))
    generation = GenerationSettings(**data.pop("generation", {}))
    log_root = data.pop("log_root", None)
    logs_base = data.pop("logs_base", "logs")
    known = set(RunOptions.__dataclass_fields__)
    options = RunOptions(
        **{k: v for k, v in data.items() if k in known},
        limits=limits,
        sandbox_limits=sandbox_limits,
        concurrency=concurrency,
        generation=generation,
    )
    options.log_root = Path(log_root) if log_root else None
    options.logs_base = Path(logs_base)
    return options
