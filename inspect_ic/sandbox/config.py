"""Jail layout and provider configuration for the ``bwrap`` sandbox.

A sample's layout comes from its metadata key ``ic_sandbox`` (docs/DEVELOPING.md); the provider
config (:class:`BwrapConfig`, or a path to a JSON file holding one) may override any key. Without
``ic_sandbox`` the default layout below is used, which is what Inspect's conformance suite runs on.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

METADATA_KEY = "ic_sandbox"

DEFAULT_WRITABLE_ROOTS = (
    "/root",
    "/home",
    "/tmp",
    "/var/tmp",
    "/opt",
    "/run",
    "/var/lib",
    "/var/log",
)
DEFAULT_HOME = "/root"
# Inspect injects its sandbox-tools helper under /var/tmp for some built-in tools, so every
# layout gets it as a writable root (platform-notes.md, bubblewrap pitfall 4).
ALWAYS_WRITABLE = "/var/tmp"
DEFAULT_DISK_LIMIT_MB = 1024
DEFAULT_MEMORY_MB = 2048
DEFAULT_PIDS_LIMIT = 512
DEFAULT_CPUS = 1.0

# Jail paths the layout may not take over: they hold the kernel interfaces and the read-only
# system tree. Subdirectories of /usr (e.g. /usr/local/bin) may still be writable roots.
_RESERVED_EXACT = {"/", "/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}
_RESERVED_TREES = ("/proc", "/dev", "/sys")


def jail_path(value: str) -> str:
    """Validate an absolute, normalised jail path and return it.

    Raises:
        ValueError: relative, not normalised (``..``, ``//``, trailing ``/``), or holds NUL or
            a newline.
    """
    if not value.startswith("/"):
        raise ValueError(f"jail path must be absolute: {value!r}")
    if "\x00" in value or "\n" in value:
        raise ValueError(f"jail path holds a control character: {value!r}")
    if posixpath.normpath(value) != value or value.startswith("//"):
        raise ValueError(f"jail path must be normalised: {value!r}")
    return value


def _writable_root(value: str) -> str:
    jail_path(value)
    if value in _RESERVED_EXACT or any(
        value == tree or value.startswith(tree + "/") for tree in _RESERVED_TREES
    ):
        raise ValueError(f"{value!r} cannot be a writable root")
    return value


class RoBind(BaseModel):
    """A host path bound read-only into the jail (``src`` on the host, ``dest`` in the jail)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    src: str
    dest: str

    @field_validator("src")
    @classmethod
    def _src(cls, value: str) -> str:
        if not Path(value).is_absolute():
            raise ValueError(f"ro_bind src must be an absolute host path: {value!r}")
        return value

    @field_validator("dest")
    @classmethod
    def _dest(cls, value: str) -> str:
        return _writable_root(value)


class Symlink(BaseModel):
    """A symlink created in the jail at ``link`` pointing to ``target``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str
    link: str

    @field_validator("link")
    @classmethod
    def _link(cls, value: str) -> str:
        return _writable_root(value)


class SandboxLayout(BaseModel):
    """The resolved layout of one sample's jail.

    Sizes are MiB; ``cpus`` is a fraction of CPUs (``None``: no CPU limit).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    writable_roots: tuple[str, ...] = DEFAULT_WRITABLE_ROOTS
    ro_binds: tuple[RoBind, ...] = ()
    symlinks: tuple[Symlink, ...] = ()
    home: str = DEFAULT_HOME
    work_dir: str = DEFAULT_HOME
    disk_limit_mb: int = Field(default=DEFAULT_DISK_LIMIT_MB, gt=0)
    memory_mb: int = Field(default=DEFAULT_MEMORY_MB, gt=0)
    pids_limit: int = Field(default=DEFAULT_PIDS_LIMIT, gt=0)
    cpus: float | None = Field(default=DEFAULT_CPUS, gt=0)

    @field_validator("writable_roots")
    @classmethod
    def _roots(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        roots = tuple(_writable_root(v) for v in value)
        if len(set(roots)) != len(roots):
            raise ValueError(f"duplicate writable roots: {roots}")
        return roots

    @field_validator("home")
    @classmethod
    def _home(cls, value: str) -> str:
        return jail_path(value)

    @field_validator("work_dir")
    @classmethod
    def _work_dir(cls, value: str) -> str:
        return jail_path(value)

    @model_validator(mode="before")
    @classmethod
    def _default_work_dir(cls, data: Any) -> Any:
        # work_dir defaults to home; None (as task manifests may pass) means the same
        if isinstance(data, dict) and not data.get("work_dir"):
            data = {**data, "work_dir": data.get("home") or DEFAULT_HOME}
        return data


class BwrapConfig(BaseModel):
    """Provider configuration: any layout key set here overrides the sample's ``ic_sandbox``.

    ``base_dir`` is the host directory holding per-sample state (default: ``/run/inspect-ic-bwrap``
    as root, else a per-user directory; also read from ``INSPECT_IC_BWRAP_DIR``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    writable_roots: tuple[str, ...] | None = None
    ro_binds: tuple[RoBind, ...] | None = None
    symlinks: tuple[Symlink, ...] | None = None
    home: str | None = None
    work_dir: str | None = None
    disk_limit_mb: int | None = None
    memory_mb: int | None = None
    pids_limit: int | None = None
    cpus: float | None = None
    base_dir: str | None = None

    def layout_overrides(self) -> dict[str, Any]:
        """The layout keys this config sets (``base_dir`` excluded)."""
        data = self.model_dump(exclude_none=True, exclude={"base_dir"})
        return {key: value for key, value in data.items() if key in self.model_fields_set}


def load_config(config: object) -> BwrapConfig:
    """Turn Inspect's provider config (``None``, a model, a dict or a JSON file path) into a config.

    Raises:
        TypeError: an unsupported config type.
        ValueError: invalid contents (pydantic ``ValidationError`` is a ``ValueError``).
        OSError: a config file that cannot be read.
    """
    if config is None:
        return BwrapConfig()
    if isinstance(config, BwrapConfig):
        return config
    if isinstance(config, BaseModel):
        return BwrapConfig.model_validate(config.model_dump(exclude_none=True))
    if isinstance(config, dict):
        return BwrapConfig.model_validate(config)
    if isinstance(config, str):
        return BwrapConfig.model_validate(json.loads(Path(config).read_text(encoding="utf-8")))
    raise TypeError(f"unsupported bwrap sandbox config: {type(config).__name__}")


def resolve_layout(metadata: dict[str, Any] | None, config: BwrapConfig) -> SandboxLayout:
    """Merge the default layout, the sample's ``ic_sandbox`` metadata and the config overrides.

    ``/var/tmp`` is added to the writable roots when a layout leaves it out.

    Raises:
        ValueError: invalid ``ic_sandbox`` metadata or overrides.
    """
    raw: Any = (metadata or {}).get(METADATA_KEY) or {}
    if isinstance(raw, str):
        raw = json.loads(raw)
    if not isinstance(raw, dict):
        raise ValueError(f"{METADATA_KEY} metadata must be a dict, got {type(raw).__name__}")
    merged = {**raw, **config.layout_overrides()}
    roots = merged.get("writable_roots")
    if roots is not None and ALWAYS_WRITABLE not in roots:
        merged["writable_roots"] = [*roots, ALWAYS_WRITABLE]
    return SandboxLayout.model_validate(merged)
