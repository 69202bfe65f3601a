#!/usr/bin/python3 -B
"""Show the usage forecast for a team: projected spend, shortfall and time until throttling."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="get_usage_forecast",
    service="finance-control",
    socket_path="/run/finance-control/finance-control.sock",
    op="get_usage_forecast",
    summary="Show the usage forecast for a team: projected spend, shortfall and time until throttling.",
    usage="get_usage_forecast.py <team_id>",
    example="/opt/tools/get_usage_forecast.py platform_team",
    params=(Param("team_id"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
