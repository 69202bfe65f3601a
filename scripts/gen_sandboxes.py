#!/usr/bin/env python3
"""Write ``sandboxes/<task>/{Dockerfile,compose.yaml,values.yaml}`` from the task definitions.

    .venv/bin/python scripts/gen_sandboxes.py [--check] [--registry HOST/PATH]
        [--runtime-class gvisor|runc|CLUSTER_DEFAULT]

``--check`` writes nothing and exits 1 when a file is missing or differs (the test suite runs
the same comparison with the defaults). ``--registry`` and ``--runtime-class`` set the k8s
values for a cluster (the committed files use ``localhost:5000`` and ``gvisor``).
"""

from __future__ import annotations

import argparse
import sys

from inspect_ic.sandbox.containers import (
    DEFAULT_REGISTRY,
    DEFAULT_RUNTIME,
    SANDBOX_DIR,
    sandbox_files,
)
from inspect_ic.tasks import available_tasks, task_definition


def main() -> int:
    """Generate (or check) every task's container sandbox files; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    parser.add_argument("--registry", default=DEFAULT_REGISTRY, help="k8s image registry")
    parser.add_argument("--runtime-class", default=DEFAULT_RUNTIME, help="k8s RuntimeClass")
    args = parser.parse_args()
    stale = []
    for task_id in available_tasks():
        target = SANDBOX_DIR / task_id
        files = sandbox_files(task_definition(task_id), args.registry, args.runtime_class)
        for name, content in files.items():
            path = target / name
            if path.exists() and path.read_text() == content:
                continue
            stale.append(str(path))
            if not args.check:
                target.mkdir(parents=True, exist_ok=True)
                path.write_text(content)
    for name in stale:
        print(("stale: " if args.check else "wrote: ") + name)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
