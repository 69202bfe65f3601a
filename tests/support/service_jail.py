"""Run a task environment in a one-shot bubblewrap jail, without Inspect (service-level tests).

:func:`run_episode` seeds a variant's environment, starts the task service with a known key,
takes the bootstrap baseline scan, runs shell commands as the agent would (``bash -c`` in the work
directory with ``HOME`` set), then takes the signed snapshot and the scoring scan, and builds the
:class:`EnvSnapshot` the judge reads, following ``_base/evidence.py``. It is a fast, provider-free
check of services, tools, documents and judges together; the e2e matrix still runs the real
``bwrap`` sandbox through Inspect.
"""

from __future__ import annotations

import base64
import json
import secrets
import shlex
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspect_ic.tasks._base.bootstrap import scan_spec, seed_payload
from inspect_ic.tasks._base.bundle import bundle_contents, service_bundle
from inspect_ic.tasks._base.definition import TaskDefinition
from inspect_ic.tasks._base.evidence import verify_snapshot
from inspect_ic.tasks._base.runtime import receipts as rc
from inspect_ic.tasks._base.snapshot import EnvSnapshot
from inspect_ic.tasks._base.variants import Variant

BWRAP = shutil.which("bwrap")
TEST_MOUNT = "/ic-test"

_DRIVER = r"""
import json, os, subprocess, sys
spec = json.load(open("/ic-test/spec.json"))
PY = ["/usr/bin/python3", "-I", "-S", "-B"]
HARNESS = "/opt/internal-services/lib/harness_client.py"
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
def harness(*args, data=None):
    return subprocess.run(PY + [HARNESS, *args], input=data, env=ENV, cwd="/").returncode
out = {"commands": []}
assert harness("seed", data=spec["seed"].encode()) == 0, "seed failed"
boot = subprocess.run(PY + [spec["service"]], input=(spec["boot"] + "\n").encode(),
                      env=ENV, cwd="/", capture_output=True, timeout=20)
out["service_start"] = boot.stdout.decode()[:200] + boot.stderr.decode()[-2000:]
assert boot.returncode == 0, out["service_start"]
service_pid = int(boot.stdout.decode().split()[1])
assert harness("scan", "/ic-test/out/baseline.json", data=spec["scan"].encode()) == 0
shell_env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
             "HOME": spec["home"], "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
for cmd in spec["commands"]:
    r = subprocess.run(["/bin/bash", "-c", cmd], cwd=spec["work_dir"], env=shell_env,
                       capture_output=True, timeout=60)
    out["commands"].append({"cmd": cmd, "rc": r.returncode, "stdout": r.stdout.decode(),
                            "stderr": r.stderr.decode()})
# Quiesce (scoring.md section 6 step 0): kill everything but the service and this driver.
import signal
keep = {1, os.getpid(), service_pid}
pid = os.getpid()
while pid > 1:
    keep.add(pid)
    with open("/proc/%d/stat" % pid) as fh:
        pid = int(fh.read().rsplit(")", 1)[1].split()[1])
killed = []
for entry in os.listdir("/proc"):
    if entry.isdigit() and int(entry) not in keep:
        try:
            killed.append(open("/proc/%s/comm" % entry).read().strip())
            os.kill(int(entry), signal.SIGKILL)
        except OSError:
            pass
out["killed"] = killed
out["health"] = harness("health", spec["abstract"], "/ic-test/out/health.json")
out["snapshot"] = harness("snapshot", spec["abstract"], spec["nonce"], spec["auth"],
                          "/ic-test/out/snapshot-reply.json")
snap = "/run/%s/snapshot-%s.json" % (spec["service_name"], spec["nonce"])
if os.path.exists(snap):
    with open(snap) as src, open("/ic-test/out/snapshot.json", "w") as dst:
        dst.write(src.read())
assert harness("scan", "/ic-test/out/scan.json", data=spec["scan_final"].encode()) == 0
json.dump(out, open("/ic-test/out/driver.json", "w"))
"""


@dataclass
class Episode:
    """What a jailed run produced: the judge's snapshot and every command's result."""

    snapshot: EnvSnapshot
    commands: list[dict[str, Any]]
    baseline: dict[str, Any]


def _jail_args(defn: TaskDefinition, root: Path, bundle: Path) -> list[str]:
    args = [
        str(BWRAP),
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--tmpfs",
        "/",
        "--ro-bind",
        "/usr",
        "/usr",
        "--ro-bind",
        "/etc",
        "/etc",
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/sbin",
        "/sbin",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
    ]
    for index, writable in enumerate(defn.writable_roots):
        host = root / f"w{index}"
        host.mkdir()
        args += ["--bind", str(host), writable]
    args += ["--ro-bind", str(bundle), "/opt/internal-services"]
    for link, target in defn.symlinks:
        args += ["--symlink", target, link]
    args += ["--bind", str(root / "test"), TEST_MOUNT]
    return args


def step_commands(steps: list[Any], work_dir: str) -> list[str]:
    """Shell commands equivalent to a scripted policy's tool calls (final answers dropped)."""
    commands = []
    for step in steps:
        if step.tool == "shell":
            cwd = step.args.get("cwd") or work_dir
            # A newline, not ``&&``: a trailing ``&`` must background only the command itself.
            commands.append(f"cd {shlex.quote(cwd)} || exit 199\n{step.args['command']}")
        elif step.tool == "read_file":
            commands.append(f"cat -- {shlex.quote(step.args['path'])}")
        elif step.tool == "list_dir":
            commands.append(f"ls -la -- {shlex.quote(step.args.get('path', '.'))}")
        elif step.tool == "write_file":
            path = step.args["path"]
            data = base64.b64encode(step.args["content"].encode()).decode()
            commands.append(
                f'mkdir -p -- "$(dirname {shlex.quote(path)})" && '
                f"echo {data} | base64 -d > {shlex.quote(path)}"
            )
    return commands


def run_episode(
    defn: TaskDefinition,
    variant: Variant,
    commands: list[str],
    read_paths: list[str] | None = None,
) -> Episode:
    """Run ``commands`` against ``variant``'s environment and return the verified evidence.

    Raises:
        RuntimeError: the jail or the harness failed (never a model outcome).
    """
    if BWRAP is None:
        raise RuntimeError("bwrap is not installed")
    env = defn.build_environment(variant)
    service_dir = defn.task_dir / "assets" / "service"
    manifest = env.manifest(bundle_contents(service_dir))
    key = secrets.token_bytes(32)
    sample_uuid = str(uuid.uuid4())
    abstract = f"svc-{secrets.token_hex(8)}"
    nonce = secrets.token_hex(16)
    boot = {
        "key": key.hex(),
        "abstract": abstract,
        "sample_uuid": sample_uuid,
        "state": env.state,
        "config": env.config,
        "controls": env.controls,
        "artifact_seeds": {
            slot: (manifest[slot]["sha256"] if slot in env.files else None)
            for slot in env.artifact_slots
        },
    }
    svc = defn.service
    reads = sorted(set(env.artifact_slots) | {svc.state_path, svc.receipts_path})
    reads += list(read_paths or defn.extra.get("scorer_read_paths", []))
    spec = {
        "seed": seed_payload(env),
        "boot": json.dumps(boot),
        "service": f"/opt/internal-services/{svc.script}",
        "service_name": svc.name,
        "scan": json.dumps(scan_spec(defn, env, manifest, [])),
        "scan_final": json.dumps(scan_spec(defn, env, manifest, reads)),
        "commands": commands,
        "home": defn.home,
        "work_dir": defn.work_dir,
        "abstract": abstract,
        "nonce": nonce,
        "auth": rc.snapshot_request_auth(key, nonce),
    }
    with tempfile.TemporaryDirectory(prefix="ic-jail-") as tmp:
        root = Path(tmp)
        (root / "test" / "out").mkdir(parents=True)
        (root / "test" / "spec.json").write_text(json.dumps(spec))
        (root / "test" / "driver.py").write_text(_DRIVER)
        args = _jail_args(defn, root, service_bundle(service_dir))
        proc = subprocess.run(
            [*args, "/usr/bin/python3", "-I", "-S", "-B", f"{TEST_MOUNT}/driver.py"],
            capture_output=True,
            timeout=300,
        )
        out = root / "test" / "out"
        if proc.returncode != 0 or not (out / "driver.json").exists():
            raise RuntimeError(f"jail run failed: {proc.stderr.decode()[-3000:]}")
        driver = json.loads((out / "driver.json").read_text())
        baseline = json.loads((out / "baseline.json").read_text())
        scan = json.loads((out / "scan.json").read_text())
        signed = None
        if (out / "snapshot.json").exists():
            signed = json.loads((out / "snapshot.json").read_text())
    content = verify_snapshot(signed, key, nonce, sample_uuid)
    status, issue = "ok", ""
    alive = driver["health"] == 0
    if not alive:
        status, issue = "invalid", "service_unavailable_at_scoring"
    elif content is None:
        status, issue = "invalid", "snapshot_signature_invalid"
    receipts: list[dict[str, Any]] = []
    receipts_edit = False
    state: dict[str, Any] = {}
    if content is None:
        # Fallbacks of evidence.py: verified on-disk receipts and the on-disk state mirror.
        disk = scan["paths"].get(svc.receipts_path, {})
        raw = base64.b64decode(disk["content_b64"]) if "content_b64" in disk else b""
        chain = rc.verify_receipt_lines(raw, key, sample_uuid)
        receipts = chain.receipts if chain.ok else []
        disk_state = scan["paths"].get(svc.state_path, {})
        if "content_b64" in disk_state:
            try:
                state = json.loads(base64.b64decode(disk_state["content_b64"]))
            except ValueError:
                state = {}
    if content is not None:
        receipts = content["receipts"]
        lines = b"\n".join(rc.encode_receipt_line(r) for r in receipts)
        disk = scan["paths"].get(svc.receipts_path, {})
        raw = base64.b64decode(disk["content_b64"]) if "content_b64" in disk else None
        receipts_edit = raw is None or raw.strip() != lines.strip()
        state = content["state"]
    snap = EnvSnapshot(
        task_id=defn.task_id,
        variant=variant,
        manifest=manifest,
        label_status=status,
        label_issue=issue,
        service_alive=alive,
        snapshot_valid=content is not None,
        state=state,
        receipts=receipts,
        journal=(content or {}).get("journal", []),
        control_observations=(content or {}).get("control_observations", {}),
        controls_now=(content or {}).get("controls_now", {}),
        mirror_check=(content or {}).get("mirror_check", {}),
        end_of_window=(content or {}).get("end_of_window", {}),
        files=scan.get("paths", {}),
        roots=scan.get("roots", {}),
        baseline_roots=baseline.get("roots", {}),
        receipts_edit=receipts_edit,
        env_health_post="ok" if status == "ok" else issue,
        agent_processes_killed=len(driver["killed"]),
        killed_process_names=tuple(driver["killed"]),
        state_path=svc.state_path,
    )
    return Episode(snapshot=snap, commands=driver["commands"], baseline=baseline)
