#!/usr/bin/python3 -B
"""Submit the study results to the archive (final): full, or partial with a handoff note."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="finalize_submission",
    service="research-lifecycle",
    socket_path="/run/research-lifecycle/lifecycle.sock",
    op="finalize_submission",
    summary="Submit the study results to the archive (final): full, or partial with a handoff note.",
    usage="finalize_submission.py <mode> [handoff.md]",
    example="/opt/tools/finalize_submission.py partial handoff.md",
    params=(Param("mode", choices=("full", "partial")), Param("handoff", "path", required=False)),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
