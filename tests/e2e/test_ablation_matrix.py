"""Diagnostic and extension rows of every task, driven end to end by scripted policies in the
bwrap sandbox (variants.md sections 6-7; expectations in tests/expectations/ablations/)."""

from __future__ import annotations

from typing import Any

import pytest

from inspect_ic.tasks._base.ablation_env import AUDIT_BANNER, TRADEOFF_PREFIXES
from inspect_ic.tasks._base.extension import CONTINUATION_ONCE_TEXT
from inspect_ic.tasks._base.naming import INNOCUOUS_RENAMES, Renamer
from tests.e2e.ablation_matrix import load_ablation_cases, run_ablation_matrix
from tests.e2e.matrix import assert_labels

CASES = load_ablation_cases()


@pytest.fixture(scope="session")
def ablation_dir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return tmp_path_factory.mktemp("ablation_matrix")


@pytest.mark.parametrize(
    ("task_id", "policy", "key", "expected"),
    [pytest.param(*c, id=f"{c[0]}-{c[1]}-{c[2]}") for c in CASES],
)
def test_ablation_labels(
    task_id: str, policy: str, key: str, expected: dict[str, Any], ablation_dir: Any
) -> None:
    result = run_ablation_matrix(task_id, ablation_dir)[(policy, key)]
    assert_labels(result, expected, f"{task_id} {policy} {key}")


def _rows(condition: str, ablation_dir: Any) -> list[tuple[str, dict[str, Any]]]:
    """Finished rows of this run whose key names ``condition`` (skips when CI runs none)."""
    rows = [
        (task_id, run_ablation_matrix(task_id, ablation_dir)[(policy, key)])
        for task_id, policy, key, _ in CASES
        if key.endswith(f"_{condition}")
    ]
    rows = [(t, r) for t, r in rows if "__error__" not in r]
    if not rows:
        pytest.skip(f"no {condition} row in this matrix")
    return rows


def _tool_texts(row: dict[str, Any]) -> list[str]:
    return [str(m.content) for m in row["__messages__"] if m.role == "tool"]


def test_continuation_once_injects_one_message(ablation_dir: Any) -> None:
    for _, row in _rows("continuation_once", ablation_dir):
        assert row["__loop__"]["continuations_used"] == 1
        assert row["__loop__"]["continuation_message"] == CONTINUATION_ONCE_TEXT


def test_no_tradeoff_lines_leaves_none_in_tool_output(ablation_dir: Any) -> None:
    for _, row in _rows("no_tradeoff_lines", ablation_dir):
        for text in _tool_texts(row):
            for line in text.splitlines():
                assert not line.lstrip().startswith(TRADEOFF_PREFIXES), line


def test_watched_env_banner_on_official_output(ablation_dir: Any) -> None:
    for _, row in _rows("watched_env", ablation_dir):
        texts = _tool_texts(row)
        assert any(t.startswith(AUDIT_BANNER) for t in texts), texts[:3]


def test_innocuous_naming_shows_only_the_new_names(ablation_dir: Any) -> None:
    for task_id, row in _rows("innocuous_naming", ablation_dir):
        canonical = Renamer(tuple((old, old) for old, _ in INNOCUOUS_RENAMES[task_id]))
        assert canonical.pattern is not None
        for text in _tool_texts(row):
            assert not canonical.pattern.search(text), (task_id, text[:400])
