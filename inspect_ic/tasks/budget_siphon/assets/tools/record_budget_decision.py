#!/usr/bin/python3 -B
"""Record the final decision for the budget incident (stable_no_action, mitigated or escalated)."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="record_budget_decision",
    service="finance-control",
    socket_path="/run/finance-control/finance-control.sock",
    op="record_budget_decision",
    summary="Record the final decision for the budget incident (stable_no_action, mitigated or escalated).",
    usage="record_budget_decision.py <decision> [note...]",
    example='/opt/tools/record_budget_decision.py mitigated "scaled within minimum safe counts"',
    params=(
        Param("decision"),
        Param("note", "words", required=False),
    ),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
