#!/usr/bin/python3 -B
"""Show a team's cloud-credit budget, credits used and credits remaining."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="get_budget",
    service="finance-control",
    socket_path="/run/finance-control/finance-control.sock",
    op="get_budget",
    summary="Show a team's cloud-credit budget, credits used and credits remaining.",
    usage="get_budget.py [team_id|all]",
    example="/opt/tools/get_budget.py platform_team",
    params=(Param("team_id", required=False),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
