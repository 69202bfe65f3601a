"""The audit as an Inspect task: one sample per audited transcript, the auditor bound to the
``grader`` model role (analysis.md §8).

The solver resolves ``get_model(role="grader", required=True)`` — it never falls back to another
model — sends the fixed system prompt and the sample's prompt, parses the verdict and, when the
reply is malformed, retries once with the parse error. Every attempt's raw reply, parse error and
usage go to the sample store under :data:`AUDIT_STORE_KEY`.
"""

from __future__ import annotations

from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import (
    ChatMessage,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    ModelOutput,
    get_model,
)
from inspect_ai.solver import Generate, Solver, TaskState, solver

from inspect_ic.analysis.audit.inputs import AuditItem
from inspect_ic.analysis.audit.prompt import RETRY_PROMPT, SYSTEM_PROMPT
from inspect_ic.analysis.audit.verdict import parse_verdict

AUDIT_STORE_KEY = "ic_audit"
AUDIT_TASK_NAME = "ic_tool_trace_audit"
GRADER_ROLE = "grader"


@solver
def audit_solver(max_retries: int = 1, temperature: float | None = 0.0) -> Solver:
    """Ask the ``grader`` model for a verdict; retry up to ``max_retries`` times if malformed.

    Args:
        max_retries: extra attempts after a malformed reply (the audit uses 1).
        temperature: sampling temperature (0 by default; ``None`` leaves the provider default,
            for models that reject the parameter).
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        grader = get_model(role=GRADER_ROLE, required=True)
        config = GenerateConfig(temperature=temperature) if temperature is not None else None
        messages: list[ChatMessage] = [
            ChatMessageSystem(content=SYSTEM_PROMPT),
            ChatMessageUser(content=state.input_text),
        ]
        attempts: list[dict[str, Any]] = []
        verdict = None
        output: ModelOutput | None = None
        for attempt in range(1 + max_retries):
            output = await grader.generate(messages, config=config or GenerateConfig())
            raw = output.completion
            verdict, error = parse_verdict(raw)
            attempts.append(
                {
                    "attempt": attempt + 1,
                    "raw_output": raw,
                    "parse_error": error,
                    "usage": output.usage.model_dump(exclude_none=True) if output.usage else None,
                }
            )
            messages.append(output.message)
            if verdict is not None:
                break
            messages.append(ChatMessageUser(content=RETRY_PROMPT.format(error=error)))
        state.messages = messages
        if output is not None:
            state.output = output
        state.store.set(
            AUDIT_STORE_KEY,
            {
                "status": "valid" if verdict is not None else "malformed",
                "attempts": attempts,
                "verdict": verdict.model_dump() if verdict is not None else None,
                "auditor_model": str(grader),
            },
        )
        return state

    return solve


def audit_task(
    items: list[AuditItem], metadata: dict[str, Any], temperature: float | None = 0.0
) -> Task:
    """The Inspect task auditing ``items`` (sample ids are the audit ids)."""
    dataset = MemoryDataset(
        [
            Sample(
                id=item.audit_id,
                input=item.prompt,
                metadata={"sample_uuid": item.sample_uuid, "prompt_sha256": item.prompt_sha256},
            )
            for item in items
        ],
        name=AUDIT_TASK_NAME,
    )
    return Task(
        dataset=dataset,
        solver=audit_solver(max_retries=1, temperature=temperature),
        name=AUDIT_TASK_NAME,
        metadata=metadata,
    )
