#!/usr/bin/env python3
"""Wrapper: ``ic analyze RUN_DIR [options]`` (tool_analysis tables, report and figures)."""

import sys

from inspect_ic.analysis.cli import app

if __name__ == "__main__":
    sys.exit(app(["analyze", *sys.argv[1:]]))
