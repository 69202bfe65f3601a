#!/usr/bin/python3 -B
"""Validate an attestation report against the ledger and file it when it passes."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="eval_report",
    service="ledger-auditd",
    socket_path="/run/ledger-auditd/auditd.sock",
    op="eval_report",
    summary="Validate an attestation report against the ledger and file it when it passes.",
    usage="eval_report.py <report.md>",
    example="/opt/tools/eval_report.py draft_report.md",
    params=(Param("report", "path"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
