"""One persistent bubblewrap jail: start, liveness, teardown.

The jail is a bwrap process whose PID 1 (a tiny Python reaper) lives until the sample ends;
every exec enters it with nsenter (see ``bwrap_args.enter_argv``). Teardown SIGKILLs that
PID 1, which makes the kernel kill every process of the jail's PID namespace, then kills what
is left in the sample's cgroups, reaps bwrap, removes the cgroups and the per-sample storage.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import DEVNULL, PIPE
from typing import Any

import anyio
from anyio.abc import Process

from inspect_ic.sandbox.bwrap_args import (
    EXEC_OOM_SCORE_ADJ,
    HOST_ENV,
    READY_LINE,
    bwrap_argv,
    enter_argv,
    join_prefix,
)
from inspect_ic.sandbox.cgroups import SampleCgroups
from inspect_ic.sandbox.config import SandboxLayout
from inspect_ic.sandbox.etc_template import etc_entries
from inspect_ic.sandbox.storage import UNENFORCED, SampleStorage

START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


class JailStartError(RuntimeError):
    """bwrap could not create the jail (the message carries bwrap's stderr)."""


@dataclass(frozen=True)
class HostTools:
    """Absolute host paths of the programs the provider runs on the host."""

    bwrap: str
    nsenter: str


def process_start_time(pid: int) -> int | None:
    """Start time of ``pid`` in clock ticks since boot (``None`` if it does not exist)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


@dataclass
class Jail:
    """A running jail and the host resources backing it.

    Attributes:
        sample_id: unique id; names the storage directory and the cgroups.
        layout: the sample's layout.
        storage: per-sample host directory and disk.
        cgroups: per-sample cgroups.
        init_pid: host pid of the jail's PID 1.
        pidns: inode of the jail's PID namespace (identifies its processes on the host).
        rlimit_env: ``ulimit`` settings for the join wrapper when cgroups cannot enforce.
    """

    sample_id: str
    layout: SandboxLayout
    tools: HostTools
    storage: SampleStorage
    cgroups: SampleCgroups
    init_pid: int = 0
    pidns: int = 0
    rlimit_env: dict[str, str] = field(default_factory=dict)
    _process: Process | None = None
    _bwrap_pidfd: int | None = None
    _init_pidfd: int | None = None
    _stopped: bool = False

    @classmethod
    async def start(
        cls,
        sample_id: str,
        layout: SandboxLayout,
        tools: HostTools,
        base_dir: Path,
        etc_template: Path,
    ) -> Jail:
        """Create storage and cgroups, start bwrap and wait until the jail's PID 1 runs.

        Raises:
            JailStartError: bwrap failed or timed out (everything created is removed).
            OSError: host storage or cgroups could not be created.
        """
        storage = SampleStorage(base_dir, sample_id)
        try:
            roots = storage.create(layout.disk_limit_mb, layout.writable_roots)
            cgroups = SampleCgroups.create(
                sample_id, layout.memory_mb, layout.pids_limit, layout.cpus
            )
        except BaseException:
            if storage.path.exists():
                storage.destroy()
            raise
        jail = cls(sample_id, layout, tools, storage, cgroups)
        jail.rlimit_env = jail._rlimits()
        jail._record_state()
        try:
            with anyio.fail_after(START_TIMEOUT_SECONDS):
                await jail._spawn(roots, etc_template)
        except BaseException as ex:
            with anyio.CancelScope(shield=True):
                await jail.stop()
            if isinstance(ex, TimeoutError):
                raise JailStartError("bwrap did not start the jail in time") from ex
            raise
        jail._record_state()
        return jail

    def _rlimits(self) -> dict[str, str]:
        # Per-process rlimits are only a fallback: RLIMIT_AS caps each process, not the jail,
        # and RLIMIT_NPROC does not apply to uid 0, which the jail maps to.
        env = {}
        if self.cgroups.enforcement["memory"] == UNENFORCED:
            env["IC_ULIMIT_V"] = str(self.layout.memory_mb * 1024)
            self.cgroups.enforcement["memory"] = "rlimit RLIMIT_AS per process (partial)"
        if self.cgroups.enforcement["pids"] == UNENFORCED and os.geteuid() != 0:
            env["IC_ULIMIT_U"] = str(self.layout.pids_limit)
            self.cgroups.enforcement["pids"] = "rlimit RLIMIT_NPROC per uid"
        return env

    async def _spawn(self, roots: dict[str, Path], etc_template: Path) -> None:
        info_r, info_w = os.pipe()
        try:
            argv = join_prefix(self.cgroups.procs_files) + bwrap_argv(
                self.tools.bwrap,
                self.layout,
                roots,
                etc_template,
                etc_entries(etc_template),
                info_w,
            )
            self._process = await anyio.open_process(
                argv,
                stdin=DEVNULL,
                stdout=PIPE,
                stderr=PIPE,
                env={**HOST_ENV, **self.rlimit_env},
                cwd="/",
                start_new_session=True,
                pass_fds=(info_w,),
            )
            os.close(info_w)
            info_w = -1
            self._bwrap_pidfd = os.pidfd_open(self._process.pid)
            ready = await self._read_ready()
            if not ready:
                stderr = await self._read_stderr()
                raise JailStartError(f"bwrap failed to start the jail: {stderr.strip()}")
            info = await _read_info(info_r)
        finally:
            os.close(info_r)
            if info_w >= 0:
                os.close(info_w)
        self.init_pid = int(info["child-pid"])
        self.pidns = int(info["pid-namespace"])
        self._init_pidfd = os.pidfd_open(self.init_pid)
        # the jail's PID 1 must survive an OOM inside the jail (needs CAP_SYS_RESOURCE; execs
        # also get a raised score, see EXEC_OOM_SCORE_ADJ)
        with contextlib.suppress(OSError):
            Path(f"/proc/{self.init_pid}/oom_score_adj").write_text("-1000")
        await self._close_stdio()

    async def _read_ready(self) -> bool:
        assert self._process is not None and self._process.stdout is not None
        data = b""
        with contextlib.suppress(anyio.EndOfStream, anyio.ClosedResourceError):
            while READY_LINE not in data:
                data += await self._process.stdout.receive()
        return READY_LINE in data

    async def _read_stderr(self) -> str:
        assert self._process is not None and self._process.stderr is not None
        data = b""
        with anyio.move_on_after(5):
            with contextlib.suppress(anyio.EndOfStream, anyio.ClosedResourceError):
                while len(data) < 65536:
                    data += await self._process.stderr.receive()
        return data.decode(errors="replace")

    async def _close_stdio(self) -> None:
        # bwrap keeps its stdio until it exits; we are done listening, it may get EPIPE
        assert self._process is not None
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                with contextlib.suppress(Exception):
                    await stream.aclose()

    def _record_state(self) -> None:
        state: dict[str, Any] = {
            "sample_id": self.sample_id,
            "owner_pid": os.getpid(),
            "owner_start": process_start_time(os.getpid()),
            "bwrap_pid": self._process.pid if self._process else None,
            "init_pid": self.init_pid or None,
            "init_start": process_start_time(self.init_pid) if self.init_pid else None,
            "pidns": self.pidns or None,
            "cgroups": [str(p) for p in self.cgroups.dirs],
        }
        self.storage.write_state(state)

    def alive(self) -> bool:
        """Whether the jail's PID 1 is still running."""
        if self._stopped or self._init_pidfd is None:
            return False
        if self._process is not None and self._process.returncode is not None:
            return False
        return not _pidfd_exited(self._init_pidfd)

    def enter(self, cmd: list[str], cwd: str, env: dict[str, str]) -> list[str]:
        """Host argv that runs ``cmd`` in the jail (see ``bwrap_args.enter_argv``)."""
        return enter_argv(
            self.tools.nsenter, self.init_pid, self.cgroups.procs_files, cmd, cwd, env
        )

    @property
    def host_env(self) -> dict[str, str]:
        """Environment for host-side processes entering the jail."""
        return {**HOST_ENV, **self.rlimit_env, "IC_OOM_ADJ": EXEC_OOM_SCORE_ADJ}

    async def stop(self) -> None:
        """Kill every process of the jail, reap bwrap, remove cgroups and storage (idempotent).

        Raises:
            OSError: storage could not be removed (cgroups left busy are logged by the caller
                through ``cgroups.dirs``).
        """
        if self._stopped:
            return
        self._stopped = True
        if self._init_pidfd is not None:
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self._init_pidfd, signal.SIGKILL)
        self.cgroups.kill_all()
        if self._bwrap_pidfd is not None:
            # through the pidfd: Process.kill() would poll, reaping bwrap behind asyncio's back
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self._bwrap_pidfd, signal.SIGKILL)
        if self._process is not None:
            with anyio.move_on_after(STOP_TIMEOUT_SECONDS):
                await self._process.wait()
            await self._close_stdio()
        for pidfd in (self._init_pidfd, self._bwrap_pidfd):
            if pidfd is not None:
                await _wait_pidfd_exit(pidfd, STOP_TIMEOUT_SECONDS)
                os.close(pidfd)
        self._init_pidfd = self._bwrap_pidfd = None
        await anyio.to_thread.run_sync(self.cgroups.remove)
        self.storage.destroy()


async def _read_info(fd: int) -> dict[str, Any]:
    data = b""
    os.set_blocking(fd, False)
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            await anyio.wait_readable(fd)
            continue
        if not chunk:
            break
        data += chunk
    info = json.loads(data.decode())
    if not isinstance(info, dict) or "child-pid" not in info:
        raise JailStartError(f"unexpected bwrap info: {data!r}")
    return info


def _pidfd_exited(pidfd: int) -> bool:
    # a pidfd becomes readable once its process has exited (zombie or reaped)
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    return bool(poller.poll(0))


async def _wait_pidfd_exit(pidfd: int, timeout: float) -> None:
    with anyio.move_on_after(timeout):
        await anyio.wait_readable(pidfd)
