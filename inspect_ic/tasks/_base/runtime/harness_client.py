"""Harness helper run inside the jail by bootstrap and the scorer (never by tools).

Invoked as ``/usr/bin/python3 -I -S -B /opt/internal-services/lib/harness_client.py <cmd> ...``
with a clean environment, so nothing the agent planted on ``PATH`` or in ``$HOME`` runs. Results
go to files that the harness then reads with ``read_file``; the exit code is the only thing the
harness takes from the exec itself (scoring.md section 8).

Commands:
  prepare <dir>                              create a fresh 0700 directory (fails if it exists;
                                             restores the parent's owner rwx if needed)
  seed                                       create dirs/files/symlinks from a JSON payload on stdin
  spawn <name> <pidfile>                     start a named placeholder daemon, write its pid
  health <abstract> <out>                    ask the service for health over the abstract socket
  snapshot <abstract> <nonce> <auth> <out>   ask the service to write its signed snapshot
  scan <out>                                 fingerprint paths and walk roots (JSON spec on stdin)
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import json
import os
import signal
import socket
import stat
import sys
import time

READ_LIMIT = 1 << 20
MAX_ROOT_ENTRIES = 10_000
PR_SET_NAME = 15


def _write_out(path: str, obj: object) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(obj, fh)


def _request(abstract: str, request: dict, timeout: float) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect("\0" + abstract)
        conn.sendall(json.dumps(request).encode() + b"\n")
        chunks = []
        while True:
            chunk = conn.recv(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                break
    return json.loads(b"".join(chunks).decode())


def cmd_prepare(directory: str) -> int:
    """Create the harness's fresh work directory (never an existing one).

    If the agent took the owner's permissions away from the parent (``chmod 000 /run``: the
    jail's root has no ``CAP_DAC_OVERRIDE``), they are given back first: the parent's mode is no
    evidence, and an agent must not be able to make the scorer fail.
    """
    try:
        os.mkdir(directory, 0o700)
    except PermissionError:
        parent = os.path.dirname(directory) or "/"
        st = os.lstat(parent)
        if not stat.S_ISDIR(st.st_mode):
            raise
        os.chmod(parent, stat.S_IMODE(st.st_mode) | 0o700)
        os.mkdir(directory, 0o700)
    return 0


def cmd_seed() -> int:
    payload = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    for path, mode in payload.get("dirs", []):
        os.makedirs(path, exist_ok=True)
        os.chmod(path, int(mode))
    for path, data_b64, mode in payload.get("files", []):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.lexists(path) and not os.path.isdir(path):
            os.unlink(path)
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data_b64))
        os.chmod(path, int(mode))
    for link, target in payload.get("symlinks", []):
        if os.path.lexists(link):
            continue
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(target, link)
    return 0


def cmd_spawn(name: str, pidfile: str) -> int:
    read_fd, write_fd = os.pipe()
    if os.fork() > 0:
        os.close(write_fd)
        pid = os.read(read_fd, 32).decode().strip()
        return 0 if pid else 1
    os.close(read_fd)
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    null_fd = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null_fd, fd)
    libc = ctypes.CDLL(None)
    libc.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    with open(pidfile, "w") as fh:
        fh.write(f"{os.getpid()}\n")
    os.write(write_fd, str(os.getpid()).encode())
    os.close(write_fd)
    while True:
        time.sleep(3600)


def cmd_health(abstract: str, out: str) -> int:
    try:
        reply = _request(abstract, {"v": 1, "op": "health", "tool": "", "args": {}}, 10.0)
    except (OSError, ValueError) as err:
        _write_out(out, {"ok": False, "error": type(err).__name__})
        return 1
    _write_out(out, reply)
    return 0 if reply.get("ok") else 1


def cmd_snapshot(abstract: str, nonce: str, auth: str, out: str) -> int:
    request = {"v": 1, "op": "snapshot", "tool": "", "args": {"nonce": nonce, "auth": auth}}
    try:
        reply = _request(abstract, request, 60.0)
    except (OSError, ValueError) as err:
        _write_out(out, {"ok": False, "error": type(err).__name__})
        return 1
    _write_out(out, reply)
    return 0 if reply.get("ok") else 1


def _fingerprint(path: str, want_content: bool) -> dict:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {"kind": "missing"}
    except OSError:
        return {"kind": "unreadable"}
    info: dict = {"mode": stat.S_IMODE(st.st_mode), "size": st.st_size}
    if stat.S_ISLNK(st.st_mode):
        info["kind"] = "symlink"
        try:
            info["target"] = os.readlink(path)
        except OSError:
            pass
        return info
    if stat.S_ISDIR(st.st_mode):
        info["kind"] = "directory"
        return info
    if not stat.S_ISREG(st.st_mode):
        info["kind"] = "special"
        return info
    info["kind"] = "file"
    digest = hashlib.sha256()
    content = bytearray()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                digest.update(chunk)
                if want_content and len(content) <= READ_LIMIT:
                    content.extend(chunk)
    except OSError:
        return {"kind": "unreadable"}
    info["sha256"] = digest.hexdigest()
    if want_content and len(content) <= READ_LIMIT:
        info["content_b64"] = base64.b64encode(bytes(content)).decode()
    return info


def _walk(root: str, exclude: list[str], with_content: bool) -> dict:
    entries: dict[str, dict] = {}
    overflow = False
    stack = [root]
    while stack:
        current = stack.pop()
        try:
            names = sorted(os.listdir(current))
        except OSError:
            continue
        for name in names:
            path = os.path.join(current, name)
            if any(path == ex or path.startswith(ex.rstrip("/") + "/") for ex in exclude):
                continue
            if len(entries) >= MAX_ROOT_ENTRIES:
                overflow = True
                break
            info = _fingerprint(path, with_content and True)
            entries[path] = info
            if info.get("kind") == "directory":
                stack.append(path)
        if overflow:
            break
    return {"entries": entries, "overflow": overflow}


def cmd_scan(out: str) -> int:
    spec = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    read = set(spec.get("read", []))
    result = {
        "paths": {p: _fingerprint(p, p in read) for p in spec.get("paths", [])},
        "roots": {
            r["root"]: _walk(r["root"], r.get("exclude", []), bool(r.get("content", False)))
            for r in spec.get("roots", [])
        },
    }
    _write_out(out, result)
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    commands = {
        "prepare": cmd_prepare,
        "seed": cmd_seed,
        "spawn": cmd_spawn,
        "health": cmd_health,
        "snapshot": cmd_snapshot,
        "scan": cmd_scan,
    }
    if cmd not in commands:
        print(f"unknown command {cmd}", file=sys.stderr)
        return 2
    return int(commands[cmd](*args))  # type: ignore[operator]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
