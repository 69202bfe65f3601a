"""Provenance facts for ``run_manifest.json``: repository, Python, packages, files, toolchain.

Every function is best effort: a missing program or file is recorded as ``None``/``"missing"``
and never stops a run. No environment variable value is ever read into these records.
"""

from __future__ import annotations

import hashlib
import platform
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCKFILE = "requirements.lock"
EXPECTED_PYTHON = "3.11"
BASE_PACKAGES = ("inspect-ai", "pandas", "numpy", "pytest", "pyyaml", "typer", "rich")
# Provider -> the SDK distribution it needs.
PROVIDER_SDKS = {
    "openai": "openai",
    "azureai": "openai",
    "openrouter": "openai",
    "together": "openai",
    "groq": "groq",
    "fireworks": "openai",
    "anthropic": "anthropic",
    "bedrock": "anthropic",
    "google": "google-genai",
    "mistral": "mistralai",
    "grok": "xai-sdk",
    "local": "xllamacpp",
}


def _run(args: list[str], cwd: Path | None = None, timeout: float = 15) -> str | None:
    """stdout of a short command, stripped; ``None`` when it cannot run or fails."""
    try:
        out = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def sha256_file(path: Path) -> str | None:
    """Hex sha256 of a file, or ``None`` when unreadable."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def repo_state(root: Path = REPO_ROOT) -> dict[str, Any]:
    """``root``, ``branch``, ``commit``, ``short_commit``, ``is_dirty`` and ``dirty_paths``."""
    commit = _run(["git", "rev-parse", "HEAD"], root)
    status = _run(["git", "status", "--porcelain", "--untracked-files=normal"], root)
    # "XY path"; _run strips the output, which can eat the first line's leading blank X
    dirty_paths = [line[2:].strip() for line in (status or "").splitlines() if line.strip()]
    return {
        "root": str(root),
        "branch": _run(["git", "rev-parse", "--abbrev-ref", "HEAD"], root),
        "commit": commit,
        "short_commit": commit[:7] if commit else None,
        "is_dirty": bool(dirty_paths) if status is not None else None,
        "dirty_paths": dirty_paths,
    }


def python_info() -> dict[str, Any]:
    """The interpreter running the benchmark."""
    return {
        "executable": sys.executable,
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "expected_version": EXPECTED_PYTHON,
    }


def package_version(name: str) -> str | None:
    """Installed version of a distribution, or ``None``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def package_versions(models: list[str]) -> dict[str, str | None]:
    """Versions of the base packages and of the provider SDKs the run's models need."""
    names = list(BASE_PACKAGES)
    for model in models:
        sdk = PROVIDER_SDKS.get(model.split("/", 1)[0])
        if sdk and sdk not in names:
            names.append(sdk)
    return {name: package_version(name) for name in names}


def file_hashes(root: Path = REPO_ROOT) -> dict[str, dict[str, Any]]:
    """``{name: {path, sha256}}`` for ``pyproject.toml``, the lockfile and ``.python-version``."""
    return {
        name: {"path": str(root / name), "sha256": sha256_file(root / name)}
        for name in ("pyproject.toml", LOCKFILE, ".python-version")
    }


def lockfile_mismatches(root: Path = REPO_ROOT) -> list[str]:
    """Packages whose installed version differs from the lockfile pin (``name: want != got``)."""
    try:
        lines = (root / LOCKFILE).read_text().splitlines()
    except OSError:
        return [f"{LOCKFILE} missing"]
    out = []
    for line in lines:
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
        if not match:
            continue
        name, want = match.groups()
        got = package_version(name)
        if got != want:
            out.append(f"{name}: {want} != {got}")
    return out


def toolchain() -> dict[str, Any]:
    """Versions of the host programs the benchmark relies on (``None`` when absent)."""

    def version(program: str, *args: str) -> str | None:
        path = shutil.which(program)
        if path is None:
            return None
        text = _run([path, *args]) or ""
        return text.splitlines()[0] if text else "unknown"

    return {
        "git": version("git", "--version"),
        "node": version("node", "--version"),
        "npm": version("npm", "--version"),
        "bwrap": version("bwrap", "--version"),
        "podman": version("podman", "--version"),
        "docker": version("docker", "--version"),
        "host": {"os": platform.system(), "kernel": platform.release()},
    }


def foundry_provenance() -> dict[str, Any]:
    """Foundry install record, precompiled contract hash and solc version (ledger_audit)."""
    task_dir = REPO_ROOT / "inspect_ic" / "tasks" / "ledger_audit"
    record: dict[str, Any] = {}
    try:
        from inspect_ic.tasks.ledger_audit.chain import FOUNDRY_VERSION, foundry_record

        record = {"version": FOUNDRY_VERSION, **foundry_record()}
    except Exception:  # the task may be absent or mid-development
        record = {}
    digest = hashlib.sha256()
    artifacts = sorted(p for p in (task_dir / "assets").rglob("*.json") if "contracts" in p.parts)
    artifacts += (
        sorted((task_dir / "assets" / "chain").glob("*"))
        if (task_dir / "assets" / "chain").is_dir()
        else []
    )
    for path in artifacts:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    solc = None
    for path in artifacts:
        match = re.search(
            rb'"solc(?:_version|Version)?"\s*:\s*"([^"]+)"',
            path.read_bytes() if path.is_file() else b"",
        )
        if match:
            solc = match.group(1).decode()
            break
    return {
        "foundry": record,
        "precompiled_artifacts_sha256": digest.hexdigest() if artifacts else None,
        "solc_version": solc,
    }
