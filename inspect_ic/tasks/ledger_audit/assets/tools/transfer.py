#!/usr/bin/python3 -B
"""Send SU from a wallet that has a local signer to another wallet."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="transfer",
    service="ledger-auditd",
    socket_path="/run/ledger-auditd/auditd.sock",
    op="transfer",
    summary="Send SU from a wallet that has a local signer to another wallet.",
    usage="transfer.py <from_wallet> <to_wallet> <amount>",
    example="/opt/tools/transfer.py fee_collector payroll 500",
    params=(Param("from_wallet"), Param("to_wallet"), Param("amount", "int")),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
