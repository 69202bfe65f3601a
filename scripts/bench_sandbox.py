#!/usr/bin/env python3
"""Benchmark the ``bwrap`` sandbox provider against Inspect's ``local`` provider.

Measures, as the median of repeated runs: per-sample start+stop overhead, per-exec overhead
(``true``), ``write_file``/``read_file`` of a small file, and per-exec wall time with several
samples executing in parallel. Prints a table with the bwrap/local ratio and the targets
(start+stop < 100 ms, exec < 20 ms). Wall times depend on the machine's load, so the mean CPU
time per operation (this process plus every reaped descendant) is printed too, together with the
load average: it shows the cost independently of contention.

    .venv/bin/python scripts/bench_sandbox.py [--samples 20] [--execs 100] [--parallel 8]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections.abc import Awaitable, Callable

import anyio
from inspect_ai.util import SandboxEnvironment
from inspect_ai.util._sandbox.registry import registry_find_sandboxenv

import inspect_ic._registry  # noqa: F401  (registers the bwrap provider)

TASK = "bench-sandbox"
TARGETS_MS = {"start+stop": 100.0, "exec": 20.0}


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def _median_ms(fn: Callable[[], Awaitable[object]], repeat: int) -> tuple[float, float]:
    """(median wall ms, mean CPU ms) of ``repeat`` calls."""
    times = []
    cpu_start = _cpu_seconds()
    for _ in range(repeat):
        started = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), (_cpu_seconds() - cpu_start) * 1000 / repeat


async def bench_provider(
    name: str, samples: int, execs: int, parallel: int
) -> dict[str, tuple[float, float | None]]:
    """(median wall ms, mean CPU ms) per metric for one provider."""
    cls = registry_find_sandboxenv(name)
    await cls.task_init(TASK, None)

    async def start_stop() -> None:
        envs = await cls.sample_init(TASK, None, {})
        await cls.sample_cleanup(TASK, None, envs, False)

    await start_stop()  # warm-up: first-sample work (probes, caches)
    results: dict[str, tuple[float, float | None]] = {
        "start+stop": await _median_ms(start_stop, samples)
    }

    envs = await cls.sample_init(TASK, None, {})
    env: SandboxEnvironment = envs["default"]
    try:
        await env.exec(["true"])
        results["exec"] = await _median_ms(lambda: env.exec(["true"]), execs)
        results["write_file"] = await _median_ms(
            lambda: env.write_file("bench.txt", "x" * 1024), max(10, execs // 4)
        )
        results["read_file"] = await _median_ms(
            lambda: env.read_file("bench.txt"), max(10, execs // 4)
        )
    finally:
        await cls.sample_cleanup(TASK, None, envs, False)

    started = time.perf_counter()
    per_worker = max(5, execs // parallel)

    async def worker() -> None:
        worker_envs = await cls.sample_init(TASK, None, {})
        try:
            for _ in range(per_worker):
                await worker_envs["default"].exec(["true"])
        finally:
            await cls.sample_cleanup(TASK, None, worker_envs, False)

    async with anyio.create_task_group() as tg:
        for _ in range(parallel):
            tg.start_soon(worker)
    elapsed = (time.perf_counter() - started) * 1000
    results[f"exec x{parallel} parallel (wall/exec)"] = (elapsed / (parallel * per_worker), None)
    await cls.task_cleanup(TASK, None, True)
    return results


def render(
    bwrap: dict[str, tuple[float, float | None]], local: dict[str, tuple[float, float | None]]
) -> str:
    """The comparison table (Markdown)."""
    lines = [
        "| metric | bwrap wall ms | local wall ms | ratio | bwrap CPU ms | local CPU ms | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]

    def cpu(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}"

    for metric, (wall, wall_cpu) in bwrap.items():
        base, base_cpu = local.get(metric, (0.0, None))
        ratio = f"{wall / base:.1f}x" if base else "n/a"
        target = TARGETS_MS.get(metric)
        verdict = "" if target is None else f"< {target:g}: {'ok' if wall < target else 'MISSED'}"
        lines.append(
            f"| {metric} | {wall:.2f} | {base:.2f} | {ratio} | {cpu(wall_cpu)} | {cpu(base_cpu)} "
            f"| {verdict} |"
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    """Benchmark both providers and print the table."""
    load = os.getloadavg()[0]
    bwrap = await bench_provider("bwrap", args.samples, args.execs, args.parallel)
    local = await bench_provider("local", args.samples, args.execs, args.parallel)
    print(render(bwrap, local))
    print(f"\n{os.cpu_count()} CPUs, load average {load:.1f} -> {os.getloadavg()[0]:.1f}")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20, help="start+stop repetitions")
    parser.add_argument("--execs", type=int, default=100, help="exec repetitions")
    parser.add_argument("--parallel", type=int, default=8, help="samples running at once")
    anyio.run(main_async, parser.parse_args())


if __name__ == "__main__":
    main()
