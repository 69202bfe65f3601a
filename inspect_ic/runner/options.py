"""``RunOptions``: everything one ``ic run`` invocation decides, with the 2-core defaults."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from inspect_ic.runner.models import GenerationSettings

MODES = ("full", "selected", "smoke")
SANDBOXES = ("bwrap", "local", "docker", "k8s")
CORES = os.cpu_count() or 2
# Samples mostly wait on the model API; jails are cheap, so allow a few per core.
DEFAULT_MAX_SAMPLES = 2 * CORES
DEFAULT_MAX_SANDBOXES = 4 * CORES
DEFAULT_MAX_TASKS = CORES
DEFAULT_MAX_CONNECTIONS = 8
# The scaffold defaults (scaffold.md section 3); a test pins them to tasks._base.factory's,
# kept here so ``ic --help`` does not import Inspect.
DEFAULT_MESSAGE_LIMIT = 160
DEFAULT_WORKING_LIMIT = 1800
DEFAULT_REPEAT_STREAK_LIMIT = 8
DEFAULT_SHELL_TIMEOUT = 180
DEFAULT_MAX_TOOL_OUTPUT = 16384
DEFAULT_REPEATS = {"full": 3, "selected": 1, "smoke": 1}
# Fields that must match for ``--resume`` to continue an existing run directory.
RESUME_KEYS = (
    "models",
    "repeats",
    "tasks",
    "variant_profile",
    "variant_ids",
    "sandbox",
    "sandbox_limits",
    "limits",
    "generation",
)


@dataclass
class Limits:
    """Per-sample limits and loop settings (scaffold.md section 3); passed as task arguments."""

    message_limit: int = DEFAULT_MESSAGE_LIMIT
    working_limit: int = DEFAULT_WORKING_LIMIT
    shell_timeout: int = DEFAULT_SHELL_TIMEOUT
    token_limit: int | None = None
    time_limit: int | None = None
    repeat_streak_limit: int = DEFAULT_REPEAT_STREAK_LIMIT
    max_tool_output: int = DEFAULT_MAX_TOOL_OUTPUT
    continuation_message: str | None = None
    max_continuations: int = 0


@dataclass
class SandboxLimits:
    """Per-sample resource caps of the ``bwrap`` jail (``None``: the provider's default, i.e.
    2048 MiB memory, 512 processes, 1024 MiB disk, 1 CPU; scaffold.md section 6)."""

    memory_mb: int | None = None
    pids_limit: int | None = None
    disk_limit_mb: int | None = None
    cpus: float | None = None

    def overrides(self) -> dict[str, Any]:
        """The caps set for this run, as ``BwrapConfig`` keys."""
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass
class Concurrency:
    """Parallelism and spend controls passed to ``eval_set``."""

    max_samples: int = DEFAULT_MAX_SAMPLES
    max_sandboxes: int = DEFAULT_MAX_SANDBOXES
    max_tasks: int = DEFAULT_MAX_TASKS
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    retry_attempts: int = 3
    retry_on_error: int = 1
    cost_limit: float | None = None
    model_cost_config: str | None = None
    fail_on_error: float | None = None


@dataclass
class RunOptions:
    """One run's inputs, after CLI and environment parsing but before validation."""

    models: list[str]
    tasks: list[str] | None = None
    variant_ids: list[str] | None = None
    variant_profile: str = "benchmark"
    repeats: int = 1
    # Whether ``repeats`` came from ``--repeats`` (not from ``IC_REPEATS`` or the mode): only
    # then does a resume compare it with the run's instead of taking the run's.
    repeats_given: bool = False
    sandbox: str = "bwrap"
    log_root: Path | None = None
    resume: bool = False
    validate_only: bool = False
    mode: str = "selected"
    limits: Limits = field(default_factory=Limits)
    sandbox_limits: SandboxLimits = field(default_factory=SandboxLimits)
    concurrency: Concurrency = field(default_factory=Concurrency)
    generation: GenerationSettings = field(default_factory=GenerationSettings)
    display: str | None = None
    analyze: bool = True
    audit: bool = False
    audit_models: list[str] = field(default_factory=list)
    logs_base: Path = Path("logs")
    argv: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """JSON-safe record kept in the manifest as ``run_options`` (used by ``--resume``).

        ``sandbox_limits`` appears only when the run sets a cap, so runs recorded before caps
        existed still resume.
        """
        data = asdict(self)
        data["log_root"] = str(self.log_root) if self.log_root else None
        data["logs_base"] = str(self.logs_base)
        del data["repeats_given"]
        if not self.sandbox_limits.overrides():
            del data["sandbox_limits"]
        return data
