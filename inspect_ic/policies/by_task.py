"""One scripted ``mockllm/model`` for an eval of several tasks at once.

:func:`~inspect_ic.policies.scripted.scripted_model` looks a policy up by name only, so one eval
holds one task. Here the active sample's ``scenario`` picks the task's policy table first, so a
single ``eval([...tasks])`` can run every task's samples in parallel (the adversarial tests and
``scripts/stress_run.py``). Every output carries ``usage``.
"""

from __future__ import annotations

from collections.abc import Mapping

from inspect_ai.log._samples import sample_active
from inspect_ai.model import ChatMessage, GenerateConfig, Model, ModelOutput, get_model
from inspect_ai.tool import ToolChoice, ToolInfo

from inspect_ic.policies.scripted import FINAL_TEXT, POLICY_KEY, Policy, _output, say
from inspect_ic.tasks._base.variants import PROFILE_VARIANTS


def scripted_model_by_task(policies: Mapping[str, Mapping[str, Policy]]) -> Model:
    """A ``mockllm/model`` answering each sample with ``policies[scenario][scripted_policy]``.

    Raises (inside the eval, failing the sample): ``KeyError`` for an unknown task or policy.
    """

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
        steps = policies[metadata["scenario"]][metadata[POLICY_KEY]](variant)
        turn = sum(1 for m in messages if m.role == "assistant")
        return _output(steps[turn] if turn < len(steps) else say(FINAL_TEXT))

    return get_model("mockllm/model", custom_outputs=respond)
