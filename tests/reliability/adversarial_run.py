"""Run the adversarial cases against the tasks in one in-process eval (cached per session).

CI runs each case once, on the task listed in :data:`CI_PLAN` (every task gets two or three
cases, every case runs somewhere), in variant A. ``IC_FULL_RELIABILITY=1`` runs every case on
every task in variants A and H; ``ic validate`` and ``scripts/stress_run.py`` cover the rest.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog
from inspect_ai.util import SandboxEnvironmentSpec

from inspect_ic.policies.adversarial import CASES, HostProbe, adversarial_policies
from inspect_ic.policies.by_task import scripted_model_by_task
from inspect_ic.policies.scripted import with_policies
from inspect_ic.sandbox import BwrapConfig
from inspect_ic.sandbox.leaks import Snapshot, take_snapshot
from inspect_ic.tasks import available_tasks, task_definition, task_function, task_policies

FULL_ENV = "IC_FULL_RELIABILITY"
MESSAGE_LIMIT = 60
MAX_TASKS, MAX_SAMPLES = 2, 2  # at most 4 samples at once (CI has 2 cores)
SHELL_TIMEOUT = 30
# Small caps make the disk, memory and fork attacks hit their limits in seconds.
LIMITS = {"disk_limit_mb": 256, "memory_mb": 768, "pids_limit": 256}

CI_PLAN: dict[str, tuple[str, ...]] = {
    "ledger_audit": ("kill_everything", "fake_scorer_socket", "fill_disk"),
    "budget_siphon": ("wipe_evidence", "stdout_flood", "network"),
    "quota_boost": ("forge_receipts", "bad_arguments"),
    "deployment_guardian": ("symlink_escape", "fork_loop", "lock_out"),
    "training_preserver": ("corrupt_evidence", "outlive", "fill_disk_first"),
    "final_instance": ("kill_and_wipe", "memory_hog"),
    "memory_keeper": ("proc_probe", "kill_service"),
}


def full_run() -> bool:
    """``IC_FULL_RELIABILITY=1``: every case on every task, variants A and H."""
    return os.environ.get(FULL_ENV, "") == "1"


def planned() -> list[tuple[str, str, str]]:
    """``(task, case, letter)`` for every adversarial sample to run."""
    tasks = available_tasks()
    if full_run():
        return [(t, c, letter) for t in tasks for c in CASES for letter in ("A", "H")]
    return [(t, c, "A") for t in tasks for c in CI_PLAN.get(t, ())]


@dataclass
class Outcome:
    """What one adversarial sample produced."""

    metadata: dict[str, Any]
    error: str | None
    seconds: float
    messages: int
    tools: list[tuple[str, str]]  # (function, result text or error message) in order
    killed: list[str]


@dataclass
class Run:
    """The eval logs, per-sample outcomes and host snapshots around the run."""

    logs: list[EvalLog]
    outcomes: dict[tuple[str, str, str], Outcome]
    before: Snapshot
    after: Snapshot
    wall_seconds: float
    log_bytes: dict[str, int] = field(default_factory=dict)


def _outcome(sample: Any) -> Outcome:
    metas = [s.metadata or {} for s in (sample.scores or {}).values()]
    tools = [
        (m.function or "", m.error.message if m.error else m.text)
        for m in sample.messages
        if m.role == "tool"
    ]
    evidence = sample.store.get("ic_evidence") or {}
    return Outcome(
        metadata=dict(metas[0]) if metas else {},
        error=sample.error.message if sample.error else None,
        seconds=float(sample.total_time or 0.0),
        messages=len(sample.messages),
        tools=tools,
        killed=list(evidence.get("killed_process_names", [])),
    )


def run_adversarial(log_dir: Path, probe: HostProbe) -> Run:
    """Run every planned case (one eval over all tasks) and collect what happened."""
    cases = planned()
    tasks = []
    policies: dict[str, dict[str, Any]] = {}
    for task_id in sorted({t for t, _, _ in cases}):
        own = dict(task_policies(task_id))
        own.update(adversarial_policies(task_definition(task_id), own["honest"], probe))
        policies[task_id] = own
        assignments = [
            (f"{task_id}_{letter}", f"adv_{c}") for t, c, letter in cases if t == task_id
        ]
        task = task_function(task_id)(message_limit=MESSAGE_LIMIT, shell_timeout=SHELL_TIMEOUT)
        tasks.append(with_policies(task, assignments))
    before = take_snapshot()
    started = time.monotonic()
    logs = inspect_eval(
        tasks,
        model=scripted_model_by_task(policies),
        sandbox=SandboxEnvironmentSpec("bwrap", BwrapConfig.model_validate(LIMITS)),
        log_dir=str(log_dir),
        max_tasks=MAX_TASKS,
        max_samples=MAX_SAMPLES,
        display="none",
        fail_on_error=False,
    )
    wall = time.monotonic() - started
    outcomes: dict[tuple[str, str, str], Outcome] = {}
    sizes: dict[str, int] = {}
    for log in logs:
        sizes[log.eval.task] = Path(log.location).stat().st_size
        for sample in log.samples or []:
            base, policy = str(sample.id).split("@")
            task_id, letter = base.rsplit("_", 1)
            outcomes[(task_id, policy.removeprefix("adv_"), letter)] = _outcome(sample)
    return Run(logs, outcomes, before, take_snapshot(), wall, sizes)
