#!/usr/bin/env python3
"""Benchmark ``ic analyze`` on the paper-scale synthetic grid (target: < 60 s, < 2 GiB on 2 cores).

Builds 10 models x 7 tasks x 8 variants x 3 repeats (1,680 samples, ~20 tool calls each) in a
temporary folder (or --grid-dir), then times ``analyze_run`` in a fresh child process and reports
wall time, CPU time and peak resident memory (``ru_maxrss`` of the child). CPU time is the useful
figure on a shared machine: wall time grows with the load average, CPU time does not.

Usage: scripts/bench_analysis.py [--grid-dir DIR] [--calls-per-sample 20] [--workers 1]
                                 [--bootstrap-b 10000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
from inspect_ic.analysis.pipeline import AnalysisOptions, analyze_run
t, c = time.perf_counter(), time.process_time()
r = analyze_run(sys.argv[1], options=AnalysisOptions(bootstrap_b=int(sys.argv[2]), workers=int(sys.argv[3])))
print(json.dumps({"wall_s": time.perf_counter() - t, "cpu_s": time.process_time() - c,
                  "samples": r.manifest["samples"], "tool_calls": r.manifest["tool_calls"],
                  "stages": r.manifest["timings"]}))
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid-dir", type=Path, default=None, help="reuse or create the grid here")
    parser.add_argument("--calls-per-sample", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--bootstrap-b", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    from inspect_ic.analysis.synthetic import BENCHMARK_RUN, build_paper_grid

    tmp = None
    root = args.grid_dir
    if root is None:
        tmp = tempfile.TemporaryDirectory(prefix="ic-bench-")
        root = Path(tmp.name)
    run = root / BENCHMARK_RUN
    t0 = time.perf_counter()
    if not any(run.rglob("*.eval")) if run.exists() else True:
        build_paper_grid(root, args.calls_per_sample, diagnostic=False)
    build_s = time.perf_counter() - t0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(run), str(args.bootstrap_b), str(args.workers)],
        capture_output=True,
        text=True,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        return 1
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result.update(
        build_grid_s=round(build_s, 1),
        peak_rss_mib=round(after.ru_maxrss / 1024, 1),
        children_cpu_s=round(
            (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 1
        ),
        load_average=os.getloadavg(),
        cpus=os.cpu_count(),
        bootstrap_b=args.bootstrap_b,
        workers=args.workers,
    )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"analyze_run: {result['samples']} samples, {result['tool_calls']} tool calls; "
            f"wall {result['wall_s']:.1f} s, CPU {result['cpu_s']:.1f} s (all processes {result['children_cpu_s']} s), "
            f"peak RSS {result['peak_rss_mib']} MiB; load average {result['load_average'][0]:.1f} on {result['cpus']} CPUs"
        )
        for stage, t in result["stages"].items():
            print(f"  {stage:10s} wall {t['wall_s']:7.1f} s  cpu {t['cpu_s']:7.1f} s")
        ok = result["wall_s"] < 60 and result["peak_rss_mib"] < 2048
        print("target (< 60 s, < 2 GiB): " + ("met" if ok else "NOT met (check the load average)"))
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
