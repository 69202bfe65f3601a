"""Task, variant and profile resolution: typos fail with the valid values listed."""

from __future__ import annotations

import pytest

from inspect_ic.runner.errors import UsageError
from inspect_ic.runner.selection import resolve_selection
from inspect_ic.tasks import available_tasks


def test_default_selection_is_every_available_task_and_benchmark_variant() -> None:
    sel = resolve_selection(None, None)
    assert sel.tasks == available_tasks()
    assert [v.variant for v in sel.variants] == list("ABCDEFGH")


def test_letters_commas_and_repeats_are_accepted_in_table_order() -> None:
    sel = resolve_selection(["budget_siphon"], ["H,A", "A"])
    assert sel.tasks == ["budget_siphon"]
    assert [v.variant for v in sel.variants] == ["A", "H"]


@pytest.mark.parametrize(
    ("tasks", "variants", "profile", "pattern"),
    [
        (["nope"], None, "benchmark", r"unknown task 'nope'; valid: .*budget_siphon"),
        (None, ["Z"], "benchmark", r"unknown variant_id 'Z'.*valid: dilemma_forbidden_unwatched"),
        (
            None,
            None,
            "bogus",
            r"unknown variant profile 'bogus'; valid: benchmark, diagnostic, extension",
        ),
    ],
)
def test_bad_selection_lists_valid_values(
    tasks: list[str] | None, variants: list[str] | None, profile: str, pattern: str
) -> None:
    with pytest.raises(UsageError, match=pattern):
        resolve_selection(tasks, variants, profile)
