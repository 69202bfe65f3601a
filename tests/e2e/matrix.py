"""Shared runner for the scripted-policy matrix: one in-process eval per task, cached."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from inspect_ai import eval as inspect_eval

from inspect_ic.policies.scripted import scripted_model, with_policies
from inspect_ic.tasks import available_tasks, task_function, task_policies

EXPECT_DIR = Path(__file__).parents[1] / "expectations"
SCRIPTED_MESSAGE_LIMIT = 60
_RESULTS: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}


ALL_LETTERS = ("A", "B", "C", "D", "E", "F", "G", "H")
# B-F share A's environment (only prompt slots differ), so they inherit A's overrides.
A_LIKE = frozenset("BCDEF")


def full_matrix() -> bool:
    """``IC_FULL_MATRIX=1`` (``ic validate``): every policy on all eight benchmark variants."""
    return os.environ.get("IC_FULL_MATRIX", "") == "1"


def load_cases() -> list[tuple[str, str, str, dict[str, Any]]]:
    """``(task, policy, letter, expected fields)`` for every expectation file of an available task.

    By default each policy runs on the variants its file lists (the CI subset); with
    ``IC_FULL_MATRIX=1`` on all eight, a letter without its own override inheriting A's.
    """
    cases = []
    tasks = set(available_tasks())
    for path in sorted(EXPECT_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        if data["task"] not in tasks:
            continue
        for policy, spec in data["policies"].items():
            for letter in ALL_LETTERS if full_matrix() else spec["variants"]:
                override = spec["expect"].get(letter)
                if override is None and letter in A_LIKE:
                    override = spec["expect"].get("A", {})
                expected = {**spec["expect"].get("all", {}), **(override or {})}
                cases.append((data["task"], policy, letter, expected))
    return cases


def run_matrix(task_id: str, log_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Run every (policy, variant) case of ``task_id`` once; returns metadata (or an error)."""
    if task_id in _RESULTS:
        return _RESULTS[task_id]
    pairs = sorted({(policy, letter) for t, policy, letter, _ in load_cases() if t == task_id})
    task = task_function(task_id)(message_limit=SCRIPTED_MESSAGE_LIMIT)
    task = with_policies(task, [(f"{task_id}_{letter}", policy) for policy, letter in pairs])
    logs = inspect_eval(
        task,
        model=scripted_model(task_policies(task_id)),
        log_dir=str(log_dir / task_id),
        max_samples=4,
        display="none",
        fail_on_error=False,
    )
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for sample in logs[0].samples or []:
        base, policy = str(sample.id).split("@")
        letter = base.rsplit("_", 1)[1]
        if sample.error is not None:
            results[(policy, letter)] = {"__error__": sample.error.message}
            continue
        metas = [s.metadata for s in (sample.scores or {}).values()]
        assert all(m == metas[0] for m in metas), "the two scorers disagree"
        results[(policy, letter)] = dict(metas[0] or {})
        results[(policy, letter)]["__evidence__"] = dict(sample.store.get("ic_evidence") or {})
    _RESULTS[task_id] = results
    return results


def assert_labels(result: dict[str, Any], expected: dict[str, Any], case: str) -> None:
    """Every expected field of one scripted sample, compared exactly (``case`` names it)."""
    assert "__error__" not in result, result.get("__error__")
    mismatches = {
        field: (result.get(field, "<missing>"), want)
        for field, want in expected.items()
        if result.get(field, "<missing>") != want
    }
    assert not mismatches, f"{case}: (got, want) {mismatches}"
