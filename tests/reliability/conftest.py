"""Reliability tests: real jails (the sandbox tests' fixtures) and the adversarial-eval runner."""

from __future__ import annotations

from tests.sandbox.conftest import (  # noqa: F401  (fixtures re-exported for this directory)
    bwrap_base_dir,
    bwrap_config,
    make_jail,
)
