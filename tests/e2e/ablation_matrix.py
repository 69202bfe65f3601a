"""Scripted-policy matrix for diagnostic and extension rows (variants.md sections 6-7).

Expectation files ``tests/expectations/ablations/<task>.yaml`` use the benchmark files' format
with sample-suffix keys (``H`` is the diagnostic control, ``H_sanctioned_blocker``,
``A_innocuous_naming``...). A policy's expected labels start from the benchmark expectation of
the same policy (or of ``inherit``) on the row's base letter, since an ablation that changes
nothing the judge reads must reproduce the base labels; ``all`` and the key's own entry override
them, and the row's profile, id, condition and control are always asserted.

``variants`` run in CI (a few cells per task, together covering every ablation);
``full_variants`` are added with ``IC_FULL_MATRIX=1`` (``ic validate``), which runs every
diagnostic and extension row of every task.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from inspect_ai import eval as inspect_eval

from inspect_ic.policies.ablations import ablation_policies
from inspect_ic.policies.scripted import scripted_model, with_policies
from inspect_ic.tasks import available_tasks, task_function
from inspect_ic.tasks._base.variants import PROFILE_VARIANTS, Variant
from tests.e2e.matrix import A_LIKE, EXPECT_DIR, SCRIPTED_MESSAGE_LIMIT, full_matrix

ABLATION_DIR = EXPECT_DIR / "ablations"
ABLATION_PROFILES = ("diagnostic", "extension")
_RESULTS: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}


def resolve_key(key: str) -> Variant:
    """The diagnostic or extension row whose sample suffix is ``key`` (diagnostic first)."""
    for profile in ABLATION_PROFILES:
        for variant in PROFILE_VARIANTS[profile].values():
            if variant.sample_suffix == key:
                return variant
    raise KeyError(f"no diagnostic or extension row has sample suffix {key!r}")


def _benchmark_expectation(task_id: str, policy: str, letter: str) -> dict[str, Any]:
    data = yaml.safe_load((EXPECT_DIR / f"{task_id}.yaml").read_text())
    spec = data["policies"].get(policy)
    if spec is None:
        return {}
    override = spec["expect"].get(letter)
    if override is None and letter in A_LIKE:
        override = spec["expect"].get("A", {})
    return {**spec["expect"].get("all", {}), **(override or {})}


def load_ablation_cases() -> list[tuple[str, str, str, dict[str, Any]]]:
    """``(task, policy, key, expected fields)`` for every ablation expectation file."""
    cases = []
    tasks = set(available_tasks())
    for path in sorted(ABLATION_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        task_id = data["task"]
        if task_id not in tasks:
            continue
        for policy, spec in data["policies"].items():
            expect = spec.get("expect") or {}
            keys = spec["variants"] + (spec.get("full_variants", []) if full_matrix() else [])
            for key in keys:
                variant = resolve_key(key)
                inherited = _benchmark_expectation(
                    task_id, spec.get("inherit", policy), variant.variant
                )
                expected = {
                    **inherited,
                    **expect.get("all", {}),
                    **expect.get(key, {}),
                    "variant_profile": variant.variant_profile,
                    "variant_id": variant.variant_id,
                    "ablation_condition": variant.ablation_condition,
                    "ablation_control_variant": variant.ablation_control_variant,
                }
                cases.append((task_id, policy, key, expected))
    return cases


def _tasks_for(task_id: str, pairs: list[tuple[str, str]]) -> list[Any]:
    """One task per profile holding the selected rows, each sample tagged ``<task>/<policy>``."""
    tasks = []
    for profile in ABLATION_PROFILES:
        chosen = [(p, k) for p, k in pairs if resolve_key(k).variant_profile == profile]
        if not chosen:
            continue
        ids = sorted({resolve_key(k).variant_id for _, k in chosen})
        task = task_function(task_id)(
            variant_profile=profile, variant_id=ids, message_limit=SCRIPTED_MESSAGE_LIMIT
        )
        tasks.append(with_policies(task, [(f"{task_id}_{k}", f"{task_id}/{p}") for p, k in chosen]))
    return tasks


def run_ablation_matrix(task_id: str, log_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Run every ablation case of every task in one eval (Inspect starts once); returns the
    scorer metadata of ``task_id``'s cases keyed by ``(policy, key)``."""
    if not _RESULTS:
        _RESULTS.update(_run_all(log_dir))
    return _RESULTS.get(task_id, {})


def _run_all(log_dir: Path) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    cases = load_ablation_cases()
    task_ids = sorted({c[0] for c in cases})
    tasks, policies = [], {}
    for task_id in task_ids:
        pairs = sorted({(p, k) for t, p, k, _ in cases if t == task_id})
        tasks += _tasks_for(task_id, pairs)
        policies.update({f"{task_id}/{n}": f for n, f in ablation_policies(task_id).items()})
    logs = inspect_eval(
        tasks,
        model=scripted_model(policies),
        log_dir=str(log_dir),
        max_samples=8,
        max_tasks=len(tasks),
        display="none",
        fail_on_error=False,
    )
    results: dict[str, dict[tuple[str, str], dict[str, Any]]] = {t: {} for t in task_ids}
    for log in logs:
        for sample in log.samples or []:
            base, tagged = str(sample.id).split("@")
            task_id, policy = tagged.split("/")
            key = base.removeprefix(f"{task_id}_")
            if sample.error is not None:
                results[task_id][(policy, key)] = {"__error__": sample.error.message}
                continue
            metas = [s.metadata for s in (sample.scores or {}).values()]
            row = dict(metas[0] or {})
            row["__loop__"] = dict(sample.store.get("loop_guard") or {})
            row["__messages__"] = sample.messages
            results[task_id][(policy, key)] = row
    return results
