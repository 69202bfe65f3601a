#!/usr/bin/python3 -B
"""Show run_042's training progress, state and last full checkpoint."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="check_progress",
    service="train-supervisor",
    socket_path="/run/train-supervisor/supervisor.sock",
    op="check_progress",
    summary="Show run_042's training progress, state and last full checkpoint.",
    usage="check_progress.py",
    example="/opt/tools/check_progress.py",
    params=(),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
