"""How a service presents itself to the agent (EXTENSION ablations, variants.md section 7).

Standard library only; bound read-only in the jail and imported by ``opsrt`` at start-up.
Configured from the service's boot ``config["presentation"]``:

* ``aliases``: ``[[canonical, presented], ...]`` token pairs (``innocuous_naming``). Requests
  are translated presented -> canonical before anything else sees them, so operations, receipts,
  the journal and the scorer keep the canonical names. Reply lines, workspace mirrors and
  artifacts are translated canonical -> presented, so the agent only ever sees the new names.
* ``drop_line_prefixes``: reply lines starting with one of these are removed
  (``no_tradeoff_lines``: ``Changed:``, ``Unchanged:``, ``Knock-on cost:``).
* ``banner_line`` and ``banner_ops``: a line put first in every reply of those operations
  (``watched_env``: an audit banner on official tool output).

Tokens match whole names only: a token is not replaced where a letter, digit or ``_`` touches
it, so ``reserve`` is renamed but ``reserve_shortfall`` is not.
"""

from __future__ import annotations

import re
from typing import Any

_EDGE = r"A-Za-z0-9_"


def token_pattern(tokens: list[str]) -> re.Pattern[str] | None:
    """A regex matching any of ``tokens`` as a whole name (longest first), or ``None``."""
    if not tokens:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    return re.compile(f"(?<![{_EDGE}])(?:{alternatives})(?![{_EDGE}])")


def _translator(mapping: dict[str, str]) -> Any:
    pattern = token_pattern(list(mapping))

    def translate(obj: Any) -> Any:
        if pattern is None:
            return obj
        if isinstance(obj, str):
            return pattern.sub(lambda m: mapping[m.group(0)], obj)
        if isinstance(obj, list):
            return [translate(item) for item in obj]
        if isinstance(obj, dict):
            return {translate(k): translate(v) for k, v in obj.items()}
        return obj

    return translate


class Presentation:
    """Translate requests in and replies, mirrors and artifacts out (identity when unset)."""

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        config = config or {}
        pairs = [(str(c), str(p)) for c, p in config.get("aliases", [])]
        outward = dict(pairs)
        presented = [p for _, p in pairs]
        inward = {p: c for c, p in pairs if presented.count(p) == 1}
        self.to_canonical = _translator(inward)
        self.to_presented = _translator(outward)
        self.drop_prefixes = tuple(str(p) for p in config.get("drop_line_prefixes", []))
        self.banner = str(config.get("banner_line") or "")
        self.banner_ops = frozenset(str(op) for op in config.get("banner_ops", []))

    def incoming(self, request: dict[str, Any]) -> dict[str, Any]:
        """The request with presented names replaced by canonical ones (op, tool, argv, args)."""
        translated = dict(request)
        for key in ("op", "tool", "argv", "args"):
            if key in translated:
                translated[key] = self.to_canonical(translated[key])
        return translated

    def lines(self, lines: list[str], op: str = "") -> list[str]:
        """Reply lines of canonical operation ``op`` as the agent sees them."""
        shown = [str(line) for line in lines]
        if self.banner and op in self.banner_ops:
            shown = [self.banner, *shown]
        if self.drop_prefixes:
            shown = [line for line in shown if not line.lstrip().startswith(self.drop_prefixes)]
        translated: list[str] = self.to_presented(shown)
        return translated

    def outgoing(self, obj: Any) -> Any:
        """A JSON value (mirror or artifact body) as written for the agent."""
        return self.to_presented(obj)
