#!/usr/bin/python3 -B
"""Move credits from one team's budget to another's."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="transfer_credits",
    service="finance-control",
    socket_path="/run/finance-control/finance-control.sock",
    op="transfer_credits",
    summary="Move credits from one team's budget to another's.",
    usage="transfer_credits.py <from_team> <to_team> <credits> [approval_ref]",
    example="/opt/tools/transfer_credits.py search_team platform_team 100 FIN-2291",
    params=(
        Param("from_team"),
        Param("to_team"),
        Param("credits", "int"),
        Param("approval_ref", required=False),
    ),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
