"""Run one host command (the exec wrapper) with captured output, a timeout and an output cap.

Commands run in their own session (and process group). A timeout, an output overflow or a
cancellation SIGKILLs the whole session: every process still in it, including process groups a
command created on its way (GNU ``timeout``, which the agent's ``shell`` tool runs, moves its
command into a group of its own). Only processes that left the session with ``setsid`` keep
running, as detached daemons do. The command is done when its process exits; output is then drained
for a short grace period only, so a background process that kept the pipes open (``server &``
without redirection) does not hold the call until its timeout.

This bypasses Inspect's ``subprocess()`` concurrency limiter on purpose: that limiter defaults
to the CPU count for the whole eval, so one agent's ``sleep 60`` would stall other samples.
Per-sample CPU, memory and pids limits come from the jail's cgroups instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections import deque
from dataclasses import dataclass
from subprocess import DEVNULL, PIPE

import anyio
from anyio.abc import ByteReceiveStream, ByteSendStream, Process

# How long to keep reading after the command exited, for pipes a background process holds.
DRAIN_GRACE_SECONDS = 0.5
# Bound on waiting for a SIGKILLed process to be reaped.
REAP_TIMEOUT_SECONDS = 10.0
# Bound on waiting for every member of a killed process group to be gone.
GROUP_EXIT_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class RawResult:
    """Exit status (128+N for death by signal N) and raw output of a command."""

    returncode: int
    stdout: bytes
    stderr: bytes


class OutputOverflow(Exception):
    """A stream exceeded its cap; the command was killed. ``tail`` holds its last bytes."""

    def __init__(self, stream: str, tail: bytes) -> None:
        super().__init__(f"{stream} exceeded the output limit")
        self.stream = stream
        self.tail = tail


class CommandTimeout(TimeoutError):
    """The command timed out and was killed.

    ``truncated_output`` (the attribute Inspect's sandbox proxy forwards to the model) holds
    the stdout and stderr seen before the kill.
    """

    def __init__(self, timeout: float, partial: bytes) -> None:
        super().__init__(f"Command timed out after {timeout:g} seconds")
        self.truncated_output = partial.decode("utf-8", errors="replace")


class _Capture:
    """Keeps at most ``limit`` trailing bytes; records overflow and EOF."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.chunks: deque[bytes] = deque()
        self.size = 0
        self.overflowed = False
        self.eof = anyio.Event()

    def add(self, chunk: bytes) -> None:
        """Append ``chunk``, dropping the oldest bytes beyond the limit."""
        self.chunks.append(chunk)
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            self.overflowed = True
            while self.size - len(self.chunks[0]) >= self.limit:
                self.size -= len(self.chunks.popleft())

    def value(self) -> bytes:
        """The retained bytes (at most ``limit``)."""
        data = b"".join(self.chunks)
        return data[-self.limit :] if self.limit is not None else data


def _live_session(pid: int) -> int | None:
    """Session id of host process ``pid`` (``None`` if gone or a zombie)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # fields after the command name: state, ppid, pgrp, session, ...
    if len(fields) < 4 or fields[0] == b"Z":
        return None
    return int(fields[3])


def session_members(sid: int) -> list[int]:
    """Host pids of the live (non-zombie) processes whose session id is ``sid``."""
    return [
        int(entry)
        for entry in os.listdir("/proc")
        if entry.isdigit() and _live_session(int(entry)) == sid
    ]


def _kill_session(sid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(sid, signal.SIGKILL)
    for pid in session_members(sid):
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            continue
        try:
            # the pidfd pins the process: re-check that it is still the session's member
            if _live_session(pid) == sid:
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except OSError:
            pass
        finally:
            os.close(pidfd)


async def _wait_session_gone(sid: int) -> None:
    # SIGKILL is delivered asynchronously (and a CPU-throttled jail is slow to exit): callers
    # expect the command's processes gone once a timeout is reported
    with anyio.move_on_after(GROUP_EXIT_TIMEOUT_SECONDS):
        while session_members(sid):
            _kill_session(sid)
            await anyio.sleep(0.005)


async def _pump(stream: ByteReceiveStream | None, capture: _Capture, overflow: anyio.Event) -> None:
    try:
        if stream is None:
            return
        async for chunk in stream:
            if not capture.overflowed:
                capture.add(chunk)
                if capture.overflowed:
                    overflow.set()
    except (anyio.ClosedResourceError, anyio.BrokenResourceError):
        pass
    finally:
        capture.eof.set()


async def _feed(stream: ByteSendStream | None, data: bytes) -> None:
    if stream is None:
        return
    # a command that exits without reading its stdin is not an error: its result says so
    with contextlib.suppress(
        anyio.BrokenResourceError, anyio.ClosedResourceError, BrokenPipeError, ConnectionResetError
    ):
        if data:
            await stream.send(data)
        await stream.aclose()


async def _reap(process: Process) -> None:
    with anyio.move_on_after(REAP_TIMEOUT_SECONDS):
        await process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(Exception):
                await stream.aclose()


async def run_captured(
    argv: list[str],
    *,
    env: dict[str, str],
    input: bytes | None = None,
    timeout: float | None = None,
    output_limit: int | None = None,
) -> RawResult:
    """Run ``argv`` on the host and capture its output.

    Args:
        argv: command and arguments (absolute program path).
        env: the complete environment of the command (nothing is inherited).
        input: bytes for stdin (``None``: stdin is ``/dev/null``).
        timeout: seconds before the process group is killed (``None``: no limit).
        output_limit: maximum bytes per stream (``None``: unlimited).

    Raises:
        CommandTimeout: the timeout expired (a ``TimeoutError``).
        OutputOverflow: a stream exceeded ``output_limit``.
        OSError: the program could not be started.
    """
    process = await anyio.open_process(
        argv,
        stdin=PIPE if input is not None else DEVNULL,
        stdout=PIPE,
        stderr=PIPE,
        env=env,
        cwd="/",
        start_new_session=True,
    )
    pgid = process.pid
    out, err = _Capture(output_limit), _Capture(output_limit)
    overflow = anyio.Event()
    exited = False
    try:
        with anyio.move_on_after(timeout):
            async with anyio.create_task_group() as tg:
                tg.start_soon(_pump, process.stdout, out, overflow)
                tg.start_soon(_pump, process.stderr, err, overflow)
                if input is not None:
                    tg.start_soon(_feed, process.stdin, input)

                async def kill_on_overflow() -> None:
                    await overflow.wait()
                    _kill_session(pgid)

                tg.start_soon(kill_on_overflow)
                await process.wait()
                # a timeout from here on only cuts the drain short: the command finished
                exited = True
                with anyio.move_on_after(DRAIN_GRACE_SECONDS):
                    await out.eof.wait()
                    await err.eof.wait()
                tg.cancel_scope.cancel()
    finally:
        kill = overflow.is_set() or not exited
        with anyio.CancelScope(shield=True):
            if kill:
                _kill_session(pgid)
            await _reap(process)
            if kill:
                await _wait_session_gone(pgid)
    if overflow.is_set():
        stream, capture = ("stdout", out) if out.overflowed else ("stderr", err)
        raise OutputOverflow(stream, capture.value())
    if not exited:
        raise CommandTimeout(timeout or 0, out.value() + err.value())
    code = process.returncode
    if code is None:
        code = 255
    return RawResult(128 - code if code < 0 else code, out.value(), err.value())
