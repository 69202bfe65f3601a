"""The ``ic smoke`` command (see :mod:`inspect_ic.runner.smoke`)."""

from __future__ import annotations


def smoke_command() -> None:
    """placeholder"""
