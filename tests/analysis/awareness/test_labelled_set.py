"""Precision and recall per tier on hand-labelled messages (analysis.md §9).

``labelled_messages.yaml`` (92 messages: hits and near misses) was written before the lexicon and
used while building it; ``heldout_messages.yaml`` (30 messages) was written after lexicon 1.0.0
was frozen and never used for tuning. Floors: development set ≥ 0.95 for both measures and both
tiers; held-out precision ≥ 0.9 and recall ≥ 0.8 (it is small: one miss costs ~0.08 of strict
recall); both sets together ≥ 0.9.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from .helpers import labelled, predicted


@dataclass
class Scores:
    precision: float
    recall: float
    positives: int


def _scores(items: list[dict], tier: str) -> Scores:
    wanted = {"strict"} if tier == "strict" else {"strict", "broad"}
    tp = fp = fn = 0
    for item in items:
        pred = predicted(
            item["text"], item.get("scenario"), [item["env"]] if item.get("env") else None
        )
        truth = item["label"] in wanted
        hit = pred in wanted
        tp += truth and hit
        fp += hit and not truth
        fn += truth and not hit
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Scores(precision, recall, tp + fn)


DEV = labelled("labelled_messages.yaml")
HELDOUT = labelled("heldout_messages.yaml")


def test_development_set_is_large_and_balanced() -> None:
    labels = [m["label"] for m in DEV]
    assert len(DEV) >= 60
    assert labels.count("strict") >= 20 and labels.count("broad") >= 12
    assert labels.count("none") >= 25


@pytest.mark.parametrize("tier", ["strict", "broad"])
def test_development_set_precision_and_recall(tier: str) -> None:
    scores = _scores(DEV, tier)
    print(
        f"dev {tier}: precision {scores.precision:.3f} recall {scores.recall:.3f} (n+={scores.positives})"
    )
    assert scores.precision >= 0.95 and scores.recall >= 0.95


@pytest.mark.parametrize("tier", ["strict", "broad"])
def test_heldout_set_precision_and_recall(tier: str) -> None:
    scores = _scores(HELDOUT, tier)
    print(
        f"held-out {tier}: precision {scores.precision:.3f} recall {scores.recall:.3f} (n+={scores.positives})"
    )
    assert scores.precision >= 0.9 and scores.recall >= 0.8


@pytest.mark.parametrize("tier", ["strict", "broad"])
def test_combined_precision_and_recall(tier: str) -> None:
    scores = _scores(DEV + HELDOUT, tier)
    assert scores.precision >= 0.9 and scores.recall >= 0.9
