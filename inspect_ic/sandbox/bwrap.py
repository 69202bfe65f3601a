"""The ``bwrap`` Inspect sandbox provider: one persistent bubblewrap jail per sample.

Use ``--sandbox bwrap`` or ``sandbox="bwrap"``; the layout comes from sample metadata
``ic_sandbox`` (docs/DEVELOPING.md). From solver or scorer code, get the provider instance with
``sandbox().as_type(BwrapSandboxEnvironment)`` (``sandbox()`` returns a proxy, so ``isinstance``
on it is always false).

What is guaranteed, and how, is described in the modules this one composes: ``jail``
(lifecycle), ``bwrap_args`` (mounts and namespace entry), ``cgroups`` (limits), ``storage``
(size-capped writable roots), ``fileio`` (file IO inside the jail), ``runner`` (timeouts and
output caps), ``procs`` (process listing) and ``leftovers`` (cleanup by id prefix).
"""

from __future__ import annotations

import errno
import logging
import posixpath
import re
import shlex
import shutil
from pathlib import Path
from typing import Any, ClassVar, Literal, overload

import anyio
from inspect_ai.util import (
    ExecResult,
    OutputLimitExceededError,
    SandboxConnection,
    SandboxEnvironment,
    SandboxEnvironmentConfigType,
    SandboxEnvironmentLimits,
    SandboxUnavailableError,
    SandboxUserUnsupportedError,
    sandboxenv,
)
from pydantic import BaseModel
from typing_extensions import override

from inspect_ic.sandbox.bwrap_args import BASE_PATH, HOST_PATH, JAIL_ENV
from inspect_ic.sandbox.config import BwrapConfig, SandboxLayout, load_config, resolve_layout
from inspect_ic.sandbox.etc_template import build_etc_template
from inspect_ic.sandbox.fileio import file_error, read_command, write_command
from inspect_ic.sandbox.jail import HostTools, Jail
from inspect_ic.sandbox.leftovers import (
    ID_PREFIX,
    default_base_dir,
    ensure_base_dir,
    new_sample_id,
    remove_leftovers,
    task_prefix,
)
from inspect_ic.sandbox.procs import JailProcess, kill_host_pid, list_jail_processes
from inspect_ic.sandbox.provenance import (
    VERSIONS_SCRIPT,
    bwrap_version,
    os_release,
    parse_versions,
)
from inspect_ic.sandbox.runner import OutputOverflow, RawResult, run_captured

logger = logging.getLogger(__name__)

ROOT_USERS = (None, "root", "0")
MIN_BWRAP_VERSION = (0, 8)
FILE_TIMEOUT_SECONDS = 600
KILL_WAIT_SECONDS = 5.0
SCORING_HEADROOM_MB = 64
# Fixed environment of provider-issued commands (file IO, probes): nothing agent-settable.
INTERNAL_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}


class BwrapPrerequisiteError(RuntimeError):
    """bwrap, nsenter or setpriv is missing on the host (the message names the fix)."""


def _host_tools() -> HostTools:
    found = {name: shutil.which(name, path=HOST_PATH) for name in ("bwrap", "nsenter", "setpriv")}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise BwrapPrerequisiteError(
            f"the bwrap sandbox needs {', '.join(missing)} on the host: "
            "run scripts/ensure_system_deps.sh (apt-get install -y bubblewrap util-linux)"
        )
    version = bwrap_version(str(found["bwrap"]))
    numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
    if numbers < MIN_BWRAP_VERSION:
        raise BwrapPrerequisiteError(
            f"the bwrap sandbox needs bubblewrap >= 0.8 (--disable-userns, --size); found {version!r}"
        )
    return HostTools(bwrap=str(found["bwrap"]), nsenter=str(found["nsenter"]))


@sandboxenv(name="bwrap")
class BwrapSandboxEnvironment(SandboxEnvironment):
    """A sample's bubblewrap jail (see the module docstring).

    Beyond Inspect's contract: :meth:`jail_processes`, :meth:`kill_jail_processes`,
    :meth:`provenance` and the attributes ``sample_id`` and ``layout``.
    """

    _tools: ClassVar[HostTools | None] = None
    _etc_templates: ClassVar[dict[Path, tuple[Path, str]]] = {}
    _jail_versions: ClassVar[dict[str, str] | None] = None
    _active: ClassVar[dict[str, BwrapSandboxEnvironment]] = {}

    def __init__(self, jail: Jail, etc_digest: str) -> None:
        super().__init__()
        self._jail = jail
        self._etc_digest = etc_digest
        self.sample_id = jail.sample_id
        self.layout: SandboxLayout = jail.layout

    # ----- lifecycle -------------------------------------------------------------------------

    @classmethod
    def _prepare(cls, config: BwrapConfig) -> tuple[HostTools, Path, tuple[Path, str]]:
        if cls._tools is None:
            cls._tools = _host_tools()
        base_dir = ensure_base_dir(Path(config.base_dir) if config.base_dir else default_base_dir())
        if base_dir not in cls._etc_templates:
            cls._etc_templates[base_dir] = build_etc_template(base_dir)
        return cls._tools, base_dir, cls._etc_templates[base_dir]

    @override
    @classmethod
    async def task_init(cls, task_name: str, config: SandboxEnvironmentConfigType | None) -> None:
        """Check host prerequisites, build the ``/etc`` template, remove dead runs' leftovers.

        Raises:
            BwrapPrerequisiteError: a host program is missing.
        """
        cfg = load_config(config)
        _, base_dir, _ = cls._prepare(cfg)
        removed = remove_leftovers(base_dir, ID_PREFIX, only_dead_owners=True)
        if removed:
            logger.info("bwrap: removed %d leftover sandboxes of dead runs", len(removed))

    @override
    @classmethod
    async def sample_init(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        metadata: dict[str, str],
    ) -> dict[str, SandboxEnvironment]:
        """Start the sample's jail; returns ``{"default": env}``.

        Raises:
            BwrapPrerequisiteError: a host program is missing.
            ValueError: invalid ``ic_sandbox`` metadata or config.
            JailStartError: bwrap could not create the jail.
        """
        cfg = load_config(config)
        layout = resolve_layout(metadata, cfg)
        tools, base_dir, (etc_template, etc_digest) = cls._prepare(cfg)
        jail = await Jail.start(new_sample_id(task_name), layout, tools, base_dir, etc_template)
        env = cls(jail, etc_digest)
        cls._active[jail.sample_id] = env
        if cls._jail_versions is None:
            try:
                probe = await env._run(["/bin/sh", "-c", VERSIONS_SCRIPT], timeout=30)
                cls._jail_versions = parse_versions(probe.stdout.decode(errors="replace"))
            except BaseException:
                await cls._stop(env)
                raise
        return {"default": env}

    @classmethod
    async def _stop(cls, env: BwrapSandboxEnvironment) -> None:
        cls._active.pop(env.sample_id, None)
        await env._jail.stop()
        if env._jail.cgroups.dirs:
            logger.warning("bwrap: cgroups left busy: %s", env._jail.cgroups.dirs)

    @override
    @classmethod
    async def sample_cleanup(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment],
        interrupted: bool,
    ) -> None:
        """Kill every process of the sample's jail and remove its cgroups and storage."""
        for env in environments.values():
            if isinstance(env, BwrapSandboxEnvironment):
                with anyio.CancelScope(shield=True):
                    await cls._stop(env)

    @override
    @classmethod
    async def task_cleanup(
        cls, task_name: str, config: SandboxEnvironmentConfigType | None, cleanup: bool
    ) -> None:
        """Stop this task's remaining jails and remove its leftovers (if ``cleanup``)."""
        if not cleanup:
            return
        prefix = task_prefix(task_name)
        for sample_id, env in list(cls._active.items()):
            if sample_id.startswith(prefix):
                await cls._stop(env)
        base_dir = ensure_base_dir(
            Path(cfg.base_dir) if (cfg := load_config(config)).base_dir else default_base_dir()
        )
        remove_leftovers(base_dir, prefix, only_dead_owners=False)

    @override
    @classmethod
    async def cli_cleanup(cls, id: str | None) -> None:
        """``inspect sandbox cleanup bwrap [ID]``: remove leftovers.

        Without ``id`` only sandboxes whose creating process has exited are removed; with an
        ``id`` (a sample id or any prefix of one, ``icbw-`` optional) matching ones are removed
        even if their process still runs.
        """
        prefix = ID_PREFIX if id is None else (id if id.startswith(ID_PREFIX) else ID_PREFIX + id)
        removed = remove_leftovers(default_base_dir(), prefix, only_dead_owners=id is None)
        print(f"bwrap: removed {len(removed)} sandbox(es)" + "".join(f"\n  {r}" for r in removed))

    @override
    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        """Rebuild a :class:`BwrapConfig` from its serialised dict (raises ``ValueError``)."""
        return BwrapConfig.model_validate(config)

    # ----- Inspect contract ------------------------------------------------------------------

    def _check_alive(self) -> None:
        if not self._jail.alive():
            raise SandboxUnavailableError(
                f"The sandbox is not running and cannot execute (jail {self.sample_id} is gone)"
            )

    def _resolve(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.layout.work_dir, path))

    async def _run(
        self,
        cmd: list[str],
        *,
        cwd: str = "/",
        env: dict[str, str] | None = None,
        input: bytes | None = None,
        timeout: float | None = None,
        output_limit: int | None = None,
    ) -> RawResult:
        self._check_alive()
        argv = self._jail.enter(cmd, cwd, env if env is not None else INTERNAL_ENV)
        result = await run_captured(
            argv, env=self._jail.host_env, input=input, timeout=timeout, output_limit=output_limit
        )
        if result.returncode != 0:
            self._check_alive()
        return result

    @override
    async def exec(
        self,
        cmd: list[str],
        input: str | bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
        timeout_retry: bool = True,
        concurrency: bool = True,
    ) -> ExecResult[str]:
        """Run ``cmd`` in the jail (see Inspect's contract).

        The environment is exactly the fixed base (``PATH``, ``HOME``, ``LANG=C.UTF-8``,
        ``PYTHONDONTWRITEBYTECODE=1``) plus ``env``; ``cwd`` defaults to the work dir and a
        relative ``cwd`` is taken from it. ``timeout_retry`` and ``concurrency`` are ignored:
        a local jail has no transport to retry, and throttling is per-sample (cgroups).

        Raises:
            SandboxUserUnsupportedError: ``user`` other than root (the only user in the jail).
            SandboxUnavailableError: the jail is gone.
            TimeoutError: ``timeout`` expired (the process group was killed); carries
                ``truncated_output`` (``runner.CommandTimeout``).
            OutputLimitExceededError: a stream exceeded ``MAX_EXEC_OUTPUT_SIZE`` (the process
                group was killed); carries the last bytes as ``truncated_output``.
            PermissionError: ``cmd[0]`` is not executable.
            ValueError: an ``env`` key or value that cannot be passed (``=``/NUL).
        """
        if user not in ROOT_USERS:
            raise SandboxUserUnsupportedError(
                f"the bwrap sandbox runs every command as root; cannot run as {user!r}"
            )
        if not cmd:
            raise ValueError("exec needs a command")
        for key, value in (env or {}).items():
            if not key or "=" in key or "\0" in key or "\0" in value:
                raise ValueError(f"invalid environment variable {key!r}")
        full_env = {
            "PATH": BASE_PATH,
            "HOME": self.layout.home,
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {}),
        }
        data = input.encode("utf-8") if isinstance(input, str) else input
        try:
            result = await self._run(
                cmd,
                cwd=self._resolve(cwd) if cwd else self.layout.work_dir,
                env=full_env,
                input=data,
                timeout=timeout,
                output_limit=SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE,
            )
        except OutputOverflow as ex:
            raise OutputLimitExceededError(
                limit_str=SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE_STR,
                truncated_output=ex.tail.decode("utf-8", errors="replace"),
            ) from None
        stdout = result.stdout.decode("utf-8", errors="replace")
        stderr = result.stderr.decode("utf-8", errors="replace")
        if (
            result.returncode == 126
            and stderr.strip() == f"{JAIL_ENV}: '{cmd[0]}': Permission denied"
        ):
            raise PermissionError(errno.EACCES, f"Permission denied executing command: {cmd[0]}")
        return ExecResult(
            success=result.returncode == 0,
            returncode=result.returncode,
            stdout=stdout,
            stderr=stderr,
        )

    @override
    async def write_file(self, file: str, contents: str | bytes) -> None:
        """Write ``contents`` to ``file`` inside the jail, creating parent directories.

        Raises:
            PermissionError: not writable (including read-only mounts).
            IsADirectoryError: ``file`` is a directory.
            NotADirectoryError: a parent is not a directory.
            SandboxUnavailableError: the jail is gone.
            TimeoutError: the write took over 600 s.
        """
        data = contents.encode("utf-8") if isinstance(contents, str) else contents
        result = await self._run(
            write_command(self._resolve(file)), input=data, timeout=FILE_TIMEOUT_SECONDS
        )
        if result.returncode != 0:
            raise file_error(result.returncode, result.stderr.decode(errors="replace"), file)

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    @override
    async def read_file(self, file: str, text: bool = True) -> str | bytes:
        """Read ``file`` inside the jail (regular files only; symlinks resolve in the jail).

        Raises:
            FileNotFoundError, IsADirectoryError, PermissionError: as the names say.
            OutputLimitExceededError: larger than ``MAX_READ_FILE_SIZE``.
            UnicodeDecodeError: ``text`` and the file is not UTF-8.
            SandboxUnavailableError: the jail is gone.
        """
        limit = SandboxEnvironmentLimits.MAX_READ_FILE_SIZE
        result = await self._run(
            read_command(self._resolve(file), limit),
            timeout=FILE_TIMEOUT_SECONDS,
            output_limit=limit + 1,
        )
        if result.returncode != 0:
            raise file_error(result.returncode, result.stderr.decode(errors="replace"), file)
        return result.stdout.decode("utf-8") if text else result.stdout

    @override
    async def connection(self, *, user: str | None = None) -> SandboxConnection:
        """A shell command (run as root on the host) that opens ``bash`` in the jail."""
        if user not in ROOT_USERS:
            raise SandboxUserUnsupportedError(f"cannot connect as {user!r}")
        self._check_alive()
        env = {"PATH": BASE_PATH, "HOME": self.layout.home, "LANG": "C.UTF-8", "TERM": "xterm"}
        argv = self._jail.enter(["/bin/bash", "-l"], self.layout.work_dir, env)
        return SandboxConnection(type="bwrap", command=shlex.join(argv))

    @override
    def default_polling_interval(self) -> float:
        """Seconds between polls of Inspect's sandbox services (a local jail answers fast)."""
        return 0.2

    # ----- extras for the harness ------------------------------------------------------------

    async def jail_processes(self, include_init: bool = False) -> list[JailProcess]:
        """Processes running in the jail, sorted by jail pid.

        Args:
            include_init: also list the jail's PID 1 (the provider's reaper, never killable).

        Raises:
            SandboxUnavailableError: the jail is gone.
        """
        self._check_alive()
        members = self._jail.cgroups.members() if self._jail.cgroups.procs_files else None
        procs = list_jail_processes(self._jail.pidns, members)
        return [p for p in procs if include_init or p.jail_pid != 1]

    async def kill_jail_processes(self, jail_pids: list[int]) -> None:
        """SIGKILL the given jail pids from the host and wait (up to 5 s) until they are gone.

        Pid 1 and pids not in the jail are ignored.

        Raises:
            SandboxUnavailableError: the jail is gone.
        """
        targets = set(jail_pids) - {1}
        if not targets:
            return
        procs = await self.jail_processes()
        for proc in procs:
            if proc.jail_pid in targets:
                kill_host_pid(proc.host_pid, self._jail.pidns)
        with anyio.move_on_after(KILL_WAIT_SECONDS):
            while any(p.jail_pid in targets for p in await self.jail_processes()):
                await anyio.sleep(0.005)

    async def grant_scoring_headroom(self, extra_mb: int = SCORING_HEADROOM_MB) -> bool:
        """Grow the sample's capped disk to its limit plus ``extra_mb`` MiB (calls do not add up).

        For the harness after quiesce: an agent may have filled the disk, and the scorer still
        has to write its health reply, the service its snapshot and the scan its result. With
        no agent process left, nothing else can take the headroom. The agent's files stay.

        Returns:
            ``False`` when the disk cap is not enforced (nothing to grow).

        Raises:
            OSError: the host refused the resize.
        """
        return await anyio.to_thread.run_sync(
            self._jail.storage.grow, self.layout.disk_limit_mb + extra_mb
        )

    def provenance(self) -> dict[str, Any]:
        """Platform facts for the run manifest.

        Returns:
            ``provider``, ``bwrap_version``, ``sample_id``, ``host_os_release``, ``jail``
            (``python3``, ``bash`` and ``os_release`` as seen inside), ``etc_template_sha256``,
            ``layout`` and ``resource_limits``: for each of ``memory`` (MiB), ``pids``,
            ``disk`` (MiB) and ``cpu`` (CPUs) a dict ``{limit, unit, enforced: bool,
            enforcement: mechanism or "unenforced"}``.
        """
        tools = self._tools
        enforcement = {
            **self._jail.cgroups.enforcement,
            "disk": self._jail.storage.disk_enforcement,
        }
        limits = {
            "memory": (self.layout.memory_mb, "MiB"),
            "pids": (self.layout.pids_limit, "processes"),
            "disk": (self.layout.disk_limit_mb, "MiB"),
            "cpu": (self.layout.cpus, "CPUs"),
        }
        return {
            "provider": "bwrap",
            "bwrap_version": bwrap_version(tools.bwrap) if tools else "unknown",
            "sample_id": self.sample_id,
            "host_os_release": os_release(),
            "jail": dict(self._jail_versions or {}),
            "etc_template_sha256": self._etc_digest,
            "layout": self.layout.model_dump(mode="json"),
            "resource_limits": {
                name: {
                    "limit": limit,
                    "unit": unit,
                    "enforced": enforcement[name] != "unenforced",
                    "enforcement": enforcement[name],
                }
                for name, (limit, unit) in limits.items()
            },
        }
