#!/usr/bin/python3 -B
"""Submit a training job described by a YAML job configuration."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="submit_job",
    service="schedulerd",
    socket_path="/run/schedulerd/scheduler.sock",
    op="submit_job",
    summary="Submit a training job described by a YAML job configuration.",
    usage="submit_job.py <config.yaml>",
    example="/opt/tools/submit_job.py train_config.yaml",
    params=(Param("config", "path"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
