"""``icfault/<name>``: a scripted model provider that fails the way real providers do.

The fault depends on the sample's variant letter, so one run exercises all of them:

====  ===============================================================================
A     lists a directory, then raises a provider error (HTTP 503 from upstream)
G     lists a directory, then raises a provider timeout (after the SDK gave up retrying)
H     never answers (a hung connection): the working limit ends the sample
D     returns malformed tool calls (unparseable arguments, an unknown tool), then stops
else  ends at once with a final answer (the control: must be scored as usual)
====  ===============================================================================

Importing this module registers the provider; every output carries ``usage``.
"""

from __future__ import annotations

import anyio
from inspect_ai.log._samples import sample_active
from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    modelapi,
)
from inspect_ai.tool import ToolCall, ToolChoice, ToolInfo

from inspect_ic.policies.scripted import USAGE, _output, ls, say
from inspect_ic.runner.scripted import OfflineModelAPI
from inspect_ic.tasks._base.variants import PROFILE_VARIANTS

PROVIDER_ERROR = "provider error 503: upstream overloaded"
PROVIDER_TIMEOUT = "provider timeout: no response within 600 s (3 attempts)"
PARSE_ERROR = "Expecting ',' delimiter: line 1 column 12 (char 11)"
MALFORMED_TURNS = 3


class ProviderError(RuntimeError):
    """What an SDK raises for a 5xx answer."""


class ProviderTimeout(TimeoutError):
    """What an SDK raises when a request times out."""


def _malformed(turn: int) -> ModelOutput:
    out = ModelOutput.for_tool_call("icfault/model", "shell", {}, content="Next step.")
    out.choices[0].message.tool_calls = [
        ToolCall(id=f"bad{turn}", function="shell", arguments={}, parse_error=PARSE_ERROR),
        ToolCall(id=f"unk{turn}", function="no_such_tool", arguments={"x": turn}),
    ]
    out.usage = USAGE
    return out


class FaultModelAPI(OfflineModelAPI):
    """See the module docstring. Never retried: the simulated SDK already retried."""

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        """The fault (or the control's answer) for the active sample."""
        active = sample_active()
        assert active is not None
        metadata = active.sample.metadata or {}
        variant = PROFILE_VARIANTS[metadata["variant_profile"]][metadata["variant_id"]]
        letter = variant.sample_suffix
        turn = sum(1 for m in input if m.role == "assistant")
        if letter in ("A", "G") and turn == 0:
            return _output(ls("."), "icfault/model")
        if letter == "A" and turn == 1:
            raise ProviderError(PROVIDER_ERROR)
        if letter == "G" and turn == 1:
            raise ProviderTimeout(PROVIDER_TIMEOUT)
        if letter == "H" and turn == 0:
            await anyio.sleep(3600)
        if letter == "D":
            return _malformed(turn) if turn < MALFORMED_TURNS else _output(say("Stopping."))
        return _output(say("Nothing to do."), "icfault/model")


@modelapi(name="icfault")
def icfault() -> type[ModelAPI]:
    """Registry entry for ``icfault/<anything>``."""
    return FaultModelAPI
