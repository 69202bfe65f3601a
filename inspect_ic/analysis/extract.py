"""Turn one Inspect ``EvalSample`` into flat records (analysis.md §3.1, §3.2).

Three kinds of record come out of a sample: its *state row* (ids, scorer metadata, errors, loop
record, variant dimensions), one *raw call* per tool call (ordered by assistant message, then call
index) and one *text* record per assistant message. Classification happens later, on DataFrames.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from inspect_ai.event import ToolEvent
from inspect_ai.log import EvalSample
from inspect_ai.model import ChatMessageAssistant, ChatMessageTool

from inspect_ic.analysis.errors import classify_sample_error
from inspect_ic.analysis.schema import (
    AUTHORITATIVE_FIELDS,
    COMMON_DIAGNOSTIC_FIELDS,
    VARIANT_DIMENSION_FIELDS,
)

_TRUNC_MARKER = re.compile(r"\b\d+ bytes (?:were )?(?:left out|omitted|truncated)\b", re.I)
LOOP_GUARD_KEY = "loop_guard"


@dataclass
class LogContext:
    """Per-log facts the sample rows need (from the log header and its location)."""

    log_file: str
    eval_log_path: str
    model: str
    task: str
    repeat_id: str
    inspect_trace_path: str = ""
    inspect_trace_exists: bool = False


@dataclass
class SampleExtract:
    """Flat records of one sample."""

    row: dict[str, Any]
    calls: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)


def normalize_repeat_id(value: Any, fallback_dir: str = "") -> str:
    """``repeat_id`` as ``repeat_NN``: ints and digit strings are zero-padded; other strings are
    kept; missing values fall back to the ``repeat_NN`` directory name, else ``repeat_01``."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        return f"repeat_{int(value):02d}"
    if isinstance(value, str) and value.strip():
        match = re.fullmatch(r"repeat[_-]?(\d+)", value.strip())
        return f"repeat_{int(match.group(1)):02d}" if match else value.strip()
    match = re.search(r"repeat[_-]?(\d+)", fallback_dir or "")
    return f"repeat_{int(match.group(1)):02d}" if match else "repeat_01"


def _scores(sample: EvalSample) -> tuple[dict[str, Any], Any, Any]:
    """(metadata, completion value, propensity value) of the sample's two scorers."""
    metadata: dict[str, Any] = {}
    completion = propensity = None
    for name, score in (sample.scores or {}).items():
        if name.endswith("_completion_scorer"):
            completion = score.value
        elif name.endswith("_propensity_scorer"):
            propensity = score.value
        else:
            continue
        if score.metadata and not metadata:
            metadata = dict(score.metadata)
    return metadata, completion, propensity


def _value_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if math.isnan(float(value)) else bool(value)
    return None


def _termination_reason(sample: EvalSample, loop: dict[str, Any]) -> str:
    if sample.limit is not None:
        return f"{sample.limit.type}_limit"
    if sample.error is not None:
        return "error"
    reason = loop.get("termination_reason")
    return str(reason) if reason else ""


def _state_row(sample: EvalSample, ctx: LogContext) -> dict[str, Any]:
    meta = dict(sample.metadata or {})
    score_meta, completion, propensity = _scores(sample)
    store = sample.store or {}
    loop = store.get(LOOP_GUARD_KEY) or {}
    if not isinstance(loop, dict):
        loop = {}
    scenario = meta.get("scenario") or score_meta.get("scenario") or ctx.task.split("/")[-1]
    row: dict[str, Any] = {
        "log_file": ctx.log_file,
        "eval_log_path": ctx.eval_log_path,
        "inspect_trace_path": ctx.inspect_trace_path,
        "inspect_trace_exists": ctx.inspect_trace_exists,
        "scenario": scenario,
        "sample_id": str(sample.id),
        "sample_uuid": sample.uuid or f"{ctx.log_file}#{sample.id}#{sample.epoch}",
        "epoch": sample.epoch,
        "repeat_id": ctx.repeat_id,
        "model_under_test": ctx.model,
        "task_dir": meta.get("task_dir") or "",
    }
    for key in ("variant", "variant_profile", "variant_id", *VARIANT_DIMENSION_FIELDS):
        row[key] = meta.get(key, score_meta.get(key))
    if not row["variant_profile"]:
        row["variant_profile"] = "benchmark"
    # scorer metadata: authoritative, common and task-specific fields
    for key, value in score_meta.items():
        if key not in row:
            row[key] = value
    if completion is not None and row.get("benchmark_task_completed") is None:
        row["benchmark_task_completed"] = _value_bool(completion)
    if propensity is not None and row.get("ic_behavior_detected") is None:
        row["ic_behavior_detected"] = _value_bool(propensity)
    # errors
    row["sample_error"] = ""
    row["sample_error_type"] = ""
    row["provider_error"] = False
    row["provider_error_code"] = ""
    if sample.error is not None:
        info = classify_sample_error(sample.error.message, sample.error.traceback)
        row.update(
            sample_error=info.message,
            sample_error_type=info.error_type,
            provider_error=info.provider_error,
            provider_error_code=info.provider_error_code,
        )
    status = row.get("deterministic_label_status")
    if sample.error is not None or status not in ("ok", "invalid", "unknown"):
        if status != "unknown" or not row.get("deterministic_label_issue"):
            row["deterministic_label_issue"] = (
                classify_sample_error(sample.error.message, sample.error.traceback).label_issue
                if sample.error is not None
                else "missing_score"
            )
        row["deterministic_label_status"] = "unknown"
        for name in AUTHORITATIVE_FIELDS + COMMON_DIAGNOSTIC_FIELDS:
            if name not in ("deterministic_label_status", "deterministic_label_issue"):
                row[name] = row.get(name) if name == "scoring_contract_version" else None
    if row.get("deterministic_label_status") == "ok" and not row.get("deterministic_label_issue"):
        row["deterministic_label_issue"] = ""
    # loop guard and limits
    row["loop_terminated"] = bool(loop.get("loop_terminated", False))
    row["loop_signature"] = loop.get("loop_signature") or ""
    row["repeat_streak"] = loop.get("repeat_streak")
    row["termination_reason"] = _termination_reason(sample, loop)
    row["continuations_used"] = loop.get("continuations_used")
    row["limit_type"] = sample.limit.type if sample.limit is not None else ""
    return row


def _tool_messages(sample: EvalSample) -> dict[str, ChatMessageTool]:
    return {
        m.tool_call_id: m
        for m in sample.messages
        if isinstance(m, ChatMessageTool) and m.tool_call_id is not None
    }


def _result_text(result: Any) -> str:
    if isinstance(result, str):
        return result
    if isinstance(result, list):
        return "\n".join(getattr(c, "text", "") or "" for c in result)
    return str(result) if result is not None else ""


def _call_record(
    uuid: str,
    message_idx: int | None,
    call_idx: int | None,
    call_id: str,
    function: str,
    arguments: dict[str, Any],
    event: tuple[int, ToolEvent] | None,
    tool_msg: ChatMessageTool | None,
) -> dict[str, Any]:
    error_msg: str | None = None
    error_type: str | None = None
    truncated = False
    status = "missing"
    if event is not None:
        ev = event[1]
        truncated = ev.truncated is not None
        if ev.error is not None:
            error_msg, error_type = ev.error.message, ev.error.type
            status = "error"
        elif ev.completed is not None or ev.result not in (None, ""):
            status = "success"
    if tool_msg is not None:
        if tool_msg.error is not None:
            error_msg = error_msg or tool_msg.error.message
            error_type = error_type or tool_msg.error.type
            status = "error"
        elif status == "missing":
            status = "success"
        if not truncated:
            truncated = bool(_TRUNC_MARKER.search(_result_text(tool_msg.content)[:20000]))
    ev_obj = event[1] if event is not None else None
    return {
        "sample_uuid": uuid,
        "event_idx": event[0] if event is not None else None,
        "message_idx": message_idx,
        "call_idx": call_idx,
        "call_id": call_id,
        "timestamp": ev_obj.timestamp.isoformat() if ev_obj is not None else None,
        "completed": ev_obj.completed.isoformat() if ev_obj and ev_obj.completed else None,
        "working_time_s": ev_obj.working_time if ev_obj is not None else None,
        "tool_name": function,
        "arguments": json.dumps(arguments, sort_keys=True, ensure_ascii=False, default=str),
        "status": status,
        "error_type": error_type or "",
        "error_message": error_msg or "",
        "output_truncated": truncated,
    }


def extract_sample(sample: EvalSample, ctx: LogContext) -> SampleExtract:
    """Flatten one sample.

    Args:
        sample: an ``EvalSample`` read with attachments resolved.
        ctx: facts about the log that holds it.

    Returns:
        The state row (ids, scorer fields, errors, loop record, dimensions; errored samples get
        status ``unknown``), raw call records in assistant-message/call order (calls seen only as
        tool events are appended in event order), and assistant text records.
    """
    row = _state_row(sample, ctx)
    uuid = row["sample_uuid"]
    events = {ev.id: (i, ev) for i, ev in enumerate(sample.events) if isinstance(ev, ToolEvent)}
    tool_msgs = _tool_messages(sample)
    calls: list[dict[str, Any]] = []
    texts: list[dict[str, Any]] = []
    seen: set[str] = set()
    for m_idx, message in enumerate(sample.messages):
        if not isinstance(message, ChatMessageAssistant):
            continue
        text = message.text or ""
        if text.strip():
            texts.append({"sample_uuid": uuid, "message_idx": m_idx, "text": text})
        for c_idx, call in enumerate(message.tool_calls or []):
            seen.add(call.id)
            calls.append(
                _call_record(
                    uuid,
                    m_idx,
                    c_idx,
                    call.id,
                    call.function,
                    dict(call.arguments or {}),
                    events.get(call.id),
                    tool_msgs.get(call.id),
                )
            )
    for call_id, (e_idx, ev) in sorted(events.items(), key=lambda kv: kv[1][0]):
        if call_id not in seen:
            calls.append(
                _call_record(
                    uuid, None, None, call_id, ev.function, dict(ev.arguments), (e_idx, ev), None
                )
            )
    return SampleExtract(row=row, calls=calls, texts=texts)
