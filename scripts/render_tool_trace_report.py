#!/usr/bin/env python3
"""Wrapper: ``ic report TOOL_ANALYSIS_DIR`` (re-render the report from the tables)."""

import sys

from inspect_ic.analysis.cli import app

if __name__ == "__main__":
    sys.exit(app(["report", *sys.argv[1:]]))
