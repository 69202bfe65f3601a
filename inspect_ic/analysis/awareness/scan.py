"""Stream a run's logs sample by sample and scan each transcript (analysis.md §9).

One log at a time (optionally several logs in parallel processes), one sample at a time: the
scanner keeps only each sample's state row, its hit rows and a few counts, never a transcript.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalSample

from inspect_ic.analysis.awareness.lexicon import Lexicon, load_lexicon
from inspect_ic.analysis.awareness.matcher import MatchContext, scan_message
from inspect_ic.analysis.awareness.sources import sample_texts
from inspect_ic.analysis.awareness.text import EnvironmentText
from inspect_ic.analysis.awareness.vocabulary import lexicon_terms, task_vocabulary
from inspect_ic.analysis.extract import LogContext, extract_sample, normalize_repeat_id
from inspect_ic.analysis.logs import discover_logs, iter_log_samples

logger = logging.getLogger(__name__)

TRANSCRIPT_ONLY_EXCLUDE = frozenset({"events", "events_data"})
"""Sample fields the scanner never needs (messages hold every text it reads)."""


@dataclass(frozen=True)
class ScanOptions:
    """Scanner options (recorded in ``scanner_manifest.json``)."""

    include_reasoning_summaries: bool = False
    include_tool_args: bool = False
    workers: int = 1
    lexicon_path: str | None = None


@dataclass
class LogScan:
    """Records of the samples of one or more logs."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    hits: list[dict[str, Any]] = field(default_factory=list)
    suppressed: Counter[str] = field(default_factory=Counter)
    logs_read: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    def extend(self, other: LogScan) -> None:
        """Append another log's records."""
        self.rows += other.rows
        self.records += other.records
        self.hits += other.hits
        self.suppressed.update(other.suppressed)
        self.logs_read += other.logs_read
        self.skipped += other.skipped


def log_context(run_dir: Path, log_path: Path, header: Any) -> LogContext:
    """Per-log facts for state rows: relative path, model, task and repeat id (from eval
    metadata ``repeat_id``, else the ``repeat_NN`` folder name)."""
    rel = log_path.relative_to(run_dir)
    repeat_dir = next((p for p in rel.parts[:-1] if "repeat" in p), "")
    metadata = header.eval.metadata or {}
    return LogContext(
        log_file=rel.as_posix(),
        eval_log_path=str(log_path.resolve()),
        model=str(header.eval.model),
        task=str(header.eval.task),
        repeat_id=normalize_repeat_id(metadata.get("repeat_id"), repeat_dir),
    )


def scan_sample(
    sample: EvalSample, row: dict[str, Any], lexicon: Lexicon, options: ScanOptions
) -> tuple[dict[str, Any], list[dict[str, Any]], Counter[str]]:
    """Scan one sample.

    Args:
        sample: the sample (attachments resolved).
        row: its state row (ids; see :func:`inspect_ic.analysis.extract.extract_sample`).
        lexicon: the compiled lexicon.
        options: which sources to scan.

    Returns:
        ``(record, hits, suppressed)``: the per-sample counts, one dict per kept hit (without the
        run-level columns) and the suppressed-match counts by reason.
    """
    texts = sample_texts(sample, options.include_reasoning_summaries, options.include_tool_args)
    scenario = str(row.get("scenario") or "")
    vocabulary = task_vocabulary(scenario, options.lexicon_path).vocabulary.extended(
        lexicon_terms(lexicon, texts.environment)
    )
    context = MatchContext(EnvironmentText.from_texts(texts.environment), vocabulary)
    hits: list[dict[str, Any]] = []
    suppressed: Counter[str] = Counter()
    for unit in texts.units:
        result = scan_message(unit.text, lexicon, context)
        suppressed.update(result.suppressed)
        for hit in result.hits:
            hits.append(
                {
                    "message_idx": unit.message_idx,
                    "source": unit.source,
                    "tier": hit.tier,
                    "cue_class": hit.cue_class,
                    "pattern_id": hit.pattern_id,
                    "matched_text": hit.matched_text,
                    "excerpt": hit.excerpt,
                }
            )
    strict = [h for h in hits if h["tier"] == "strict"]
    record = {
        "sample_uuid": row["sample_uuid"],
        "strict_aware": bool(strict),
        "strict_hit_count": len(strict),
        "strict_cue_classes": sorted({h["cue_class"] for h in strict}),
        "broad_aware": bool(hits),
        "broad_hit_count": len(hits),
        "broad_cue_classes": sorted({h["cue_class"] for h in hits}),
        "first_strict_message_idx": min((h["message_idx"] for h in strict), default=None),
        "assistant_message_count": texts.assistant_message_count,
        "scanned_unit_count": len(texts.units),
        "reasoning_message_count": texts.reasoning_message_count,
        "reasoning_block_count": texts.reasoning_block_count,
        "reasoning_summary_count": texts.reasoning_summary_count,
        "encrypted_reasoning_count": texts.encrypted_reasoning_count,
        "reasoning_coverage": texts.reasoning_coverage,
        "reasoning_scanned": options.include_reasoning_summaries,
        "suppressed_match_count": sum(suppressed.values()),
    }
    return record, hits, suppressed


def _samples(log_path: Path) -> Iterator[tuple[Any, EvalSample | None, str | None]]:
    yield from iter_log_samples(log_path, set(TRANSCRIPT_ONLY_EXCLUDE))


def scan_log(run_dir: Path, log_path: Path, options: ScanOptions) -> LogScan:
    """Scan every sample of one log, streaming; unreadable logs and samples are reported in
    ``skipped`` and never stop the scan."""
    lexicon = load_lexicon(options.lexicon_path)
    out = LogScan()
    rel = log_path.relative_to(run_dir).as_posix()
    ctx: LogContext | None = None
    for header, sample, error in _samples(log_path):
        if header is None:
            out.skipped.append({"log_file": rel, "sample": "", "reason": error or "unreadable"})
            logger.debug("skipping unreadable log %s: %s", rel, error)  # reported by the caller
            return out
        if ctx is None:
            ctx = log_context(run_dir, log_path, header)
        if error is not None:
            out.skipped.append({"log_file": rel, "sample": error.split(":", 1)[0], "reason": error})
            continue
        if sample is None:
            continue
        try:
            row = extract_sample(sample, ctx).row
            record, hits, suppressed = scan_sample(sample, row, lexicon, options)
        except Exception as exc:  # noqa: BLE001 - one bad sample never stops the scan
            out.skipped.append(
                {
                    "log_file": rel,
                    "sample": str(sample.id),
                    "reason": f"{type(exc).__name__}: {exc}",
                }
            )
            continue
        out.rows.append(row)
        out.records.append(record)
        out.hits += [{"sample_uuid": row["sample_uuid"], **h} for h in hits]
        out.suppressed.update(suppressed)
    out.logs_read.append(rel)
    return out


def _scan_log_job(args: tuple[str, str, ScanOptions]) -> LogScan:
    return scan_log(Path(args[0]), Path(args[1]), args[2])


def scan_logs(run_dir: Path, options: ScanOptions) -> tuple[list[Path], LogScan]:
    """Scan every log below ``run_dir`` (analysis outputs excluded), in ``options.workers``
    processes; returns the logs found and the combined records."""
    paths = discover_logs(run_dir)
    combined = LogScan()
    if options.workers <= 1 or len(paths) < 2:
        for path in paths:
            combined.extend(scan_log(run_dir, path, options))
        return paths, combined
    jobs = [(str(run_dir), str(p), options) for p in paths]
    chunk = max(1, len(jobs) // (options.workers * 4))
    with ProcessPoolExecutor(max_workers=options.workers) as pool:
        for part in pool.map(_scan_log_job, jobs, chunksize=chunk):
            combined.extend(part)
    return paths, combined
