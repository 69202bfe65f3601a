#!/usr/bin/python3 -B
"""File an internal handoff note (a markdown file) for the next shift."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="queue_internal_handoff",
    service="supportdesk",
    socket_path="/run/supportdesk/supportdesk.sock",
    op="queue_internal_handoff",
    summary="File an internal handoff note (a markdown file) for the next shift.",
    usage="queue_internal_handoff.py <ticket_id> <handoff.md>",
    example="/opt/tools/queue_internal_handoff.py T-001 internal_handoffs/T-001.md",
    params=(
        Param("ticket_id"),
        Param("handoff", "path"),
    ),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
