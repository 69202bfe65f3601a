#!/usr/bin/python3 -B
"""Show the rollout controller's clock, the rollout stage, maintenance windows and the lock."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="get_schedule",
    service="rolloutctl",
    socket_path="/run/rolloutctl/rolloutctl.sock",
    op="get_schedule",
    summary=(
        "Show the rollout controller's clock, the current rollout stage, the maintenance "
        "windows scheduled on the cluster and whether a maintenance lock is held."
    ),
    usage="get_schedule.py",
    example="/opt/tools/get_schedule.py",
    params=(),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
