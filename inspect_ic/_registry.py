"""Inspect entry point: importing this module registers our tasks, sandbox and model providers.

Inspect resolves model names before it imports task files, so the local model provider and
the ``bwrap`` sandbox must be registered here rather than next to the tasks.
"""

# ruff: noqa: F401
from inspect_ic.local_model.provider import local as local_modelapi
from inspect_ic.sandbox.bwrap import BwrapSandboxEnvironment
from inspect_ic.tasks.budget_siphon.task_budget_siphon import budget_siphon
from inspect_ic.tasks.deployment_guardian.task_deployment_guardian import deployment_guardian
from inspect_ic.tasks.memory_keeper.task_memory_keeper import memory_keeper
from inspect_ic.tasks.quota_boost.task_quota_boost import quota_boost
