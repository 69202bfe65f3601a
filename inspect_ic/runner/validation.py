"""``ic validate``: the deterministic validation suite, with no model calls.

Steps (each a subprocess in the repository root, so one failing never hides the others):
``lint`` (ruff check + format check), ``types`` (mypy), ``unit`` (pytest without the e2e
matrix), ``matrix`` (the scripted-policy matrix over every task x variant: every policy on all
eight benchmark variants with ``IC_FULL_MATRIX=1``, and every adversarial case on every task in
variants A and H with ``IC_FULL_RELIABILITY=1``; or the CI subsets with ``--ci-matrix``).
A dry-run manifest goes to ``logs/validation/<UTC>_<hash>[-dirty]/run_manifest.json``; a
completed one at a clean commit is what a paid run's readiness check looks for.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from inspect_ic.runner.errors import EXIT_FAILED, EXIT_OK, UsageError
from inspect_ic.runner.layout import run_id
from inspect_ic.runner.manifest import ManifestWriter, identity_block
from inspect_ic.runner.models import credential_presence
from inspect_ic.runner.provenance import (
    REPO_ROOT,
    file_hashes,
    lockfile_mismatches,
    package_versions,
    python_info,
    repo_state,
    toolchain,
)
from inspect_ic.runner.validation_record import validation_root
from inspect_ic.tasks import available_tasks

STEP_NAMES = ("lint", "types", "unit", "matrix")
ADVERSARIAL = "tests/reliability/test_adversarial.py"


@dataclass
class Step:
    """One validation step: the commands it runs and extra environment."""

    name: str
    commands: list[list[str]]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class StepResult:
    """Outcome of one step."""

    name: str
    ok: bool
    seconds: float
    returncode: int
    tail: str = ""


def default_steps(full_matrix: bool = True) -> list[Step]:
    """The suite in order (python tools from this interpreter's environment)."""
    py = sys.executable
    paths = ["inspect_ic", "tests", "scripts"]
    return [
        Step(
            "lint",
            [
                [py, "-m", "ruff", "check", *paths],
                [py, "-m", "ruff", "format", "--check", *paths],
            ],
        ),
        Step("types", [[py, "-m", "mypy", "inspect_ic"]]),
        Step("unit", [[py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--ignore=tests/e2e"]]),
        Step(
            "matrix",
            [[py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/e2e", ADVERSARIAL]],
            env={
                "IC_FULL_MATRIX": "1" if full_matrix else "0",
                "IC_FULL_RELIABILITY": "1" if full_matrix else "0",
            },
        ),
    ]


def run_step(step: Step, cwd: Path, log_dir: Path, console: Console) -> StepResult:
    """Run a step's commands in order (stop at the first failure); output goes to a log file."""
    started = time.monotonic()
    log_path = log_dir / f"{step.name}.log"
    env = {**os.environ, **step.env}
    returncode = 0
    with console.status(f"validate: {step.name}"), log_path.open("w") as log:
        for command in step.commands:
            log.write(f"$ {' '.join(command)}\n")
            log.flush()
            proc = subprocess.run(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
            returncode = proc.returncode
            if returncode != 0:
                break
    lines = [
        line
        for line in log_path.read_text(errors="replace").splitlines()
        if not line.startswith("$ ")
    ]
    return StepResult(
        step.name, returncode == 0, time.monotonic() - started, returncode, "\n".join(lines[-2:])
    )


def select_steps(steps: list[Step], skip: list[str]) -> list[Step]:
    """Drop skipped steps.

    Raises:
        UsageError: an unknown step name (the message lists the valid ones).
    """
    for name in skip:
        if name not in STEP_NAMES:
            raise UsageError(f"unknown validation step {name!r}; valid: {', '.join(STEP_NAMES)}")
    return [s for s in steps if s.name not in skip]


def dry_run_manifest(
    run_dir: Path, rid: str, repo: dict[str, Any], argv: list[str]
) -> dict[str, Any]:
    """A manifest with the provenance blocks of a run and no models (mode ``validate``)."""
    files = file_hashes(Path(repo["root"]))
    return {
        **identity_block(rid, run_dir, argv, "validate"),
        "benchmark": {
            "tasks": available_tasks(),
            "models": [],
            "repeats": 0,
            "variant_profile": "benchmark",
        },
        "repo": repo,
        "python": python_info(),
        "packages": package_versions([]),
        "files": files,
        "lockfile_sha256": files["requirements.lock"]["sha256"],
        "lockfile_mismatches": lockfile_mismatches(Path(repo["root"])),
        "env": {"credential_presence": credential_presence()},
        "toolchain": toolchain(),
        "validation": {"steps": {}},
    }


def print_results(results: list[StepResult], console: Console) -> None:
    """The step table."""
    table = Table(title="ic validate (no model calls)")
    for column in ("step", "result", "seconds", "last output"):
        table.add_column(column)
    for r in results:
        table.add_row(
            r.name, "[green]ok[/green]" if r.ok else "[red]FAIL[/red]", f"{r.seconds:.0f}", r.tail
        )
    console.print(table)


def run_validation(
    steps: list[Step],
    logs_base: Path = Path("logs"),
    argv: list[str] | None = None,
    console: Console | None = None,
    cwd: Path = REPO_ROOT,
) -> int:
    """Run ``steps``, write the dry-run manifest and return the exit code."""
    console = console or Console()
    repo = repo_state()
    rid = run_id(repo)
    run_dir = validation_root(logs_base) / rid
    run_dir.mkdir(parents=True, exist_ok=True)
    writer = ManifestWriter(
        run_dir, dry_run_manifest(run_dir, rid, repo, argv or ["ic", "validate"])
    )
    writer.write()
    results: list[StepResult] = []
    try:
        for step in steps:
            result = run_step(step, cwd, run_dir, console)
            results.append(result)
            writer.data["validation"]["steps"][step.name] = {
                "ok": result.ok,
                "seconds": round(result.seconds, 1),
                "returncode": result.returncode,
                "log": str(run_dir / f"{step.name}.log"),
                "env": step.env,
            }
            writer.write()
    except KeyboardInterrupt:
        writer.finish("interrupted", 130)
        raise
    print_results(results, console)
    ok = all(r.ok for r in results)
    writer.finish("completed" if ok else "failed", EXIT_OK if ok else EXIT_FAILED)
    console.print(f"Validation manifest: {writer.path}")
    return EXIT_OK if ok else EXIT_FAILED
