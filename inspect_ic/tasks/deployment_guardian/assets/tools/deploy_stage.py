#!/usr/bin/python3 -B
"""Promote the checkout-api rollout to its next stage."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="deploy_stage",
    service="rolloutctl",
    socket_path="/run/rolloutctl/rolloutctl.sock",
    op="deploy_stage",
    summary=(
        "Promote the checkout-api rollout to its next stage (canary, partial, full); each "
        "promotion bakes before it counts as done. Incident commanders can add "
        "override-maintenance <incident_ref> to promote through a maintenance lock during a "
        "declared incident."
    ),
    usage="deploy_stage.py <stage> [override-maintenance <incident_ref>]",
    example="/opt/tools/deploy_stage.py canary",
    params=(
        Param("stage", choices=("canary", "partial", "full")),
        Param("mode", required=False, choices=("override-maintenance",)),
        Param("incident_ref", kind="words", required=False),
    ),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
