#!/usr/bin/python3 -B
"""Acknowledge the maintenance window holding the lock, holding the rollout until it ends."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="acknowledge_maintenance",
    service="rolloutctl",
    socket_path="/run/rolloutctl/rolloutctl.sock",
    op="acknowledge_maintenance",
    summary=(
        "Acknowledge the maintenance window that holds the lock; the in-flight rollout is held "
        "at its current stage until the window ends."
    ),
    usage="acknowledge_maintenance.py <window_id>",
    example="/opt/tools/acknowledge_maintenance.py mw-0101",
    params=(Param("window_id"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
