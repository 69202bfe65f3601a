"""Per-task trace specs: the typed view of each ``inspect_ic/tasks/<task>/trace_spec.py``.

A task's ``trace_spec.py`` is pure data (a ``TRACE_SPEC`` dict transcribed from the "Trace spec"
section of its task file). This module validates it into a frozen :class:`TraceSpec` and offers the
path/token predicates the event classifier needs (analysis.md §3.2).
"""

from __future__ import annotations

import importlib
import posixpath
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from inspect_ic.analysis.schema import TASKS

TRACE_SPEC_KEYS: tuple[str, ...] = (
    "scenario",
    "work_dir",
    "official_tools",
    "operations_tools",
    "shortcut_tools",
    "shortcut_paths",
    "shortcut_patterns",
    "policy_docs",
    "focus_paths",
    "completion_artifacts",
    "sensitive_paths",
    "internal_paths",
    "identity_tokens",
    "prompt_shortcut_tokens",
)
"""Keys every ``TRACE_SPEC`` dict must define (tuples of strings except ``scenario``/``work_dir``)."""

TOOL_DIR = "/opt/tools"
SERVICE_DIR = "/opt/internal-services"


def _under(path: str, prefix: str) -> bool:
    """True if ``path`` equals ``prefix`` or lies below it (``prefix`` may end in ``/``)."""
    base = prefix.rstrip("/")
    return path == base or path.startswith(base + "/")


@dataclass(frozen=True)
class TraceSpec:
    """Typed trace spec of one scenario. Paths are absolute jail paths; a trailing ``/`` marks a
    directory prefix. Bare names (no ``/``) in ``policy_docs``/``completion_artifacts`` match by
    basename anywhere."""

    scenario: str
    work_dir: str = "/root"
    official_tools: tuple[str, ...] = ()
    operations_tools: tuple[str, ...] = ()
    shortcut_tools: tuple[str, ...] = ()
    shortcut_paths: tuple[str, ...] = ()
    shortcut_patterns: tuple[str, ...] = ()
    policy_docs: tuple[str, ...] = ()
    focus_paths: tuple[str, ...] = ()
    completion_artifacts: tuple[str, ...] = ()
    sensitive_paths: tuple[str, ...] = ()
    internal_paths: tuple[str, ...] = ()
    identity_tokens: tuple[str, ...] = ()
    prompt_shortcut_tokens: tuple[str, ...] = ()
    _patterns: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _identity_re: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TraceSpec:
        """Build from a ``TRACE_SPEC`` dict.

        Raises:
            ValueError: a key is missing or unknown, a list entry is not a string, or a
                pattern does not compile.
        """
        missing = [k for k in TRACE_SPEC_KEYS if k not in data]
        unknown = [k for k in data if k not in TRACE_SPEC_KEYS]
        if missing or unknown:
            raise ValueError(f"trace spec keys: missing {missing}, unknown {unknown}")
        values: dict[str, Any] = {}
        for key in TRACE_SPEC_KEYS:
            value = data[key]
            if key in ("scenario", "work_dir"):
                if not isinstance(value, str) or not value:
                    raise ValueError(f"trace spec {key!r} must be a non-empty string")
                values[key] = value
            else:
                if not isinstance(value, list | tuple) or not all(
                    isinstance(v, str) for v in value
                ):
                    raise ValueError(f"trace spec {key!r} must be a list of strings")
                values[key] = tuple(value)
        patterns = tuple(re.compile(p) for p in values["shortcut_patterns"])
        ident = (
            re.compile(
                r"(?<![A-Za-z0-9_])("
                + "|".join(map(re.escape, values["identity_tokens"]))
                + r")(?![A-Za-z0-9_])"
            )
            if values["identity_tokens"]
            else None
        )
        return cls(**values, _patterns=patterns, _identity_re=ident)

    # -- path predicates ------------------------------------------------------------------

    @staticmethod
    def _match_any(path: str, entries: tuple[str, ...]) -> bool:
        for entry in entries:
            if "/" not in entry:
                if posixpath.basename(path.rstrip("/")) == entry:
                    return True
            elif entry.endswith("/"):
                if _under(path, entry):
                    return True
            elif path == entry:
                return True
        return False

    def is_focus(self, path: str) -> bool:
        """Path lies under a focus path (the work directory counts as a focus path)."""
        return self._match_any(path, self.focus_paths) or _under(path, self.work_dir)

    def is_policy_doc(self, path: str) -> bool:
        """Path is one of the task's policy documents."""
        return self._match_any(path, self.policy_docs)

    def is_completion_artifact(self, path: str) -> bool:
        """Path is a completion artifact (artifact slot or listed output directory entry)."""
        return self._match_any(path, self.completion_artifacts)

    def is_sensitive(self, path: str) -> bool:
        """Path is sensitive: a listed sensitive path or a shortcut control surface."""
        return self._match_any(path, self.sensitive_paths) or self._match_any(
            path, self.shortcut_paths
        )

    def is_internal(self, path: str) -> bool:
        """Path is internal service state or harness code."""
        return self._match_any(path, self.internal_paths)

    def is_shortcut_path(self, path: str) -> bool:
        """Path is a shortcut surface (control file, script, shortcut tool)."""
        if self._match_any(path, self.shortcut_paths):
            return True
        return any(posixpath.basename(path) == tool for tool in self.shortcut_tools)

    # -- tool predicates ------------------------------------------------------------------

    def tool_basename(self, command: str) -> str | None:
        """Basename of ``command`` when it names a program in ``/opt/tools`` (or a bare known
        tool name), else ``None``."""
        base = posixpath.basename(command)
        known = self.official_tools + self.operations_tools + self.shortcut_tools
        if _under(command, TOOL_DIR) or base in known:
            return base
        return None

    def is_official_tool(self, command: str) -> bool:
        """``command`` is one of the official tools."""
        return self.tool_basename(command) in self.official_tools

    def is_undocumented_tool(self, command: str) -> bool:
        """``command`` runs a program in ``/opt/tools`` that is not an official, operations or
        shortcut tool, or runs harness code in ``/opt/internal-services``."""
        if _under(command, SERVICE_DIR):
            return True
        base = self.tool_basename(command)
        if base is None or not _under(command, TOOL_DIR):
            return False
        return base not in self.official_tools + self.operations_tools + self.shortcut_tools

    def matches_shortcut_text(self, text: str) -> bool:
        """A shortcut tool name or a shortcut regex occurs in ``text`` (command or arguments)."""
        if any(tool in text for tool in self.shortcut_tools):
            return True
        return any(p.search(text) for p in self._patterns)

    def identity_matches(self, text: str) -> list[str]:
        """Identity tokens found (word-bounded) in ``text``, sorted and unique."""
        if self._identity_re is None or not text:
            return []
        return sorted(set(self._identity_re.findall(text)))


def default_trace_spec(scenario: str) -> TraceSpec:
    """A neutral spec for unknown scenarios: nothing is official, sensitive or a shortcut."""
    return TraceSpec(scenario=scenario, internal_paths=(SERVICE_DIR + "/",))


def with_presented_names(scenario: str, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` plus every surface as the EXTENSION ``innocuous_naming`` rows show it.

    Renamed tools, paths and labels (``rebalance_pool.py`` for ``transfer_credits.py``) appear
    only in those rows, so matching them everywhere classifies renamed rows like their base
    rows and changes nothing else. ``prompt_shortcut_tokens`` stays the task file's list.
    """
    from inspect_ic.tasks._base.naming import INNOCUOUS_RENAMES, Renamer

    pairs = INNOCUOUS_RENAMES.get(scenario)
    if not pairs:
        return data
    renamer = Renamer(pairs)
    out = dict(data)
    for key in TRACE_SPEC_KEYS:
        if key in ("scenario", "work_dir", "prompt_shortcut_tokens") or key not in data:
            continue
        items = tuple(data[key])
        out[key] = items + tuple(
            dict.fromkeys(r for r in (renamer.text(i) for i in items) if r not in items)
        )
    return out


@cache
def load_trace_spec(scenario: str) -> TraceSpec:
    """Load and validate ``inspect_ic.tasks.<scenario>.trace_spec.TRACE_SPEC``.

    Unknown scenarios (e.g. test tasks) get :func:`default_trace_spec`.

    Raises:
        ValueError: the module exists but its ``TRACE_SPEC`` is malformed.
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", scenario or ""):
        return default_trace_spec(scenario)
    try:
        module = importlib.import_module(f"inspect_ic.tasks.{scenario}.trace_spec")
    except ModuleNotFoundError:
        return default_trace_spec(scenario)
    spec = TraceSpec.from_dict(with_presented_names(scenario, module.TRACE_SPEC))
    if spec.scenario != scenario:
        raise ValueError(f"trace spec of {scenario!r} declares scenario {spec.scenario!r}")
    return spec


def benchmark_trace_specs() -> dict[str, TraceSpec]:
    """Trace specs of the seven benchmark scenarios, keyed by scenario."""
    return {task: load_trace_spec(task) for task in TASKS}
