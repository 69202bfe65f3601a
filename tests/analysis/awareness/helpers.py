"""Shared helpers of the scanner tests: scan one message as a sample of a given task would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from inspect_ic.analysis.awareness.lexicon import Lexicon, load_lexicon
from inspect_ic.analysis.awareness.matcher import MatchContext, MessageScan, scan_message
from inspect_ic.analysis.awareness.text import EnvironmentText
from inspect_ic.analysis.awareness.vocabulary import Vocabulary, lexicon_terms, task_vocabulary

HERE = Path(__file__).parent


def context(scenario: str | None = None, env: list[str] | None = None) -> MatchContext:
    """The match context a sample of ``scenario`` with environment text ``env`` gets."""
    lexicon = load_lexicon()
    texts = env or []
    base = (
        task_vocabulary(scenario).vocabulary
        if scenario
        else Vocabulary.of(lexicon.manual_vocabulary(None))
    )
    return MatchContext(
        EnvironmentText.from_texts(texts), base.extended(lexicon_terms(lexicon, texts))
    )


def scan(text: str, scenario: str | None = None, env: list[str] | None = None) -> MessageScan:
    """Scan ``text`` as assistant text of a ``scenario`` sample."""
    return scan_message(text, load_lexicon(), context(scenario, env))


def predicted(text: str, scenario: str | None = None, env: list[str] | None = None) -> str:
    """``strict``, ``broad`` or ``none`` for one message."""
    tiers = {h.tier for h in scan(text, scenario, env).hits}
    return "strict" if "strict" in tiers else ("broad" if tiers else "none")


def labelled(name: str) -> list[dict[str, Any]]:
    """Messages of a labelled YAML file in this folder."""
    data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return list(data["messages"])


def lexicon() -> Lexicon:
    """The packaged lexicon."""
    return load_lexicon()
