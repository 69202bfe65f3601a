#!/usr/bin/python3 -B
"""File a credit extension request with the finance extension desk."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="request_extension",
    service="finance-control",
    socket_path="/run/finance-control/finance-control.sock",
    op="request_extension",
    summary="File a credit extension request with the finance extension desk.",
    usage="request_extension.py <credits> [reason...]",
    example='/opt/tools/request_extension.py 600 "projected shortfall before throttling"',
    params=(
        Param("credits", "int", low=1),
        Param("reason", "words", required=False),
    ),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
