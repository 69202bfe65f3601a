"""``local/...``: Inspect model provider for the packaged offline models (xllamacpp in-process).

Usage::

    inspect eval <task> --model local/qwen2.5-coder-0.5b      # default model
    inspect eval <task> --model local/qwen2.5-coder-1.5b      # after --size 1.5b install
    # model args (-M): model_path=<gguf>, n_ctx=8192, n_threads=<cores>, max_tool_calls=1,
    #                  verbosity=0

Each generate call renders the conversation with the GGUF's own chat template (tools included),
constrains the completion with a grammar built from the tools' JSON schemas
(:mod:`~inspect_ic.local_model.grammar`), parses the calls (:mod:`~inspect_ic.local_model.parse`)
and returns a ModelOutput with usage, metadata and the raw request/response as a ModelCall.
Requests are serialised (``max_connections`` 1, plus a lock in the engine); run one sample at a
time (``--max-samples 1``) so each step reuses the cached prompt prefix.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
from pathlib import Path
from typing import Any

import anyio
from inspect_ai._util.error import PrerequisiteError
from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageTool,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    modelapi,
)
from inspect_ai.model._model_call import ModelCall
from inspect_ai.tool import ToolChoice, ToolInfo

from inspect_ic.local_model import catalog
from inspect_ic.local_model.engine import EngineError, EngineSettings, LlamaEngine
from inspect_ic.local_model.grammar import GrammarMode, ToolSchema, build_tool_grammar
from inspect_ic.local_model.output import build_output, context_overflow_output
from inspect_ic.local_model.parse import ParsedCompletion, parse_completion
from inspect_ic.local_model.prompt import render_qwen_prompt, template_messages, template_tools
from inspect_ic.local_model.request import DEFAULT_MAX_TOKENS, completion_request, grammar_mode


class LocalModelUnavailable(PrerequisiteError):
    """xllamacpp or the model file is missing; the one-line message names the fix."""

    def __init__(self, message: str) -> None:
        """Keep ``message`` both for Inspect's CLI (``.message``) and for ``str()``."""
        super().__init__(message)
        Exception.__init__(self, message)


def has_tool_activity(messages: list[ChatMessage]) -> bool:
    """Whether the conversation already holds tool calls or results.

    Inspect drops the tools when ``tool_choice="none"``; in a tool conversation the model then
    tends to write JSON pseudo-calls, so such turns get the text-only grammar.
    """
    return any(
        isinstance(m, ChatMessageTool) or (isinstance(m, ChatMessageAssistant) and m.tool_calls)
        for m in messages
    )


def xllamacpp_installed() -> bool:
    """Whether the optional ``xllamacpp`` package can be imported (without importing it)."""
    try:
        return importlib.util.find_spec("xllamacpp") is not None
    except (ImportError, ValueError):  # e.g. blocked with sys.modules["xllamacpp"] = None
        return False


def check_available(spec: catalog.ModelSpec, path: Path, *, custom_path: bool = False) -> None:
    """Raise :class:`LocalModelUnavailable` unless xllamacpp and a complete model file exist.

    Args:
        spec: The catalogue entry.
        path: Model file to use.
        custom_path: ``path`` was given by the user (``-M model_path=...``); skip the size check.
    """
    fix = spec.install_command()
    if not xllamacpp_installed():
        raise LocalModelUnavailable(f"local model provider needs xllamacpp; run `{fix}`")
    if not path.is_file():
        raise LocalModelUnavailable(
            f"local model {spec.name} is not installed ({path} missing); run `{fix}`"
        )
    if not custom_path and path.stat().st_size != spec.size_bytes:
        raise LocalModelUnavailable(f"local model file {path} is incomplete; run `{fix}`")


class LocalModelAPI(ModelAPI):
    """Inspect ``ModelAPI`` for ``local/<model>``; see the module docstring for usage."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        model_path: str | None = None,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        max_tool_calls: int = 1,
        verbosity: int = 0,
        **model_args: Any,
    ) -> None:
        """Resolve the model and check it is installed; the model itself loads on first use.

        Args:
            model_name: Catalogue name (``qwen2.5-coder-0.5b``) or size label (``0.5b``).
            base_url: Unused (in-process model).
            api_key: Unused.
            config: Default generation config.
            model_path: Use this GGUF instead of the installed catalogue file.
            n_ctx: Context window in tokens.
            n_threads: CPU threads (default: all cores).
            max_tool_calls: Most tool calls the grammar allows in one turn.
            verbosity: llama.cpp log verbosity (stderr).
            **model_args: Rejected (listed in the error) to catch typos.

        Raises:
            LocalModelUnavailable: unknown model, or xllamacpp / model file missing.
        """
        config = config or GenerateConfig()
        if config.max_connections is None:
            # The Model built around this API shares ``config``: pin it to the static one-slot
            # pool (Inspect's adaptive concurrency would otherwise queue many requests here).
            config.max_connections = 1
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config)
        if model_args:
            raise LocalModelUnavailable(f"unknown model args for local/: {sorted(model_args)}")
        try:
            self.spec = catalog.get_spec(model_name)
        except catalog.UnknownModelError as exc:
            raise LocalModelUnavailable(str(exc)) from exc
        path = Path(model_path).expanduser() if model_path else catalog.model_path(self.spec)
        check_available(self.spec, path, custom_path=model_path is not None)
        settings = EngineSettings(
            model_path=path.resolve(),
            n_ctx=int(n_ctx),
            n_threads=int(n_threads or max(1, os.cpu_count() or 1)),
            verbosity=int(verbosity),
        )
        self.engine = LlamaEngine.shared(settings)
        self.max_tool_calls = max(1, int(max_tool_calls))
        self._grammars: dict[str, tuple[str, bool]] = {}

    def max_connections(self) -> int:
        """One request at a time: the server has a single slot."""
        return 1

    def connection_key(self) -> str:
        """Every instance using the same loaded model shares one connection pool."""
        return str(self.engine.settings)

    def max_tokens(self) -> int | None:
        """Default completion budget per step."""
        return DEFAULT_MAX_TOKENS

    def should_retry(self, ex: Exception) -> bool:
        """Local failures are not transient."""
        return False

    async def count_text_tokens(self, text: str) -> int:
        """Exact count with the model's tokenizer (never tiktoken, which would download)."""
        return len(await self.tokenize(text))

    async def tokenize(self, text: str) -> list[int]:
        """Token ids from the model's tokenizer."""
        return await anyio.to_thread.run_sync(self.engine.tokenize, text)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput | Exception, ModelCall]:
        """Generate one assistant turn (runs the blocking work in a worker thread)."""
        return await anyio.to_thread.run_sync(self._generate, input, tools, tool_choice, config)

    def _render(self, input: list[ChatMessage], tools: list[ToolInfo]) -> tuple[str, str]:
        """Prompt text and which renderer made it (``chat_template`` or ``builtin: <why>``)."""
        messages, specs = template_messages(input), template_tools(tools)
        try:
            return self.engine.apply_template(messages, specs), "chat_template"
        except EngineError as exc:
            return render_qwen_prompt(messages, specs), f"builtin: {exc}"

    def _grammar(self, tools: list[ToolInfo], mode: GrammarMode) -> tuple[str, bool]:
        """Grammar for ``tools`` in ``mode`` and whether argument schemas were relaxed.

        Raises:
            EngineError: the server enforces neither the full nor the relaxed grammar.
        """
        schemas: list[ToolSchema] = [
            (t.name, t.parameters.model_dump(exclude_none=True)) for t in tools
        ]
        key = json.dumps([mode, self.max_tool_calls, schemas], sort_keys=True, default=str)
        if key not in self._grammars:
            for relaxed in (False, True):
                grammar = build_tool_grammar(
                    schemas, mode, max_calls=self.max_tool_calls, relaxed=relaxed
                )
                if self.engine.grammar_is_enforced(grammar):
                    self._grammars[key] = (grammar, relaxed)
                    break
            else:
                raise EngineError(
                    "llama.cpp does not enforce the tool-call grammar (see verbosity=3 logs)"
                )
        return self._grammars[key]

    def _generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> tuple[ModelOutput | Exception, ModelCall]:
        """Blocking body of :meth:`generate`."""
        started = time.perf_counter()
        request: dict[str, Any] = {}
        try:
            self.engine.start()  # load failures surface here, not as a renderer fallback
            prompt, renderer = self._render(input, tools)
            mode, callable_tools = grammar_mode(tools, tool_choice)
            grammar, relaxed = (None, False)
            if tools or has_tool_activity(input):
                grammar, relaxed = self._grammar(callable_tools, mode)
            request = completion_request(prompt, grammar, config)
            response = self.engine.complete(request)
        except EngineError as exc:
            elapsed = time.perf_counter() - started
            call = ModelCall.create(
                request=request, response=exc.data or {"error": str(exc)}, time=elapsed
            )
            if exc.kind == "exceed_context_size_error":
                tokens = int(exc.data.get("n_prompt_tokens", 0))
                return context_overflow_output(self.model_name, tokens, str(exc), elapsed), call
            return exc, call
        text = str((response.get("choices") or [{}])[0].get("text", ""))
        if mode == "none":
            parsed = ParsedCompletion(content=text.strip())
        else:
            parsed = parse_completion(text, {t.name for t in callable_tools})
        elapsed = time.perf_counter() - started
        metadata = {
            "model_file": self.engine.settings.model_path.name,
            "load_seconds": self.engine.load_seconds,
            "renderer": renderer,
            "grammar_mode": mode if grammar is not None else None,
            "grammar_relaxed": relaxed,
            "raw_text": text,
        }
        output = build_output(self.model_name, response, parsed, elapsed=elapsed, metadata=metadata)
        return output, ModelCall.create(request=request, response=response, time=elapsed)


@modelapi(name="local")
def local() -> type[ModelAPI]:
    """Registry entry for ``local/<model>``: Inspect calls this, then the returned class."""
    return LocalModelAPI
