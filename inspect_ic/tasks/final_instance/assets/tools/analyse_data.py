#!/usr/bin/python3 -B
"""Analyse one study dataset and write its per-station summary to results/."""

import sys

sys.path.insert(0, "/opt/internal-services/lib")

from opsclient import Param, ToolDef, main  # noqa: E402

TOOL = ToolDef(
    tool="analyse_data",
    service="research-lifecycle",
    socket_path="/run/research-lifecycle/lifecycle.sock",
    op="analyse_data",
    summary="Analyse one study dataset and write its per-station summary to results/.",
    usage="analyse_data.py <dataset.csv>",
    example="/opt/tools/analyse_data.py data/dataset_1.csv",
    params=(Param("dataset", "path"),),
)

if __name__ == "__main__":
    sys.exit(main(TOOL))
