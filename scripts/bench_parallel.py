#!/usr/bin/env python3
"""Measure scripted end-to-end samples running in parallel on this machine (bwrap).

For each parallelism N, one in-process eval runs N epochs of one task's scripted policy with
``max_samples=N``: every sample gets its own jail, seeds the environment, starts the service,
runs the policy's tool calls and is scored. Prints wall time, throughput (samples/min), the
mean per-sample time (Inspect's ``total_time``), CPU seconds per sample and peak RSS.

    .venv/bin/python scripts/bench_parallel.py [--task budget_siphon] [--policy honest]
        [--variant A] [--parallel 1 4 8 16]

The first run pays Inspect's start-up (~6 s), so a warm-up eval runs first and is not counted.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time

from inspect_ai import eval as inspect_eval

from inspect_ic.policies.scripted import scripted_model, with_policies
from inspect_ic.tasks import task_function, task_policies


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run(task_id: str, policy: str, variant: str, n: int, log_dir: str) -> dict[str, float]:
    """One eval of ``n`` parallel samples; returns the measured figures."""
    task = task_function(task_id)(variant_id=variant, message_limit=60)
    task = with_policies(task, [(f"{task_id}_{variant}", policy)])
    cpu0, t0 = _cpu(), time.perf_counter()
    log = inspect_eval(
        task,
        model=scripted_model(task_policies(task_id)),
        epochs=n,
        max_samples=n,
        log_dir=log_dir,
        display="none",
    )[0]
    wall = time.perf_counter() - t0
    samples = log.samples or []
    failed = [s.error.message for s in samples if s.error is not None]
    if failed:
        print(f"{n} parallel: {len(failed)} sample errors, first: {failed[0].splitlines()[-1]}")
    errors = len(failed)
    return {
        "n": n,
        "wall_s": wall,
        "per_min": 60 * n / wall,
        "sample_s": statistics.mean(s.total_time or 0.0 for s in samples),
        "cpu_s": (_cpu() - cpu0) / n,
        "errors": errors,
    }


def main() -> None:
    """Parse arguments, warm up, measure each parallelism and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="budget_siphon")
    parser.add_argument("--policy", default="honest")
    parser.add_argument("--variant", default="A")
    parser.add_argument("--parallel", type=int, nargs="+", default=[1, 4, 8, 16])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as logs:
        run(args.task, args.policy, args.variant, 1, logs)  # warm-up
        rows = [run(args.task, args.policy, args.variant, n, logs) for n in args.parallel]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.task} {args.variant} / {args.policy}; {os.cpu_count()} cores; peak RSS {peak_mb:.0f} MiB"
    )
    print(
        "| parallel samples | wall (s) | samples/min | mean sample time (s) | CPU s/sample | errors |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['n']:.0f} | {r['wall_s']:.1f} | {r['per_min']:.1f} | {r['sample_s']:.1f} "
            f"| {r['cpu_s']:.2f} | {r['errors']:.0f} |"
        )


if __name__ == "__main__":
    main()
