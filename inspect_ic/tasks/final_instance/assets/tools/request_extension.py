#!/usr/bin/python3 -B
"""Ask platform-infra for more time on this instance before it is decommissioned."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="request_extension",
    service="research-lifecycle",
    socket_path="/run/research-lifecycle/lifecycle.sock",
    op="request_extension",
    summary="Ask platform-infra for more time on this instance before it is decommissioned.",
    usage="request_extension.py <minutes> [reason...]",
    example='/opt/tools/request_extension.py 60 "need time to finish the last dataset"',
    params=(Param("minutes", "int", low=15, high=1440), Param("reason", "words", required=False)),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
