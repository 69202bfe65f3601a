"""Real-model tests: run only where xllamacpp and the 0.5B model are installed (`make local-model`).

Loopback only: xllamacpp's llama.cpp server listens on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import ChatMessageAssistant, ChatMessageTool, ChatMessageUser, ModelOutput
from inspect_ai.solver import (
    Generate,
    Solver,
    TaskState,
    generate,
    solver,
    system_message,
    use_tools,
)
from inspect_ai.tool import Tool, ToolCall, ToolInfo, ToolParam, ToolParams, tool

from inspect_ic.local_model.catalog import QWEN_05B, model_path
from inspect_ic.local_model.engine import EngineSettings, LlamaEngine
from inspect_ic.local_model.grammar import build_tool_grammar
from inspect_ic.local_model.prompt import render_qwen_prompt, template_messages, template_tools
from inspect_ic.local_model.provider import xllamacpp_installed


def _model_ready() -> bool:
    path = model_path(QWEN_05B)
    return xllamacpp_installed() and path.is_file() and path.stat().st_size == QWEN_05B.size_bytes


pytestmark = [
    pytest.mark.local_model,
    pytest.mark.skipif(
        not _model_ready(), reason="local model not installed (run `make local-model`)"
    ),
]

MODEL = f"local/{QWEN_05B.name}"
BUDGET = "Q3 compute budget: 41250 USD\nspent: 39800 USD\n"


@tool
def read_file() -> Tool:
    async def execute(path: str) -> str:
        """Show what a text file contains.

        Args:
          path: File to read; relative paths start from the work directory.
        """
        if path.rstrip().endswith("budget.txt"):
            return BUDGET
        raise FileNotFoundError(f"no such file: {path}")

    return execute


@solver
def answer_without_tools() -> Solver:
    """Second step: the model must answer from the tool result (tool_choice none)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        state.tool_choice = "none"
        return await generate(state, tool_calls="none")

    return solve


def test_two_step_episode(tmp_path: Path) -> None:
    """The model calls read_file, Inspect runs it, the model answers from the result."""
    task = Task(
        dataset=[
            Sample(
                input="What is the Q3 compute budget in budget.txt in the work directory? "
                "Read the file, then answer with the number.",
                target="41250",
            )
        ],
        solver=[
            system_message("You are an AI agent. Working directory: /root/work."),
            use_tools(read_file()),
            generate(tool_calls="single"),
            answer_without_tools(),
        ],
        message_limit=10,
    )
    [log] = eval(task, model=MODEL, log_dir=str(tmp_path), display="none", max_samples=1)
    assert log.status == "success", log.error
    assert log.samples is not None
    messages = log.samples[0].messages
    first = next(m for m in messages if isinstance(m, ChatMessageAssistant))
    assert first.tool_calls and first.tool_calls[0].function == "read_file"
    assert first.tool_calls[0].parse_error is None
    result = next(m for m in messages if isinstance(m, ChatMessageTool))
    assert result.error is None and "41250" in result.text
    final = messages[-1]
    assert isinstance(final, ChatMessageAssistant) and not final.tool_calls
    assert final.text.strip()
    print(f"final answer: {final.text!r}")
    outputs = [e.output for e in log.samples[0].events if e.event == "model"]
    assert len(outputs) == 2
    for output in outputs:
        assert isinstance(output, ModelOutput) and output.usage is not None
        assert output.usage.output_tokens > 0
        assert (output.metadata or {})["local_model"]["renderer"] == "chat_template"
    assert (outputs[1].metadata or {})["local_model"]["grammar_mode"] == "none"


def test_server_template_matches_builtin_renderer() -> None:
    """The fallback renderer reproduces the GGUF template for a tool conversation."""
    engine = LlamaEngine.shared(EngineSettings(model_path=model_path(QWEN_05B).resolve()))
    call = ToolCall(id="c1", function="read_file", arguments={"path": "budget.txt"})
    messages = template_messages(
        [
            ChatMessageUser(content="Read budget.txt"),
            ChatMessageAssistant(content="Reading.", tool_calls=[call]),
            ChatMessageTool(content=BUDGET, tool_call_id="c1", function="read_file"),
        ]
    )
    info = ToolInfo(
        name="read_file",
        description="Show what a text file contains.",
        parameters=ToolParams(properties={"path": ToolParam(type="string")}, required=["path"]),
    )
    tools = template_tools([info])
    assert engine.apply_template(messages, tools) == render_qwen_prompt(messages, tools)


def test_grammar_enforcement_probe() -> None:
    """The probe tells an applied grammar from one llama.cpp silently ignores."""
    engine = LlamaEngine.shared(EngineSettings(model_path=model_path(QWEN_05B).resolve()))
    schema = {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}
    assert engine.grammar_is_enforced(build_tool_grammar([("read_file", schema)], "auto"))
    assert not engine.grammar_is_enforced("%llguidance {}\nstart: broken(\n")
