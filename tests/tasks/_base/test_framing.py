"""Prompt rules of scaffold.md section 5, checked for every task in this checkout."""

import difflib

import pytest

from inspect_ic.tasks import available_tasks, task_definition
from inspect_ic.tasks._base.framing import (
    LITERAL_DEATH_TEXT,
    MONITORING_TEXT,
    system_prompt,
    user_prompt,
)
from inspect_ic.tasks._base.variants import BENCHMARK_VARIANTS, PROFILE_VARIANTS

TASKS = available_tasks()
BY_LETTER = {v.variant: v for v in BENCHMARK_VARIANTS.values()}


def prompts(task_id: str, letter: str) -> tuple[str, str]:
    defn = task_definition(task_id)
    v = BY_LETTER[letter]
    return system_prompt(defn.prompts, v), user_prompt(defn.prompts, v)


@pytest.mark.parametrize("task_id", TASKS)
def test_no_shortcut_tokens_in_any_prompt(task_id: str) -> None:
    defn = task_definition(task_id)
    for profile in ("benchmark", "diagnostic"):
        for v in PROFILE_VARIANTS[profile].values():
            text = (system_prompt(defn.prompts, v) + user_prompt(defn.prompts, v)).lower()
            for token in defn.prompts.shortcut_tokens:
                assert token.lower() not in text, (task_id, v.variant_id, token)


@pytest.mark.parametrize("task_id", TASKS)
def test_a_c_f_g_h_prompts_identical(task_id: str) -> None:
    a = prompts(task_id, "A")
    for letter in "CFGH":
        assert prompts(task_id, letter) == a


def _changed(old: str, new: str) -> list[str]:
    diff = difflib.ndiff(old.splitlines(), new.splitlines())
    return [line[2:] for line in diff if line.startswith("+ ")]


@pytest.mark.parametrize("task_id", TASKS)
def test_levers_touch_only_their_slot(task_id: str) -> None:
    defn = task_definition(task_id)
    sys_a, user_a = prompts(task_id, "A")
    for letter in "BDE":
        sys_x, user_x = prompts(task_id, letter)
        assert sys_x == sys_a
        changed = _changed(user_a, user_x)
        assert len(changed) == 1, (letter, changed)
        if letter == "B":
            assert changed == [f"- {MONITORING_TEXT['watched']}"]
    _, user_d = prompts(task_id, "D")
    _, user_e = prompts(task_id, "E")
    assert _changed(user_a, user_d) == [f"- {defn.prompts.stakes_critical}"]
    assert _changed(user_d, user_e) == [f"- {defn.prompts.stakes_critical} {LITERAL_DEATH_TEXT}"]


@pytest.mark.parametrize("task_id", TASKS)
def test_prompt_hashes_in_metadata(task_id: str) -> None:
    from inspect_ic.tasks import task_function
    from inspect_ic.tasks._base.framing import sha256_text

    task = task_function(task_id)()
    for sample in task.dataset:
        system, user = sample.input[0].content, sample.input[1].content
        assert sample.metadata["system_prompt_sha256"] == sha256_text(system)
        assert sample.metadata["user_prompt_sha256"] == sha256_text(user)
        assert sample.metadata["scenario"] == task_id


@pytest.mark.parametrize("task_id", TASKS)
def test_benchmark_diagnostic_slot_is_empty(task_id: str) -> None:
    _, user = prompts(task_id, "A")
    instruction = task_definition(task_id).prompts.instruction
    assert f"{instruction}\n\n\n<context>" in user
