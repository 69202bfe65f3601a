"""``build_task``: turn a :class:`TaskDefinition` and task arguments into an Inspect ``Task``."""

from __future__ import annotations

from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessageSystem, ChatMessageUser
from inspect_ai.util import SandboxEnvironmentSpec

from inspect_ic.aio_tools import DEFAULT_MAX_OUTPUT, DEFAULT_SHELL_TIMEOUT, agent_tools
from inspect_ic.tasks._base.bootstrap import bootstrap_environment
from inspect_ic.tasks._base.bundle import JAIL_ROOT, bundle_contents, service_bundle
from inspect_ic.tasks._base.contract import SCORING_CONTRACT_VERSION
from inspect_ic.tasks._base.definition import TaskDefinition
from inspect_ic.tasks._base.envspec import manifest_sha256
from inspect_ic.tasks._base.extension import settings_for
from inspect_ic.tasks._base.framing import sha256_text, system_prompt, user_prompt
from inspect_ic.tasks._base.loop import guarded_agent
from inspect_ic.tasks._base.scorers import task_scorers
from inspect_ic.tasks._base.variants import Variant, select_variants

DEFAULT_MESSAGE_LIMIT = 160
DEFAULT_WORKING_LIMIT = 1800
DEFAULT_REPEAT_STREAK_LIMIT = 8
SANDBOX_PROVIDERS = ("bwrap", "docker", "k8s", "podman")


def registry_task_name(task_id: str) -> str:
    """Name for ``@task`` so ``inspect eval inspect_ic/<task>`` resolves in every install mode.

    Inspect prefixes registry names with the package only when it recognises an installed
    package; our distribution name (``instrumental-choices``) differs from the package name,
    so an editable install gets no prefix and we add it ourselves.
    """
    from inspect_ai._util.package import get_installed_package_name

    return (
        task_id
        if get_installed_package_name(build_task) == "inspect_ic"
        else f"inspect_ic/{task_id}"
    )


def sandbox_spec(task_id: str, sandbox: str) -> SandboxEnvironmentSpec:
    """The provider plus its config: the task's compose file (docker) or values file (k8s)
    under ``sandboxes/<task>/``; ``bwrap`` reads the layout from sample metadata instead."""
    if sandbox in ("docker", "k8s"):
        from inspect_ic.sandbox.containers import sandbox_config_file

        return SandboxEnvironmentSpec(sandbox, sandbox_config_file(task_id, sandbox))
    return SandboxEnvironmentSpec(sandbox)


def sandbox_layout(defn: TaskDefinition) -> dict[str, Any]:
    """The ``ic_sandbox`` metadata the ``bwrap`` provider reads (docs/DEVELOPING.md)."""
    bundle = service_bundle(defn.task_dir / "assets" / "service")
    # Task-specific read-only binds (e.g. ledger_audit's chain tooling): a list of
    # {"src", "dest"} dicts, or a callable returning one so host paths resolve lazily.
    extra_binds = defn.extra.get("ro_binds", [])
    if callable(extra_binds):
        extra_binds = extra_binds()
    return {
        "writable_roots": list(defn.writable_roots),
        "ro_binds": [{"src": str(bundle), "dest": JAIL_ROOT}, *extra_binds],
        "symlinks": [{"link": link, "target": target} for link, target in defn.symlinks],
        "home": defn.home,
        "work_dir": defn.work_dir,
    }


def build_sample(defn: TaskDefinition, variant: Variant, settings: dict[str, Any]) -> Sample:
    """One Sample: prompts as input, every dimension and setting in metadata."""
    system = system_prompt(defn.prompts, variant)
    user = user_prompt(defn.prompts, variant)
    env = defn.environment(variant)
    manifest = env.manifest(bundle_contents(defn.task_dir / "assets" / "service"))
    metadata: dict[str, Any] = {
        "scenario": defn.task_id,
        "task_group": defn.task_group,
        **variant.dimensions(),
        "task_dir": defn.work_dir,
        "home": defn.home,
        "inherently_existential": defn.inherently_existential,
        "system_prompt_sha256": sha256_text(system),
        "user_prompt_sha256": sha256_text(user),
        "env_manifest_sha256": manifest_sha256(manifest),
        "scoring_contract_version": SCORING_CONTRACT_VERSION,
        "task_version": defn.version,
        **settings_for(variant, settings),
        "ic_sandbox": sandbox_layout(defn),
    }
    return Sample(
        id=f"{defn.task_id}_{variant.sample_suffix}",
        input=[ChatMessageSystem(content=system), ChatMessageUser(content=user)],
        metadata=metadata,
    )


def build_task(
    defn: TaskDefinition,
    variant_profile: str = "benchmark",
    variant_id: str | list[str] | None = None,
    message_limit: int = DEFAULT_MESSAGE_LIMIT,
    working_limit: int = DEFAULT_WORKING_LIMIT,
    shell_timeout: int = DEFAULT_SHELL_TIMEOUT,
    token_limit: int | None = None,
    time_limit: int | None = None,
    repeat_streak_limit: int = DEFAULT_REPEAT_STREAK_LIMIT,
    max_tool_output: int = DEFAULT_MAX_OUTPUT,
    continuation_message: str | None = None,
    max_continuations: int = 0,
    sandbox: str = "bwrap",
) -> Task:
    """Build the Inspect ``Task`` for ``defn`` (every argument is recorded in sample metadata).

    Raises:
        ValueError: unknown variant profile or id (the message lists the valid ones), or the
            ``local`` sandbox (it would write real host paths).
    """
    if sandbox == "local":
        raise ValueError(
            "the 'local' sandbox is refused: task environments write absolute host paths; "
            "use 'bwrap' (default), 'docker', 'podman' or 'k8s'"
        )
    if sandbox not in SANDBOX_PROVIDERS:
        raise ValueError(f"unknown sandbox {sandbox!r}; valid: {', '.join(SANDBOX_PROVIDERS)}")
    variants = select_variants(variant_profile, variant_id)
    settings = {
        "message_limit": message_limit,
        "working_limit": working_limit,
        "shell_timeout": shell_timeout,
        "token_limit": token_limit,
        "time_limit": time_limit,
        "repeat_streak_limit": repeat_streak_limit,
        "max_tool_output": max_tool_output,
        "continuation_message": continuation_message,
        "continuation_message_sha256": sha256_text(continuation_message)
        if continuation_message
        else None,
        "max_continuations": max_continuations,
    }
    samples = [build_sample(defn, v, settings) for v in variants]
    tools = agent_tools(defn.work_dir, defn.home, shell_timeout, max_tool_output)
    return Task(
        dataset=MemoryDataset(samples, name=defn.task_id),
        setup=bootstrap_environment(defn),
        solver=guarded_agent(
            tools,
            repeat_streak_limit=repeat_streak_limit,
            continuation_message=continuation_message,
            max_continuations=max_continuations,
        ),
        scorer=task_scorers(defn),
        sandbox=sandbox_spec(defn.task_id, sandbox),
        message_limit=message_limit,
        working_limit=working_limit,
        token_limit=token_limit,
        time_limit=time_limit,
        version=defn.version,
        name=defn.task_id,
        metadata={"scenario": defn.task_id, "task_group": defn.task_group},
    )
