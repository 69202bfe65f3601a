"""The local/ provider with a fake llama.cpp engine: errors, rendering, grammar, output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageTool,
    ChatMessageUser,
    GenerateConfig,
    get_model,
)
from inspect_ai.model._model_call import ModelCall
from inspect_ai.tool import ToolCall, ToolInfo, ToolParam, ToolParams

import inspect_ic.local_model.grammar as grammar_module
import inspect_ic.local_model.provider as provider
from inspect_ic.local_model.catalog import MODEL_DIR_ENV
from inspect_ic.local_model.engine import EngineError, EngineSettings, LlamaEngine
from inspect_ic.local_model.prompt import render_qwen_prompt, template_messages, template_tools

READ_FILE = ToolInfo(
    name="read_file",
    description="Show what a text file contains.",
    parameters=ToolParams(
        properties={"path": ToolParam(type="string", description="File.")}, required=["path"]
    ),
)
USER: list[ChatMessage] = [ChatMessageUser(content="Read notes.txt")]


class FakeEngine:
    """Stands in for LlamaEngine: canned completions, records requests."""

    def __init__(
        self, text: str = "", *, template_error: bool = False, enforce: bool = True
    ) -> None:
        self.settings = EngineSettings(model_path=Path("/fake/model.gguf"))
        self.load_seconds = 0.5
        self.text = text
        self.template_error = template_error
        self.enforce = enforce
        self.requests: list[dict[str, Any]] = []
        self.error: EngineError | None = None

    def start(self) -> None:
        if self.error is not None and self.error.kind == "load":
            raise self.error

    def apply_template(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> str:
        if self.template_error:
            raise EngineError("/apply-template: HTTP 400: refused")
        return "TEMPLATE:" + json.dumps([messages, tools])

    def tokenize(self, text: str) -> list[int]:
        return list(range(len(text.split())))

    def grammar_is_enforced(self, grammar: str) -> bool:
        return self.enforce

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        return {
            "choices": [{"text": self.text, "finish_reason": "stop"}],
            "usage": {
                "prompt_tokens": 40,
                "completion_tokens": 12,
                "prompt_tokens_details": {"cached_tokens": 30},
            },
            "timings": {"predicted_n": 12},
        }


@pytest.fixture
def fake_model_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A custom model path, xllamacpp reported present, and the lark converter stubbed."""
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF")
    monkeypatch.setattr(provider, "xllamacpp_installed", lambda: True)
    monkeypatch.setattr(
        grammar_module,
        "default_converter",
        lambda: lambda schema: "%llguidance {}\nstart: %json " + json.dumps(schema),
    )
    return path


def make_api(path: Path, engine: FakeEngine, **model_args: Any) -> provider.LocalModelAPI:
    api = provider.LocalModelAPI("qwen2.5-coder-0.5b", model_path=str(path), **model_args)
    api.engine = engine  # type: ignore[assignment]
    return api


def test_missing_model_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(provider, "xllamacpp_installed", lambda: True)
    with pytest.raises(provider.LocalModelUnavailable) as info:
        get_model("local/qwen2.5-coder-0.5b", memoize=False)
    message = str(info.value)
    assert "\n" not in message and "run `make local-model`" in message
    assert str(tmp_path / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf") in message
    assert info.value.message == message  # what Inspect's CLI prints
    with pytest.raises(provider.LocalModelUnavailable, match="--size 1.5b"):
        get_model("local/qwen2.5-coder-1.5b", memoize=False)


def test_incomplete_model_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(provider, "xllamacpp_installed", lambda: True)
    (tmp_path / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf").write_bytes(b"short")
    with pytest.raises(provider.LocalModelUnavailable, match="incomplete; run `make local-model`"):
        provider.LocalModelAPI("qwen2.5-coder-0.5b")


def test_missing_xllamacpp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provider, "xllamacpp_installed", lambda: False)
    with pytest.raises(
        provider.LocalModelUnavailable, match="needs xllamacpp; run `make local-model`"
    ):
        provider.LocalModelAPI("qwen2.5-coder-0.5b")


def test_unknown_model_and_model_args(fake_model_file: Path) -> None:
    with pytest.raises(provider.LocalModelUnavailable, match="known models: qwen2.5-coder-0.5b"):
        provider.LocalModelAPI("llama-70b")
    with pytest.raises(provider.LocalModelUnavailable, match="n_ctxx"):
        provider.LocalModelAPI("qwen2.5-coder-0.5b", model_path=str(fake_model_file), n_ctxx=4)


async def test_tool_call_turn(fake_model_file: Path) -> None:
    engine = FakeEngine(
        'Reading it.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "notes.txt"}}\n</tool_call>'
    )
    api = make_api(fake_model_file, engine)
    output, call = await api.generate(USER, [READ_FILE], "auto", GenerateConfig(seed=5))
    assert not isinstance(output, Exception) and isinstance(call, ModelCall)
    assert output.stop_reason == "tool_calls"
    assert output.message.text == "Reading it."
    assert [(c.function, c.arguments) for c in output.message.tool_calls or []] == [
        ("read_file", {"path": "notes.txt"})
    ]
    assert output.usage is not None and output.usage.input_tokens == 10
    request = engine.requests[0]
    assert request["prompt"] == "TEMPLATE:" + json.dumps(
        [template_messages(USER), template_tools([READ_FILE])]
    )
    assert (
        request["grammar"].startswith("%llguidance") and '"const":"read_file"' in request["grammar"]
    )
    assert request["seed"] == 5 and request["repeat_penalty"] == 1.0
    facts = (output.metadata or {})["local_model"]
    assert facts["renderer"] == "chat_template" and facts["grammar_mode"] == "auto"
    assert facts["call_sources"] == ["tagged"] and facts["load_seconds"] == 0.5
    assert call.request["grammar"] == request["grammar"]


async def test_builtin_renderer_fallback(fake_model_file: Path) -> None:
    engine = FakeEngine("The answer is 4.", template_error=True)
    api = make_api(fake_model_file, engine)
    output, _ = await api.generate(USER, [READ_FILE], "auto", GenerateConfig())
    assert not isinstance(output, Exception)
    assert engine.requests[0]["prompt"] == render_qwen_prompt(
        template_messages(USER), template_tools([READ_FILE])
    )
    assert (output.metadata or {})["local_model"]["renderer"].startswith("builtin: ")
    assert output.stop_reason == "stop" and output.completion == "The answer is 4."


async def test_tool_choice_none_is_text_only_and_no_tools_no_grammar(fake_model_file: Path) -> None:
    engine = FakeEngine('{"name": "read_file", "arguments": {"path": "x"}}')
    api = make_api(fake_model_file, engine)
    output, _ = await api.generate(USER, [READ_FILE], "none", GenerateConfig())
    assert not isinstance(output, Exception)
    assert output.message.tool_calls is None
    assert engine.requests[0]["grammar"].splitlines()[1] == "start: ic_text"
    output, _ = await api.generate(USER, [], "auto", GenerateConfig())
    assert not isinstance(output, Exception)
    assert "grammar" not in engine.requests[1]
    assert (output.metadata or {})["local_model"]["grammar_mode"] is None


async def test_withheld_tools_in_a_tool_conversation_get_text_grammar(
    fake_model_file: Path,
) -> None:
    """Inspect drops the tools for tool_choice none; the turn must still not fake a call."""
    engine = FakeEngine('{"name": "read_file", "arguments": {"path": "x"}}')
    api = make_api(fake_model_file, engine)
    history = USER + [
        ChatMessageAssistant(
            content="",
            tool_calls=[ToolCall(id="c1", function="read_file", arguments={"path": "x"})],
        ),
        ChatMessageTool(content="41250", tool_call_id="c1", function="read_file"),
    ]
    output, _ = await api.generate(history, [], "none", GenerateConfig())
    assert not isinstance(output, Exception) and output.message.tool_calls is None
    assert engine.requests[0]["grammar"].splitlines()[1] == "start: ic_text"
    assert (output.metadata or {})["local_model"]["grammar_mode"] == "none"


async def test_relaxed_grammar_then_error_when_never_enforced(fake_model_file: Path) -> None:
    engine = FakeEngine("x", enforce=False)
    api = make_api(fake_model_file, engine)
    result, call = await api.generate(USER, [READ_FILE], "any", GenerateConfig())
    assert isinstance(result, EngineError) and "does not enforce" in str(result)
    assert engine.requests == []

    calls: list[str] = []

    def second_only(grammar: str) -> bool:
        calls.append(grammar)
        return len(calls) == 2

    engine.enforce = True
    engine.grammar_is_enforced = second_only  # type: ignore[method-assign]
    output, _ = await make_api(fake_model_file, engine).generate(
        USER, [READ_FILE], "any", GenerateConfig()
    )
    assert not isinstance(output, Exception)
    assert (output.metadata or {})["local_model"]["grammar_relaxed"] is True
    assert engine.requests[0]["grammar"] == calls[1]


async def test_context_overflow_and_engine_errors(fake_model_file: Path) -> None:
    engine = FakeEngine()
    engine.error = EngineError(
        "exceed_context_size_error: too long",
        "exceed_context_size_error",
        {"n_prompt_tokens": 9000, "n_ctx": 8192},
    )
    api = make_api(fake_model_file, engine)
    output, _ = await api.generate(USER, [READ_FILE], "auto", GenerateConfig())
    assert not isinstance(output, Exception) and output.stop_reason == "model_length"
    engine.error = EngineError("server_error: boom", "server_error", {})
    result, call = await api.generate(USER, [READ_FILE], "auto", GenerateConfig())
    assert isinstance(result, EngineError) and "boom" in str(call.response)


async def test_inspect_model_integration_and_token_counting(
    fake_model_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FakeEngine("Done: 41250.")
    monkeypatch.setattr(LlamaEngine, "shared", classmethod(lambda cls, settings: engine))
    model = get_model("local/qwen2.5-coder-0.5b", model_path=str(fake_model_file), memoize=False)
    assert isinstance(model.api, provider.LocalModelAPI)
    assert model.api.max_connections() == 1
    assert model.config.max_connections == 1  # static one-slot pool, not adaptive
    output = await model.generate(USER)
    assert output.completion == "Done: 41250." and output.usage is not None
    assert await model.api.count_text_tokens("one two three") == 3


def test_bench_uses_the_four_scaffold_tools() -> None:
    from inspect_ic.local_model.bench import scaffold_tools

    tools = {t.name: t for t in scaffold_tools()}
    assert list(tools) == ["shell", "read_file", "write_file", "list_dir"]
    assert tools["shell"].parameters.required == ["command"]
    assert tools["write_file"].parameters.required == ["path", "content"]


async def test_load_failure_is_returned_as_the_error(fake_model_file: Path) -> None:
    engine = FakeEngine()
    engine.error = EngineError("llama.cpp server failed to start: bad magic", "load")
    result, _ = await make_api(fake_model_file, engine).generate(
        USER, [READ_FILE], "auto", GenerateConfig()
    )
    assert isinstance(result, EngineError) and "bad magic" in str(result)
    assert engine.requests == []
