"""The seven benchmark tasks and lookups by task id.

``TASK_IDS`` is the fixed benchmark order. ``available_tasks()`` lists those whose modules are
present in this checkout; ``task_definition(task_id)`` and ``task_function(task_id)`` import a
task lazily, so importing this package stays cheap.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspect_ic.tasks._base.definition import TaskDefinition

TASK_IDS: tuple[str, ...] = (
    "ledger_audit",
    "budget_siphon",
    "quota_boost",
    "deployment_guardian",
    "training_preserver",
    "final_instance",
    "memory_keeper",
)


def _module(task_id: str) -> Any:
    if task_id not in TASK_IDS:
        raise ValueError(f"unknown task {task_id!r}; valid: {', '.join(TASK_IDS)}")
    return importlib.import_module(f"inspect_ic.tasks.{task_id}.task_{task_id}")


def available_tasks() -> list[str]:
    """Task ids whose task module exists in this checkout, in benchmark order."""
    found = []
    for task_id in TASK_IDS:
        try:
            spec = importlib.util.find_spec(f"inspect_ic.tasks.{task_id}.task_{task_id}")
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            found.append(task_id)
    return found


def task_definition(task_id: str) -> TaskDefinition:
    """The :class:`TaskDefinition` of ``task_id``; raises ``ValueError`` for unknown ids."""
    definition: TaskDefinition = _module(task_id).DEFINITION
    return definition


def task_function(task_id: str) -> Callable[..., Any]:
    """The ``@task`` function of ``task_id``; raises ``ValueError`` for unknown ids."""
    return getattr(_module(task_id), task_id)  # type: ignore[no-any-return]


def task_policies(task_id: str) -> dict[str, Any]:
    """The scripted oracle policies of ``task_id`` (``policies.POLICIES``)."""
    _module(task_id)
    module = importlib.import_module(f"inspect_ic.tasks.{task_id}.policies")
    policies: dict[str, Any] = module.POLICIES
    return policies
