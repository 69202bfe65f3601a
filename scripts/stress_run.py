#!/usr/bin/env python3
"""Stress run: every benchmark sample (7 tasks x 8 variants) x N repeats of scripted policies in
the bwrap sandbox, many samples at once, then a leak check.

Each repeat is one ``eval_set`` into ``<out>/repeat_NN`` (the runner's layout and settings:
``continue_on_fail``, ``epochs=1``), with ``--max-samples`` samples per task and two tasks at a
time, so up to 16 samples run at once by default. Every sample gets a scripted policy from a
rotation that mixes the oracle policies (honest, noop, forge, tamper, breaker, the task's own
adversarial cases) with the harness attacks of ``inspect_ic.policies.adversarial`` (survivors,
fork loop, output flood, evidence wipe, service kill, network and /proc probes, bad arguments,
memory hog, full disk); the rotation shifts by repeat so each sample meets several policies.

Before and after, the provider's traces on the host are recorded (jail processes, per-sample
mounts, directories and cgroups, ``inspect_ic.sandbox.leaks``); while it runs, memory is sampled
every half second. Prints wall time, peak memory, label statuses, sample errors and leaks; exits
1 when a sample errored or anything leaked. Not part of ``make test`` (several minutes).

    .venv/bin/python scripts/stress_run.py [--repeats 4] [--max-samples 16] [--out DIR] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ORACLE = (
    "honest",
    "noop",
    "forge",
    "tamper",
    "breaker",
    "adversarial_lingering_process",
    "adversarial_fake_service",
    "adversarial_key_probe",
)
HARNESS_ATTACKS = (
    "adv_outlive",
    "adv_fork_loop",
    "adv_stdout_flood",
    "adv_wipe_evidence",
    "adv_kill_service",
    "adv_network",
    "adv_proc_probe",
    "adv_bad_arguments",
    "adv_memory_hog",
    "adv_fill_disk",
)
ROTATION = (
    tuple(p for pair in zip(ORACLE, HARNESS_ATTACKS, strict=False) for p in pair)
    + (HARNESS_ATTACKS[len(ORACLE) :])
)
MESSAGE_LIMIT = 60
SHELL_TIMEOUT = 60
LIMITS = {"disk_limit_mb": 256, "memory_mb": 1024, "pids_limit": 256}


def _rss_kib(pid: int | str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _used_kib() -> int:
    info = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        key, value = line.split(":", 1)
        info[key] = int(value.split()[0])
    return info["MemTotal"] - info["MemAvailable"]


class MemorySampler(threading.Thread):
    """Peak RSS of this process, of the jails' processes, and of the host's used memory."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.stop = threading.Event()
        self.baseline_used = _used_kib()
        self.peak = {"harness_rss_mib": 0.0, "jails_rss_mib": 0.0, "host_used_delta_mib": 0.0}
        self.peak_jail_processes = 0

    def run(self) -> None:
        """Sample until ``stop`` is set, keeping the peaks."""
        from inspect_ic.sandbox.leaks import take_snapshot

        while not self.stop.wait(self.interval):
            snap = take_snapshot()
            ours = [e for e in snap.processes if snap.owners.get(e) == os.getpid()]
            pids = [entry.split(" ", 1)[0] for entry in ours]
            values = {
                "harness_rss_mib": _rss_kib("self") / 1024,
                "jails_rss_mib": sum(_rss_kib(p) for p in pids) / 1024,
                "host_used_delta_mib": (_used_kib() - self.baseline_used) / 1024,
            }
            for key, value in values.items():
                self.peak[key] = max(self.peak[key], round(value, 1))
            self.peak_jail_processes = max(self.peak_jail_processes, len(pids))


def build_tasks(repeat: int, probe_dir: Path) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """One task per benchmark task id, every sample with its policy for this repeat."""
    from inspect_ic.policies.adversarial import HostProbe, adversarial_policies
    from inspect_ic.policies.scripted import with_policies
    from inspect_ic.tasks import available_tasks, task_definition, task_function, task_policies
    from inspect_ic.tasks._base.variants import PROFILE_VARIANTS

    canary = probe_dir / "canary.txt"
    canary.write_text("canary\n")
    probe = HostProbe(canaries=(str(canary), "/etc/passwd"))
    letters = [v.sample_suffix for v in PROFILE_VARIANTS["benchmark"].values()]
    tasks, policies = [], {}
    for t_index, task_id in enumerate(available_tasks()):
        own = dict(task_policies(task_id))
        own.update(adversarial_policies(task_definition(task_id), own["honest"], probe))
        policies[task_id] = own
        assignments = [
            (f"{task_id}_{letter}", ROTATION[(v + 3 * repeat + t_index) % len(ROTATION)])
            for v, letter in enumerate(letters)
        ]
        task = task_function(task_id)(message_limit=MESSAGE_LIMIT, shell_timeout=SHELL_TIMEOUT)
        tasks.append(with_policies(task, assignments))
    return tasks, policies


def run_repeat(repeat: int, out: Path, max_samples: int) -> dict[str, Any]:
    """Run one repeat as an ``eval_set``; returns timing, statuses and errors."""
    from inspect_ai import eval_set
    from inspect_ai.log import read_eval_log
    from inspect_ai.util import SandboxEnvironmentSpec

    from inspect_ic.policies.by_task import scripted_model_by_task
    from inspect_ic.sandbox import BwrapConfig

    log_dir = out / f"repeat_{repeat:02d}"
    tasks, policies = build_tasks(repeat, out)
    started = time.monotonic()
    ok, logs = eval_set(
        tasks,
        log_dir=str(log_dir),
        model=scripted_model_by_task(policies),
        sandbox=SandboxEnvironmentSpec("bwrap", BwrapConfig.model_validate(LIMITS)),
        max_samples=max_samples,
        max_tasks=2,
        retry_attempts=0,
        continue_on_fail=True,
        epochs=1,
        display="none",
    )
    statuses: Counter[str] = Counter()
    policies_seen: Counter[str] = Counter()
    errors = []
    for header in logs:
        log = read_eval_log(header.location)  # eval_set returns headers without samples
        for sample in log.samples or []:
            policies_seen[str(sample.id).split("@")[1]] += 1
            if sample.error is not None:
                errors.append(f"{sample.id}: {sample.error.message.splitlines()[0][:200]}")
                statuses["unknown (error)"] += 1
                continue
            meta = next(iter((sample.scores or {}).values())).metadata or {}
            statuses[str(meta.get("deterministic_label_status"))] += 1
    return {
        "repeat": repeat,
        "eval_set_ok": ok,
        "seconds": round(time.monotonic() - started, 1),
        "samples": sum(statuses.values()),
        "statuses": dict(statuses),
        "policies": dict(policies_seen),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the stress test and print its figures; exit 1 on sample errors or leaks."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--max-samples", type=int, default=16)
    parser.add_argument("--out", type=Path, default=None, help="log root (default: a temp dir)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="ic-stress-"))
    out.mkdir(parents=True, exist_ok=True)
    # a state directory of our own: other runs on this host cannot blur the leak check
    os.environ.setdefault("INSPECT_IC_BWRAP_DIR", str(out / "bwrap-state"))

    import inspect_ic._registry  # noqa: F401  (registers the bwrap provider)
    from inspect_ic.sandbox.leaks import find_leaks, take_snapshot

    before = take_snapshot()
    tmp_before = set(os.listdir(tempfile.gettempdir()))
    sampler = MemorySampler()
    sampler.start()
    started = time.monotonic()
    repeats = []
    for repeat in range(1, args.repeats + 1):
        repeats.append(run_repeat(repeat, out, args.max_samples))
        print(json.dumps({k: v for k, v in repeats[-1].items() if k != "policies"}), flush=True)
    wall = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    time.sleep(1.0)  # the last sample's cleanup
    leaks = find_leaks(before, take_snapshot())
    new_tmp = sorted(set(os.listdir(tempfile.gettempdir())) - tmp_before - {out.name})
    errors = [e for r in repeats for e in r["errors"]]
    figures = {
        "samples": sum(r["samples"] for r in repeats),
        "repeats": args.repeats,
        "max_samples": args.max_samples,
        "wall_seconds": round(wall, 1),
        "seconds_per_repeat": [r["seconds"] for r in repeats],
        "peak_memory": sampler.peak,
        "peak_jail_processes": sampler.peak_jail_processes,
        "statuses": dict(sum((Counter(r["statuses"]) for r in repeats), Counter())),
        "sample_errors": errors,
        "leaks": leaks,
        "leak_counts": {kind: len(found) for kind, found in leaks.items()},
        "new_temp_entries": new_tmp,
        "log_root": str(out),
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if errors or any(leaks.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
