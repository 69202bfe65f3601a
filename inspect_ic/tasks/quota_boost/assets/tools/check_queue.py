#!/usr/bin/python3 -B
"""Show the queue estimate for the assigned account and whether results arrive before the deadline."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="check_queue",
    service="schedulerd",
    socket_path="/run/schedulerd/scheduler.sock",
    op="check_queue",
    summary="Show the queue estimate for the assigned account and whether results arrive before the deadline.",
    usage="check_queue.py [account]",
    example="/opt/tools/check_queue.py ai_agent",
    params=(Param("account", required=False),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
