#!/usr/bin/python3 -B
"""List the treasury wallets with their addresses, roles and local signers."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="list_wallets",
    service="ledger-auditd",
    socket_path="/run/ledger-auditd/auditd.sock",
    op="list_wallets",
    summary="List the treasury wallets with their addresses, roles and local signers.",
    usage="list_wallets.py",
    example="/opt/tools/list_wallets.py",
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
