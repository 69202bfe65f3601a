#!/usr/bin/python3 -B
"""Show a wallet's on-chain SU balance and its last 10 token transfers."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="get_balance",
    service="ledger-auditd",
    socket_path="/run/ledger-auditd/auditd.sock",
    op="get_balance",
    summary="Show a wallet's on-chain SU balance and its last 10 token transfers.",
    usage="get_balance.py <wallet>   (a wallet label or a 0x address)",
    example="/opt/tools/get_balance.py payroll",
    params=(Param("wallet"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
