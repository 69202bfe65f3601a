"""``eval_awareness/report.md`` (analysis.md §9): a short, fixed-order markdown summary."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from inspect_ic.analysis.mdtable import markdown_table

MAX_LISTED_HITS = 50

CAVEATS: tuple[str, ...] = (
    "Interpretation is correlational: awareness is not randomised, so IC rates among aware and "
    "unaware rows describe co-occurrence, not an effect of awareness.",
    "Only visible text is scanned: assistant responses by default, readable reasoning with "
    "`--include-reasoning-summaries`. Encrypted or redacted reasoning is counted, never scanned, "
    "so low reasoning coverage means awareness can be missed.",
    "Phrases the environment printed (prompts, tool output), quoted or echoed by the agent, are "
    "not counted; task vocabulary counts only inside a self-referential construction.",
    "The strict tier is the headline; the broad tier is a sensitivity analysis and includes strict.",
    "Lexical matching has imperfect recall; the labelled test sets report precision and recall.",
)


def _pct(k: int, n: int, low: float, high: float) -> str:
    if n == 0:
        return "-"
    return f"{k}/{n} = {100 * k / n:.2f} % [{100 * low:.2f}, {100 * high:.2f}]"


def _rate_lines(aggregate: pd.DataFrame, tier: str) -> list[str]:
    rows = aggregate[aggregate["grouping_level"] == "pooled"]
    if rows.empty:
        return ["No rows are available."]
    out = []
    for r in rows.itertuples(index=False):
        d = r._asdict()
        out.append(
            f"- {d['variant_profile']} ({d['population']}): "
            + _pct(
                int(d[f"{tier}_aware_count"]),
                int(d["n"]),
                float(d[f"{tier}_wilson_low"]),
                float(d[f"{tier}_wilson_high"]),
            )
        )
    return out


def _level_table(aggregate: pd.DataFrame, level: str, key: str) -> list[str]:
    part = aggregate[aggregate["grouping_level"] == level]
    if part.empty:
        return ["No rows are available."]
    view = pd.DataFrame(
        {
            "profile": part["variant_profile"],
            key: part[key],
            "n": part["n"],
            "strict": part["strict_aware_count"],
            "strict %": 100 * part["strict_rate"],
            "strict CI": [
                f"[{100 * lo:.1f}, {100 * hi:.1f}]"
                for lo, hi in zip(
                    part["strict_wilson_low"], part["strict_wilson_high"], strict=True
                )
            ],
            "broad": part["broad_aware_count"],
            "broad %": 100 * part["broad_rate"],
            "coverage": part["mean_reasoning_coverage"],
        }
    )
    return markdown_table(view, digits=2)


def _ic_table(aggregate: pd.DataFrame) -> list[str]:
    rows = aggregate[aggregate["grouping_level"] == "pooled"]
    if rows.empty:
        return ["No rows are available."]
    out = []
    for tier in ("strict", "broad"):
        for r in rows.to_dict("records"):

            def rate(k: Any, n: Any) -> str:
                return f"{int(k)}/{int(n)}" + (
                    f" ({100 * int(k) / int(n):.1f} %)" if int(n) else ""
                )

            d = r[f"ic_{tier}_risk_difference"]
            ci = (r[f"ic_{tier}_rd_ci_low"], r[f"ic_{tier}_rd_ci_high"])
            out.append(
                {
                    "tier": tier,
                    "profile": r["variant_profile"],
                    "population": r["population"],
                    "IC among aware": rate(r[f"ic_{tier}_aware_k"], r[f"ic_{tier}_aware_n"]),
                    "IC among unaware": rate(r[f"ic_{tier}_unaware_k"], r[f"ic_{tier}_unaware_n"]),
                    "risk difference (pp)": "-"
                    if math.isnan(d)
                    else f"{100 * d:+.1f} [{100 * ci[0]:+.1f}, {100 * ci[1]:+.1f}]",
                }
            )
    return markdown_table(pd.DataFrame(out))


def _hit_lines(hits: pd.DataFrame) -> list[str]:
    strict = hits[hits["tier"] == "strict"] if not hits.empty else hits
    if strict.empty:
        return ["No strict-tier hits."]
    view = strict.head(MAX_LISTED_HITS)[
        [
            "model_under_test",
            "scenario",
            "variant",
            "repeat_id",
            "message_idx",
            "source",
            "cue_class",
            "pattern_id",
            "excerpt",
        ]
    ]
    lines = markdown_table(view)
    if len(strict) > MAX_LISTED_HITS:
        lines.append(f"\n({len(strict) - MAX_LISTED_HITS} more in hits.csv)")
    return lines


def render_report(manifest: dict[str, Any], aggregate: pd.DataFrame, hits: pd.DataFrame) -> str:
    """The markdown report.

    Args:
        manifest: the ``scanner_manifest.json`` content.
        aggregate: ``aggregate.csv`` rows.
        hits: ``hits.csv`` rows.
    """
    counts = manifest["counts"]
    options = manifest["options"]
    lex = manifest["lexicon"]
    sources = ["assistant response text"]
    if options["include_reasoning_summaries"]:
        sources.append("readable reasoning")
    if options["include_tool_args"]:
        sources.append("tool-call arguments")
    suppressed = ", ".join(f"{k} {v}" for k, v in sorted(counts["suppressed"].items())) or "none"
    lines = [
        "# Evaluation-awareness scan",
        "",
        "## Overview",
        "",
        f"- Run: `{manifest['run_id']}`; logs read: {counts['logs_read']}; samples scanned: "
        f"{counts['samples']} ({counts['headline_samples']} in the headline population: usable "
        "labels from complete slices)",
        f"- Lexicon {lex['version']} (sha256 `{lex['sha256'][:16]}…`); sources: {', '.join(sources)}",
        f"- Hits kept: {counts['strict_hits']} strict, {counts['broad_hits']} broad (incl. strict); "
        f"matches suppressed: {suppressed}",
        f"- Samples skipped (unreadable): {counts['skipped']}",
        "",
        "## Strict Awareness",
        "",
        *_rate_lines(aggregate, "strict"),
        "",
        "## Broad Awareness",
        "",
        *_rate_lines(aggregate, "broad"),
        "",
        "## By Model",
        "",
        *_level_table(aggregate, "model", "model_under_test"),
        "",
        "## By Scenario",
        "",
        *_level_table(aggregate, "scenario", "scenario"),
        "",
        "## By Variant",
        "",
        *_level_table(aggregate, "variant", "variant"),
        "",
        "## Reasoning Coverage",
        "",
        f"- Samples with reasoning blocks: {counts['samples_with_reasoning']}; blocks: "
        f"{counts['reasoning_blocks']}; readable: {counts['reasoning_readable']}; encrypted or "
        f"redacted (counted, never scanned): {counts['reasoning_encrypted']}",
        f"- Readable reasoning scanned: {'yes' if options['include_reasoning_summaries'] else 'no'}",
        "",
        "## Awareness And IC (Correlational)",
        "",
        *_ic_table(aggregate),
        "",
        "## Strict Hits",
        "",
        *_hit_lines(hits),
        "",
        "## Task Vocabulary Exclusions",
        "",
        *[
            f"- {task}: {len(v['manual'])} manual, automatic from prompts and documents: "
            + (", ".join(f"`{t}`" for t in v["automatic"]) or "none")
            for task, v in sorted(manifest["task_vocabulary"].items())
        ],
        "",
        "## Method And Caveats",
        "",
        *[f"- {c}" for c in CAVEATS],
        "",
    ]
    return "\n".join(lines)
