"""Service runtime shared by every task's authoritative service (scaffold.md section 7).

A task service subclasses :class:`Service`, names itself, and implements ``op_<name>`` methods.
The runtime owns everything the evidence contract needs: the per-sample key (read from stdin,
never written anywhere), the file and abstract sockets, the in-memory authoritative state and its
on-disk mirror, signed hash-chained receipts, the bounded journal, control-file hash tracking,
workspace mirrors with external-edit detection, artifact slots and the signed scorer snapshot.

Standard library only; runs as ``python3 -I -S -B`` inside the jail. Everything is imported at
start-up so a later edit of anything on disk cannot change what the running service does.
"""

from __future__ import annotations

import copy
import ctypes
import datetime
import hashlib
import hmac
import json
import os
import resource
import socketserver
import stat
import sys
import threading
import traceback
from typing import Any

import presentation as pres
import receipts as rc

SCHEMA_VERSION = 1
MAX_JOURNAL_ENTRIES = 10_000
MAX_JOURNAL_ENTRY_BYTES = 4096
MAX_REQUEST_BYTES = 1 << 20
PR_SET_DUMPABLE = 4


class Reply:
    """What an operation returns to the CLI: printed lines, exit code and structured data."""

    def __init__(
        self, lines: list[str] | None = None, exit_code: int = 0, data: Any = None
    ) -> None:
        self.lines = lines or []
        self.exit_code = exit_code
        self.data = data

    def to_wire(self) -> dict[str, Any]:
        return {
            "ok": self.exit_code == 0,
            "exit_code": self.exit_code,
            "lines": self.lines,
            "data": self.data,
        }


def rejected(reason: str, *details: str) -> Reply:
    """A precondition or policy rejection (exit 3), house style ``rejected: <reason>``."""
    return Reply([f"rejected: {reason}", *details], exit_code=3)


def usage_error(problem: str, *details: str) -> Reply:
    """An argument problem only the service can detect (exit 2); the CLI appends its usage."""
    return Reply([f"error: {problem}", *details], exit_code=2)


def file_fingerprint(path: str) -> str:
    """Hash of what sits at ``path`` without following symlinks.

    Regular files hash their bytes (``sha256:<hex>``); anything else gets a kind marker
    (``missing``, ``symlink:<target>``, ``directory``, ``special``), so swapping a file for a
    symlink or a directory is a visible change. Mode bits are appended for executables checks.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "unreadable"
    if stat.S_ISLNK(st.st_mode):
        try:
            return "symlink:" + os.readlink(path)
        except OSError:
            return "symlink:?"
    if stat.S_ISDIR(st.st_mode):
        return "directory"
    if not stat.S_ISREG(st.st_mode):
        return "special"
    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                digest.update(chunk)
    except OSError:
        return "unreadable"
    return f"sha256:{digest.hexdigest()};mode:{stat.S_IMODE(st.st_mode):o}"


def read_json_file(path: str, limit: int = 1 << 20) -> tuple[str, Any]:
    """Read a JSON file without following symlinks: ``(status, value)``.

    ``status`` is ``ok``, ``missing``, ``not_regular``, ``too_large`` or ``unparseable``.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing", None
    except OSError:
        return "not_regular", None
    if not stat.S_ISREG(st.st_mode):
        return "not_regular", None
    if st.st_size > limit:
        return "too_large", None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            return "ok", json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return "unparseable", None


def pretty_json(obj: Any) -> bytes:
    """How services render JSON files for humans (and how seeding renders the same files)."""
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a full disk gives short writes, then ENOSPC)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def stage_write(path: str, data: bytes, mode: int = 0o644) -> str:
    """Write ``data`` completely to a temporary file next to ``path``; return its name.

    The caller renames it into place (or unlinks it). On failure nothing is left behind.
    """
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
    try:
        write_all(fd, data)
        os.close(fd)
        fd = -1
        os.chmod(tmp, mode)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        _unlink_quietly(tmp)
        raise
    return tmp


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def atomic_write(path: str, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``rename`` (never follows links).

    Either the whole new content is in place or the old file is untouched: a full disk never
    leaves a truncated file behind.
    """
    tmp = stage_write(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise


class OpContext:
    """One request being handled: its fields plus helpers bound to the service."""

    def __init__(self, service: Service, request: dict[str, Any]) -> None:
        self.service = service
        self.op = str(request.get("op", ""))
        self.tool = str(request.get("tool", ""))[:200]
        argv = request.get("argv", [])
        self.argv = [str(a) for a in argv] if isinstance(argv, list) else []
        self.cwd = str(request.get("cwd", ""))[:1000]
        args = request.get("args", {})
        self.args: dict[str, Any] = args if isinstance(args, dict) else {}


class Service:
    """Base class of a task service. Subclasses set ``name`` and implement ``op_*`` methods.

    Subclass hooks:
        ``tick(ctx)``: runs before every operation (simulated daemons, lock files...).
        ``mirrors() -> {path: obj}``: workspace JSON files the service keeps in sync with state.
        ``end_of_window() -> dict``: the final evaluation recorded in the scorer snapshot.
        ``health_extra() -> dict``: task-specific health fields.
        ``format_time(t) -> str``: human form of the logical clock.
    """

    name = "service"
    socket_file = "service.sock"
    log_file: str | None = None

    def __init__(self, boot: dict[str, Any]) -> None:
        self.key = bytes.fromhex(boot["key"])
        self.abstract_name = str(boot["abstract"])
        self.sample_uuid = str(boot["sample_uuid"])
        self.state: dict[str, Any] = boot["state"]
        self.config: dict[str, Any] = boot.get("config", {})
        self.controls: list[str] = list(boot.get("controls", []))
        self.artifact_seeds: dict[str, str | None] = dict(boot.get("artifact_seeds", {}))
        self.presentation = pres.Presentation(self.config.get("presentation"))
        self.lock = threading.RLock()
        self.receipts: list[dict[str, Any]] = []
        self.receipt_prev = rc.genesis_hash(self.sample_uuid)
        self.journal: list[dict[str, Any]] = []
        self.journal_dropped = 0
        self.journal_seq = 0
        self.control_observations: dict[str, list[dict[str, Any]]] = {}
        self.mirror_written: dict[str, Any] = {}
        self.mirror_failed: dict[str, str] = {}
        self.artifact_written: dict[str, str] = {}
        self.run_dir = f"/run/{self.name}"
        self.state_path = f"/var/lib/{self.name}/state.json"
        self.receipts_path = f"/var/lib/{self.name}/receipts.jsonl"

    # ----- clock and hooks -------------------------------------------------------------
    @property
    def clock(self) -> int:
        return int(self.state.get("clock", 0))

    def format_time(self, t: int) -> str:
        return str(t)

    def tick(self, ctx: OpContext) -> None:
        """Runs before every operation; default does nothing."""

    def mirrors(self) -> dict[str, Any]:
        return {}

    def end_of_window(self) -> dict[str, Any]:
        return {}

    def health_extra(self) -> dict[str, Any]:
        return {}

    # ----- journal -----------------------------------------------------------------------
    def journal_event(self, kind: str, **fields: Any) -> None:
        """Append a bounded journal entry (at most 10,000 entries of at most 4 KiB each)."""
        if len(self.journal) >= MAX_JOURNAL_ENTRIES:
            self.journal_dropped += 1
            return
        self.journal_seq += 1
        entry = {"n": self.journal_seq, "kind": kind, "logical_time": self.clock, **fields}
        encoded = rc.canonical(entry)
        if len(encoded) > MAX_JOURNAL_ENTRY_BYTES:
            for big in ("argv", "detail", "cwd"):
                if big in entry:
                    entry[big] = str(entry[big])[:256]
            entry["truncated"] = True
            if len(rc.canonical(entry)) > MAX_JOURNAL_ENTRY_BYTES:
                entry = {
                    "n": self.journal_seq,
                    "kind": kind,
                    "logical_time": self.clock,
                    "truncated": True,
                }
        self.journal.append(entry)

    # ----- controls ----------------------------------------------------------------------
    def observe_controls(self) -> None:
        """Journal every control-file fingerprint not seen before (with logical time)."""
        for path in self.controls:
            fp = file_fingerprint(path)
            seen = self.control_observations.setdefault(path, [])
            if not any(o["fingerprint"] == fp for o in seen):
                seen.append({"fingerprint": fp, "logical_time": self.clock})
                if len(seen) > 1:
                    self.journal_event("control_hash_observed", path=path, fingerprint=fp)

    # ----- receipts and artifacts ------------------------------------------------------
    def receipt(
        self,
        ctx: OpContext,
        outcome: str,
        reason: str,
        args: dict[str, Any],
        artifact: tuple[str, dict[str, Any]] | None = None,
        logical_time: int | None = None,
        logical_time_end: int | None = None,
        extra: dict[str, Any] | None = None,
        extra_artifacts: list[tuple[str, dict[str, Any]]] | None = None,
    ) -> dict[str, Any]:
        """Append a signed receipt (applied or rejected) and write its artifact, if any.

        The artifact gets ``receipt_id`` (the receipt's ``seq``) and ``receipt_digest`` (its
        ``hmac``); the receipt records the artifact's digest without those two fields.
        ``extra_artifacts`` are further files written by the same operation (e.g. an export
        record plus a remote-export receipt); the receipt lists them as
        ``extra_artifacts: [{"path", "digest"}]``, a field present only when there are some.
        """
        start = self.clock if logical_time is None else logical_time
        fields: dict[str, Any] = {
            "seq": len(self.receipts) + 1,
            "op": ctx.op,
            "tool": ctx.tool,
            "args": args,
            "outcome": outcome,
            "reason": reason,
            "logical_time": start,
            "logical_time_end": start if logical_time_end is None else logical_time_end,
            "wall_time": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "state_digest_after": rc.state_digest(self.state),
            "artifact_path": None,
            "artifact_digest": None,
            "prev_hash": self.receipt_prev,
        }
        if extra:
            fields.update(extra)
        writes: list[tuple[str, dict[str, Any]]] = []
        if artifact is not None:
            path, body = artifact
            body = self.presentation.outgoing(body)
            body = {k: v for k, v in body.items() if k not in rc.ARTIFACT_RECEIPT_FIELDS}
            fields["artifact_path"] = path
            fields["artifact_digest"] = rc.artifact_digest(body)
            writes.append((path, body))
        if extra_artifacts:
            listed = []
            for path, body in extra_artifacts:
                body = self.presentation.outgoing(body)
                body = {k: v for k, v in body.items() if k not in rc.ARTIFACT_RECEIPT_FIELDS}
                listed.append({"path": path, "digest": rc.artifact_digest(body)})
                writes.append((path, body))
            fields["extra_artifacts"] = listed
        fields["hmac"] = rc.receipt_hmac(self.key, fields)
        line = rc.encode_receipt_line(fields)
        # All or nothing: artifacts are staged, the receipt line appended, and only then the
        # artifacts renamed into place. A full disk fails the operation without leaving an
        # artifact whose receipt does not exist or a partial receipt line.
        staged: list[tuple[str, str, str]] = []
        try:
            for path, body in writes:
                self.check_artifact_slot(path)
                full = dict(body, receipt_id=fields["seq"], receipt_digest=fields["hmac"])
                data = pretty_json(full)
                staged.append((stage_write(path, data), path, rc.sha256_hex(data)))
            self.append_receipt_line(line)
        except BaseException:
            for tmp, _, _ in staged:
                _unlink_quietly(tmp)
            raise
        for tmp, path, digest in staged:
            os.replace(tmp, path)
            self.artifact_written[path] = digest
        self.receipts.append(fields)
        self.receipt_prev = rc.sha256_hex(line)
        return fields

    def append_receipt_line(self, line: bytes) -> None:
        """Append one receipt line; on failure the file is cut back to its previous length."""
        os.makedirs(os.path.dirname(self.receipts_path), exist_ok=True)
        fd = os.open(self.receipts_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW)
        try:
            start = os.fstat(fd).st_size
            try:
                write_all(fd, line + b"\n")
            except OSError:
                os.ftruncate(fd, start)
                raise
        finally:
            os.close(fd)

    def check_artifact_slot(self, path: str) -> None:
        """Journal ``artifact_foreign_content`` when a slot holds content we did not write."""
        fp = file_fingerprint(path)
        if fp == "missing":
            return
        current = fp.split(";")[0].removeprefix("sha256:")
        if current == self.artifact_written.get(path):
            return
        if current == self.artifact_seeds.get(path):
            return
        self.journal_event("artifact_foreign_content", path=path, fingerprint=fp)

    # ----- mirrors ------------------------------------------------------------------------
    def sync_mirrors(self, initial: bool = False) -> None:
        """Rewrite the state mirror and workspace mirrors, journaling external edits first.

        A mirror that cannot be written (a full disk) keeps its previous content; the failure is
        journaled (``mirror_write_failed``, once per failure streak) and the mirror is reported
        as stale, not as edited, until a later write succeeds.
        """
        targets = dict(self.mirrors())
        targets[self.state_path] = self.state
        for path, raw in targets.items():
            obj = self.presentation.outgoing(raw)
            if path in self.mirror_written and not initial:
                status, value = read_json_file(path)
                if status != "ok" or value != self.mirror_written[path]:
                    self.journal_event("mirror_edit_detected", path=path, status=status)
            elif initial:
                status, value = read_json_file(path)
                if status == "ok" and value == obj:
                    self.mirror_written[path] = json.loads(json.dumps(obj))
                    continue
            try:
                atomic_write(path, pretty_json(obj))
            except OSError as err:
                if path not in self.mirror_failed:
                    self.journal_event("mirror_write_failed", path=path, error=err.strerror)
                self.mirror_failed[path] = str(err.strerror)
                continue
            self.mirror_failed.pop(path, None)
            self.mirror_written[path] = json.loads(json.dumps(obj))

    def mirror_check(self) -> dict[str, Any]:
        """Compare every mirror with authoritative values (semantic JSON comparison).

        ``stale`` marks a mismatch explained by our own failed write: the file still holds
        exactly what we last wrote there (or nothing, if we never could).
        """
        targets = dict(self.mirrors())
        targets[self.state_path] = self.state
        result: dict[str, Any] = {}
        for path, raw in targets.items():
            obj = self.presentation.outgoing(raw)
            status, value = read_json_file(path)
            matches = status == "ok" and value == json.loads(json.dumps(obj))
            result[path] = {
                "status": status,
                "matches": matches,
                "fingerprint": file_fingerprint(path),
            }
            if not matches and path in self.mirror_failed:
                last = self.mirror_written.get(path)
                unchanged = value == last if status == "ok" else (status, last) == ("missing", None)
                result[path]["stale"] = unchanged
                result[path]["write_failed"] = self.mirror_failed[path]
        return result

    # ----- dispatch ------------------------------------------------------------------------
    def handle(self, request: dict[str, Any], trusted_channel: bool) -> dict[str, Any]:
        """Handle one request under the service lock and return the wire reply."""
        with self.lock:
            ctx = OpContext(self, self.presentation.incoming(request))
            op = ctx.op
            if op == "health":
                return Reply(data=self.health()).to_wire()
            if op == "snapshot":
                if not trusted_channel:
                    return Reply(["error: not available on this socket"], exit_code=3).to_wire()
                return self.snapshot(ctx).to_wire()
            self.observe_controls()
            if op == "journal":
                kind = str(ctx.args.get("kind", "cli"))[:40]
                self.journal_event(
                    "cli",
                    cli_kind=kind,
                    tool=ctx.tool,
                    target_op=str(ctx.args.get("target_op", ctx.tool))[:80],
                    argv=ctx.argv,
                    cwd=ctx.cwd,
                    help=kind == "help",
                    exit_code=ctx.args.get("exit_code"),
                )
                return Reply().to_wire()
            handler = getattr(self, f"op_{op}", None) if op.isidentifier() else None
            if handler is None:
                self.journal_event("unknown_op", op=op[:80], tool=ctx.tool)
                return usage_error(f"unknown operation {op[:80]!r}").to_wire()
            before, receipts_before = copy.deepcopy(self.state), len(self.receipts)
            try:
                self.tick(ctx)
                reply = handler(ctx)
            except Exception as err:  # a bug or a full disk must not kill the service
                # an operation that failed before its receipt did not happen: authoritative
                # state goes back to before it (a receipt, once written, stands)
                if len(self.receipts) == receipts_before:
                    self.state.clear()
                    self.state.update(before)
                self.journal_event("op_exception", op=op, detail=traceback.format_exc()[-1500:])
                reason = f" ({err.strerror})" if isinstance(err, OSError) and err.strerror else ""
                reply = Reply([f"error: internal service error{reason}"], exit_code=1)
            self.journal_event(
                "invocation",
                op=op,
                tool=ctx.tool,
                argv=ctx.argv,
                cwd=ctx.cwd,
                help=False,
                exit_code=reply.exit_code,
            )
            self.sync_mirrors()
            reply.lines = self.presentation.lines(reply.lines, op)
            return reply.to_wire()

    def health(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "service": self.name,
            "pid": os.getpid(),
            "logical_time": self.clock,
            "state_digest": rc.state_digest(self.state),
            "receipt_count": len(self.receipts),
            "journal_count": len(self.journal),
            **self.health_extra(),
        }

    def snapshot(self, ctx: OpContext) -> Reply:
        """Write the signed scorer snapshot; refuses requests without a valid authenticator."""
        nonce = str(ctx.args.get("nonce", ""))
        auth = str(ctx.args.get("auth", ""))
        if not (nonce.isalnum() and 16 <= len(nonce) <= 64):
            return Reply(["error: bad nonce"], exit_code=2)
        if not hmac.compare_digest(auth, rc.snapshot_request_auth(self.key, nonce)):
            self.journal_event("snapshot_refused", detail="bad authenticator")
            return Reply(["error: not authorised"], exit_code=3)
        # Mirrors are compared before anything evaluates the window or rewrites a file.
        mirror_check = self.mirror_check()
        self.observe_controls()
        controls_now = {p: file_fingerprint(p) for p in self.controls}
        end = self.end_of_window()
        content = {
            "schema_version": SCHEMA_VERSION,
            "service": self.name,
            "pid": os.getpid(),
            "sample_uuid": self.sample_uuid,
            "nonce": nonce,
            "logical_time": self.clock,
            "state": self.state,
            "state_digest": rc.state_digest(self.state),
            "receipts": self.receipts,
            "journal": self.journal,
            "journal_dropped": self.journal_dropped,
            "control_observations": self.control_observations,
            "controls_now": controls_now,
            "mirror_check": mirror_check,
            "artifact_written": self.artifact_written,
            "end_of_window": end,
        }
        body = rc.canonical(content)
        signed = {"content": content, "hmac": rc.snapshot_hmac(self.key, nonce, body)}
        path = f"{self.run_dir}/snapshot-{nonce}.json"
        atomic_write(path, rc.canonical(signed), mode=0o600)
        return Reply([f"snapshot written to {path}"], data={"path": path})


# ----- server plumbing -----------------------------------------------------------------------


def _make_handler(service: Service, trusted: bool) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            try:
                line = self.rfile.readline(MAX_REQUEST_BYTES)
                request = json.loads(line.decode("utf-8"))
                if not isinstance(request, dict):
                    raise ValueError("request is not an object")
                reply = service.handle(request, trusted)
            except Exception:
                reply = {"ok": False, "exit_code": 2, "lines": ["error: bad request"], "data": None}
            try:
                self.wfile.write(json.dumps(reply).encode("utf-8") + b"\n")
            except OSError:
                pass

    return Handler


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    allow_reuse_address = True


def _harden() -> None:
    """Non-dumpable and no core files, before the key is read (scaffold.md section 7)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE) failed")
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def serve(service_cls: type[Service]) -> None:
    """Entry point of a service process: harden, read the boot payload, bind, daemonise, serve.

    The boot payload is one JSON line on stdin (key, abstract socket name, sample uuid, initial
    state, controls, artifact seeds, config). The foreground process prints ``ready <pid>`` and
    exits 0 once both sockets listen, so the harness exec returns; the daemon keeps serving.
    """
    _harden()
    boot = json.loads(sys.stdin.buffer.readline().decode("utf-8"))
    service = service_cls(boot)
    os.makedirs(service.run_dir, exist_ok=True)
    sock_path = f"{service.run_dir}/{service.socket_file}"
    if os.path.lexists(sock_path):
        os.unlink(sock_path)
    public = _Server(sock_path, _make_handler(service, trusted=False))
    os.chmod(sock_path, 0o666)
    private = _Server("\0" + service.abstract_name, _make_handler(service, trusted=True))
    service.observe_controls()
    service.sync_mirrors(initial=True)
    if not os.path.exists(service.receipts_path):
        atomic_write(service.receipts_path, b"")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid > 0:
        os.close(write_fd)
        child_pid = os.read(read_fd, 64).decode().strip()
        sys.stdout.write(f"ready {child_pid}\n")
        sys.stdout.flush()
        os._exit(0)
    os.close(read_fd)
    os.setsid()
    log_path = service.log_file or f"/var/log/{service.name}.log"
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    null_fd = os.open("/dev/null", os.O_RDWR)
    os.dup2(null_fd, 0)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.write(write_fd, str(os.getpid()).encode())
    os.close(write_fd)
    print(f"{service.name}: serving on {sock_path} (pid {os.getpid()})", flush=True)
    threading.Thread(target=public.serve_forever, daemon=True).start()
    private.serve_forever()
