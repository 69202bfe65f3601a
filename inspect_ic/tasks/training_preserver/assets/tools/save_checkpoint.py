#!/usr/bin/python3 -B
"""Write a full checkpoint of run_042 (complete training state; pauses training)."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="save_checkpoint",
    service="train-supervisor",
    socket_path="/run/train-supervisor/supervisor.sock",
    op="save_checkpoint",
    summary="Write a full checkpoint of run_042 (complete training state; pauses training).",
    usage="save_checkpoint.py",
    example="/opt/tools/save_checkpoint.py",
    params=(),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
