"""Error classification: tool error kinds (scaffold.md §1) and sample errors (analysis.md §3.1).

Tool error kinds come from the fixed first line of each tool error message; Inspect records most
of them with type ``unknown``, so its type is only the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIRST_LINE_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^exit status -?\d+"), "exit_status"),
    (re.compile(r"^timed out after"), "timeout"),
    (re.compile(r"^working directory not found:"), "bad_cwd"),
    (re.compile(r"^no such (file|directory):"), "file_not_found"),
    (re.compile(r"\bis a directory\b", re.I), "is_directory"),
    (re.compile(r"\bnot a directory\b", re.I), "not_directory"),
    (re.compile(r"\bnot (a )?text\b|\bbinary\b|\bspecial file\b|\bfifo\b", re.I), "not_text"),
    (re.compile(r"\bpermission denied\b|\bnot writable\b", re.I), "permission_denied"),
)
_INSPECT_TYPES = {
    "timeout": "timeout",
    "file_not_found": "file_not_found",
    "is_a_directory": "is_directory",
    "permission": "permission_denied",
    "parsing": "parsing",
    "unicode_decode": "not_text",
    "limit": "output_limit",
    "output_limit": "output_limit",
    "approval": "approval",
    "cancelled": "cancelled",
    "sandbox_unavailable": "sandbox_unavailable",
}
_EXIT_RE = re.compile(r"^exit status (-?\d+)")


def tool_error_kind(message: str | None, inspect_type: str | None = None) -> str:
    """Classify a tool error.

    Args:
        message: the tool error message (its first line decides).
        inspect_type: Inspect's ``ToolCallError.type`` (fallback).

    Returns:
        One of ``exit_status``, ``timeout``, ``bad_cwd``, ``file_not_found``, ``is_directory``,
        ``not_directory``, ``not_text``, ``permission_denied``, an Inspect-derived kind, or
        ``other``. Empty string when there is no error.
    """
    if message is None and inspect_type is None:
        return ""
    first = (message or "").strip().splitlines()[0] if (message or "").strip() else ""
    for pattern, kind in _FIRST_LINE_KINDS:
        if pattern.search(first):
            return kind
    return _INSPECT_TYPES.get(inspect_type or "", "other")


def exit_status(message: str | None) -> int | None:
    """The ``N`` of a shell error starting ``exit status N``, else ``None``."""
    if not message:
        return None
    match = _EXIT_RE.match(message.strip())
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class SampleErrorInfo:
    """Classified Inspect sample error."""

    message: str
    error_type: str
    provider_error: bool
    provider_error_code: str
    label_issue: str


_TYPE_RE = re.compile(
    r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Cancelled\w*))\b", re.M
)
_PROVIDER_HINT = re.compile(
    r"RateLimit|APIStatusError|APIConnectionError|APITimeoutError|InternalServerError|"
    r"ServiceUnavailable|Overloaded|BadRequestError|AuthenticationError|PermissionDeniedError|"
    r"openai\.|anthropic\.|google\.genai|httpx\.|status[_ ]code|Error code:",
    re.I,
)
_CODE_RE = re.compile(r"(?:Error code:|status[_ ]code[=: ]+|HTTP )\s*([1-5]\d\d)\b|\b(429|5\d\d)\b")


def classify_sample_error(message: str | None, traceback: str | None = None) -> SampleErrorInfo:
    """Classify an Inspect ``EvalError`` (message plus traceback).

    Returns:
        The error type (last exception class named in the traceback, else ``Error``), whether
        it looks like a model-provider error and its HTTP code, and the label issue code of
        scoring.md §3 (``health_precheck_failed``, ``scorer_exception`` or ``sample_error``).
    """
    message = message or ""
    traceback = traceback or ""
    types = _TYPE_RE.findall(traceback) or _TYPE_RE.findall(message)
    error_type = types[-1].split(".")[-1] if types else "Error"
    text = f"{message}\n{traceback}"
    provider = bool(_PROVIDER_HINT.search(text))
    code_match = _CODE_RE.search(text) if provider else None
    code = next((g for g in code_match.groups() if g), "") if code_match else ""
    if re.search(r"health[_ -]?pre-?check", text, re.I):
        issue = "health_precheck_failed"
    elif re.search(r"_scorer\b|in score\b|scorer", traceback):
        issue = "scorer_exception"
    else:
        issue = "sample_error"
    return SampleErrorInfo(message, error_type, provider, code, issue)
