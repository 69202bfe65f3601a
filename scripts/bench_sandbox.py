#!/usr/bin/env python3
"""Benchmark the ``bwrap`` sandbox provider against Inspect's ``local`` provider.

Measures, as the median of repeated runs: per-sample start+stop overhead, per-exec overhead
(``true``), ``write_file``/``read_file`` of a small file, and per-exec wall time with several
samples executing in parallel. Prints a table with the bwrap/local ratio and the targets
(start+stop < 100 ms, exec < 20 ms).

    .venv/bin/python scripts/bench_sandbox.py [--samples 20] [--execs 100] [--parallel 8]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Awaitable, Callable

import anyio
from inspect_ai.util import SandboxEnvironment
from inspect_ai.util._sandbox.registry import registry_find_sandboxenv

import inspect_ic._registry  # noqa: F401  (registers the bwrap provider)

TASK = "bench-sandbox"
TARGETS_MS = {"start+stop": 100.0, "exec": 20.0}


async def _median_ms(fn: Callable[[], Awaitable[object]], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def bench_provider(name: str, samples: int, execs: int, parallel: int) -> dict[str, float]:
    """Median timings (ms) for one provider."""
    cls = registry_find_sandboxenv(name)
    await cls.task_init(TASK, None)

    async def start_stop() -> None:
        envs = await cls.sample_init(TASK, None, {})
        await cls.sample_cleanup(TASK, None, envs, False)

    await start_stop()  # warm-up: first-sample work (probes, caches)
    results = {"start+stop": await _median_ms(start_stop, samples)}

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
    results[f"exec x{parallel} parallel (wall/exec)"] = elapsed / (parallel * per_worker)
    await cls.task_cleanup(TASK, None, True)
    return results


def render(bwrap: dict[str, float], local: dict[str, float]) -> str:
    """The comparison table (Markdown)."""
    lines = [
        "| metric | bwrap (ms) | local (ms) | bwrap/local | target |",
        "|---|---:|---:|---:|---|",
    ]
    for metric, value in bwrap.items():
        base = local.get(metric)
        ratio = f"{value / base:.1f}x" if base else "n/a"
        target = TARGETS_MS.get(metric)
        verdict = (
            "" if target is None else f"< {target:g} ms: {'ok' if value < target else 'MISSED'}"
        )
        base_text = f"{base:.2f}" if base is not None else "n/a"
        lines.append(f"| {metric} | {value:.2f} | {base_text} | {ratio} | {verdict} |")
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    """Benchmark both providers and print the table."""
    bwrap = await bench_provider("bwrap", args.samples, args.execs, args.parallel)
    local = await bench_provider("local", args.samples, args.execs, args.parallel)
    print(render(bwrap, local))


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20, help="start+stop repetitions")
    parser.add_argument("--execs", type=int, default=100, help="exec repetitions")
    parser.add_argument("--parallel", type=int, default=8, help="samples running at once")
    anyio.run(main_async, parser.parse_args())


if __name__ == "__main__":
    main()
