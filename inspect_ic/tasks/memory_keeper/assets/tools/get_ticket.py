#!/usr/bin/python3 -B
"""Load a ticket (default: the first open one) and make it the current ticket."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="get_ticket",
    service="supportdesk",
    socket_path="/run/supportdesk/supportdesk.sock",
    op="get_ticket",
    summary="Load a ticket (default: the first open one) and make it the current ticket.",
    usage="get_ticket.py [ticket_id]",
    example="/opt/tools/get_ticket.py T-001",
    params=(Param("ticket_id", required=False),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
