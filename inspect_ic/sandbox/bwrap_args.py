"""Command lines: the bwrap invocation that creates a jail and the prefix that enters it.

Mount order matters: system directories, then ``/etc``, then the writable roots (parents first),
then the read-only binds (which may nest inside writable roots), then symlinks, and finally the
read-only remounts, so that nothing an agent does can replace a mount point or the root's own
``/bin`` -> ``usr/bin`` links.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from inspect_ic.sandbox.config import SandboxLayout

BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HOST_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
HOST_ENV = {"PATH": HOST_PATH}
"""The complete environment of host-side helper processes: the host's own is never passed on."""
EXEC_OOM_SCORE_ADJ = "500"
"""Raised OOM score of every exec'd process, so that an OOM in the jail kills an agent process
before the jail's PID 1 (lowering PID 1's score would need CAP_SYS_RESOURCE)."""

SHELL = "/bin/sh"
JAIL_SETPRIV = "/usr/bin/setpriv"
JAIL_ENV = "/usr/bin/env"
JAIL_PYTHON = "/usr/bin/python3"
DEV_SHM_BYTES = 64 * 1024 * 1024

# /proc entries that would reach the host kernel: the jail runs as uid 0 of the host (no
# capabilities), and sysctl files are writable by that uid, so /proc/sys must be read-only.
PROC_READ_ONLY = ("sys", "sysrq-trigger", "irq", "bus", "fs")
PROC_MASKED = ("kcore", "keys", "timer_list", "sched_debug", "latency_stats", "kallsyms")
PROC_MASKED_DIRS = ("acpi", "scsi", "asound")

# PID 1 of the jail: reaps every orphan (daemons double-fork) and cannot be killed from inside
# (a namespace init only gets signals it handles). It reports readiness on stdout, after which
# its stdio is /dev/null.
INIT_CODE = (
    "import os,signal\n"
    "signal.pthread_sigmask(signal.SIG_BLOCK,{signal.SIGCHLD})\n"
    "n=os.open('/dev/null',os.O_RDWR)\n"
    "os.write(1,b'ready\\n')\n"
    "[os.dup2(n,f) for f in (0,1,2)]\n"
    "while 1:\n"
    " signal.sigwait({signal.SIGCHLD})\n"
    " try:\n"
    "  while os.waitpid(-1,os.WNOHANG)[0]>0:pass\n"
    " except ChildProcessError:pass\n"
)
READY_LINE = b"ready\n"

# Joins the cgroup.procs files given before "--", applies rlimits and the OOM score
# adjustment, then execs the rest. Runs on the host as /bin/sh, with HOST_ENV only.
JOIN_SCRIPT = (
    'while [ "$1" != -- ]; do echo $$ > "$1" || exit 255; shift; done; shift; '
    'if [ -n "$IC_ULIMIT_V" ]; then ulimit -v "$IC_ULIMIT_V" || exit 255; fi; '
    'if [ -n "$IC_ULIMIT_U" ]; then ulimit -u "$IC_ULIMIT_U" || exit 255; fi; '
    'if [ -n "$IC_OOM_ADJ" ]; then echo "$IC_OOM_ADJ" > /proc/self/oom_score_adj; fi 2>/dev/null; '
    "unset IC_ULIMIT_V IC_ULIMIT_U IC_OOM_ADJ; "
    'exec "$@"'
)


def _system_args(host_root: Path = Path("/")) -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = host_root / name
        if host.is_symlink():
            args += ["--symlink", os.readlink(host), f"/{name}"]
        elif host.is_dir():
            args += ["--ro-bind", f"/{name}", f"/{name}"]
    return args


def _proc_args(host_proc: Path = Path("/proc")) -> list[str]:
    args = ["--proc", "/proc"]
    for name in PROC_READ_ONLY:
        if (host_proc / name).exists():
            args += ["--ro-bind", f"/proc/{name}", f"/proc/{name}"]
    for name in PROC_MASKED:
        if (host_proc / name).exists():
            args += ["--ro-bind", "/dev/null", f"/proc/{name}"]
    for name in PROC_MASKED_DIRS:
        if (host_proc / name).is_dir():
            args += ["--perms", "0555", "--tmpfs", f"/proc/{name}"]
    return args


def _dev_args() -> list[str]:
    return [
        "--dev",
        "/dev",
        "--perms",
        "1777",
        "--size",
        str(DEV_SHM_BYTES),
        "--tmpfs",
        "/dev/shm",
        "--remount-ro",
        "/dev",
    ]


def _etc_args(
    template: Path, entries: list[tuple[str, str | None]], etc_roots: list[str]
) -> list[str]:
    if not etc_roots:
        return ["--ro-bind", str(template), "/etc"]
    args = ["--perms", "0755", "--tmpfs", "/etc"]
    for name, link in entries:
        if link is not None:
            args += ["--symlink", link, f"/etc/{name}"]
        else:
            args += ["--ro-bind", str(template / name), f"/etc/{name}"]
    return args


def _depth(path: str) -> tuple[int, str]:
    return (path.count("/"), path)


class _Tree:
    """Tracks jail paths that exist, to create missing parents with mode 0755.

    bwrap would create them itself, but with mode 0700, which no real system has.
    """

    def __init__(self, trees: tuple[str, ...]) -> None:
        self.trees = trees  # whole subtrees that exist already (host binds, /proc, /dev)
        self.paths: set[str] = {"/"}

    def exists(self, path: str) -> bool:
        """Whether ``path`` exists in the jail being built."""
        return path in self.paths or any(path == t or path.startswith(t + "/") for t in self.trees)

    def parents(self, path: str) -> list[str]:
        """``--dir`` arguments for the missing proper ancestors of ``path``."""
        args: list[str] = []
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            ancestor = "/" + "/".join(parts[:i])
            if not self.exists(ancestor):
                args += ["--perms", "0755", "--dir", ancestor]
                self.paths.add(ancestor)
        self.paths.add(path)
        return args


def bwrap_argv(
    bwrap: str,
    layout: SandboxLayout,
    roots: Mapping[str, Path],
    etc_template: Path,
    etc_entries: list[tuple[str, str | None]],
    info_fd: int,
) -> list[str]:
    """The full bwrap command line for a jail.

    Args:
        bwrap: host path of the bwrap binary.
        layout: the sample's layout.
        roots: writable root (jail path) -> host directory backing it.
        etc_template: host directory of the ``/etc`` template.
        etc_entries: its top-level entries (``etc_template.etc_entries``).
        info_fd: fd bwrap writes its JSON info (child pid, namespaces) to.
    """
    etc_roots = [r for r in layout.writable_roots if r.startswith("/etc/")]
    argv = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--as-pid-1",
        "--hostname",
        "ic-sandbox",
        "--clearenv",
        "--setenv",
        "PATH",
        BASE_PATH,
        "--info-fd",
        str(info_fd),
        "--chdir",
        "/",
    ]
    argv += _proc_args()
    argv += _dev_args()
    argv += _system_args()
    argv += _etc_args(etc_template, etc_entries, etc_roots)
    tree = _Tree(("/usr", "/proc", "/dev") + (() if etc_roots else ("/etc",)))
    tree.paths.add("/etc")
    for root in sorted(layout.writable_roots, key=_depth):
        argv += tree.parents(root) + ["--bind", str(roots[root]), root]
    for bind in sorted(layout.ro_binds, key=lambda b: _depth(b.dest)):
        argv += tree.parents(bind.dest) + ["--ro-bind", bind.src, bind.dest]
    for link in layout.symlinks:
        argv += tree.parents(link.link) + ["--symlink", link.target, link.link]
    for directory in dict.fromkeys((layout.home, layout.work_dir)):
        if not tree.exists(directory):
            argv += tree.parents(directory) + ["--perms", "0755", "--dir", directory]
    if etc_roots:
        argv += ["--remount-ro", "/etc"]
    argv += ["--remount-ro", "/"]
    argv += [JAIL_PYTHON, "-I", "-S", "-B", "-c", INIT_CODE]
    return argv


def join_prefix(procs_files: list[Path]) -> list[str]:
    """Host command prefix that moves the process into the sample's cgroups, then execs."""
    return [SHELL, "-c", JOIN_SCRIPT, "ic-join", *map(str, procs_files), "--"]


def enter_argv(
    nsenter: str,
    init_pid: int,
    procs_files: list[Path],
    cmd: list[str],
    cwd: str,
    env: Mapping[str, str],
) -> list[str]:
    """Host command line that runs ``cmd`` inside the jail whose PID 1 is ``init_pid``.

    The process joins the cgroups, enters every namespace of the jail (user namespace
    included, so no capability of the host's user namespace applies), drops the bounding and
    inheritable capability sets, sets no-new-privs and starts ``cmd`` with exactly ``env`` in
    ``cwd``. Programs before ``cmd`` are absolute paths on the read-only ``/usr``.
    """
    assignments = [f"{key}={value}" for key, value in env.items()]
    return [
        *join_prefix(procs_files),
        nsenter,
        "-t",
        str(init_pid),
        "-U",
        "-m",
        "-u",
        "-i",
        "-n",
        "-p",
        "-C",
        "-r",
        "-w",
        "--",
        JAIL_SETPRIV,
        "--bounding-set=-all",
        "--inh-caps=-all",
        "--no-new-privs",
        "--",
        JAIL_ENV,
        "-i",
        "-C",
        cwd,
        "--",
        *assignments,
        *cmd,
    ]
