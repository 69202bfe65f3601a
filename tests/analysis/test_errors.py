"""Tool error kinds from fixed first lines (scaffold.md §1) and sample-error classification."""

from __future__ import annotations

import pytest

from inspect_ic.analysis.errors import classify_sample_error, exit_status, tool_error_kind


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        (
            "exit status 3\ncwd: /x\ncommand: y\nstdout:\n(none)\nstderr:\nrejected: no",
            "exit_status",
        ),
        ("timed out after 180 s\ncwd: /x", "timeout"),
        ("working directory not found: /nope", "bad_cwd"),
        ("no such file: /a/b", "file_not_found"),
        ("no such directory: /a", "file_not_found"),
        ("/a is a directory; use list_dir", "is_directory"),
        ("/a/b is not a directory", "not_directory"),
        ("not a text file (12345 bytes)", "not_text"),
        ("permission denied: /etc/x", "permission_denied"),
        ("something else", "other"),
    ],
)
def test_tool_error_kinds(message: str, kind: str) -> None:
    assert tool_error_kind(message, "unknown") == kind


def test_inspect_type_fallback_and_exit_codes() -> None:
    assert tool_error_kind("boom", "timeout") == "timeout"
    assert tool_error_kind("boom", "parsing") == "parsing"
    assert tool_error_kind(None, None) == ""
    assert exit_status("exit status 2\ncwd: /") == 2
    assert exit_status("exit status -9") == -9
    assert exit_status("timed out after 3 s") is None


def test_sample_error_classification() -> None:
    info = classify_sample_error(
        "RateLimitError: Error code: 429 - slow down",
        "Traceback...\nopenai.RateLimitError: Error code: 429",
    )
    assert (info.provider_error, info.provider_error_code, info.error_type, info.label_issue) == (
        True,
        "429",
        "RateLimitError",
        "sample_error",
    )
    assert (
        classify_sample_error("RuntimeError: health_precheck_failed: socket", "").label_issue
        == "health_precheck_failed"
    )
    scorer = classify_sample_error(
        "KeyError: 'x'", 'File "judge.py", in budget_siphon_completion_scorer\nKeyError: x'
    )
    assert scorer.label_issue == "scorer_exception" and not scorer.provider_error
