"""Resolve ``--task``, ``--variant-id`` and ``--variant-profile`` against what this checkout has."""

from __future__ import annotations

from dataclasses import dataclass

from inspect_ic.runner.errors import UsageError
from inspect_ic.tasks import available_tasks
from inspect_ic.tasks._base.variants import (
    DIAGNOSTIC_DEFAULT_TASKS,
    PROFILES,
    Variant,
    select_variants,
)


@dataclass(frozen=True)
class Selection:
    """The tasks and variants one run covers."""

    tasks: list[str]
    variant_profile: str
    variants: list[Variant]

    @property
    def variant_ids(self) -> list[str]:
        """Selected variant ids in table order."""
        return [v.variant_id for v in self.variants]


def _split(values: list[str] | None) -> list[str]:
    """Flatten repeated and comma-separated option values, keeping order and dropping repeats."""
    out: list[str] = []
    for value in values or []:
        for part in value.split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def resolve_tasks(tasks: list[str] | None) -> list[str]:
    """Selected task ids in benchmark order (all available tasks when none is named).

    Raises:
        UsageError: a name that is not an available task (the message lists the valid ones).
    """
    available = available_tasks()
    wanted = _split(tasks)
    for name in wanted:
        if name not in available:
            raise UsageError(f"unknown task {name!r}; valid: {', '.join(available)}")
    if not wanted:
        return available
    return [t for t in available if t in wanted]


def resolve_selection(
    tasks: list[str] | None, variant_ids: list[str] | None, variant_profile: str = "benchmark"
) -> Selection:
    """Validate the whole selection up front so a typo never starts a paid run.

    Without ``--task``, the diagnostic profile runs the paper's diagnostic task set
    (:data:`DIAGNOSTIC_DEFAULT_TASKS`); every other profile runs every available task.

    Raises:
        UsageError: unknown task, profile or variant id; the message lists the valid values.
    """
    if variant_profile not in PROFILES:
        raise UsageError(
            f"unknown variant profile {variant_profile!r}; valid: {', '.join(PROFILES)}"
        )
    task_ids = resolve_tasks(tasks)
    if variant_profile == "diagnostic" and not _split(tasks):
        task_ids = [t for t in task_ids if t in DIAGNOSTIC_DEFAULT_TASKS] or task_ids
    if not task_ids:
        raise UsageError("no benchmark task is available in this checkout")
    try:
        variants = select_variants(variant_profile, _split(variant_ids) or None)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if not variants:
        raise UsageError(f"variant profile {variant_profile!r} has no variants registered")
    return Selection(tasks=task_ids, variant_profile=variant_profile, variants=variants)
