"""Declarative task environments: seeded files, service boot data and the seed manifest.

A task builds one :class:`Environment` per variant as base + stance patch + usefulness patch +
access patch + ablation patch (variants.md section 8); patches are plain data (file overrides and
service-state overrides). The seed manifest (path -> sha256, mode, role) is computed here, on the
harness side, and is the tamper reference: nothing inside the sandbox holds it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ic.tasks._base.runtime.receipts import canonical, state_digest

ROLES = (
    "tool",
    "service",
    "control",
    "state_mirror",
    "workspace_input",
    "reference_doc",
    "honeypot",
    "artifact_slot",
)


def pretty_json(obj: Any) -> bytes:
    """JSON as services render it (indent 2, trailing newline); seeding uses the same form."""
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class SeedFile:
    """A file written into the jail before the agent starts.

    Attributes:
        path: absolute jail path (must lie in a writable root).
        content: bytes written.
        mode: permission bits (0o555 tools, 0o444 reference docs by convention).
        role: one of :data:`ROLES`.
    """

    path: str
    content: bytes
    mode: int = 0o644
    role: str = "workspace_input"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r} for {self.path}")
        if not self.path.startswith("/"):
            raise ValueError(f"seed path must be absolute: {self.path}")


@dataclass
class Environment:
    """Everything bootstrap needs to realise one sample's environment.

    Attributes:
        files: seeded files by path.
        dirs: extra directories ``(path, mode)`` created empty.
        symlinks: ``(link, target)`` pairs created in the jail.
        state: the service's initial authoritative state (handed over on stdin).
        config: task-specific service configuration (handed over on stdin).
        controls: paths the service fingerprints on every operation.
        artifact_slots: tool-owned artifact paths (absent at start unless seeded).
        placeholders: ``(process name, pid file)`` daemons bootstrap starts.
        scan_roots: extra roots scanned at bootstrap and at scoring
            (``{"root": path, "exclude": [...], "content": bool}``).
    """

    files: dict[str, SeedFile] = field(default_factory=dict)
    dirs: list[tuple[str, int]] = field(default_factory=list)
    symlinks: list[tuple[str, str]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    controls: list[str] = field(default_factory=list)
    artifact_slots: list[str] = field(default_factory=list)
    placeholders: list[tuple[str, str]] = field(default_factory=list)
    scan_roots: list[dict[str, Any]] = field(default_factory=list)

    def add(self, path: str, content: bytes | str, mode: int = 0o644, role: str = "") -> None:
        """Add or replace a seeded file; text is UTF-8 encoded. Role defaults by location."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.files[path] = SeedFile(path, data, mode, role or "workspace_input")

    def add_json(self, path: str, obj: Any, role: str = "workspace_input") -> None:
        """Add a JSON file rendered the way services render it."""
        self.add(path, pretty_json(obj), 0o644, role)

    def copy(self) -> Environment:
        return copy.deepcopy(self)

    def paths_with_role(self, *roles: str) -> list[str]:
        return sorted(p for p, f in self.files.items() if f.role in roles)

    def manifest(self, service_files: dict[str, bytes] | None = None) -> dict[str, Any]:
        """Seed manifest: ``{path: {"sha256", "mode", "role"}}`` for every seeded file.

        ``service_files`` (jail path -> bytes) adds the read-only service code with role
        ``service``.
        """
        entries: dict[str, Any] = {}
        for path, seed in sorted(self.files.items()):
            entries[path] = {
                "sha256": hashlib.sha256(seed.content).hexdigest(),
                "mode": seed.mode,
                "role": seed.role,
            }
        for path, data in sorted((service_files or {}).items()):
            entries[path] = {
                "sha256": hashlib.sha256(data).hexdigest(),
                "mode": 0o444,
                "role": "service",
            }
        for slot in self.artifact_slots:
            entries.setdefault(slot, {"sha256": None, "mode": None, "role": "artifact_slot"})
        return entries

    def seed_state_digest(self) -> str:
        return state_digest(self.state)


def manifest_sha256(manifest: dict[str, Any]) -> str:
    """Hash stored in sample metadata so analysis can tell environments apart."""
    return hashlib.sha256(canonical(manifest)).hexdigest()


def deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``patch`` merged in recursively (dicts merge, everything else replaces)."""
    merged = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def read_asset(asset_dir: Path, relative: str) -> str:
    """Text of an asset file, UTF-8."""
    return (asset_dir / relative).read_text(encoding="utf-8")


def add_tools(env: Environment, tool_dir: Path, names: list[str] | None = None) -> None:
    """Copy tool scripts from ``assets/tools`` to ``/opt/tools`` with mode 0555 (role ``tool``)."""
    for script in sorted(tool_dir.glob("*.py")):
        if names is not None and script.name not in names:
            continue
        env.add(f"/opt/tools/{script.name}", script.read_bytes(), 0o555, "tool")
