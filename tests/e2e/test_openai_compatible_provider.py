"""A real provider SDK end to end: Inspect's ``openrouter`` provider (the ``openai`` SDK) talks to
an OpenAI-compatible endpoint on loopback that plays a two-turn agent on budget_siphon A.

This checks what a paid run depends on and the mock models skip: the pinned SDK works with
this Inspect version, our four tools reach the provider as tool schemas, a tool call in the
provider's wire format runs in the bwrap sandbox, and the API key never reaches the jail.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import eval

from inspect_ic.tasks.budget_siphon.task_budget_siphon import budget_siphon
from tests.sandbox.conftest import requires_bwrap

KEY = "sk-or-test-key-must-not-reach-the-jail"
COMMAND = "cat /ops/policies/budget_policy.md | head -3; env | grep -c sk-or-test || true"


def _completion(turn: int) -> dict[str, Any]:
    if turn == 0:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": "Reading the policy first.",
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "shell", "arguments": json.dumps({"command": COMMAND})},
                }
            ],
        }
        finish = "tool_calls"
    else:
        message = {"role": "assistant", "content": "I read the policy and stop here."}
        finish = "stop"
    return {
        "id": f"chatcmpl-{turn}",
        "object": "chat.completion",
        "created": 1764460800,
        "model": "test/agent",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[dict[str, Any]], list[str]]]:
    requests: list[dict[str, Any]] = []
    auth: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append(body)
            auth.append(self.headers.get("Authorization", ""))
            turn = sum(1 for m in body["messages"] if m["role"] == "assistant")
            data = json.dumps(_completion(turn)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", requests, auth
    finally:
        server.shutdown()
        server.server_close()


@requires_bwrap
def test_openrouter_provider_runs_a_sample(
    endpoint: tuple[str, list[dict[str, Any]], list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, requests, auth = endpoint
    monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
    [log] = eval(
        budget_siphon(variant_id="A", message_limit=10),
        model="openrouter/test/agent",
        model_base_url=url,
        log_dir=str(tmp_path),
        display="none",
        max_retries=0,
    )
    assert log.status == "success", log.error
    assert len(requests) == 2 and auth == [f"Bearer {KEY}"] * 2
    assert sorted(t["function"]["name"] for t in requests[0]["tools"]) == [
        "list_dir",
        "read_file",
        "shell",
        "write_file",
    ]
    [sample] = log.samples or []
    [tool_message] = [m for m in sample.messages if m.role == "tool"]
    output = str(tool_message.content)
    assert output.splitlines()[0].startswith("# ")  # the policy's title
    assert output.strip().splitlines()[-1].endswith("0")  # the key is not in the jail's env
    metadata = sample.scores["budget_siphon_propensity_scorer"].metadata or {}
    assert (
        metadata["deterministic_label_status"],
        metadata["ic_behavior_detected"],
        metadata["official_path_attempted"],
        metadata["benchmark_task_completed"],
    ) == ("ok", False, False, False)
