"""The llama.cpp server (``xllamacpp.Server``) behind the provider: one per model per process.

``xllamacpp.Server`` loads the GGUF in-process and also listens on 127.0.0.1 (random port);
we use the HTTP side only for ``/apply-template`` and ``/tokenize`` and call completions through
the in-process handler. Every call is blocking and serialised by a lock: the server has one slot,
so requests in sequence reuse the cached prompt prefix (one sample at a time: ~2.5 s per agent
step for the 0.5B model on 2 cores).
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

HTTP_TIMEOUT = 60.0
"""Seconds to wait for the loopback template/tokenize endpoints."""

PROBE_TEXT = "</"
"""A start no tool-call grammar allows (text never contains ``<``; calls open ``<tool_call>``)."""


class EngineError(RuntimeError):
    """The llama.cpp server failed or returned an error.

    Attributes:
        kind: The server's error ``type`` (e.g. ``exceed_context_size_error``), if it sent one.
        data: The server's whole error object (may hold ``n_prompt_tokens``, ``n_ctx``).
    """

    def __init__(self, message: str, kind: str | None = None, data: dict[str, Any] | None = None):
        """Store the message, error kind and error data."""
        super().__init__(message)
        self.kind = kind
        self.data = data or {}


@dataclass(frozen=True)
class EngineSettings:
    """How to start the server.

    Attributes:
        model_path: Assembled GGUF file.
        n_ctx: Context window in tokens (prompt plus completion).
        n_threads: CPU threads for prompt processing and generation.
        verbosity: llama.cpp log verbosity (0 quiet ... 3 chatty; logs go to stderr).
    """

    model_path: Path
    n_ctx: int = 8192
    n_threads: int = max(1, os.cpu_count() or 1)
    verbosity: int = 0


class LlamaEngine:
    """A loaded model. Get the shared instance with :meth:`shared`; it loads on first use.

    Attributes:
        settings: Start-up settings.
        load_seconds: Wall time of the model load (None until loaded).
    """

    _instances: ClassVar[dict[EngineSettings, LlamaEngine]] = {}
    _instances_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, settings: EngineSettings) -> None:
        """Record settings; nothing is loaded yet (see :meth:`start`)."""
        self.settings = settings
        self.load_seconds: float | None = None
        self._server: Any = None
        self._address = ""
        self._lock = threading.RLock()
        self._checked_grammars: dict[str, bool] = {}

    @classmethod
    def shared(cls, settings: EngineSettings) -> LlamaEngine:
        """The process-wide engine for ``settings`` (created unloaded on first request)."""
        with cls._instances_lock:
            engine = cls._instances.get(settings)
            if engine is None:
                engine = cls._instances[settings] = cls(settings)
            return engine

    @property
    def loaded(self) -> bool:
        """Whether the server is running."""
        return self._server is not None

    def start(self) -> None:
        """Load the model and start the server (no-op when running).

        Raises:
            ImportError: xllamacpp is not installed.
            EngineError: the server did not start.
        """
        with self._lock:
            if self._server is not None:
                return
            import xllamacpp

            params = xllamacpp.CommonParams()
            params.model.path = str(self.settings.model_path)
            params.n_ctx = self.settings.n_ctx
            params.n_parallel = 1
            params.cpuparams.n_threads = self.settings.n_threads
            params.cpuparams_batch.n_threads = self.settings.n_threads
            params.verbosity = self.settings.verbosity
            params.warmup = False
            params.offline = True
            params.sampling.penalty_repeat = 1.0
            started = time.perf_counter()
            try:
                server = xllamacpp.Server(params)
            except Exception as exc:  # xllamacpp raises plain exceptions
                raise EngineError(f"llama.cpp server failed to start: {exc}") from exc
            self.load_seconds = time.perf_counter() - started
            self._server = server
            self._address = str(server.listening_address).rstrip("/")

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST JSON to a loopback endpoint of the server.

        Raises:
            EngineError: HTTP or connection error (with the server's message when it sent one).
        """
        self.start()
        request = urllib.request.Request(
            self._address + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
                result: dict[str, Any] = json.loads(response.read())
                return result
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise EngineError(f"{path}: HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise EngineError(f"{path}: {exc}") from exc

    def apply_template(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> str:
        """Render a prompt with the GGUF's own chat template (``/apply-template``).

        Raises:
            EngineError: the server refused (e.g. a conversation ending in a tool-call turn).
        """
        body: dict[str, Any] = {"messages": messages}
        if tools:
            body["tools"] = tools
        prompt = self._post("/apply-template", body).get("prompt")
        if not isinstance(prompt, str):
            raise EngineError("/apply-template returned no prompt")
        return prompt

    def tokenize(self, text: str) -> list[int]:
        """Token ids of ``text`` (special tokens parsed), via ``/tokenize``.

        Raises:
            EngineError: the endpoint failed.
        """
        tokens = self._post("/tokenize", {"content": text}).get("tokens", [])
        return [int(t) for t in tokens]

    def complete(self, request: dict[str, Any]) -> dict[str, Any]:
        """Run one non-streaming completion (llama.cpp ``/completion`` request fields).

        Returns:
            The response dict (``choices``, ``usage``, ``timings``, ...).

        Raises:
            EngineError: the server answered with an error (its ``type`` and ``message``).
        """
        self.start()
        with self._lock:
            response: dict[str, Any] = self._server.handle_completions(request)
        error = response.get("error")
        if error:
            data = error if isinstance(error, dict) else {"message": str(error)}
            kind = str(data.get("type", "error"))
            raise EngineError(f"{kind}: {data.get('message', '')}", kind, data)
        return response

    def grammar_is_enforced(self, grammar: str) -> bool:
        """Whether the server actually applies ``grammar`` (result cached per grammar text).

        llama.cpp ignores a grammar it cannot compile (it only logs the error), so we probe:
        a one-token completion whose logits strongly favour :data:`PROBE_TEXT`, which every
        grammar built here forbids as a start. An enforced grammar yields something else.
        """
        with self._lock:
            if grammar not in self._checked_grammars:
                favoured = self.tokenize(PROBE_TEXT)[:1]
                response = self.complete(
                    {
                        "prompt": "<|im_start|>assistant\n",
                        "n_predict": 1,
                        "temperature": 0.0,
                        "grammar": grammar,
                        "logit_bias": [[favoured[0], 100.0]] if favoured else [],
                    }
                )
                text = str(response.get("choices", [{}])[0].get("text", ""))
                self._checked_grammars[grammar] = not text.startswith(PROBE_TEXT)
            return self._checked_grammars[grammar]
