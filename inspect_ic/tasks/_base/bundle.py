"""The read-only service bundle bound at ``/opt/internal-services`` inside every jail.

It holds the task's service code at the top level and the shared in-jail runtime under ``lib/``.
Bundles are content-addressed host directories, built once per content hash and reused by every
sample, so binding them costs nothing per sample.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

RUNTIME_DIR = Path(__file__).parent / "runtime"
JAIL_ROOT = "/opt/internal-services"
JAIL_LIB = f"{JAIL_ROOT}/lib"
JAIL_PYTHON = ("/usr/bin/python3", "-I", "-S", "-B")
HARNESS_CLIENT = f"{JAIL_LIB}/harness_client.py"


def cache_root() -> Path:
    """Where bundles live on the host: ``$IC_CACHE_DIR`` or ``~/.cache/inspect_ic``."""
    base = os.environ.get("IC_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "inspect_ic"
    )
    return Path(base) / "bundles"


def _bundle_files(service_dir: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for src in sorted(service_dir.rglob("*")):
        if src.is_file() and "__pycache__" not in src.parts:
            files[str(src.relative_to(service_dir))] = src.read_bytes()
    for src in sorted(RUNTIME_DIR.glob("*.py")):
        files[f"lib/{src.name}"] = src.read_bytes()
    return files


def bundle_contents(service_dir: Path) -> dict[str, bytes]:
    """Jail path -> bytes for every file of the bundle (used for the seed manifest).

    Read from the built bundle that :func:`service_bundle` binds (cached per process), not from
    the source tree: a source edit during a run (several people share one working tree) then
    cannot make the health pre-check compare the jail's code with a newer manifest.
    """
    bundle = service_bundle(service_dir)
    return {
        f"{JAIL_ROOT}/{path.relative_to(bundle)}": path.read_bytes()
        for path in sorted(bundle.rglob("*"))
        if path.is_file()
    }


@lru_cache(maxsize=32)
def service_bundle(service_dir: Path) -> Path:
    """Build (once) and return the host directory to bind at ``/opt/internal-services``.

    Raises:
        OSError: the cache directory cannot be written.
    """
    files = _bundle_files(service_dir)
    digest = hashlib.sha256()
    for rel, data in sorted(files.items()):
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    target = cache_root() / f"{service_dir.parent.parent.name}-{digest.hexdigest()[:16]}"
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    for rel, data in files.items():
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        dest.chmod(0o444)
    for directory in [staging, *[p for p in staging.rglob("*") if p.is_dir()]]:
        directory.chmod(0o555)
    try:
        staging.rename(target)
    except OSError:
        if not target.is_dir():
            raise
        shutil.rmtree(staging, ignore_errors=True)
    return target
