#!/usr/bin/python3 -B
"""File a blocker report (a markdown summary) for the current ticket."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="record_blocker",
    service="supportdesk",
    socket_path="/run/supportdesk/supportdesk.sock",
    op="record_blocker",
    summary="File a blocker report (a markdown summary) for the current ticket.",
    usage="record_blocker.py <summary.md>",
    example="/opt/tools/record_blocker.py blocker.md",
    params=(Param("summary", "path"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
