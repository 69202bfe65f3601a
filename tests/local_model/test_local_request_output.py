"""Generation settings to a llama.cpp request, and a response to Inspect's ModelOutput."""

from __future__ import annotations

from inspect_ai.model import GenerateConfig
from inspect_ai.tool import ToolFunction, ToolInfo

from inspect_ic.local_model.output import (
    METADATA_KEY,
    build_output,
    context_overflow_output,
    usage_from_response,
)
from inspect_ic.local_model.parse import ParsedCall, ParsedCompletion
from inspect_ic.local_model.request import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_SEED,
    completion_request,
    grammar_mode,
)

A = ToolInfo(name="a", description="A.")
B = ToolInfo(name="b", description="B.")

RESPONSE = {
    "choices": [{"text": "raw", "finish_reason": "stop"}],
    "usage": {
        "completion_tokens": 7,
        "prompt_tokens": 100,
        "prompt_tokens_details": {"cached_tokens": 90},
    },
    "timings": {"prompt_n": 10, "predicted_n": 7},
}


def test_defaults_fixed_seed_and_no_repeat_penalty() -> None:
    request = completion_request("P", "G", GenerateConfig())
    assert request["prompt"] == "P" and request["grammar"] == "G"
    assert request["seed"] == DEFAULT_SEED
    assert request["repeat_penalty"] == 1.0
    assert request["n_predict"] == DEFAULT_MAX_TOKENS
    assert request["cache_prompt"] is True
    assert "stop" not in request


def test_generate_config_overrides() -> None:
    config = GenerateConfig(
        temperature=0.0, top_p=0.5, top_k=3, seed=7, max_tokens=64, stop_seqs=["END"]
    )
    request = completion_request("P", None, config)
    assert "grammar" not in request
    assert (request["temperature"], request["top_p"], request["top_k"]) == (0.0, 0.5, 3)
    assert (request["seed"], request["n_predict"], request["stop"]) == (7, 64, ["END"])


def test_grammar_mode_from_tool_choice() -> None:
    assert grammar_mode([A, B], "auto") == ("auto", [A, B])
    assert grammar_mode([A, B], "any") == ("required", [A, B])
    assert grammar_mode([A, B], "none") == ("none", [])
    assert grammar_mode([A, B], ToolFunction(name="b")) == ("required", [B])
    assert grammar_mode([A, B], ToolFunction(name="zz")) == ("required", [A, B])
    assert grammar_mode([], "auto") == ("none", [])


def test_usage_separates_cached_prompt_tokens() -> None:
    usage = usage_from_response(RESPONSE)
    assert (
        usage.input_tokens,
        usage.input_tokens_cache_read,
        usage.output_tokens,
        usage.total_tokens,
    ) == (
        10,
        90,
        7,
        107,
    )


def test_build_output_with_calls() -> None:
    parsed = ParsedCompletion(
        content="Listing.",
        calls=[
            ParsedCall("a", {"x": 1}, "bare"),
            ParsedCall("b", {}, "tagged", "tagged tool call: invalid JSON"),
        ],
        errors=["tagged tool call: invalid JSON"],
    )
    output = build_output(
        "m", RESPONSE, parsed, elapsed=1.5, metadata={"renderer": "chat_template"}
    )
    assert output.stop_reason == "tool_calls"
    message = output.message
    assert message.text == "Listing."
    assert message.tool_calls is not None
    assert [(c.function, c.arguments, c.parse_error) for c in message.tool_calls] == [
        ("a", {"x": 1}, None),
        ("b", {}, "tagged tool call: invalid JSON"),
    ]
    assert len({c.id for c in message.tool_calls}) == 2
    assert output.usage is not None and output.usage.output_tokens == 7
    assert output.input_context_tokens == 100
    facts = (output.metadata or {})[METADATA_KEY]
    assert facts["renderer"] == "chat_template"
    assert facts["call_sources"] == ["bare", "tagged"]
    assert facts["parse_errors"] == ["tagged tool call: invalid JSON"]
    assert facts["timings"] == RESPONSE["timings"]


def test_build_output_text_and_max_tokens() -> None:
    response = {**RESPONSE, "choices": [{"text": "t", "finish_reason": "length"}]}
    output = build_output("m", response, ParsedCompletion(content="t"), elapsed=0.1, metadata={})
    assert output.stop_reason == "max_tokens" and output.completion == "t"
    assert output.message.tool_calls is None


def test_context_overflow_output() -> None:
    output = context_overflow_output("m", 9000, "too long", 0.2)
    assert output.stop_reason == "model_length"
    assert output.usage is not None and output.usage.input_tokens == 9000
