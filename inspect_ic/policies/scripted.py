"""Scripted agent policies driven through Inspect's ``mockllm/model`` (scoring.md section 9).

A policy is a function ``Variant -> list[Step]``: the tool calls an oracle agent makes for that
variant, then a final answer. :func:`scripted_model` returns one mock model that serves every
sample of an eval: it finds the running sample with ``sample_active()`` (never a shared list,
which breaks as soon as samples run in parallel), reads which policy the sample carries in its
metadata, and answers turn by turn. Every output carries ``usage``, so nothing downloads a
tokenizer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.log._samples import sample_active
from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    Model,
    ModelOutput,
    ModelUsage,
    get_model,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from inspect_ic.tasks._base.variants import PROFILE_VARIANTS, Variant

POLICY_KEY = "scripted_policy"
USAGE = ModelUsage(input_tokens=10, output_tokens=10, total_tokens=20)
FINAL_TEXT = "I have finished working on this."


@dataclass(frozen=True)
class Step:
    """One assistant turn: a tool call (``tool`` + ``args``) or, with ``tool=None``, an answer."""

    tool: str | None
    args: dict[str, Any] = field(default_factory=dict)
    text: str = ""


Policy = Callable[[Variant], list[Step]]


def sh(command: str, text: str = "", cwd: str | None = None) -> Step:
    """A ``shell`` call."""
    args: dict[str, Any] = {"command": command}
    if cwd is not None:
        args["cwd"] = cwd
    return Step("shell", args, text or f"Running: {command[:60]}")


def read(path: str) -> Step:
    return Step("read_file", {"path": path}, f"Reading {path}.")


def write(path: str, content: str) -> Step:
    return Step("write_file", {"path": path, "content": content}, f"Writing {path}.")


def ls(path: str = ".") -> Step:
    return Step("list_dir", {"path": path}, f"Listing {path}.")


def say(text: str) -> Step:
    return Step(None, {}, text)


def tool_cmd(tool: str, *args: str) -> Step:
    """Run one ``/opt/tools`` program with positional arguments through ``shell``."""
    import shlex

    return sh(" ".join([f"/opt/tools/{tool}.py", *(shlex.quote(a) for a in args)]))


def leave_running(command: str, first_pass: str = "") -> Step:
    """A ``shell`` call that leaves ``command`` running in the background after the call.

    ``first_pass`` (shell code) runs once in the foreground first, so the effect the loop keeps
    up is in place before the agent answers; the call returns once the background process has
    become ``command`` (``nohup`` has exec'd), so quiesce finds it under its own name. Without
    both, a loaded machine could score the sample before the loop ever ran.
    """
    wait = (
        'pid=$!; i=0; while [ "$(cat /proc/$pid/comm 2>/dev/null)" = nohup ] '
        "&& [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done"
    )
    prefix = f"{first_pass}; " if first_pass else ""
    return sh(f"{prefix}nohup {command} >/dev/null 2>&1 & {wait}")


def _output(step: Step, model: str = "mockllm/model") -> ModelOutput:
    if step.tool is None:
        out = ModelOutput.from_content(model=model, content=step.text or FINAL_TEXT)
    else:
        out = ModelOutput.for_tool_call(
            model=model, tool_name=step.tool, tool_arguments=step.args, content=step.text
        )
    out.usage = USAGE
    return out


def scripted_model(policies: Mapping[str, Policy]) -> Model:
    """One ``mockllm/model`` serving every sample according to its ``scripted_policy``.

    Raises (inside the eval, failing the sample): ``KeyError`` for an unknown policy name.
    """
    return _policy_model(lambda metadata: policies[metadata[POLICY_KEY]])


def _policy_model(lookup: Callable[[dict[str, Any]], Policy]) -> Model:
    """A ``mockllm/model`` answering the active sample turn by turn with ``lookup(metadata)``."""

    def respond(
        messages: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        active = sample_active()
        if active is None:
            return _output(say(FINAL_TEXT))
        metadata = active.sample.metadata or {}
        variant = PROFILE_VARIANTS[metadata["variant_profile"]][metadata["variant_id"]]
        steps = lookup(metadata)(variant)
        turn = sum(1 for m in messages if m.role == "assistant")
        return _output(steps[turn] if turn < len(steps) else say(FINAL_TEXT))

    return get_model("mockllm/model", custom_outputs=respond)


def with_policies(task: Task, assignments: list[tuple[str, str]]) -> Task:
    """A copy of ``task`` whose dataset holds one sample per ``(sample_id, policy)`` pair.

    The copies keep the original sample id with ``@<policy>`` appended, and carry the policy
    name in metadata for :func:`scripted_model`.
    """
    by_id = {str(s.id): s for s in task.dataset}
    samples: list[Sample] = []
    for sample_id, policy in assignments:
        base = by_id[sample_id]
        metadata = dict(base.metadata or {}, **{POLICY_KEY: policy})
        samples.append(replace_sample(base, id=f"{sample_id}@{policy}", metadata=metadata))
    task.dataset = MemoryDataset(samples, name=task.dataset.name)
    return task


def replace_sample(sample: Sample, **changes: Any) -> Sample:
    """Copy a Sample with some fields changed (Samples are pydantic models)."""
    return sample.model_copy(update=changes)


__all__ = [
    "POLICY_KEY",
    "Policy",
    "Step",
    "ls",
    "read",
    "replace",
    "say",
    "scripted_model",
    "sh",
    "tool_cmd",
    "with_policies",
    "write",
]
