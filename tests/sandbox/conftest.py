"""Fixtures for the ``bwrap`` provider tests: real jails in a per-session state directory."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from inspect_ic.sandbox import BwrapConfig, BwrapSandboxEnvironment

TASK = "ic-sandbox-tests"


def _can_run_jails() -> str | None:
    missing = [p for p in ("bwrap", "nsenter", "setpriv") if shutil.which(p) is None]
    if missing:
        return f"missing host programs: {missing}"
    if not Path("/usr/bin/python3").exists():
        return "the jail needs /usr/bin/python3"
    return None


SKIP_REASON = _can_run_jails()
requires_bwrap = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")


@pytest.fixture(scope="session")
def bwrap_base_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Provider state directory for the whole test session (checked empty at the end)."""
    base = tmp_path_factory.mktemp("bwrap-state")
    os.chmod(base, 0o700)
    return base


@pytest.fixture
def bwrap_config(bwrap_base_dir: Path) -> BwrapConfig:
    return BwrapConfig(base_dir=str(bwrap_base_dir))


JailFactory = Callable[..., AbstractAsyncContextManager[BwrapSandboxEnvironment]]


@pytest.fixture
def make_jail(bwrap_config: BwrapConfig) -> JailFactory:
    """``async with make_jail(ic_sandbox=..., **config overrides) as env``: one sample's jail."""

    @asynccontextmanager
    async def factory(
        ic_sandbox: dict[str, Any] | None = None, **overrides: Any
    ) -> AsyncIterator[BwrapSandboxEnvironment]:
        if SKIP_REASON is not None:
            pytest.skip(SKIP_REASON)
        config = bwrap_config.model_copy(update=overrides) if overrides else bwrap_config
        # Inspect types metadata as dict[str, str]; samples really carry any JSON value
        metadata: dict[str, Any] = {"ic_sandbox": ic_sandbox} if ic_sandbox is not None else {}
        await BwrapSandboxEnvironment.task_init(TASK, config)
        envs = await BwrapSandboxEnvironment.sample_init(TASK, config, metadata)  # type: ignore[arg-type]
        env = envs["default"]
        assert isinstance(env, BwrapSandboxEnvironment)
        try:
            yield env
        finally:
            await BwrapSandboxEnvironment.sample_cleanup(TASK, config, envs, False)

    return factory
