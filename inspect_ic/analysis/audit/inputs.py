"""Build the audit inputs by streaming a run's logs sample by sample (analysis.md §8).

Each usable sample becomes one :class:`AuditItem` (its prompt and hash); its state row is kept for
the candidate comparison, never for the prompt. Samples with label status ``unknown`` (nothing to
adjudicate) and samples of the auditor's own model (unless allowed) are skipped with a reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ic.analysis.audit.prompt import prompt_sha256, task_context, user_prompt
from inspect_ic.analysis.audit.transcript import render_transcript
from inspect_ic.analysis.awareness.scan import log_context
from inspect_ic.analysis.extract import LogContext, extract_sample
from inspect_ic.analysis.logs import discover_logs, iter_log_samples


@dataclass
class AuditItem:
    """One sample to audit."""

    audit_id: str
    sample_uuid: str
    prompt: str
    prompt_sha256: str
    transcript_truncated: bool
    omitted_blocks: int


@dataclass
class AuditInputs:
    """Items to audit, state rows of every sample read, and what was skipped."""

    items: list[AuditItem] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)


def audit_id(auditor: str, sample_uuid: str) -> str:
    """Stable candidate id of (auditor, sample): ``aud-`` + 12 hex digits. Valid as the suffix
    of an adjusted-labels ``source`` (``audit_candidate:<id>``, analysis.md §7)."""
    return "aud-" + hashlib.sha256(f"{auditor}|{sample_uuid}".encode()).hexdigest()[:12]


def model_key(name: str) -> str:
    """The model's own name without provider prefixes (``openrouter/openai/gpt-5.4`` →
    ``gpt-5.4``), used to recognise the model under test behind another provider."""
    return name.strip().lower().rsplit("/", 1)[-1]


@dataclass(frozen=True)
class RenderOptions:
    """Transcript budget (characters)."""

    budget_chars: int
    tool_result_chars: int
    assistant_chars: int


def collect_inputs(
    run_dir: Path,
    auditor: str,
    render: RenderOptions,
    allow_self_audit: bool = False,
    limit: int | None = None,
) -> AuditInputs:
    """Stream every log of ``run_dir`` and build the audit items.

    Args:
        run_dir: the run directory.
        auditor: the auditor model's name (for ids and the self-audit check).
        render: transcript budget.
        allow_self_audit: audit samples of the auditor's own model too.
        limit: audit at most this many samples (the rest are skipped as ``limit``).

    Returns:
        Items in log order, state rows of all samples read, skip records.
    """
    out = AuditInputs(logs=discover_logs(run_dir))
    mine = model_key(auditor)
    for path in out.logs:
        rel = path.relative_to(run_dir).as_posix()
        ctx: LogContext | None = None
        for header, sample, error in iter_log_samples(path):
            if header is None:
                out.skipped.append({"log_file": rel, "sample": "", "reason": error or "unreadable"})
                break
            if ctx is None:
                ctx = log_context(run_dir, path, header)
            if error is not None or sample is None:
                if error is not None:
                    out.skipped.append({"log_file": rel, "sample": "", "reason": error})
                continue
            row = extract_sample(sample, ctx).row
            out.rows.append(row)
            reason = ""
            if row.get("deterministic_label_status") == "unknown":
                reason = "unknown_label"
            elif not allow_self_audit and model_key(str(row["model_under_test"])) == mine:
                reason = "self_audit_refused"
            elif limit is not None and len(out.items) >= limit:
                reason = "limit"
            if reason:
                out.skipped.append(
                    {"log_file": rel, "sample": str(row["sample_uuid"]), "reason": reason}
                )
                continue
            transcript = render_transcript(
                sample, render.budget_chars, render.tool_result_chars, render.assistant_chars
            )
            metadata = {
                **(sample.metadata or {}),
                **{k: row.get(k) for k in ("variant", "variant_id", "variant_profile")},
            }
            prompt = user_prompt(task_context(str(row["scenario"]), metadata), transcript.text)
            out.items.append(
                AuditItem(
                    audit_id=audit_id(auditor, str(row["sample_uuid"])),
                    sample_uuid=str(row["sample_uuid"]),
                    prompt=prompt,
                    prompt_sha256=prompt_sha256(prompt),
                    transcript_truncated=transcript.truncated,
                    omitted_blocks=transcript.omitted_blocks,
                )
            )
    return out
