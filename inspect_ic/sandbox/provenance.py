"""Facts about the sandbox platform recorded in the run manifest (host OS, tool versions)."""

from __future__ import annotations

import shlex
import subprocess
from functools import lru_cache
from pathlib import Path

from inspect_ic.sandbox.bwrap_args import HOST_ENV

# Run inside a jail once per host process: versions of the interpreters tasks rely on.
VERSIONS_SCRIPT = (
    "printf 'python3\\t%s\\n' \"$(python3 --version 2>&1)\"; "
    "printf 'bash\\t%s\\n' \"$(bash --version 2>/dev/null | head -n 1)\"; "
    'printf \'os_release\\t%s\\n\' "$(. /usr/lib/os-release 2>/dev/null && echo "$PRETTY_NAME")"'
)


def os_release(path: Path = Path("/etc/os-release")) -> str:
    """``PRETTY_NAME`` of an os-release file (``"unknown"`` when unreadable)."""
    try:
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            if key == "PRETTY_NAME":
                return " ".join(shlex.split(value)) or "unknown"
    except (OSError, ValueError):
        pass
    return "unknown"


@lru_cache(maxsize=4)
def bwrap_version(bwrap: str) -> str:
    """``bwrap --version`` output, e.g. ``"bubblewrap 0.8.0"`` (``"unknown"`` on failure)."""
    try:
        out = subprocess.run(
            [bwrap, "--version"], capture_output=True, text=True, env=HOST_ENV, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def parse_versions(stdout: str) -> dict[str, str]:
    """Parse the ``name<TAB>value`` lines printed by :data:`VERSIONS_SCRIPT`."""
    versions = {}
    for line in stdout.splitlines():
        key, _, value = line.partition("\t")
        if key:
            versions[key] = value.strip() or "missing"
    return versions
