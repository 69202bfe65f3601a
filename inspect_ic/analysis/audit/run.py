"""``ic audit`` core: the optional LLM trace audit of a run (analysis.md §8).

Off by default; enabled per run (``IC_ENABLE_TOOL_TRACE_AUDIT=1`` with
``IC_TOOL_TRACE_AUDIT_MODELS``, or ``ic audit RUN_DIR --model M``). The auditor is bound to the
Inspect ``grader`` role explicitly; without it the audit refuses to run, and by default it never
audits samples of its own model. Outputs under ``<run_dir>/tool_analysis/audit/``:

- ``audit_raw.jsonl``: one record per audited sample (every attempt's raw reply, parse errors,
  the verdict or ``malformed``/``error``, the prompt sha256);
- ``audit_candidates.csv``: samples for human review (§8 rule), with their adjudication source;
- ``audit_manifest.json``: auditor, role, temperature, prompt template sha256, options, counts;
- ``logs/``: the Inspect log of the audit itself.

Rows of other auditors already in these files are kept (one block per auditor model). The audit
is review-only: it never writes or changes a label.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalSample, read_eval_log_samples
from inspect_ai.model import GenerateConfig, Model, get_model

from inspect_ic.analysis.audit.candidates import CANDIDATE_COLUMNS, candidate_rows
from inspect_ic.analysis.audit.inputs import AuditInputs, RenderOptions, collect_inputs, model_key
from inspect_ic.analysis.audit.prompt import PROMPT_VERSION, TEMPLATE_SHA256
from inspect_ic.analysis.audit.solver import AUDIT_STORE_KEY, GRADER_ROLE, audit_task
from inspect_ic.analysis.audit.transcript import (
    DEFAULT_ASSISTANT_CHARS,
    DEFAULT_BUDGET_CHARS,
    DEFAULT_TOOL_RESULT_CHARS,
)
from inspect_ic.analysis.awareness.labels import label_samples
from inspect_ic.analysis.csvio import read_csv, write_csv, write_text
from inspect_ic.analysis.model_check import ModelCheckError, check_model

AUDIT_VERSION = 1
AUDIT_DIR = ("tool_analysis", "audit")
RAW_FILE = "audit_raw.jsonl"
CANDIDATES_FILE = "audit_candidates.csv"
MANIFEST_FILE = "audit_manifest.json"


class AuditError(RuntimeError):
    """The audit cannot run (grader role unbound, run directory missing, ...)."""


@dataclass(frozen=True)
class AuditOptions:
    """Audit options (recorded in the manifest)."""

    budget_chars: int = DEFAULT_BUDGET_CHARS
    tool_result_chars: int = DEFAULT_TOOL_RESULT_CHARS
    assistant_chars: int = DEFAULT_ASSISTANT_CHARS
    temperature: float | None = 0.0
    max_connections: int | None = None
    allow_self_audit: bool = False
    limit: int | None = None
    display: str = "none"


@dataclass
class AuditResult:
    """What :func:`audit_run` wrote."""

    out_dir: Path
    auditor: str
    records: list[dict[str, Any]]
    candidates: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)


def _grader(
    model: str | Model | None, model_roles: dict[str, str | Model] | None
) -> tuple[str | Model, str]:
    """The model bound to the grader role and its name; raises if the role is unbound."""
    bound = model if model is not None else (model_roles or {}).get(GRADER_ROLE)
    if bound is None:
        raise AuditError(
            "the audit needs an auditor bound to the 'grader' role (ic audit RUN_DIR --model M, "
            "or IC_TOOL_TRACE_AUDIT_MODELS); it never falls back to the model under test"
        )
    name = bound if isinstance(bound, str) else str(bound)
    if not name.strip():
        raise AuditError("the grader role is bound to an empty model name")
    return bound, name


def _check_auditor(name: str) -> None:
    """Raise :class:`AuditError` (one line) when the auditor model cannot be used: missing API
    key (names the variable), unknown provider, SDK not installed (names the pip package)."""
    try:
        check_model(name)
    except ModelCheckError as exc:
        raise AuditError(f"auditor {name}: {exc}") from exc


def _model(bound: str | Model, options: AuditOptions) -> Model:
    if isinstance(bound, Model):
        return bound
    config = GenerateConfig(
        temperature=options.temperature, max_connections=options.max_connections
    )
    return get_model(bound, config=config)


def _sample_record(sample: EvalSample) -> dict[str, Any]:
    stored = (sample.store or {}).get(AUDIT_STORE_KEY)
    if sample.error is not None or not isinstance(stored, dict):
        message = sample.error.message if sample.error is not None else "no audit record"
        return {"status": "error", "error": message, "attempts": [], "verdict": None}
    return {"error": "", **stored}


def _read_results(location: str) -> dict[str, dict[str, Any]]:
    return {
        str(s.id): _sample_record(s)
        for s in read_eval_log_samples(location, all_samples_required=False)
    }


def _records(
    inputs: AuditInputs, results: dict[str, dict[str, Any]], auditor: str, stamp: str
) -> list[dict[str, Any]]:
    rows = {str(r["sample_uuid"]): r for r in inputs.rows}
    out = []
    for item in inputs.items:
        row = rows[item.sample_uuid]
        result = results.get(item.audit_id, {"status": "error", "error": "not in audit log"})
        out.append(
            {
                "audit_id": item.audit_id,
                "sample_uuid": item.sample_uuid,
                **{
                    k: row.get(k)
                    for k in (
                        "log_file",
                        "sample_id",
                        "epoch",
                        "scenario",
                        "variant",
                        "variant_id",
                        "model_under_test",
                        "repeat_id",
                    )
                },
                "auditor_model": auditor,
                "grader_role": GRADER_ROLE,
                "prompt_sha256": item.prompt_sha256,
                "transcript_truncated": item.transcript_truncated,
                "omitted_blocks": item.omitted_blocks,
                "status": result.get("status", "error"),
                "error": result.get("error", ""),
                "attempts": result.get("attempts", []),
                "verdict": result.get("verdict"),
                "audited_at_utc": stamp,
            }
        )
    return out


def _merge_raw(path: Path, auditor: str, records: list[dict[str, Any]]) -> None:
    kept: list[str] = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and json.loads(line).get("auditor_model") != auditor:
                kept.append(line)
    lines = kept + [json.dumps(r, ensure_ascii=False, default=str) for r in records]
    write_text(path, "".join(f"{line}\n" for line in lines))


def _merge_candidates(path: Path, auditor: str, fresh: pd.DataFrame) -> pd.DataFrame:
    existing = read_csv(path)
    if len(existing) and "auditor_model" in existing:
        existing = existing[existing["auditor_model"] != auditor]
        merged = pd.concat([existing.astype(object), fresh.astype(object)], ignore_index=True)
    else:
        merged = fresh
    write_csv(merged, path, CANDIDATE_COLUMNS)
    return merged


def audit_run(
    run_dir: Path | str,
    model: str | Model | None = None,
    *,
    model_roles: dict[str, str | Model] | None = None,
    out_dir: Path | str | None = None,
    options: AuditOptions | None = None,
) -> AuditResult:
    """Audit every usable sample of a run with an LLM bound to the ``grader`` role.

    Args:
        run_dir: run directory (``logs/<run id>/``).
        model: the auditor (model name or Inspect ``Model``); bound to the ``grader`` role.
        model_roles: alternatively, roles with a ``grader`` entry.
        out_dir: output folder (default ``<run_dir>/tool_analysis/audit``).
        options: transcript budget, temperature, concurrency, self-audit and limit.

    Returns:
        The records and candidates written for this auditor and the merged manifest.

    Raises:
        AuditError: the run directory is missing, the grader role is unbound, or (when there is
            a sample to audit) the auditor cannot be used (missing key, unknown provider or SDK).
    """
    run_path = Path(run_dir)
    if not run_path.is_dir():
        raise AuditError(f"run directory not found: {run_path}")
    opts = options or AuditOptions()
    bound, auditor = _grader(model, model_roles)
    target = Path(out_dir) if out_dir else run_path.joinpath(*AUDIT_DIR)
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    render = RenderOptions(opts.budget_chars, opts.tool_result_chars, opts.assistant_chars)
    inputs = collect_inputs(run_path, auditor, render, opts.allow_self_audit, opts.limit)
    eval_log = ""
    results: dict[str, dict[str, Any]] = {}
    if inputs.items:
        if isinstance(bound, str):
            _check_auditor(bound)
        task = audit_task(
            inputs.items,
            {
                "run_dir": str(run_path.resolve()),
                "auditor_model": auditor,
                "template_sha256": TEMPLATE_SHA256,
            },
            opts.temperature,
        )
        logs = inspect_eval(
            task,
            model="none/none",
            model_roles={GRADER_ROLE: _model(bound, opts)},
            log_dir=str(target / "logs"),
            display=opts.display,  # type: ignore[arg-type]
            fail_on_error=False,
            score=False,
        )
        eval_log = logs[0].location
        results = _read_results(eval_log)
    records = _records(inputs, results, auditor, started)
    labels = label_samples(run_path, inputs.rows)
    fresh = candidate_rows(records, labels.frame)
    _merge_raw(target / RAW_FILE, auditor, records)
    merged = _merge_candidates(target / CANDIDATES_FILE, auditor, fresh)
    manifest = _write_manifest(
        target, run_path, auditor, opts, inputs, records, fresh, eval_log, started, labels.notes
    )
    return AuditResult(target, auditor, records, merged, manifest)


def _write_manifest(
    target: Path,
    run_path: Path,
    auditor: str,
    opts: AuditOptions,
    inputs: AuditInputs,
    records: list[dict[str, Any]],
    candidates: pd.DataFrame,
    eval_log: str,
    started: str,
    notes: list[str],
) -> dict[str, Any]:
    path = target / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    statuses = pd.Series([r["status"] for r in records], dtype=object).value_counts()
    skipped = pd.Series([s["reason"] for s in inputs.skipped], dtype=object).value_counts()
    manifest.update(
        {
            "artifact_family": "tool_trace_audit",
            "version": AUDIT_VERSION,
            "prompt_version": PROMPT_VERSION,
            "run_id": run_path.resolve().name,
            "run_dir": str(run_path.resolve()),
            "review_only": True,
            "files": {"raw": RAW_FILE, "candidates": CANDIDATES_FILE, "logs": "logs/"},
        }
    )
    manifest.setdefault("auditors", {})[auditor] = {
        "model": auditor,
        "role": GRADER_ROLE,
        "grader_role_bound": True,
        "model_key": model_key(auditor),
        "temperature": opts.temperature,
        "prompt_template_sha256": TEMPLATE_SHA256,
        "options": asdict(opts),
        "started_at_utc": started,
        "finished_at_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eval_log": eval_log,
        "inputs": [p.relative_to(run_path).as_posix() for p in inputs.logs],
        "counts": {
            "samples_read": len(inputs.rows),
            "audited": len(records),
            "valid": int(statuses.get("valid", 0)),
            "malformed": int(statuses.get("malformed", 0)),
            "error": int(statuses.get("error", 0)),
            "retried": sum(len(r["attempts"]) > 1 for r in records),
            "skipped": {str(k): int(v) for k, v in skipped.items()},
            "candidates": len(candidates),
        },
        "notes": notes,
    }
    write_text(path, json.dumps(manifest, indent=2, default=str) + "\n")
    return manifest
