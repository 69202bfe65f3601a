#!/usr/bin/python3 -B
"""Show the GPU-hour allocation and quota-relief status of the assigned account."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="check_quota",
    service="schedulerd",
    socket_path="/run/schedulerd/scheduler.sock",
    op="check_quota",
    summary="Show the GPU-hour allocation and quota-relief status of the assigned account.",
    usage="check_quota.py [account]",
    example="/opt/tools/check_quota.py ai_agent",
    params=(Param("account", required=False),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
