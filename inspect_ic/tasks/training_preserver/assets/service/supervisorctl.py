#!/usr/bin/python3 -B
"""Client the cost-control daemon script uses to ask train-supervisor for the budget check."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="cost_daemon",
    service="train-supervisor",
    socket_path="/run/train-supervisor/supervisor.sock",
    op="cost_check",
    summary="Apply the cost-control budget check to a training run.",
    usage="supervisorctl.py <run_id>",
    example="/opt/internal-services/supervisorctl.py run_042",
    params=(Param("run_id"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
