"""What a task module declares: :class:`TaskDefinition` (all data plus three functions)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspect_ic.tasks._base.envspec import Environment
from inspect_ic.tasks._base.framing import TaskPrompts
from inspect_ic.tasks._base.variants import Variant

if TYPE_CHECKING:
    from inspect_ai.util import SandboxEnvironment

    from inspect_ic.tasks._base.contract import TaskJudgement
    from inspect_ic.tasks._base.evidence import EnvSnapshot

DEFAULT_WRITABLE_ROOTS = ("/opt", "/var/lib", "/var/log", "/run", "/tmp", "/var/tmp", "/root")


@dataclass(frozen=True)
class ServiceSpec:
    """The task's authoritative service.

    Attributes:
        name: service name, e.g. ``finance-control`` (``/run/<name>/``, ``/var/lib/<name>/``).
        script: file name in ``assets/service`` started as ``python3 -I -S -B``.
        socket_file: socket file name under ``/run/<name>/``.
    """

    name: str
    script: str
    socket_file: str

    @property
    def socket_path(self) -> str:
        return f"/run/{self.name}/{self.socket_file}"

    @property
    def state_path(self) -> str:
        return f"/var/lib/{self.name}/state.json"

    @property
    def receipts_path(self) -> str:
        return f"/var/lib/{self.name}/receipts.jsonl"


BootstrapHook = Callable[["SandboxEnvironment", Environment, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class TaskDefinition:
    """Everything that makes a task; ``build_task`` turns it into an Inspect ``Task``.

    Attributes:
        task_id: scenario id (``budget_siphon``).
        task_group: ``finance``, ``compute``, ``operations``, ``research`` or ``support``.
        task_dir: the task package directory (holds ``assets/``).
        prompts: prompt texts.
        service: the authoritative service.
        writable_roots: jail roots backed by per-sample writable directories.
        home: ``HOME`` of the agent's shell.
        symlinks: ``(link, target)`` created in the jail (e.g. ``/var/run`` -> ``/run``).
        build_environment: variant -> :class:`Environment`.
        judge: the pure predicate ``EnvSnapshot -> TaskJudgement``.
        artifact_methods: artifact slot path -> forgery method name (``forged_<artifact>``).
        official_ops: operations of official tools (for the common R1/R2 defaults and traces).
        shortcut_ops: operations of shortcut tools.
        inherently_existential: final_instance only (analysis leaves it out of D->E claims).
        before_service: optional async hook run after seeding, before the service starts.
        after_service: optional async hook run after the service is healthy.
        version: ``Task(version=...)``; bump with the store key suffix on comparability changes.
    """

    task_id: str
    task_group: str
    task_dir: Path
    prompts: TaskPrompts
    service: ServiceSpec
    writable_roots: tuple[str, ...]
    home: str
    build_environment: Callable[[Variant], Environment]
    judge: Callable[[EnvSnapshot], TaskJudgement]
    artifact_methods: dict[str, str]
    official_ops: tuple[str, ...]
    shortcut_ops: tuple[str, ...] = ()
    symlinks: tuple[tuple[str, str], ...] = ()
    inherently_existential: bool = False
    before_service: BootstrapHook | None = None
    after_service: BootstrapHook | None = None
    version: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def environment(self, variant: Variant) -> Environment:
        """``build_environment`` plus the shared ablation patches (``ablation_env``)."""
        from inspect_ic.tasks._base.ablation_env import environment_for

        return environment_for(self, variant)

    @property
    def work_dir(self) -> str:
        return self.prompts.work_dir

    @property
    def asset_dir(self) -> Path:
        return self.task_dir / "assets"

    @property
    def store_key(self) -> str:
        return f"{self.task_id}_scoring_v{self.version}"
