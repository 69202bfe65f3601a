"""Process environment preparation shared by every ``ic`` command that may call a model.

- ``.env`` in the working directory (then the repository root) is loaded without overriding
  variables already set, as the seed's wrappers did by sourcing it.
- ``GEMINI_API_KEY`` is accepted as an alias of ``GOOGLE_API_KEY``.
- Integer and flag variables (``IC_REPEATS``, ``IC_ENABLE_TOOL_TRACE_AUDIT``, ...) are parsed
  here so the CLI and the wrappers agree.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

from inspect_ic.runner.errors import UsageError

TRUE_VALUES = frozenset({"1", "true", "yes", "on"})


def load_dotenv_files(start: Path | None = None) -> list[Path]:
    """Load ``.env`` from ``start`` (default: cwd) and the repository root; returns those read."""
    from dotenv import load_dotenv

    root = Path(__file__).resolve().parents[2]
    seen: list[Path] = []
    for folder in (start or Path.cwd(), root):
        path = (folder / ".env").resolve()
        if path.is_file() and path not in seen:
            load_dotenv(path, override=False)
            seen.append(path)
    return seen


def apply_key_aliases(env: MutableMapping[str, str] | None = None) -> None:
    """Copy ``GEMINI_API_KEY`` to ``GOOGLE_API_KEY`` when only the former is set."""
    env = os.environ if env is None else env
    if not env.get("GOOGLE_API_KEY") and env.get("GEMINI_API_KEY"):
        env["GOOGLE_API_KEY"] = env["GEMINI_API_KEY"]


def prepare_environment() -> None:
    """``.env`` then key aliases; call once before models are built."""
    load_dotenv_files()
    apply_key_aliases()


def env_flag(name: str, default: bool = False) -> bool:
    """A boolean environment variable (``1``/``true``/``yes``/``on``)."""
    value = os.environ.get(name)
    return default if value is None or value == "" else value.strip().lower() in TRUE_VALUES


def env_int(name: str, default: int | None = None) -> int | None:
    """An integer environment variable.

    Raises:
        UsageError: set but not an integer.
    """
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise UsageError(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str) -> list[str]:
    """A comma- or whitespace-separated list variable."""
    return [p for p in os.environ.get(name, "").replace(",", " ").split() if p]
