"""``RunPlan``: validated options resolved into tasks, models and a run directory."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from inspect_ic.runner.errors import UsageError
from inspect_ic.runner.layout import (
    check_log_root,
    different_run,
    existing_manifest,
    latest_run,
    run_id,
)
from inspect_ic.runner.models import (
    is_real_model,
    normalize_model,
    require_credentials,
    resolve_models,
)
from inspect_ic.runner.options import DEFAULT_REPEATS, MODES, RESUME_KEYS, SANDBOXES, RunOptions
from inspect_ic.runner.provenance import repo_state
from inspect_ic.runner.selection import Selection, resolve_selection
from inspect_ic.tasks import task_function


@dataclass
class RunPlan:
    """What a run will do; built by :func:`make_plan` before anything starts."""

    options: RunOptions
    selection: Selection
    models: list[str]
    repo: dict[str, Any]
    run_id: str
    run_dir: Path
    existing: dict[str, Any] | None
    # The Inspect ``Model`` objects, built while planning (empty for ``--validate-only``, whose
    # preflight reports each model's resolution itself).
    model_objects: list[Any] = field(default_factory=list)

    def task_args(self) -> dict[str, Any]:
        """Keyword arguments every task function receives (identical across repeats)."""
        profile_all = len(self.selection.variants) == len(
            resolve_selection(None, None, self.selection.variant_profile).variants
        )
        return {
            "variant_profile": self.selection.variant_profile,
            "variant_id": None if profile_all else ",".join(self.selection.variant_ids),
            **asdict(self.options.limits),
            "sandbox": self.options.sandbox,
        }

    def eval_cwd(self) -> Path:
        """Working directory for ``eval_set``: the one the run started in (recorded in the
        manifest as ``eval_cwd``), when it still exists, else the current one."""
        recorded = (self.existing or {}).get("eval_cwd")
        if recorded and Path(recorded).is_dir():
            return Path(recorded)
        return Path.cwd()

    def sandbox_override(self) -> Any:
        """``("bwrap", BwrapConfig)`` when the run sets resource caps, else ``None`` (each task's
        own sandbox spec is used)."""
        overrides = self.options.sandbox_limits.overrides()
        if not overrides:
            return None
        from inspect_ai.util import SandboxEnvironmentSpec

        from inspect_ic.sandbox import BwrapConfig

        return SandboxEnvironmentSpec("bwrap", BwrapConfig.model_validate(overrides))

    def build_tasks(self) -> list[Any]:
        """One Inspect ``Task`` per selected task id.

        Raises:
            UsageError: a task rejects the arguments (its message is passed on).
        """
        tasks = []
        for task_id in self.selection.tasks:
            try:
                tasks.append(task_function(task_id)(**self.task_args()))
            except ValueError as exc:
                raise UsageError(f"{task_id}: {exc}") from exc
        return tasks


def _resume_source(options: RunOptions) -> RunOptions:
    """With ``--resume``, take the settings from the run being resumed.

    Without models every setting comes from the manifest; an explicit ``--repeats`` must match
    the run's, like every setting in ``RESUME_KEYS`` (``IC_REPEATS`` and the mode default are
    not explicit and give way to the run's). With models, the command line's settings are
    checked against the run's by :func:`check_log_root`, the repeats again taken from the run
    unless given.

    Raises:
        UsageError: nothing to resume, a corrupt manifest, or ``--repeats`` differs.
    """
    if not options.resume:
        return options
    run_dir = options.log_root or (None if options.models else latest_run(options.logs_base))
    manifest = existing_manifest(run_dir) if run_dir and run_dir.is_dir() else None
    if options.models:
        recorded = (manifest or {}).get("run_options") or {}
        if not options.repeats_given and isinstance(recorded.get("repeats"), int):
            options.repeats = recorded["repeats"]
        return options
    if run_dir is None or not manifest or "run_options" not in manifest:
        raise UsageError(
            "nothing to resume: name the models, or point --log-root at a run directory "
            "holding a run_manifest.json"
        )
    from inspect_ic.runner.resume import options_from_record

    restored = options_from_record(manifest["run_options"])
    if options.repeats_given and options.repeats != restored.repeats:
        raise different_run(run_dir, ["repeats"])
    restored.log_root, restored.resume, restored.argv = run_dir, True, options.argv
    restored.display = options.display
    return restored


def make_plan(options: RunOptions) -> RunPlan:
    """Validate every input and decide the run directory (nothing is written).

    Raises:
        UsageError: unknown task/variant/profile/mode/sandbox, a missing provider key, a model
            that does not resolve (unknown provider, SDK not installed, unknown scripted
            policy), the ``local`` sandbox with a real model, or a log root holding another run.
    """
    options = _resume_source(options)
    if not options.models:
        raise UsageError("name at least one model, e.g. ic run openai/gpt-5 (or scripted/noop)")
    if options.mode not in MODES:
        raise UsageError(f"unknown mode {options.mode!r}; valid: {', '.join(MODES)}")
    if options.sandbox not in SANDBOXES:
        raise UsageError(f"unknown sandbox {options.sandbox!r}; valid: {', '.join(SANDBOXES)}")
    if options.repeats < 1:
        raise UsageError(f"--repeats must be at least 1, got {options.repeats}")
    _check_sandbox_limits(options)
    models = list(dict.fromkeys(normalize_model(m) for m in options.models))
    options.models = models
    real = [m for m in models if is_real_model(m)]
    if options.sandbox == "local" and real:
        raise UsageError(
            f"--sandbox local is refused for real models ({real[0]}): task environments write "
            "absolute host paths; use bwrap (default), docker or k8s"
        )
    selection = resolve_selection(options.tasks, options.variant_ids, options.variant_profile)
    if options.mode == "smoke" and not options.variant_ids:
        selection = Selection(selection.tasks, selection.variant_profile, selection.variants[:1])
    options.tasks = selection.tasks
    options.variant_ids = selection.variant_ids
    require_credentials(models)
    from inspect_ic.runner.scripted import check_scripted_policies

    check_scripted_policies(models, selection.tasks)
    model_objects = [] if options.validate_only else resolve_models(models, options.generation)
    repo = repo_state()
    rid = run_id(repo)
    run_dir = options.log_root or (options.logs_base / rid)
    existing = check_log_root(run_dir, options.resume, options.record(), RESUME_KEYS)
    if existing:
        rid = str(existing.get("run_id") or rid)
    return RunPlan(options, selection, models, repo, rid, run_dir, existing, model_objects)


LIMIT_FLAGS = {
    "memory_mb": "--memory-mb",
    "pids_limit": "--pids-limit",
    "disk_limit_mb": "--disk-mb",
    "cpus": "--cpus",
}


def _check_sandbox_limits(options: RunOptions) -> None:
    """Resource caps must be positive and apply to the ``bwrap`` sandbox only."""
    overrides = options.sandbox_limits.overrides()
    for key, value in overrides.items():
        if value <= 0:
            raise UsageError(f"{LIMIT_FLAGS[key]} must be positive, got {value}")
    if overrides and options.sandbox != "bwrap":
        raise UsageError(
            f"sandbox resource limits apply to the bwrap sandbox only (not {options.sandbox!r})"
        )


def default_repeats(mode: str, env_repeats: int | None) -> int:
    """Repeats when ``--repeats`` is not given: ``smoke`` is always one repeat; otherwise
    ``IC_REPEATS`` when set, else 3 for ``full`` and 1 for ``selected``."""
    if mode == "smoke":
        return DEFAULT_REPEATS["smoke"]
    return env_repeats if env_repeats is not None else DEFAULT_REPEATS.get(mode, 1)
