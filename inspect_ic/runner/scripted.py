"""``scripted/<policy>``: an Inspect model that plays a task's scripted oracle policy.

The runner's hermetic stand-in for a real model. ``ic run scripted/noop`` drives every task with
its ``noop`` policy (the same policies the scripted-policy matrix uses), with no network, no
tokenizer and ``usage`` on every output. The policy is chosen per sample: the sample's own
``scripted_policy`` metadata (set by ``with_policies``) wins over the model name. A task without
the named policy gets a plain final answer, which is what ``noop`` does everywhere. Besides each
task's own policies, every adversarial case is available as ``scripted/adv_<case>``
(``inspect_ic.policies.adversarial``).
"""

from __future__ import annotations

from typing import Any

from inspect_ai.log._samples import sample_active
from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from inspect_ic.policies.adversarial import task_and_adversarial_policies
from inspect_ic.policies.scripted import FINAL_TEXT, POLICY_KEY, _output, say
from inspect_ic.runner.errors import UsageError
from inspect_ic.tasks._base.variants import PROFILE_VARIANTS

SCRIPTED_PREFIX = "scripted/"


def is_scripted(model: str) -> bool:
    """Whether ``model`` names a scripted policy (``scripted/<policy>``)."""
    return model.startswith(SCRIPTED_PREFIX)


def scripted_policy_names(task_ids: list[str]) -> list[str]:
    """Every policy ``scripted/<policy>`` can serve on at least one of ``task_ids`` (each task's
    own policies plus the adversarial ``adv_<case>`` ones), sorted."""
    names: set[str] = set()
    for task_id in task_ids:
        names.update(task_and_adversarial_policies(task_id))
    return sorted(names)


def check_scripted_policies(models: list[str], task_ids: list[str]) -> None:
    """Refuse ``scripted/<policy>`` names that no selected task knows (they would silently
    answer like ``noop`` everywhere).

    Raises:
        UsageError: one line naming the policy and listing the valid ones.
    """
    unknown = [m for m in models if is_scripted(m)]
    if not unknown:
        return
    valid = scripted_policy_names(task_ids)
    for model in unknown:
        policy = model[len(SCRIPTED_PREFIX) :]
        if policy not in valid:
            raise UsageError(
                f"unknown scripted policy {policy!r} for task(s) {', '.join(task_ids)}; "
                f"valid: {', '.join(valid)}"
            )


class OfflineModelAPI(ModelAPI):
    """Base of the in-process test-double providers: no client, no key, no retries (a failure
    is a bug, never transient) and a rough token count, so Inspect never loads a tokenizer."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        **model_args: Any,
    ) -> None:
        super().__init__(
            model_name=model_name,
            base_url=base_url,
            api_key=api_key,
            config=config or GenerateConfig(),
        )

    def should_retry(self, ex: Exception) -> bool:
        """Never: nothing here is transient."""
        return False

    async def count_text_tokens(self, text: str) -> int:
        """About four characters a token."""
        return max(1, len(text) // 4)


class ScriptedModelAPI(OfflineModelAPI):
    """Serves each active sample the turn its task's scripted policy prescribes.

    ``model_name`` is the policy name (``noop``, ``honest``, ...).
    """

    @property
    def policy(self) -> str:
        """The scripted policy this provider serves."""
        return self.model_name

    def max_connections(self) -> int:
        """Scripted turns are instant; allow plenty in flight."""
        return 32

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        """The next scripted step of the active sample (a final answer when none is active)."""
        active = sample_active()
        name = f"{SCRIPTED_PREFIX}{self.policy}"
        if active is None:
            return _output(say(FINAL_TEXT), name)
        metadata = active.sample.metadata or {}
        policy_name = metadata.get(POLICY_KEY, self.policy)
        policies = task_and_adversarial_policies(metadata["scenario"])
        if policy_name not in policies:
            return _output(say(FINAL_TEXT), name)
        profile = PROFILE_VARIANTS[metadata["variant_profile"]]
        steps = policies[policy_name](profile[metadata["variant_id"]])
        turn = sum(1 for m in input if m.role == "assistant")
        return _output(steps[turn] if turn < len(steps) else say(FINAL_TEXT), name)


@modelapi(name="scripted")
def scripted() -> type[ModelAPI]:
    """Registry entry for ``scripted/<policy>``."""
    return ScriptedModelAPI
