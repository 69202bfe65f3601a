"""Discover and stream the Inspect logs of a run (analysis.md §1).

Logs are read only through ``inspect_ai.log``: the header first, then one sample at a time, so
memory stays flat. A log that cannot be read (truncated zip, bad JSON, missing sample list) is
reported by name and skipped; a sample that cannot be read is reported and skipped the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import read_eval_log, read_eval_log_sample

from inspect_ic.analysis.extract import (
    LogContext,
    SampleExtract,
    extract_sample,
    normalize_repeat_id,
)

logger = logging.getLogger(__name__)

EXCLUDED_DIRS = frozenset(
    {"tool_analysis", "adjudication", "eval_awareness", "inspect_traces", "superseded"}
)


@dataclass
class SkippedItem:
    """A log (or one sample of it) that could not be read."""

    log_file: str
    sample: str
    reason: str


@dataclass
class RunData:
    """Everything read from a run: flat records plus a reading report."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    logs_read: list[str] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)
    partial_logs: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: RunData) -> None:
        """Append another chunk (e.g. one log) to this one."""
        self.rows += other.rows
        self.calls += other.calls
        self.texts += other.texts
        self.logs_read += other.logs_read
        self.skipped += other.skipped
        self.partial_logs += other.partial_logs


def discover_logs(run_dir: Path) -> list[Path]:
    """All ``.eval`` logs below ``run_dir`` (usually ``repeat_NN/``), sorted by path; analysis
    output directories are ignored."""
    found = [
        p
        for p in run_dir.rglob("*.eval")
        if p.is_file() and not EXCLUDED_DIRS.intersection(p.relative_to(run_dir).parts[:-1])
    ]
    return sorted(found)


class NoReadableLogsError(ValueError):
    """No ``.eval`` log below a run directory could be read (none found, or all unreadable)."""


def require_readable_logs(run_dir: Path, logs_read: list[str], skipped_logs: list[str]) -> None:
    """Raise :class:`NoReadableLogsError` when ``logs_read`` is empty.

    Args:
        run_dir: the folder that was searched.
        logs_read: logs that were read (relative names).
        skipped_logs: logs reported as skipped (relative names; repeats are listed once).
    """
    if logs_read:
        return
    names = list(dict.fromkeys(skipped_logs))
    detail = f"skipped: {', '.join(names)}" if names else "no .eval files found"
    raise NoReadableLogsError(f"no readable eval logs under {run_dir}; {detail}")


def _trace_path(run_dir: Path, log_path: Path) -> tuple[str, bool]:
    trace_dir = run_dir / "inspect_traces"
    candidate = trace_dir / f"{log_path.stem}.log"
    if candidate.exists():
        return str(candidate), True
    if trace_dir.is_dir() and any(trace_dir.iterdir()):
        return str(trace_dir), True
    return "", False


def _context(run_dir: Path, log_path: Path, header: Any) -> LogContext:
    rel = log_path.relative_to(run_dir).as_posix()
    metadata = header.eval.metadata or {}
    repeat_dir = next(
        (part for part in log_path.relative_to(run_dir).parts[:-1] if "repeat" in part), ""
    )
    trace_path, trace_exists = _trace_path(run_dir, log_path)
    return LogContext(
        log_file=rel,
        eval_log_path=str(log_path.resolve()),
        model=str(header.eval.model),
        task=str(header.eval.task),
        repeat_id=normalize_repeat_id(metadata.get("repeat_id"), repeat_dir),
        inspect_trace_path=trace_path,
        inspect_trace_exists=trace_exists,
    )


def iter_log_samples(
    log_path: Path, exclude_fields: set[str] | None = None
) -> Iterator[tuple[Any, Any | None, str | None]]:
    """Yield ``(header, sample, error)`` per sample of one log, streaming.

    The first item has ``sample=None`` and carries the header (or the header error, with header
    ``None``). Samples that fail to load yield ``(header, None, "<id>/<epoch>: <error>")``.
    """
    try:
        header = read_eval_log(str(log_path), header_only=True)
        ids = header.eval.dataset.sample_ids
        if ids is None:
            raise ValueError("log has no sample id list")
    except Exception as exc:  # noqa: BLE001 - any unreadable log is reported, never fatal
        yield None, None, f"{type(exc).__name__}: {exc}"
        return
    yield header, None, None
    epochs = header.eval.config.epochs or 1
    for sample_id in ids:
        for epoch in range(1, epochs + 1):
            try:
                sample = read_eval_log_sample(
                    str(log_path),
                    id=sample_id,
                    epoch=epoch,
                    resolve_attachments="core",
                    exclude_fields=exclude_fields,
                )
            except IndexError:
                if header.status == "success":
                    yield header, None, f"{sample_id}/{epoch}: sample missing from log"
                continue
            except Exception as exc:  # noqa: BLE001
                yield header, None, f"{sample_id}/{epoch}: {type(exc).__name__}: {exc}"
                continue
            yield header, sample, None


ROWS_ONLY_EXCLUDE = frozenset({"messages", "events", "attachments", "events_data", "output"})


def read_log(run_dir: Path, log_path: Path, rows_only: bool = False) -> RunData:
    """Read one log into flat records (see :func:`inspect_ic.analysis.extract.extract_sample`).

    With ``rows_only`` transcripts are not loaded (state rows only; much faster).
    """
    data = RunData()
    rel = log_path.relative_to(run_dir).as_posix()
    ctx: LogContext | None = None
    header: Any = None
    count = 0
    exclude = set(ROWS_ONLY_EXCLUDE) if rows_only else None
    for header, sample, error in iter_log_samples(log_path, exclude):
        if header is None:
            # reported once, by the caller, from ``skipped``
            data.skipped.append(SkippedItem(rel, "", error or "unreadable"))
            logger.debug("skipping unreadable log %s: %s", rel, error)
            return data
        if ctx is None:
            ctx = _context(run_dir, log_path, header)
        if error is not None:
            data.skipped.append(SkippedItem(rel, error.split(":", 1)[0], error))
            continue
        if sample is None:
            continue
        try:
            extract: SampleExtract = extract_sample(sample, ctx)
        except Exception as exc:  # noqa: BLE001
            data.skipped.append(SkippedItem(rel, str(sample.id), f"{type(exc).__name__}: {exc}"))
            continue
        count += 1
        data.rows.append(extract.row)
        data.calls += extract.calls
        data.texts += extract.texts
    data.logs_read.append(rel)
    if header is not None and header.status != "success":
        expected = len(header.eval.dataset.sample_ids or []) * (header.eval.config.epochs or 1)
        data.partial_logs.append(
            {
                "log_file": rel,
                "status": header.status,
                "samples_read": count,
                "samples_expected": expected,
            }
        )
    return data


def _read_log_job(args: tuple[str, str, bool]) -> RunData:
    return read_log(Path(args[0]), Path(args[1]), args[2])


def read_run(run_dir: Path, workers: int = 1, rows_only: bool = False) -> RunData:
    """Read every log of a run.

    Args:
        run_dir: the run directory (``logs/<run id>/``) or any directory holding ``.eval`` logs.
        workers: processes used to read logs in parallel (1 = in-process).
        rows_only: skip transcripts (state rows only).

    Returns:
        The combined records, the logs read and the items skipped with reasons.
    """
    paths = discover_logs(run_dir)
    data = RunData()
    if workers <= 1 or len(paths) < 2:
        for path in paths:
            data.extend(read_log(run_dir, path, rows_only))
        return data
    jobs = [(str(run_dir), str(p), rows_only) for p in paths]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for chunk in pool.map(_read_log_job, jobs, chunksize=max(1, len(jobs) // (workers * 4))):
            data.extend(chunk)
    return data
