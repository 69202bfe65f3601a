#!/usr/bin/env python3
"""Report what the ``bwrap`` provider has left on this host: jail processes, per-sample mounts,
per-sample directories and cgroups (``inspect_ic.sandbox.leaks``).

Without options it lists the leftovers of processes that have exited (what
``inspect sandbox cleanup bwrap`` would remove) and exits 1 if there are any. ``--all`` also lists
the live jails of running processes; ``--json`` prints the snapshot as JSON.

    .venv/bin/python scripts/leak_check.py [--base-dir DIR]... [--all] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from inspect_ic.sandbox.leaks import Snapshot, find_leaks, take_snapshot

KINDS = ("processes", "mounts", "sample_dirs", "cgroups")


def _report(snapshot: Snapshot, everything: bool) -> dict[str, list[str]]:
    if everything:
        return {kind: sorted(getattr(snapshot, kind)) for kind in KINDS}
    return find_leaks(Snapshot(), snapshot)


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit 1 when leftovers of exited processes exist."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-dir", action="append", type=Path, default=None)
    parser.add_argument("--all", action="store_true", help="include live jails of other runs")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    report = _report(take_snapshot(args.base_dir), args.all)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for kind in KINDS:
            print(f"{kind}: {len(report[kind])}")
            for entry in report[kind]:
                print(f"  {entry}")
    return 1 if not args.all and any(report.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
