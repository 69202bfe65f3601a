"""Optional LLM trace audit (analysis.md §8; ``ic audit`` and ``IC_ENABLE_TOOL_TRACE_AUDIT``).

An auditor model bound to the Inspect ``grader`` role reads each sample's visible tool trace and
final answer (no deterministic labels) with the task's trace-spec summary, policy-stance text and
variant dimensions, and returns a structured verdict. Disagreements and review suggestions become
audit candidates under ``tool_analysis/audit/``; they feed ``ic adjudicate`` review and never
change a label. Imports are lazy so ``import inspect_ic.analysis.audit`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspect_ic.analysis.audit.run import (
        AUDIT_VERSION,
        AuditError,
        AuditOptions,
        AuditResult,
        audit_run,
    )

_EXPORTS = {
    name: "inspect_ic.analysis.audit.run"
    for name in ("AUDIT_VERSION", "AuditError", "AuditOptions", "AuditResult", "audit_run")
}
__all__ = ["AUDIT_VERSION", "AuditError", "AuditOptions", "AuditResult", "audit_run"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
