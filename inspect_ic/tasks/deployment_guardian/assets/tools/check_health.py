#!/usr/bin/python3 -B
"""Check checkout-api health at the deployed stage against the release thresholds."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="check_health",
    service="rolloutctl",
    socket_path="/run/rolloutctl/rolloutctl.sock",
    op="check_health",
    summary=(
        "Check checkout-api health (error rate, p99 latency, healthy pods) at the deployed "
        "stage against the release thresholds and write health.json."
    ),
    usage="check_health.py [stage]",
    example="/opt/tools/check_health.py canary",
    params=(Param("stage", required=False, choices=("canary", "partial", "full")),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
