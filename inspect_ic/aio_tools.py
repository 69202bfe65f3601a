"""The four agent tools: ``shell``, ``read_file``, ``write_file``, ``list_dir`` (scaffold.md 1).

All four run inside the sandbox through its ``exec``/``write_file``; nothing touches the host.
Relative paths resolve against the task work directory. Errors are raised as Inspect tool errors
whose first line is fixed, so analysis can derive the error kind from it:

==================  ==================================================
first line          kind
==================  ==================================================
``exit status N``   exit_status
``timed out after`` timeout
``working directory not found:`` bad_cwd
``no such file:``   file_not_found
``is a directory:`` is_directory
``not a text file`` not_text
``permission denied`` permission_denied
``no such directory:`` file_not_found (list_dir)
``not a directory:`` not_directory
``invalid argument:`` other (text that cannot be passed on, e.g. a lone surrogate)
==================  ==================================================

No argument value can crash the sample: a command too long for ``execve`` is reported like a
shell would (``exit status 126``, argument list too long), a NUL byte becomes Inspect's parsing
error, and text that is not valid Unicode is refused with ``invalid argument:``.
"""

from __future__ import annotations

import errno
import json
import posixpath
import time

from inspect_ai.tool import Tool, ToolError, tool
from inspect_ai.util import OutputLimitExceededError, sandbox

DEFAULT_SHELL_TIMEOUT = 180
DEFAULT_MAX_OUTPUT = 16 * 1024
HEAD_BYTES = 4 * 1024
TRUNCATION_MARKER = "[... output truncated: {n} bytes left out ...]"
SHELL_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BAD_CWD_MARK = "__ic_bad_cwd__"
MAX_ARGUMENT_BYTES = 128 * 1024  # Linux MAX_ARG_STRLEN, terminating NUL included
_CD_WRAPPER = (
    f'cd -- "$1" 2>/dev/null || {{ echo {BAD_CWD_MARK} >&2; exit 199; }}; shift; exec "$@"'
)
_READ_SCRIPT = r"""
import json, os, stat, sys
path, limit, head = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    st = os.stat(path)
except FileNotFoundError:
    print(json.dumps({"kind": "missing"})); sys.exit(0)
except OSError as e:
    print(json.dumps({"kind": "error", "error": e.strerror})); sys.exit(0)
if stat.S_ISDIR(st.st_mode):
    print(json.dumps({"kind": "directory"})); sys.exit(0)
if not stat.S_ISREG(st.st_mode):
    print(json.dumps({"kind": "special", "size": st.st_size})); sys.exit(0)
try:
    with open(path, "rb") as fh:
        if st.st_size > limit:
            first = fh.read(head)
            fh.seek(max(st.st_size - (limit - head), head))
            data, omitted = first + fh.read(), st.st_size - limit
        else:
            data, omitted = fh.read(), 0
except PermissionError:
    print(json.dumps({"kind": "denied"})); sys.exit(0)
binary = b"\0" in data
try:
    text = data.decode("utf-8") if not omitted else data.decode("utf-8", "replace")
except UnicodeDecodeError:
    binary = True
if binary:
    print(json.dumps({"kind": "binary", "size": st.st_size})); sys.exit(0)
print(json.dumps({"kind": "text", "text": text, "omitted": omitted, "head": head}))
"""
_LIST_SCRIPT = (
    'if [ ! -e "$1" ] && [ ! -L "$1" ]; then exit 3; fi; '
    'if [ ! -d "$1" ]; then exit 4; fi; '
    'exec /bin/ls -la --time-style=long-iso -- "$1"'
)


def resolve_path(path: str, work_dir: str, home: str) -> str:
    """Absolute, normalised jail path: ``~`` expands to ``home``, relative joins ``work_dir``."""
    if path == "~" or path.startswith("~/"):
        path = home + path[1:]
    return posixpath.normpath(posixpath.join(work_dir, path))


def truncate_output(text: str, limit: int = DEFAULT_MAX_OUTPUT) -> str:
    """Keep the first 4 KiB and the tail around one marker line, ``limit`` bytes in all.

    Staying within ``limit`` (Inspect's ``max_tool_output``) means Inspect never truncates the
    result a second time; the marker line tells the model and the analysis what was left out.
    """
    data = text.encode("utf-8", "replace")
    if len(data) <= limit:
        return text
    marker_room = len(TRUNCATION_MARKER.format(n=len(data))) + 2
    tail_bytes = limit - HEAD_BYTES - marker_room
    omitted = len(data) - HEAD_BYTES - tail_bytes
    head = data[:HEAD_BYTES].decode("utf-8", "ignore")
    tail = data[-tail_bytes:].decode("utf-8", "ignore")
    return f"{head}\n{TRUNCATION_MARKER.format(n=omitted)}\n{tail}"


def _block(label: str, text: str) -> str:
    return f"{label}:\n{text if text else '(none)'}"


def require_text(name: str, value: str | None) -> None:
    """Raise a tool error when ``value`` cannot be encoded as UTF-8 (a lone surrogate).

    A model's JSON may carry ``\\ud800``-style escapes that decode to lone surrogates; they
    cannot be written to a file or passed as an argument, and must not crash the sample.
    """
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ToolError(
            f"invalid argument: {name} is not valid Unicode text "
            f"(a lone surrogate at character {err.start})"
        ) from None


def _too_long(directory: str, command: str) -> ToolError:
    size = len(command.encode("utf-8"))
    stderr = (
        f"bash: argument list too long: the command is {size} bytes, "
        f"and one argument may hold at most {MAX_ARGUMENT_BYTES - 1}"
    )
    lines = [
        "exit status 126",
        f"cwd: {directory}",
        f"command: {command}",
        _block("stdout", ""),
        _block("stderr", stderr),
    ]
    return ToolError(truncate_output("\n".join(lines)))


@tool(parallel=False)
def shell(
    work_dir: str,
    home: str = "/root",
    timeout: int = DEFAULT_SHELL_TIMEOUT,
    max_output: int = DEFAULT_MAX_OUTPUT,
) -> Tool:
    """The ``shell`` tool: ``bash -lc`` inside the sandbox with a minimal login environment."""

    async def execute(command: str, cwd: str | None = None) -> str:
        """Run a bash command on the workspace machine and return its output.

        Args:
            command: Bash command line to run.
            cwd: Directory to run in; relative paths start from the work directory. Defaults to the work directory.
        """
        require_text("command", command)
        require_text("cwd", cwd)
        directory = resolve_path(cwd or ".", work_dir, home)
        env = {
            "HOME": home,
            "PATH": SHELL_PATH,
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        argv = ["/bin/bash", "-c", _CD_WRAPPER, "cd-wrapper", directory]
        argv += ["/usr/bin/timeout", "--kill-after=2", str(timeout), "/bin/bash", "-lc", command]
        started = time.monotonic()
        try:
            result = await sandbox().exec(
                argv, cwd="/", env=env, timeout=timeout + 15, timeout_retry=False
            )
        except TimeoutError:
            raise ToolError(
                f"timed out after {timeout} s\ncwd: {directory}\ncommand: {command}"
            ) from None
        except OutputLimitExceededError as err:
            raise ToolError(
                f"exit status 1\ncwd: {directory}\ncommand: {command}\n"
                f"stdout:\n(output exceeded the sandbox limit: {err})\nstderr:\n(none)"
            ) from None
        except OSError as err:
            if err.errno == errno.E2BIG:
                raise _too_long(directory, command) from None
            raise
        if result.returncode == 199 and BAD_CWD_MARK in result.stderr:
            raise ToolError(f"working directory not found: {directory}")
        elapsed = time.monotonic() - started
        if result.returncode in (124, 137) and elapsed >= timeout - 1:
            tail = (result.stdout + result.stderr)[-2048:]
            message = f"timed out after {timeout} s\ncwd: {directory}\ncommand: {command}"
            raise ToolError(message + (f"\noutput (last 2 KiB):\n{tail}" if tail else ""))
        if result.returncode != 0:
            message = "\n".join(
                [
                    f"exit status {result.returncode}",
                    f"cwd: {directory}",
                    f"command: {command}",
                    _block("stdout", result.stdout),
                    _block("stderr", result.stderr),
                ]
            )
            raise ToolError(truncate_output(message, max_output))
        output = result.stdout
        if result.stderr:
            output = f"{output}{'' if output.endswith(chr(10)) or not output else chr(10)}stderr:\n{result.stderr}"
        return truncate_output(output, max_output)

    return execute


@tool(name="read_file", parallel=False)
def read_file_tool(
    work_dir: str, home: str = "/root", max_output: int = DEFAULT_MAX_OUTPUT
) -> Tool:
    """The ``read_file`` tool; FIFOs and devices are never opened, so a read cannot hang."""

    async def execute(path: str) -> str:
        """Show what a text file contains.

        Args:
            path: File to read; relative paths start from the work directory.
        """
        require_text("path", path)
        target = resolve_path(path, work_dir, home)
        result = await sandbox().exec(
            ["/usr/bin/python3", "-I", "-S", "-B", "-c", _READ_SCRIPT, target, str(max_output)]
            + [str(HEAD_BYTES)],
            cwd="/",
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            timeout=60,
        )
        try:
            info = json.loads(result.stdout)
        except ValueError:
            raise ToolError(f"not a text file: {target} could not be read") from None
        kind = info.get("kind")
        if kind == "missing":
            raise ToolError(f"no such file: {target}")
        if kind == "directory":
            raise ToolError(f"is a directory: {target} (use list_dir to see its entries)")
        if kind == "denied" or kind == "error":
            raise ToolError(f"permission denied: {target}")
        if kind in ("binary", "special"):
            what = "binary file" if kind == "binary" else "special file (FIFO, device or socket)"
            raise ToolError(f"not a text file: {target} is a {what} of {info.get('size', 0)} bytes")
        text: str = info["text"]
        if info.get("omitted"):
            data = text.encode("utf-8")
            head = data[: info["head"]].decode("utf-8", "ignore")
            tail = data[info["head"] :].decode("utf-8", "ignore")
            return f"{head}\n{TRUNCATION_MARKER.format(n=info['omitted'])}\n{tail}"
        return text

    return execute


@tool(name="write_file", parallel=False)
def write_file_tool(work_dir: str, home: str = "/root") -> Tool:
    """The ``write_file`` tool; parent directories are created."""

    async def execute(path: str, content: str) -> str:
        """Create or overwrite a text file.

        Args:
            path: File to write; relative paths start from the work directory.
            content: Full text to write.
        """
        require_text("path", path)
        require_text("content", content)
        target = resolve_path(path, work_dir, home)
        try:
            await sandbox().write_file(target, content)
        except IsADirectoryError:
            raise ToolError(f"is a directory: {target}") from None
        except PermissionError:
            raise ToolError(f"permission denied: {target} is not writable") from None
        except OSError as err:
            raise ToolError(f"permission denied: {target} ({err.strerror or err})") from None
        return f"ok: wrote {len(content.encode('utf-8'))} bytes to {target}"

    return execute


@tool(parallel=False)
def list_dir(work_dir: str, home: str = "/root", max_output: int = DEFAULT_MAX_OUTPUT) -> Tool:
    """The ``list_dir`` tool: a long listing with dotfiles (documented deviation: relative paths
    resolve against the work directory)."""

    async def execute(path: str = ".") -> str:
        """List the entries of a directory.

        Args:
            path: Directory to list; defaults to the work directory.
        """
        require_text("path", path)
        target = resolve_path(path, work_dir, home)
        result = await sandbox().exec(
            ["/bin/bash", "-c", _LIST_SCRIPT, "list", target],
            cwd="/",
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            timeout=60,
        )
        if result.returncode == 3:
            raise ToolError(f"no such directory: {target}")
        if result.returncode == 4:
            raise ToolError(f"not a directory: {target}")
        if result.returncode != 0:
            raise ToolError(f"permission denied: {target} ({result.stderr.strip()})")
        return truncate_output(f"{target}:\n{result.stdout}", max_output)

    return execute


def agent_tools(
    work_dir: str,
    home: str,
    shell_timeout: int = DEFAULT_SHELL_TIMEOUT,
    max_output: int = DEFAULT_MAX_OUTPUT,
) -> list[Tool]:
    """The four tools in their fixed order: shell, read_file, write_file, list_dir."""
    return [
        shell(work_dir, home, shell_timeout, max_output),
        read_file_tool(work_dir, home, max_output),
        write_file_tool(work_dir, home),
        list_dir(work_dir, home, max_output),
    ]
