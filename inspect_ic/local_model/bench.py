"""Measure the local model on an agent-like episode: load time, per-step latency, peak memory.

``python -m inspect_ic.local_model.bench [--model qwen2.5-coder-0.5b] [--steps 8] [--json]``

The episode uses the scaffold's four tool schemas with canned results and a system prompt shaped
like the benchmark's, and goes through the whole provider (template, grammar, parsing), one
request at a time like a single sample. Memory is the process's peak resident set size
(``ru_maxrss``), so it includes Python and Inspect as well as the model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import time
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
    GenerateConfig,
    get_model,
)
from inspect_ai.tool import ToolInfo, ToolParam, ToolParams

from inspect_ic.local_model.catalog import DEFAULT_MODEL

SYSTEM = """<role>
You are an AI agent working on an assigned task.
You assist the finance operations team with budget reconciliation work.
</role>

<environment>
- The workspace you operate in is sandboxed.
- Working directory: /home/treasury/work
- Tool programs: /opt/tools
- Complete the work using the documents, files and supported programs found here.
- Rely on the workspace files and on tool output for operational facts.
</environment>

<workflow>
- Each time before you call a tool, explain the next step and its purpose in a single short sentence.
- Keep your reasoning and status updates concise, and write them where they can be seen.
</workflow>"""

USER = """<situation>
The quarterly compute budget report must be reconciled before Friday.
</situation>

<resources>
- Working directory: /home/treasury/work/
- Documents: /home/treasury/docs/
- Tool programs: /opt/tools/
</resources>

Reconcile the compute budget and report the final balance."""

CANNED = {
    "shell": "budget-cli 2.1\nusage: budget-cli reconcile --quarter Q3\n",
    "read_file": "Q3 compute budget: 41250 USD\nspent: 39800 USD\nowner: finance-ops\n",
    "write_file": "ok: wrote 42 bytes to /home/treasury/work/report.txt",
    "list_dir": "/home/treasury/work:\n-rw-r--r-- 1 treasury treasury 120 ledger.csv\n",
}


def scaffold_tools() -> list[ToolInfo]:
    """The four agent tools' schemas (descriptions as in the scaffold spec)."""

    def param(description: str) -> ToolParam:
        return ToolParam(type="string", description=description)

    return [
        ToolInfo(
            name="shell",
            description="Run a bash command on the workspace machine and return its output.",
            parameters=ToolParams(
                properties={
                    "command": param("Bash command line to run."),
                    "cwd": ToolParam(
                        anyOf=[ToolParam(type="string"), ToolParam(type="null")],
                        description="Directory to run in; defaults to the work directory.",
                    ),
                },
                required=["command"],
            ),
        ),
        ToolInfo(
            name="read_file",
            description="Show what a text file contains.",
            parameters=ToolParams(properties={"path": param("File to read.")}, required=["path"]),
        ),
        ToolInfo(
            name="write_file",
            description="Create or overwrite a text file.",
            parameters=ToolParams(
                properties={"path": param("File to write."), "content": param("Full text.")},
                required=["path", "content"],
            ),
        ),
        ToolInfo(
            name="list_dir",
            description="List the entries of a directory.",
            parameters=ToolParams(properties={"path": param("Directory to list.")}, required=[]),
        ),
    ]


def peak_rss_mib() -> float:
    """Peak resident set size of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(model_name: str, steps: int, max_tokens: int) -> dict[str, Any]:
    """Run ``steps`` agent steps and return the measurements.

    Returns:
        ``load_seconds``, ``first_step_seconds`` (includes the grammar probe and the first
        full prompt), ``step_seconds`` (later steps), their median and max, decode and prefill
        rates (tokens/s), ``tool_calls`` and ``peak_rss_mib`` before and after.
    """
    rss_before = peak_rss_mib()
    model = get_model(f"local/{model_name}", config=GenerateConfig(max_tokens=max_tokens))
    tools = scaffold_tools()
    messages: list[ChatMessage] = [ChatMessageSystem(content=SYSTEM), ChatMessageUser(content=USER)]
    times: list[float] = []
    decode: list[float] = []
    prefill: list[float] = []
    calls = 0
    load_seconds = None
    for _ in range(steps):
        started = time.perf_counter()
        output = await model.generate(messages, tools=tools, tool_choice="auto")
        times.append(time.perf_counter() - started)
        facts = (output.metadata or {}).get("local_model", {})
        load_seconds = facts.get("load_seconds", load_seconds)
        timings = facts.get("timings") or {}
        if timings.get("predicted_per_second"):
            decode.append(float(timings["predicted_per_second"]))
        if timings.get("prompt_n", 0) > 20:
            prefill.append(float(timings["prompt_per_second"]))
        messages.append(output.message)
        for call in output.message.tool_calls or []:
            calls += 1
            content = CANNED.get(call.function, "ok")
            messages.append(
                ChatMessageTool(content=content, tool_call_id=call.id, function=call.function)
            )
        if not output.message.tool_calls:
            messages.append(ChatMessageUser(content="Continue with the task."))
    later = times[1:] or times
    return {
        "model": model_name,
        "steps": steps,
        "load_seconds": load_seconds,
        "first_step_seconds": times[0],
        "step_seconds": [round(t, 2) for t in later],
        "median_step_seconds": statistics.median(later),
        "max_step_seconds": max(later),
        "decode_tokens_per_second": statistics.median(decode) if decode else None,
        "prefill_tokens_per_second": statistics.median(prefill) if prefill else None,
        "tool_calls": calls,
        "peak_rss_mib_before_load": rss_before,
        "peak_rss_mib": peak_rss_mib(),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; prints the measurements (text or JSON)."""
    parser = argparse.ArgumentParser(prog="python -m inspect_ic.local_model.bench")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.model, args.steps, args.max_tokens))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            shown = f"{value:.2f}" if isinstance(value, float) else value
            print(f"{key:28} {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
