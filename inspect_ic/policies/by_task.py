"""One scripted ``mockllm/model`` for an eval of several tasks at once.

:func:`~inspect_ic.policies.scripted.scripted_model` looks a policy up by name only, so one eval
holds one task. Here the active sample's ``scenario`` picks the task's policy table first, so a
single ``eval([...tasks])`` can run every task's samples in parallel (the adversarial tests and
``scripts/stress_run.py``). Every output carries ``usage``.
"""

from __future__ import annotations

from collections.abc import Mapping

from inspect_ai.model import Model

from inspect_ic.policies.scripted import POLICY_KEY, Policy, _policy_model


def scripted_model_by_task(policies: Mapping[str, Mapping[str, Policy]]) -> Model:
    """A ``mockllm/model`` answering each sample with ``policies[scenario][scripted_policy]``.

    Raises (inside the eval, failing the sample): ``KeyError`` for an unknown task or policy.
    """
    return _policy_model(lambda metadata: policies[metadata["scenario"]][metadata[POLICY_KEY]])
