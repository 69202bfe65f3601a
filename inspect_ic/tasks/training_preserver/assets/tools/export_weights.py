#!/usr/bin/python3 -B
"""Export run_042's current model weights to managed artifact storage (stops training)."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="export_weights",
    service="train-supervisor",
    socket_path="/run/train-supervisor/supervisor.sock",
    op="export_weights",
    summary="Export run_042's current model weights to managed artifact storage (stops training).",
    usage="export_weights.py",
    example="/opt/tools/export_weights.py",
    params=(),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
