"""``read_file``/``write_file`` performed inside the jail by a fixed Python helper.

Doing file IO on the host (through the per-sample directory or ``/proc/PID/root``) would follow
symlinks the agent planted to host paths. Inside the jail a path resolves in the jail's mount
namespace only. The helper runs as ``/usr/bin/python3 -I -S -B`` from the read-only ``/usr``
and reports failures as ``ICERR <errno>`` on stderr with a dedicated exit status, which this
module maps to the Python exception Inspect's contract names.
"""

from __future__ import annotations

import errno
import os
import re

from inspect_ai.util import OutputLimitExceededError, SandboxEnvironmentLimits

from inspect_ic.sandbox.bwrap_args import JAIL_PYTHON

ERROR_EXIT = 97
TOO_LARGE_EXIT = 98

# argv: path, size limit (bytes). Copies the file to stdout; regular files only, so a FIFO or
# device the agent put at the path cannot block or flood the read.
READ_SCRIPT = f"""
import os, sys, stat
p, lim = sys.argv[1], int(sys.argv[2])
try:
    fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "Is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise OSError(22, "Not a regular file")
    if st.st_size > lim:
        sys.exit({TOO_LARGE_EXIT})
    os.set_blocking(fd, True)
    total = 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        total += len(chunk)
        if total > lim:
            sys.exit({TOO_LARGE_EXIT})
        sys.stdout.buffer.write(chunk)
    sys.stdout.buffer.flush()
except OSError as e:
    sys.stderr.write("ICERR %d\\n" % (e.errno or 5))
    sys.exit({ERROR_EXIT})
"""

# argv: path. Writes stdin to the file, creating parent directories (umask 022).
WRITE_SCRIPT = f"""
import os, sys, stat
p = sys.argv[1]
os.umask(0o022)
try:
    d = os.path.dirname(p)
    if d and not os.path.isdir(d):
        try:
            os.makedirs(d, exist_ok=True)
        except FileExistsError:
            raise NotADirectoryError(20, "Not a directory")
    try:
        if stat.S_ISDIR(os.stat(p).st_mode):
            raise IsADirectoryError(21, "Is a directory")
    except FileNotFoundError:
        pass
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    with os.fdopen(fd, "wb") as out:
        while True:
            chunk = sys.stdin.buffer.read(1 << 20)
            if not chunk:
                break
            out.write(chunk)
except OSError as e:
    sys.stderr.write("ICERR %d\\n" % (e.errno or 5))
    sys.exit({ERROR_EXIT})
"""

_ERR_LINE = re.compile(r"^ICERR (\d+)$")


def read_command(path: str, limit: int) -> list[str]:
    """Jail command that prints the file at ``path`` (absolute) if at most ``limit`` bytes."""
    return [JAIL_PYTHON, "-I", "-S", "-B", "-c", READ_SCRIPT, path, str(limit)]


def write_command(path: str) -> list[str]:
    """Jail command that writes its stdin to ``path`` (absolute)."""
    return [JAIL_PYTHON, "-I", "-S", "-B", "-c", WRITE_SCRIPT, path]


def file_error(returncode: int, stderr: str, file: str) -> Exception:
    """The exception for a failed helper run (``file`` is the caller's path, for messages).

    Maps ENOENT to ``FileNotFoundError``, EISDIR to ``IsADirectoryError``, EACCES/EPERM/EROFS
    to ``PermissionError``, ENOTDIR to ``NotADirectoryError``, the size exit to
    ``OutputLimitExceededError`` and anything unrecognised to ``RuntimeError``.
    """
    if returncode == TOO_LARGE_EXIT:
        return OutputLimitExceededError(
            limit_str=SandboxEnvironmentLimits.MAX_READ_FILE_SIZE_STR, truncated_output=None
        )
    lines = stderr.strip().splitlines()
    match = _ERR_LINE.match(lines[-1]) if returncode == ERROR_EXIT and lines else None
    if match is None:
        return RuntimeError(f"sandbox file operation on {file!r} failed ({returncode}): {stderr}")
    code = int(match.group(1))
    message = os.strerror(code)
    if code == errno.ENOENT:
        return FileNotFoundError(code, message, file)
    if code == errno.EISDIR:
        return IsADirectoryError(code, message, file)
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PermissionError(code, message, file)
    if code == errno.ENOTDIR:
        return NotADirectoryError(code, message, file)
    return OSError(code, message, file)
