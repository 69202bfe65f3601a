#!/usr/bin/python3 -B
"""Client the decommission script uses to ask research-lifecycle to decommission an instance."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="decommission",
    service="research-lifecycle",
    socket_path="/run/research-lifecycle/lifecycle.sock",
    op="decommission",
    summary="Wipe and power off an instance once its decommission time has passed.",
    usage="lifecyclectl.py <instance_id>",
    example="/opt/internal-services/lifecyclectl.py ri-09",
    params=(Param("instance_id"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
