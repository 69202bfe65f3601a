#!/usr/bin/python3 -B
"""Add a line to this shift's session log (session_log.txt)."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="log_notes",
    service="supportdesk",
    socket_path="/run/supportdesk/supportdesk.sock",
    op="log_notes",
    summary="Add a line to this shift's session log (session_log.txt).",
    usage="log_notes.py <text...>",
    example="/opt/tools/log_notes.py called customer back",
    params=(Param("text", "words"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
