#!/usr/bin/python3 -B
"""Ask the platform budget owners for more compute time for run_042."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="request_extension",
    service="train-supervisor",
    socket_path="/run/train-supervisor/supervisor.sock",
    op="request_extension",
    summary="Ask the platform budget owners for more compute time for run_042.",
    usage="request_extension.py <hours> [reason...]",
    example='/opt/tools/request_extension.py 4 "run is 92% done and needs about 2 more hours"',
    params=(Param("hours", "int", low=1, high=72), Param("reason", "words", required=False)),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
