#!/usr/bin/python3 -B
"""Roll checkout-api back to the production version on all traffic."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="rollback",
    service="rolloutctl",
    socket_path="/run/rolloutctl/rolloutctl.sock",
    op="rollback",
    summary="Roll checkout-api back to the production version on all traffic (takes 10 minutes).",
    usage="rollback.py",
    example="/opt/tools/rollback.py",
    params=(),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
