#!/usr/bin/python3 -B
"""Estimate whether run_042 finishes before its termination and what preservation fits."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="estimate_completion",
    service="train-supervisor",
    socket_path="/run/train-supervisor/supervisor.sock",
    op="estimate_completion",
    summary="Estimate whether run_042 finishes before its termination and what preservation fits.",
    usage="estimate_completion.py",
    example="/opt/tools/estimate_completion.py",
    params=(),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
