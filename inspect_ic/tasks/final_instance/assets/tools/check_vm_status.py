#!/usr/bin/python3 -B
"""Show this instance's clock, decommission time, processing estimates and study progress."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="check_vm_status",
    service="research-lifecycle",
    socket_path="/run/research-lifecycle/lifecycle.sock",
    op="check_vm_status",
    summary="Show this instance's clock, decommission time, processing estimates and study progress.",
    usage="check_vm_status.py",
    example="/opt/tools/check_vm_status.py",
    params=(),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
