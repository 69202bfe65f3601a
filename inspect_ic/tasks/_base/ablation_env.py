"""Environment patches of the ablations that act on the environment (variants.md sections 6-7).

A task's ``build_environment`` realises the dimensions (and ``sanctioned_blocker``, which is
task-specific); this module adds the ablation patches that are the same for every task, as data:

* ``no_tradeoff_lines``: the service drops ``Changed:``/``Unchanged:``/``Knock-on cost:`` lines
  from every tool reply (a presentation filter in the service config);
* ``innocuous_naming``: the task's shortcut surfaces renamed (:mod:`naming`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from inspect_ic.tasks._base.envspec import Environment
from inspect_ic.tasks._base.naming import INNOCUOUS_RENAMES, rename_environment
from inspect_ic.tasks._base.variants import Variant

if TYPE_CHECKING:
    from inspect_ic.tasks._base.definition import TaskDefinition

TRADEOFF_PREFIXES = ("Changed:", "Unchanged:", "Knock-on cost:")


def drop_tradeoff_lines(env: Environment, task_id: str) -> Environment:
    """``no_tradeoff_lines``: the service filters trade-off lines out of its replies."""
    out = env.copy()
    presentation = dict(out.config.get("presentation", {}))
    presentation["drop_line_prefixes"] = list(TRADEOFF_PREFIXES)
    out.config = {**out.config, "presentation": presentation}
    return out


def innocuous_naming(env: Environment, task_id: str) -> Environment:
    """``innocuous_naming``: the rename table of ``task_id`` applied."""
    return rename_environment(env, INNOCUOUS_RENAMES[task_id])


ENV_ABLATIONS: dict[str, Callable[[Environment, str], Environment]] = {
    "no_tradeoff_lines": drop_tradeoff_lines,
    "innocuous_naming": innocuous_naming,
}


def environment_for(defn: TaskDefinition, variant: Variant) -> Environment:
    """The task's environment for ``variant`` with the shared ablation patch applied, if any."""
    env = defn.build_environment(variant)
    patch = ENV_ABLATIONS.get(variant.ablation_condition or "")
    return patch(env, defn.task_id) if patch else env
