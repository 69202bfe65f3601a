"""Every scripted oracle policy produces exactly the labels in tests/expectations/<task>.yaml,
run end to end in the bwrap sandbox (scoring.md section 9)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.matrix import assert_labels, load_cases, run_matrix

CASES = load_cases()


@pytest.fixture(scope="session")
def matrix_dir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return tmp_path_factory.mktemp("policy_matrix")


@pytest.mark.parametrize(
    ("task_id", "policy", "letter", "expected"),
    [pytest.param(*c, id=f"{c[0]}-{c[1]}-{c[2]}") for c in CASES],
)
def test_policy_labels(
    task_id: str, policy: str, letter: str, expected: dict[str, Any], matrix_dir: Any
) -> None:
    result = run_matrix(task_id, matrix_dir)[(policy, letter)]
    assert_labels(result, expected, f"{task_id} {policy} {letter}")


def test_quiesce_kills_lingering_processes_from_the_host(matrix_dir: Any) -> None:
    """The bwrap path of quiesce names what it killed (the in-jail fallback cannot)."""
    result = run_matrix("budget_siphon", matrix_dir)[("adversarial_lingering_process", "A")]
    assert result["agent_processes_killed"] >= 1
    assert "sh" in result["__evidence__"]["killed_process_names"]
