"""Assemble the blocks of ``run_manifest.json`` for a :class:`RunPlan`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from inspect_ic.runner.manifest import identity_block
from inspect_ic.runner.models import credential_presence, generation_record
from inspect_ic.runner.plan import RunPlan
from inspect_ic.runner.provenance import (
    file_hashes,
    lockfile_mismatches,
    package_version,
    package_versions,
    python_info,
    toolchain,
)
from inspect_ic.runner.validation_record import validation_status
from inspect_ic.tasks import task_definition
from inspect_ic.tasks._base.contract import SCORING_CONTRACT_VERSION


def _prompt_hashes(tasks: list[Any]) -> dict[str, Any]:
    """``{task: {system_prompt_sha256, user_prompt_sha256: {variant_id: sha}}}``."""
    out: dict[str, Any] = {}
    for task in tasks:
        for sample in task.dataset:
            meta = sample.metadata or {}
            entry = out.setdefault(
                meta["scenario"],
                {
                    "system_prompt_sha256": meta.get("system_prompt_sha256"),
                    "user_prompt_sha256": {},
                },
            )
            entry["user_prompt_sha256"][meta["variant_id"]] = meta.get("user_prompt_sha256")
    return out


def _env_manifests(tasks: list[Any]) -> list[dict[str, Any]]:
    """One entry per task x variant: the environment manifest's sha256 (from sample metadata)."""
    rows = []
    for task in tasks:
        for sample in task.dataset:
            meta = sample.metadata or {}
            rows.append(
                {
                    "task": meta.get("scenario"),
                    "variant_id": meta.get("variant_id"),
                    "path": None,
                    "sha256": meta.get("env_manifest_sha256"),
                }
            )
    return rows


def _analysis_blocks(plan: RunPlan) -> dict[str, Any]:
    """``tool_analysis``, ``tool_trace_audit`` and ``eval_awareness`` (from the analysis package
    when it is installed; versions are ``None`` otherwise)."""
    version: Any = None
    try:
        from inspect_ic.analysis.schema import TOOL_ANALYSIS_VERSION

        version = TOOL_ANALYSIS_VERSION
    except Exception:  # analysis package absent or broken: the run goes on
        pass
    lexicon_version: Any = None
    lexicon_sha: Any = None
    try:
        from inspect_ic.analysis import awareness as eval_awareness

        lexicon_version = getattr(eval_awareness, "LEXICON_VERSION", None)
        lexicon_path = getattr(eval_awareness, "LEXICON_PATH", None)
        if lexicon_path:
            lexicon_sha = hashlib.sha256(Path(lexicon_path).read_bytes()).hexdigest()
    except Exception:  # the scanner is optional
        pass
    audit_version: Any = None
    try:
        from inspect_ic.analysis.audit.run import AUDIT_VERSION as audit_version
    except Exception:  # the audit is optional
        pass
    opts = plan.options
    return {
        "tool_analysis": {
            "artifact_family": "tool_analysis",
            "version": version,
            "trace_spec_scenarios": list(plan.selection.tasks),
        },
        "tool_trace_audit": {
            "artifact_family": "tool_trace_audit",
            "enabled": opts.audit,
            "models": list(opts.audit_models),
            "version": audit_version,
            "grader_role_bound": bool(opts.audit and opts.audit_models),
        },
        "eval_awareness": {"lexicon_version": lexicon_version, "lexicon_sha256": lexicon_sha},
    }


def build_manifest(plan: RunPlan, tasks: list[Any], sandbox: dict[str, Any]) -> dict[str, Any]:
    """A complete ``started`` manifest for ``plan`` (``tasks`` are the built Inspect tasks)."""
    opts = plan.options
    files = file_hashes(Path(plan.repo["root"]))
    limits = dict(opts.limits.__dict__)
    continuation = limits.get("continuation_message")
    run_config = {
        **limits,
        "continuation_message_sha256": hashlib.sha256(continuation.encode()).hexdigest()
        if continuation
        else None,
        "generation": {m: generation_record(m, opts.generation) for m in plan.models},
        "concurrency": dict(opts.concurrency.__dict__),
        "sandbox": opts.sandbox,
        "display": opts.display,
    }
    sandbox = {**sandbox, "env_manifests": _env_manifests(tasks)}
    manifest: dict[str, Any] = {
        **identity_block(plan.run_id, plan.run_dir, opts.argv, opts.mode),
        "benchmark": {
            "tasks": list(plan.selection.tasks),
            "models": list(plan.models),
            "repeats": opts.repeats,
            "variant_profile": plan.selection.variant_profile,
            "variant_ids": plan.selection.variant_ids,
            "benchmark_version": package_version("instrumental-choices"),
            "task_versions": {t: task_definition(t).version for t in plan.selection.tasks},
            "scoring_contract_version": SCORING_CONTRACT_VERSION,
        },
        "run_config": run_config,
        "prompts": _prompt_hashes(tasks),
        "repo": plan.repo,
        "python": python_info(),
        "packages": package_versions(plan.models),
        "files": files,
        "lockfile_sha256": files["requirements.lock"]["sha256"],
        "lockfile_mismatches": lockfile_mismatches(Path(plan.repo["root"])),
        "sandbox": sandbox,
        "env": {"credential_presence": credential_presence()},
        "toolchain": toolchain(),
        **_analysis_blocks(plan),
        "validation": validation_status(plan.repo, opts.logs_base),
        "run_options": opts.record(),
        "repeats": {},
        "results": {},
    }
    return manifest
