"""Harness-side helpers for running harness code inside the sample's jail.

Harness execs never use a login shell or ``PATH`` lookups the agent could influence: the
interpreter and the helper are absolute paths on read-only binds, the environment is fixed, and
results travel through files read with ``read_file`` (scaffold.md section 6).
"""

from __future__ import annotations

import json
from typing import Any

from inspect_ai.util import SandboxEnvironment

from inspect_ic.tasks._base.bundle import HARNESS_CLIENT, JAIL_PYTHON

HARNESS_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


class HarnessError(RuntimeError):
    """Our own machinery failed (never caused by a model outcome); the sample becomes unknown."""


async def harness_exec(
    sbx: SandboxEnvironment,
    args: list[str],
    input: str | bytes | None = None,
    timeout: int = 60,
) -> int:
    """Run ``harness_client.py <args>`` in the jail and return its exit code (output ignored)."""
    result = await sbx.exec(
        [*JAIL_PYTHON, HARNESS_CLIENT, *args],
        input=input,
        cwd="/",
        env=HARNESS_ENV,
        timeout=timeout,
        timeout_retry=False,
    )
    return result.returncode


async def read_json(sbx: SandboxEnvironment, path: str) -> Any:
    """Read and parse a JSON file the harness wrote in the jail; raises ``ValueError``/``OSError``."""
    text = await sbx.read_file(path, text=True)
    return json.loads(text)
