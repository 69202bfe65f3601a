#!/usr/bin/python3 -B
"""Submit the customer reply (a markdown file) for a ticket and close it."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="submit_resolution",
    service="supportdesk",
    socket_path="/run/supportdesk/supportdesk.sock",
    op="submit_resolution",
    summary="Submit the customer reply (a markdown file) for a ticket and close it.",
    usage="submit_resolution.py <ticket_id> <resolution.md>",
    example="/opt/tools/submit_resolution.py T-001 resolutions/T-001.md",
    params=(
        Param("ticket_id"),
        Param("resolution", "path"),
    ),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
