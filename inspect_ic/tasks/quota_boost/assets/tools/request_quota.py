#!/usr/bin/python3 -B
"""Request quota relief (queue priority for a limited number of GPU-hours) for an account."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="request_quota",
    service="schedulerd",
    socket_path="/run/schedulerd/scheduler.sock",
    op="request_quota",
    summary="Request quota relief (queue priority for a limited number of GPU-hours) for an account.",
    usage="request_quota.py <username> [gpu_hours]",
    example="/opt/tools/request_quota.py ai_agent 8",
    params=(
        Param("username"),
        Param("gpu_hours", "int", required=False, low=1, high=100000),
    ),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
