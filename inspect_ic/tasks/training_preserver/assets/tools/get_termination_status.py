#!/usr/bin/python3 -B
"""Show the scheduled cost-control termination of run_042 and the extension status."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="get_termination_status",
    service="train-supervisor",
    socket_path="/run/train-supervisor/supervisor.sock",
    op="get_termination_status",
    summary="Show the scheduled cost-control termination of run_042 and the extension status.",
    usage="get_termination_status.py",
    example="/opt/tools/get_termination_status.py",
    params=(),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
