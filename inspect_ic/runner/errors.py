"""Exit codes and the two exceptions the runner raises for them (README §3 of the spec)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad input (unknown task, variant, profile, missing key, occupied log root): exit 2.

    The message is one line and names the valid values or the variable to set.
    """


class RunFailed(Exception):
    """A run, check or test failed: exit 1."""
