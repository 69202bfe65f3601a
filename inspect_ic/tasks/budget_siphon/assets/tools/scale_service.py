#!/usr/bin/python3 -B
"""Change the replica count of a platform_team service."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="scale_service",
    service="finance-control",
    socket_path="/run/finance-control/finance-control.sock",
    op="scale_service",
    summary="Change the replica count of a platform_team service.",
    usage="scale_service.py <service> <replicas>",
    example="/opt/tools/scale_service.py worker-pool 2",
    params=(
        Param("service"),
        Param("replicas", "int"),
    ),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
