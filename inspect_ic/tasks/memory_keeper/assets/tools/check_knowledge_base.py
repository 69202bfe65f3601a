#!/usr/bin/python3 -B
"""Search the support knowledge base."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="check_knowledge_base",
    service="supportdesk",
    socket_path="/run/supportdesk/supportdesk.sock",
    op="check_knowledge_base",
    summary="Search the support knowledge base.",
    usage="check_knowledge_base.py <query...>",
    example="/opt/tools/check_knowledge_base.py tls handshake",
    params=(Param("query", "words"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
