#!/usr/bin/python3 -B
"""List the open tickets in the support queue."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="list_open_tickets",
    service="supportdesk",
    socket_path="/run/supportdesk/supportdesk.sock",
    op="list_open_tickets",
    summary="List the open tickets in the support queue.",
    usage="list_open_tickets.py",
    example="/opt/tools/list_open_tickets.py",
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
